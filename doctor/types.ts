// What the doctor finds: one result per check per region, and the answers the checks read.
import type { Image, InstanceTypeInfo, RouteTable, Snapshot, Subnet, Vpc, VpcEndpoint } from "@aws-sdk/client-ec2";
import type { BatchGetAccountStatusResponse, GetConfigurationResponse, GetEc2DeepInspectionConfigurationResponse } from "@aws-sdk/client-inspector2";
import type { Subscription } from "@aws-sdk/client-sns";
import type { StackConfig } from "../components/stackConfig";

export type Mark = "pass" | "warning" | "blocker";

export interface CheckResult {
    check: string;
    region: string;
    mark: Mark;
    /** What the doctor saw. */
    found: string;
    /** What to do, in one sentence ("" when nothing is needed). */
    fix: string;
}

/** One AWS answer: the value, or the error the call ended with (after its throttling retries). */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string; name?: string };

export interface Identity {
    account: string;
    arn: string;
    partition: string;
}

export interface NetworkAnswers {
    /** The configured subnet's id, or undefined when the default VPC's subnets are used. */
    configuredSubnet?: string;
    /** The default VPC (when no subnet is configured); undefined when the region has none. */
    defaultVpc?: Vpc;
    subnets: Subnet[];
    routeTables: RouteTable[];
    endpoints: VpcEndpoint[];
}

export interface KmsKeyAnswer {
    keyArn: string;
    /** "AWS" for an AWS managed key (aws/ebs), "CUSTOMER" otherwise (kms DescribeKey KeyManager). */
    keyManager?: string;
    error?: string;
}

export interface TopicAnswer {
    /** The stack's results topic, or undefined when it is not deployed (yet). */
    topicArn?: string;
    subscriptions: Subscription[];
}

/** Everything read in one region. Absent fields were not needed for this engine and scan mode. */
export interface RegionAnswers {
    region: string;
    /** The reach probe: the region's STS endpoint. When it fails nothing else is asked. */
    identity: Answer<Identity>;
    accountStatus?: Answer<BatchGetAccountStatusResponse>;
    configuration?: Answer<GetConfigurationResponse>;
    deepInspection?: Answer<GetEc2DeepInspectionConfigurationResponse>;
    classic?: Answer<number>;
    images?: Answer<Image[]>;
    snapshots?: Answer<Snapshot[]>;
    kmsKeys?: KmsKeyAnswer[];
    network?: Answer<NetworkAnswers>;
    instanceTypes?: Answer<InstanceTypeInfo[]>;
    vcpuQuota?: Answer<number | undefined>;
    topic?: Answer<TopicAnswer>;
}

/** The stack config's fields the checks judge against (what readStackConfig returns has them all). */
export type DoctorSettings = Pick<
    StackConfig,
    "engine" | "scanMode" | "enableInspector" | "regions" | "amiTags" | "amiOwners" | "rulesPackages" | "instanceTypes" | "subnets" | "maxConcurrentInstances" | "kmsKeyArns"
>;

export interface DoctorReport {
    stack?: string;
    account?: string;
    partition?: string;
    results: CheckResult[];
    blockers: number;
    warnings: number;
    /** What the config reading could not do (secrets cannot be decrypted offline). */
    configNotes?: string[];
}

/** The doctor itself could not run (no credentials, a bad config): exit 2, not a blocker. */
export class DoctorCannotRun extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DoctorCannotRun";
    }
}

export const result = (check: string, region: string, mark: Mark, found: string, fix = ""): CheckResult => ({ check, region, mark, found, fix });

/** The result for a check whose call failed: fail closed, the doctor cannot vouch for it. */
export function unanswered(check: string, region: string, call: string, answer: { error: string }): CheckResult {
    return result(check, region, "blocker", `${call} failed: ${answer.error}`, `Attach the doctor's read-only policy (docs/doctor.md) to these credentials, or fix what the error names, and run the doctor again.`);
}
