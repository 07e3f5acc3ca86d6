// The hub (issue 22, docs/hub.md): one per stack, a bucket every spoke's analyze sends its run
// summaries to, the index builder that turns them into hub/index.html and hub/index.json, and the
// digest: one email per digestSchedule to the hub's results topic instead of one per region per run.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HUB_KEYS, hubDigestHandlerFactory, hubIndexHandlerFactory } from "../pipeline/hub/hubHandlers";
import type { ExpectedSpoke } from "../pipeline/hub/hubIndex";
import { HubTarget, hubTargetEnv } from "../pipeline/hub/sendSummary";
import { spokePrefix } from "../pipeline/hub/summary";
import type { EngineName } from "../pipeline/run/settings";
import { DEFAULTS } from "../infra/defaults";
import { handlerFunction } from "../infra/handlerFunction";
import { HubHandlerScope, accountOfRoleArn, checkBucketPolicySize, hubBucketPolicy, hubDigestPolicy, hubIndexPolicy } from "../infra/hubPolicies";
import { partitionOf } from "../infra/partition";
import { reporting } from "../infra/reporting";
import { scheduleInvocation } from "../infra/schedule";
import { ConfigError, scheduleIntervalSeconds, validateEmails, validateLogRetentionDays, validateRetentionDays } from "./config";
import { DEFAULT_DIGEST_SCHEDULE, HUB_INDEX_SCHEDULE, HubOptions, validateDigestSchedule } from "./hubConfig";

export interface GoldenAmiAssessmentHubArgs {
    /** The hub's region: its bucket, topic and functions are created there. */
    region: string;
    /** Each becomes an email subscription of the hub's results topic: they get the digest. */
    notificationEmails?: pulumi.Input<string>[];
    /** EventBridge schedule of the digest email. Default rate(1 day). */
    digestSchedule?: string;
    /** Days a spoke's run summary is kept. Default 365. */
    summaryRetentionDays?: number;
    /** Days handler logs are kept. Default 30. */
    logRetentionDays?: number;
}

/** One spoke as the hub admits it: GoldenAmiAssessment's analyzeRoleArn, and its schedule for silence. */
export interface HubSpoke {
    region: string;
    engine: EngineName;
    /** Seconds between the spoke's runs: silent after two of them without a summary. */
    scheduleSeconds: number;
    analyzeRoleArn: pulumi.Input<string>;
}

export class GoldenAmiAssessmentHub extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly resultsTopicArn: pulumi.Output<string>;
    public readonly indexFunctionName: pulumi.Output<string>;
    public readonly digestFunctionName: pulumi.Output<string>;
    private readonly hubName: string;
    private readonly region: string;
    private readonly bucket: aws.s3.Bucket;
    private admitted = false;

    constructor(name: string, args: GoldenAmiAssessmentHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("golden-ami-assessment:index:GoldenAmiAssessmentHub", name, {}, opts);
        const key = (arg: string) => `GoldenAmiAssessmentHub "${name}" argument ${arg}`;
        const valid = asResourceError(this, () => ({
            digestSchedule: validateDigestSchedule(key("digestSchedule"), args.digestSchedule ?? DEFAULT_DIGEST_SCHEDULE),
            retention: validateRetentionDays(key("summaryRetentionDays"), args.summaryRetentionDays ?? DEFAULTS.reportRetentionDays),
            logRetentionDays: validateLogRetentionDays(key("logRetentionDays"), args.logRetentionDays ?? DEFAULTS.logRetentionDays),
            partition: partitionOf(args.region),
        }));
        const emails = (args.notificationEmails ?? []).map((email) => pulumi.output(email).apply((v) => asResourceError(this, () => validateEmails(key("notificationEmails"), [v])[0])));
        const region = args.region;
        // The hub's own files (hub/) never expire; the spokes' summaries do.
        const store = reporting(name, { region, notificationEmails: emails, reportRetentionDays: valid.retention, tlsOnlyPolicy: false, expirePrefix: "spokes/" }, this);
        const scope = (logGroupArn: pulumi.Output<string>): pulumi.Output<HubHandlerScope> =>
            pulumi.output({ partition: valid.partition, bucket: store.bucket.bucket, logGroupArn, failedInvocationsQueueArn: store.failedInvocationsQueue.arn, resultsTopicArn: store.resultsTopic.arn });
        const common = { region, logRetentionDays: valid.logRetentionDays, failedInvocationsQueue: store.failedInvocationsQueue, alarmTopicArn: store.resultsTopic.arn };
        const environment = pulumi.output({ HUB_BUCKET: store.bucket.bucket, RESULTS_TOPIC_ARN: store.resultsTopic.arn });
        const index = handlerFunction(
            `${name}-index`,
            { ...common, description: "Builds the hub's index of every golden AMI from the spokes' latest run summaries", callbackFactory: hubIndexHandlerFactory, environment, policy: (lg) => scope(lg).apply(hubIndexPolicy), timeoutSeconds: 900, memorySizeMb: 512, maximumRetryAttempts: 2 },
            this,
        );
        const digest = handlerFunction(
            `${name}-digest`,
            { ...common, description: "Emails the hub's digest: counts per account and region, changes, failing AMIs", callbackFactory: hubDigestHandlerFactory, environment, policy: (lg) => scope(lg).apply(hubDigestPolicy), timeoutSeconds: 300, memorySizeMb: 512, maximumRetryAttempts: 1 },
            this,
        );
        scheduleInvocation(`${name}-index-schedule`, HUB_INDEX_SCHEDULE, index.func, region, this);
        scheduleInvocation(`${name}-digest-schedule`, valid.digestSchedule, digest.func, region, this);

        this.hubName = name;
        this.region = region;
        this.bucket = store.bucket;
        this.bucketName = store.bucket.bucket;
        this.resultsTopicArn = store.resultsTopic.arn;
        this.indexFunctionName = index.func.name;
        this.digestFunctionName = digest.func.name;
        this.registerOutputs({ bucketName: this.bucketName, resultsTopicArn: this.resultsTopicArn, indexFunctionName: this.indexFunctionName, digestFunctionName: this.digestFunctionName });
    }

    /**
     * The bucket policy admitting exactly these spokes' analyze roles, each to its own prefix, and
     * hub/spokes.json, the list the index checks for silent spokes. Call once, with every spoke.
     */
    admitSpokes(spokes: HubSpoke[]): aws.s3.BucketPolicy {
        if (this.admitted) throw new pulumi.ResourceError("admitSpokes is called once, with every spoke", this);
        this.admitted = true;
        const partition = partitionOf(this.region);
        const resolved = pulumi.all(spokes.map((spoke) => pulumi.output(spoke.analyzeRoleArn)));
        const policy = pulumi.all([this.bucket.bucket, resolved]).apply(([bucket, arns]) =>
            asResourceError(this, () => {
                try {
                    // Classic sends no summaries: no grant for it.
                    const grants = spokes.flatMap((spoke, i) => (spoke.engine === "classic" ? [] : [{ region: spoke.region, analyzeRoleArn: arns[i] }]));
                    return checkBucketPolicySize(hubBucketPolicy(partition, bucket, grants), grants.length);
                } catch (error) {
                    throw new ConfigError(`GoldenAmiAssessmentHub "${this.hubName}" spokes`, spokes.length, (error as Error).message);
                }
            }),
        );
        const content = resolved.apply((arns) =>
            JSON.stringify({ spokes: spokes.map((spoke, i): ExpectedSpoke => ({ account: accountOfRoleArn(arns[i]), region: spoke.region, engine: spoke.engine, scheduleSeconds: spoke.scheduleSeconds })) }),
        );
        new aws.s3.BucketObjectv2(`${this.hubName}-spokes`, { region: this.region, bucket: this.bucket.id, key: HUB_KEYS.spokes, content, contentType: "application/json" }, { parent: this });
        return new aws.s3.BucketPolicy(`${this.hubName}-hub-policy`, { region: this.region, bucket: this.bucket.id, policy }, { parent: this });
    }
}

function asResourceError<T>(resource: pulumi.Resource, validate: () => T): T {
    try {
        return validate();
    } catch (error) {
        if (error instanceof ConfigError) throw new pulumi.ResourceError(error.message, resource);
        throw error;
    }
}

/** What a GoldenAmiAssessment needs of its hub: the bucket it sends to (its prefix is derived from its account and region). */
export interface SpokeHubArgs {
    bucketName: pulumi.Input<string>;
}

/**
 * The spoke's hub target, or undefined: none without a hub, and none for Classic (end of support,
 * no new features: the hub lists a Classic spoke as unsupported instead of silent).
 */
export function spokeHubTarget(hub: SpokeHubArgs | undefined, engine: EngineName, region: string, accountId: pulumi.Input<string>, perRunEmails: boolean): pulumi.Output<HubTarget> | undefined {
    if (!hub || engine !== "inspector2") return undefined;
    return pulumi.all([hub.bucketName, accountId]).apply(([bucket, account]) => ({ bucket, prefix: spokePrefix(account, region), perRunEmails }));
}

/** The analyze handler's environment plus the hub's variables. */
export function withHubEnvironment(environment: pulumi.Input<Record<string, string>>, target: pulumi.Output<HubTarget> | undefined): pulumi.Input<Record<string, string>> {
    if (!target) return environment;
    return pulumi.all([environment, target]).apply(([env, t]) => ({ ...env, ...hubTargetEnv(t) }));
}

/** The hub's name in a stack: one per stack. */
export function hubName(stack: string): string {
    return `gaa-${stack}-hub`;
}

/**
 * The stack's hub, or undefined when it has none: `accounts`, `hub` or `digestSchedule` asks for one.
 * In the first region, where the digest is sent from.
 */
export function stackHub(
    stack: string,
    settings: { regions: string[]; notificationEmails: string[]; reportRetentionDays: number; hubOptions: HubOptions },
    opts: pulumi.ComponentResourceOptions,
    wanted = settings.hubOptions.digestSchedule !== undefined,
): GoldenAmiAssessmentHub | undefined {
    if (!wanted) return undefined;
    return new GoldenAmiAssessmentHub(
        hubName(stack),
        { region: settings.regions[0], notificationEmails: settings.notificationEmails, digestSchedule: settings.hubOptions.digestSchedule, summaryRetentionDays: settings.reportRetentionDays },
        opts,
    );
}

/** A spoke as the hub admits it, from its component and its schedule (7 days if it cannot be read). */
export function hubSpokeOf(region: string, engine: EngineName, schedule: string, assessment: { analyzeRoleArn: pulumi.Output<string> }): HubSpoke {
    return { region, engine, scheduleSeconds: scheduleIntervalSeconds(schedule) ?? 7 * 86400, analyzeRoleArn: assessment.analyzeRoleArn };
}
