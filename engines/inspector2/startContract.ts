// What the v2 start handler is given and returns: its settings keys, dependencies and result.
// Apart from start.ts so that its helpers (startRun, startReport) import the contract, not the handler.
import type { EC2Client, Image } from "@aws-sdk/client-ec2";
import type { Inspector2Client } from "@aws-sdk/client-inspector2";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { ReapResult } from "../../pipeline/cleanup/reap";
import type { AmiRecord } from "../../pipeline/run/manifest";
import type { RunOutcome } from "../../pipeline/report/report";
import type { HubTarget } from "../../pipeline/hub/sendSummary";
import type { AmiScanResult } from "./agentless";
import type { Inspector2Settings, ScanModeSetting } from "./settings";

const COMMON_START_KEYS = [
    "engine", "pipelineName", "amiTags", "amiOwners", "durationSeconds", "severityThreshold", "resultsTopicArn",
    "reportBucket", "reportPrefix", "rulesPackages", "scanMode", "amiScanMaxAgeDays",
    "accountId", "acceptedRisks", "failWhen", "securityHub",
] as const;
const LAUNCH_KEYS = [
    "instanceTypes", "subnetIds", "securityGroupId", "instanceProfileArn", "agentWaitSeconds", "reapGraceSeconds", "maxConcurrentInstances", "kmsKeyArns",
] as const;

/** An agentless-only start launches nothing, so it is given nothing to launch with. */
export function startSettingsKeys(scanMode: ScanModeSetting): (keyof Inspector2Settings)[] {
    return scanMode === "agentless" ? [...COMMON_START_KEYS] : [...COMMON_START_KEYS, ...LAUNCH_KEYS];
}

export type V2StartSettings = Pick<Inspector2Settings, (typeof COMMON_START_KEYS)[number]> & Partial<Pick<Inspector2Settings, (typeof LAUNCH_KEYS)[number]>>;

export interface V2StartDeps {
    ec2: EC2Client;
    inspector2: Inspector2Client;
    sns: SNSClient;
    s3: S3Client;
    /** Verdict events of runs start reports itself (nothing launched); absent, none are sent. */
    events?: EventBridgeClient;
    /** Present only with securityHub: true. */
    securityHub?: SecurityHubClient;
    settings: V2StartSettings;
    region: string;
    now: () => Date;
    sleep: (ms: number) => Promise<void>;
    log?: (...args: unknown[]) => void;
    random?: () => number;
    /** Milliseconds left in this invocation (Lambda's context.getRemainingTimeInMillis); unbounded when absent. */
    remainingMs?: () => number;
    /** The hub (docs/hub.md): start reads only perRunEmails; analyze's sweep sends the summary of a run start reported. */
    hub?: HubTarget;
}

/** The part of Lambda's context start uses. */
export interface StartContext {
    getRemainingTimeInMillis?: () => number;
}

export type V2StartOutcome = "NO_AMIS" | "REPORTED" | "RUN_IN_PROGRESS" | "RUN_STARTED";

export interface V2StartResult {
    runId: string;
    outcome: V2StartOutcome;
    amis: AmiRecord[];
    /** Set when start published the run's report itself (nothing to wait for). */
    reportOutcome?: RunOutcome;
    manifestKey?: string;
    reason?: string;
    reaped?: ReapResult | { error: string };
}

/** Which AMIs Inspector's own AMI results settle, and which need an instance. */
export interface AssessmentPlan {
    agentless: AmiScanResult[];
    settled: AmiRecord[];
    toLaunch: Image[];
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
