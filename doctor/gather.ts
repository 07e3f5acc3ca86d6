// The doctor's read-only AWS calls in one region, all independent ones at once. Every call's
// throttling is retried with the pipeline's withRetry; a call that still fails becomes an Answer
// with its error, which the checks judge (fail closed). Nothing here writes.
import {
    DescribeInstanceTypesCommand,
    DescribeRouteTablesCommand,
    DescribeSnapshotsCommand,
    DescribeSubnetsCommand,
    DescribeVpcEndpointsCommand,
    DescribeVpcsCommand,
    EC2Client,
    Image,
    Snapshot,
} from "@aws-sdk/client-ec2";
import { BatchGetAccountStatusCommand, GetConfigurationCommand, GetEc2DeepInspectionConfigurationCommand, Inspector2Client } from "@aws-sdk/client-inspector2";
import { InspectorClient, ListRulesPackagesCommand } from "@aws-sdk/client-inspector";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { componentName } from "../components/stackConfig";
import { kmsKeysInRegion } from "../components/launchConfig";
import { findGoldenAmis } from "../pipeline/launch/goldenAmis";
import { errorText } from "../pipeline/run/errors";
import { chunk, pageAll } from "../pipeline/run/paging";
import { RetryOptions, retrying } from "../pipeline/run/retryable";
import { launchesInstances } from "./checks";
import { STANDARD_VCPU_QUOTA } from "./checks/capacity";
import { Answer, DoctorSettings, Identity, KmsKeyAnswer, NetworkAnswers, RegionAnswers, TopicAnswer } from "./types";

export interface RegionClients {
    sts: STSClient;
    ec2: EC2Client;
    inspector2: Inspector2Client;
    inspector: InspectorClient;
    sns: SNSClient;
    serviceQuotas: ServiceQuotasClient;
    kms: KMSClient;
}

export type ClientsFor = (region: string) => RegionClients;

/** Real SDK clients of one region, on the default credential chain (AWS_PROFILE and the rest). */
export const sdkClients: ClientsFor = (region) => ({
    sts: new STSClient({ region }),
    ec2: new EC2Client({ region }),
    inspector2: new Inspector2Client({ region }),
    inspector: new InspectorClient({ region }),
    sns: new SNSClient({ region }),
    serviceQuotas: new ServiceQuotasClient({ region }),
    kms: new KMSClient({ region }),
});

/** The call's value, or its error once the retries are spent. */
export async function ask<T>(call: () => Promise<T>): Promise<Answer<T>> {
    try {
        return { ok: true, value: await call() };
    } catch (error) {
        return { ok: false, error: errorText(error), name: (error as { name?: string } | undefined)?.name };
    }
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;

/** DescribeSnapshots filters by id so a snapshot not visible here is just absent (an id list would fail the whole call). */
async function snapshotsOf(ec2: EC2Client, images: Image[]): Promise<Snapshot[]> {
    const ids = [...new Set(images.flatMap((i) => (i.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId).filter((id): id is string => !!id)))];
    // Filter values per call: 200, an assumption (the API reference states no number for this filter).
    const pages = await Promise.all(
        chunk(ids, 200).map((batch) =>
            pageAll("DescribeSnapshots", async (NextToken) => {
                const page = await ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: "snapshot-id", Values: batch }], NextToken }));
                return { items: page.Snapshots, nextToken: page.NextToken };
            }),
        ),
    );
    return pages.flat();
}

/** Describes the keys only DescribeKey can tell apart: unlisted keys of this account (AWS managed or not). */
async function keysOf(kms: KMSClient, snapshots: Snapshot[], settings: DoctorSettings, region: string, account: string): Promise<KmsKeyAnswer[]> {
    const granted = kmsKeysInRegion(settings.kmsKeyArns, region);
    const arns = [...new Set(snapshots.filter((s) => s.Encrypted && s.KmsKeyId).map((s) => s.KmsKeyId!))].filter((arn) => !granted.includes(arn) && arn.split(":")[4] === account);
    return Promise.all(
        arns.map(async (keyArn) => {
            const answer = await ask(() => kms.send(new DescribeKeyCommand({ KeyId: keyArn })));
            return answer.ok ? { keyArn, keyManager: answer.value.KeyMetadata?.KeyManager } : { keyArn, error: answer.error };
        }),
    );
}

async function networkOf(ec2: EC2Client, subnetId: string | undefined): Promise<NetworkAnswers> {
    const none = { configuredSubnet: subnetId, subnets: [], routeTables: [], endpoints: [] };
    let answers: NetworkAnswers;
    if (subnetId) {
        try {
            answers = { ...none, subnets: (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets ?? [] };
        } catch (error) {
            // A subnet of another region (or none at all) is "not found" here (EC2 API reference, error codes).
            if (errorName(error) === "InvalidSubnetID.NotFound") return none;
            throw error;
        }
    } else {
        const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
        const defaultVpc = vpcs.Vpcs?.[0];
        if (!defaultVpc) return none;
        const subnets = await pageAll("DescribeSubnets", async (NextToken) => {
            const page = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [defaultVpc.VpcId!] }, { Name: "default-for-az", Values: ["true"] }], NextToken }));
            return { items: page.Subnets, nextToken: page.NextToken };
        });
        answers = { ...none, defaultVpc, subnets };
    }
    const vpcId = answers.subnets[0]?.VpcId;
    if (!vpcId) return answers;
    const byVpc = [{ Name: "vpc-id", Values: [vpcId] }];
    const [routeTables, endpoints] = await Promise.all([
        pageAll("DescribeRouteTables", async (NextToken) => {
            const page = await ec2.send(new DescribeRouteTablesCommand({ Filters: byVpc, NextToken }));
            return { items: page.RouteTables, nextToken: page.NextToken };
        }),
        pageAll("DescribeVpcEndpoints", async (NextToken) => {
            const page = await ec2.send(new DescribeVpcEndpointsCommand({ Filters: byVpc, NextToken }));
            return { items: page.VpcEndpoints, nextToken: page.NextToken };
        }),
    ]);
    return { ...answers, routeTables, endpoints };
}

/** The stack's results topic: Pulumi names it `<component>-results-` plus 7 random hex characters (Pulumi auto-naming). */
export function isResultsTopic(topicArn: string, stack: string, region: string): boolean {
    const name = topicArn.split(":").pop() ?? "";
    const prefix = `${componentName(stack, region)}-results-`;
    return name.startsWith(prefix) && /^[0-9a-f]{7}$/.test(name.slice(prefix.length));
}

async function topicOf(sns: SNSClient, stack: string, region: string): Promise<TopicAnswer> {
    const topics = await pageAll("ListTopics", async (NextToken) => {
        const page = await sns.send(new ListTopicsCommand({ NextToken }));
        return { items: page.Topics, nextToken: page.NextToken };
    });
    const topicArn = topics.map((t) => t.TopicArn ?? "").find((arn) => isResultsTopic(arn, stack, region));
    if (!topicArn) return { subscriptions: [] };
    const subscriptions = await pageAll("ListSubscriptionsByTopic", async (NextToken) => {
        const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
        return { items: page.Subscriptions, nextToken: page.NextToken };
    });
    return { topicArn, subscriptions };
}

async function vcpuQuotaOf(client: ServiceQuotasClient): Promise<number | undefined> {
    try {
        return (await client.send(new GetServiceQuotaCommand(STANDARD_VCPU_QUOTA))).Quota?.Value;
    } catch (error) {
        // The quota does not exist in this region (Service Quotas API reference, GetServiceQuota errors).
        if (errorName(error) === "NoSuchResourceException") return undefined;
        throw error;
    }
}

export interface GatherOptions {
    settings: DoctorSettings;
    stack?: string;
    retry: RetryOptions;
}

/** Every answer of one region. The STS call comes first: a region that does not answer it is asked nothing else. */
export async function gatherRegion(region: string, raw: RegionClients, options: GatherOptions): Promise<RegionAnswers> {
    const { settings, stack } = options;
    const c = Object.fromEntries(Object.entries(raw).map(([name, client]) => [name, retrying(client, options.retry)])) as unknown as RegionClients;
    const identity = await ask(async (): Promise<Identity> => {
        const who = await c.sts.send(new GetCallerIdentityCommand({}));
        return { account: who.Account ?? "", arn: who.Arn ?? "", partition: who.Arn?.split(":")[1] ?? "" };
    });
    if (!identity.ok) return { region, identity };
    const account = identity.value.account;
    const v2 = settings.engine === "inspector2";
    const launching = launchesInstances(settings);
    const amisThenKeys = async () => {
        const images = await ask(() => findGoldenAmis(c.ec2, settings.amiTags, settings.amiOwners));
        if (!launching || !images.ok) return { images };
        const snapshots = await ask(() => snapshotsOf(c.ec2, images.value));
        const kmsKeys = snapshots.ok ? await keysOf(c.kms, snapshots.value, settings, region, account) : [];
        return { images, snapshots, kmsKeys };
    };
    const [accountStatus, configuration, deepInspection, classic, amis, network, instanceTypes, vcpuQuota, topic] = await Promise.all([
        v2 ? ask(() => c.inspector2.send(new BatchGetAccountStatusCommand({}))) : undefined,
        v2 ? ask(() => c.inspector2.send(new GetConfigurationCommand({}))) : undefined,
        v2 ? ask(() => c.inspector2.send(new GetEc2DeepInspectionConfigurationCommand({}))) : undefined,
        v2 ? undefined : ask(async () => (await c.inspector.send(new ListRulesPackagesCommand({ maxResults: 100 }))).rulesPackageArns?.length ?? 0),
        amisThenKeys(),
        launching ? ask(() => networkOf(c.ec2, settings.subnets[region])) : undefined,
        launching ? ask(async () => (await c.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [...new Set(Object.values(settings.instanceTypes))] as never }))).InstanceTypes ?? []) : undefined,
        launching ? ask(() => vcpuQuotaOf(c.serviceQuotas)) : undefined,
        stack ? ask(() => topicOf(c.sns, stack, region)) : undefined,
    ]);
    return { region, identity, accountStatus, configuration, deepInspection, classic, ...amis, network, instanceTypes, vcpuQuota, topic };
}

