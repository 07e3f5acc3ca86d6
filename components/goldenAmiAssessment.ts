import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { REAPER_SETTINGS, reaperHandlerFactory } from "../callbacks/reaper";
import { classicEngine } from "../engines/classic/infra";
import { inspector2Engine } from "../engines/inspector2/infra";
import { EngineName, RuntimeSettings, Severity, settingsToEnv } from "../pipeline/run/settings";
import {
    ConfigError,
    ScanMode,
    validateAgentWaitSeconds,
    validateAmiOwners,
    validateAmiTags,
    validateComponentName,
    validateDuration,
    validateDurationForEngine,
    validateEmails,
    validateEnableInspector,
    validateEngine,
    validateInstanceTypes,
    validateLogRetentionDays,
    validateReapGraceSeconds,
    validateRetentionDays,
    validateRulesPackages,
    validateRulesPackagesInRegion,
    validateScanMode,
    validateSchedule,
    validateScheduleCoversRun,
    validateSeverity,
    scheduleIntervalSeconds,
    validateSubnetId,
} from "./config";
import { DEFAULTS } from "../infra/defaults";
import { Engine, EngineInputs } from "../infra/engine";
import { RulesPackageName, engineFacts } from "./engines";
import { HandlerFunctionArgs, handlerFunction } from "../infra/handlerFunction";
import { assessmentNetwork } from "../infra/network";
import { kmsKeysInRegion, validateFlag, validateKmsKeyArns, validateMaxConcurrentInstances } from "./launchConfig";
import { validateAssessOnPublish, validateAssessOnTag } from "./publishConfig";
import { Partition, partitionOf } from "../infra/partition";
import { PolicyScope, reaperPolicy } from "../infra/policies";
import { reporting } from "../infra/reporting";
import { terminateOnDelete } from "../infra/destroyGuard";
import { scheduleInvocation } from "../infra/schedule";
import { PolicyArgs, validatedPolicyArgs } from "./policyConfig";
import { SpokeHubArgs, spokeHubTarget, withHubEnvironment } from "./hub";
import { perRunEmailsFor } from "./hubConfig";

/** The one place the engine is chosen. */
const ENGINES: Record<EngineName, (inputs: EngineInputs) => Engine> = { inspector2: inspector2Engine, classic: classicEngine };

export interface GoldenAmiAssessmentArgs {
    /** The region to assess in; must be a region of the engine. Children are created there. */
    region: string;
    /** "inspector2" (Amazon Inspector v2, the default) or "classic". Plain: it decides which resources exist. */
    engine?: EngineName;
    /** Inspector v2: "instance" (default) launches, "agentless" reads Inspector's AMI scan results, "auto" both. */
    scanMode?: ScanMode;
    /** Inspector v2: enable EC2 scanning in this account and region (account-wide and billed). Default false. */
    enableInspector?: boolean;
    /** Tags a golden AMI carries (tag key -> value). Required and non-empty: never "all AMIs". */
    amiTags: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** AMI owners: account IDs or "self". Default ["self"]. */
    amiOwners?: pulumi.Input<pulumi.Input<string>[]>;
    /** Default ["cve"] on inspector2, ["cve", "cis", "security-best-practices"] on classic. */
    rulesPackages?: pulumi.Input<pulumi.Input<RulesPackageName>[]>;
    /** 15m, 1h, 8h, 12h or 24h, or the same in seconds. Default 1h. */
    duration?: pulumi.Input<string | number>;
    /** EventBridge schedule expression for assessments. Default rate(7 days). */
    schedule?: pulumi.Input<string>;
    /** Architecture -> instance type, over the defaults {x86_64: t3.medium, arm64: t4g.medium}. */
    instanceTypes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Subnet for assessment instances. Default: the default subnets of the region's default VPC. */
    subnetId?: pulumi.Input<string>;
    /** Each becomes an email subscription of the results topic. Default none. */
    notificationEmails?: pulumi.Input<string>[];
    /** An AMI with any finding at or above this severity fails. Default High. */
    severityThreshold?: pulumi.Input<Severity>;
    /** Days a report is kept in the bucket. Default 365. */
    reportRetentionDays?: pulumi.Input<number>;
    /** Days handler logs are kept. Default 30. */
    logRetentionDays?: number;
    /** How long start waits for agents to report HEALTHY. Default 600 s (inside Lambda's 15 min). */
    agentWaitSeconds?: number;
    /** How long past duration + agent wait the reaper lets an instance live. Default 3600 s. */
    reapGraceSeconds?: number;
    /** Instances one run may launch (1–500); the AMIs with the oldest verdicts go first, the rest wait for a later run. Default 10. */
    maxConcurrentInstances?: pulumi.Input<number>;
    /** KMS key ARNs of customer-managed keys encrypting golden AMI snapshots; the start role may use exactly these, through EC2 only. Default none. */
    kmsKeyArns?: pulumi.Input<pulumi.Input<string>[]>;
    /** Deprecate this account's FAIL AMIs (EnableImageDeprecation), and undo it on a later PASS. Default false. */
    deprecateFailingAmis?: boolean;
    /** Reserve a concurrency of 1 for start. Default true; turn off if the account's unreserved concurrency is at its minimum. */
    reserveStartConcurrency?: boolean;
    /** Inspector v2: findings accepted until a date, with owner and reason (docs/policy.md). Plain. Default none. */
    acceptedRisks?: PolicyArgs["acceptedRisks"];
    /** Inspector v2: the verdict rules, as Allowed AMIs' ScanResultCondition; severityThreshold is its shorthand. Plain. */
    failWhen?: PolicyArgs["failWhen"];
    /** Inspector v2: each AMI's verdict as a Security Hub finding. Plain. Default false. */
    securityHub?: boolean;
    /** Assess a golden AMI when it becomes available (EC2 AMI State Change). Default true on inspector2; refused on classic. Plain: it decides which resources exist. */
    assessOnPublish?: boolean;
    /** Also when a tag makes an AMI golden (CloudTrail CreateTags; needs a trail). Default false. Plain. */
    assessOnTag?: boolean;
    /** The stack's hub (GoldenAmiAssessmentHub): analyze sends each run's summary there (inspector2; docs/hub.md). Default none. */
    hub?: SpokeHubArgs;
    /** Email every run's summary to the results topic. Default true without a hub, false with one (its digest replaces them). */
    perRunEmails?: boolean;
}

/**
 * Continuous vulnerability assessment of golden AMIs in one region with Amazon Inspector (v2 by
 * default, Classic on request): a scheduled start function launches one short-lived instance per
 * golden AMI (or reads Inspector's AMI results); analyze confirms the assessment, consolidates the
 * findings per AMI, reports and cleans up; an hourly reaper terminates anything left behind.
 */
export class GoldenAmiAssessment extends pulumi.ComponentResource {
    public readonly resultsTopicArn: pulumi.Output<string>;
    public readonly startFunctionName: pulumi.Output<string>;
    public readonly analyzeFunctionName: pulumi.Output<string>;
    public readonly reaperFunctionName: pulumi.Output<string>;
    public readonly engine: EngineName;
    /** Engine resources by name: templateArn, targetArn, completionTopicArn (classic); instanceProfileArn, scanEventRuleArn (inspector2). */
    public readonly engineOutputs: pulumi.Output<Record<string, string>>;
    /** Classic only. */
    public readonly templateArn?: pulumi.Output<string>;
    public readonly bucketName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The role analyze runs as: the hub's bucket policy admits exactly this role to this spoke's prefix. */
    public readonly analyzeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: GoldenAmiAssessmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("golden-ami-assessment:index:GoldenAmiAssessment", name, {}, opts);
        // Before any child exists: a bad plain argument throws a ResourceError naming it.
        const { key, region, engineName, scanMode, enableInspector, partition, logRetentionDays, agentWaitSeconds, reapGraceSeconds, amiTags, amiOwners, rulesPackages, durationSeconds, schedule, instanceTypes, severityThreshold, reportRetentionDays, notificationEmails, subnetId } = asResourceError(this, () => validatedArgs(name, args, this));
        const { maxConcurrentInstances, kmsKeyArns, deprecateFailingAmis, reserveStartConcurrency } = asResourceError(this, () => validatedLaunchArgs(name, args, region, partition, this));
        const verdictPolicy = asResourceError(this, () => validatedPolicyArgs(key, args, engineName, DEFAULTS.severityThreshold));
        const { assessOnPublish, assessOnTag } = asResourceError(this, () => validatedPublishArgs(name, args, engineName));
        const perRunEmails = asResourceError(this, () => perRunEmailsFor(args.hub !== undefined, args.perRunEmails === undefined ? undefined : validateFlag(key("perRunEmails"), args.perRunEmails)));

        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const report = reporting(name, { region, notificationEmails, reportRetentionDays }, this);
        const network = assessmentNetwork(name, region, subnetId, key("subnetId"), engineName, this);

        const shared: pulumi.Output<RuntimeSettings> = pulumi.output({
            engine: engineName,
            pipelineName: name,
            amiTags,
            amiOwners,
            instanceTypes,
            subnetIds: network.subnetIds,
            securityGroupId: network.securityGroup.id,
            durationSeconds,
            // failWhen.severity is what severityThreshold is shorthand for.
            severityThreshold: verdictPolicy.failWhen ? pulumi.output(verdictPolicy.failWhen.severity) : severityThreshold,
            resultsTopicArn: report.resultsTopic.arn,
            reportBucket: report.bucket.bucket,
            reportPrefix: DEFAULTS.reportPrefix,
            agentWaitSeconds,
            reapGraceSeconds,
            maxConcurrentInstances,
            kmsKeyArns,
            accountId,
            deprecateFailingAmis,
        });
        const hubTarget = spokeHubTarget(args.hub, engineName, region, accountId, perRunEmails);
        const policyScope = policyScopeFor({ name, partition, region, accountId, report, deprecateFailingAmis, hub: hubTarget?.apply(({ bucket, prefix }) => ({ bucket, prefix })) });
        const engine = ENGINES[engineName]({
            name, region, partition, accountId, rulesPackages, durationSeconds, schedule, scheduleIntervalSeconds: schedule.apply(scheduleIntervalSeconds), scanMode, enableInspector, assessOnPublish, assessOnTag, shared, network, report, policyScope, verdictPolicy, parent: this,
        });
        const common = { region, logRetentionDays, failedInvocationsQueue: report.failedInvocationsQueue, alarmTopicArn: report.resultsTopic.arn };
        const start = handlerFunction(`${name}-start`, { ...common, ...engine.start, environment: withHubEnvironment(engine.start.environment, hubTarget), reservedConcurrentExecutions: reserveStartConcurrency ? 1 : undefined }, this);
        const analyze = handlerFunction(`${name}-analyze`, { ...common, ...engine.analyze, environment: withHubEnvironment(engine.analyze.environment, hubTarget) }, this);
        const reaper = reaperFunction(name, common, shared, policyScope, this);
        const extras = (engine.extraHandlers ?? []).map((extra) => ({ extra, fn: handlerFunction(`${name}-${extra.role}`, { ...common, ...extra.handler, environment: withHubEnvironment(extra.handler.environment, hubTarget) }, this) }));
        const launching = extras.filter(({ extra }) => extra.launches).map(({ fn }) => fn.func);

        const guard = terminateOnDelete(name, region, reaper, [network.securityGroup, start.func, analyze.func, ...launching, ...engine.launchDependencies], this);
        scheduleInvocation(`${name}-schedule`, schedule, start.func, region, this, [guard]);
        scheduleInvocation(`${name}-reaper-schedule`, DEFAULTS.reaperSchedule, reaper.func, region, this, [guard]);
        engine.connect(analyze.func);
        for (const { extra, fn } of extras) extra.connect(fn.func, [guard]);
        // An agentless stack's analyze has no sweep; with a hub it needs one to send the summaries of the runs start reports.
        if (hubTarget && scanMode === "agentless") scheduleInvocation(`${name}-hub-sweep-schedule`, DEFAULTS.hubSweepSchedule, analyze.func, region, this, [guard]);

        this.engine = engineName;
        this.resultsTopicArn = report.resultsTopic.arn;
        this.startFunctionName = start.func.name;
        this.analyzeFunctionName = analyze.func.name;
        this.reaperFunctionName = reaper.func.name;
        this.engineOutputs = pulumi.output(engine.outputs);
        this.templateArn = engine.outputs.templateArn;
        this.bucketName = report.bucket.bucket;
        this.securityGroupId = network.securityGroup.id;
        this.analyzeRoleArn = analyze.role.arn;
        this.registerOutputs({
            analyzeRoleArn: this.analyzeRoleArn,
            engine: this.engine,
            resultsTopicArn: this.resultsTopicArn,
            startFunctionName: this.startFunctionName,
            analyzeFunctionName: this.analyzeFunctionName,
            reaperFunctionName: this.reaperFunctionName,
            engineOutputs: this.engineOutputs,
            bucketName: this.bucketName,
            securityGroupId: this.securityGroupId,
        });
    }
}

type Reporting = ReturnType<typeof reporting>;

/** What each function's policy is scoped to; the log group is the function's own. */
function policyScopeFor(scope: { name: string; partition: Partition; region: string; accountId: pulumi.Output<string>; report: Reporting; deprecateFailingAmis: boolean; hub?: pulumi.Output<{ bucket: string; prefix: string }> }) {
    const { name, partition, region, accountId, report, deprecateFailingAmis, hub } = scope;
    return (logGroupArn: pulumi.Output<string>): pulumi.Output<PolicyScope> =>
        pulumi.output({
            partition,
            region,
            accountId,
            pipelineName: name,
            resultsTopicArn: report.resultsTopic.arn,
            bucketArn: report.bucket.arn,
            reportPrefix: DEFAULTS.reportPrefix,
            logGroupArn,
            failedInvocationsQueueArn: report.failedInvocationsQueue.arn,
            deprecateFailingAmis,
            hub,
        });
}

/** The reaper: engine-neutral, it reads only the settings it needs and may only terminate. */
function reaperFunction(
    name: string,
    common: Pick<HandlerFunctionArgs, "region" | "logRetentionDays" | "failedInvocationsQueue" | "alarmTopicArn">,
    shared: pulumi.Output<RuntimeSettings>,
    policyScope: ReturnType<typeof policyScopeFor>,
    parent: pulumi.Resource,
) {
    return handlerFunction(
        `${name}-reaper`,
        {
            ...common,
            description: "Terminates assessment instances that outlived their run",
            callbackFactory: reaperHandlerFactory,
            environment: shared.apply((all) => settingsToEnv(Object.fromEntries(REAPER_SETTINGS.map((k) => [k, all[k]])))),
            policy: (logGroupArn) => policyScope(logGroupArn).apply(reaperPolicy),
            timeoutSeconds: 300,
            memorySizeMb: 256,
            maximumRetryAttempts: 0,
        },
        parent,
    );
}

/** A ConfigError as a ResourceError of the component, so Pulumi names the resource and prints no stack trace. */
function asResourceError<T>(resource: pulumi.Resource, validate: () => T): T {
    try {
        return validate();
    } catch (error) {
        if (error instanceof ConfigError) throw new pulumi.ResourceError(error.message, resource);
        throw error;
    }
}

/** True when `value` holds no Output or Promise at any depth: it can be checked now. */
function isPlain(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || (typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function")) return false;
    if (Array.isArray(value)) return value.every(isPlain);
    if (typeof value === "object" && value !== null) return Object.values(value).every(isPlain);
    return true;
}

/** A plain argument is checked at once (before any child exists); an Output when it resolves. Either failure is a ResourceError. */
function checkedInput<T>(value: unknown, validate: (v: any) => T, resource: pulumi.Resource): pulumi.Output<T> {
    if (isPlain(value)) return pulumi.output(asResourceError(resource, () => validate(value))) as pulumi.Output<T>;
    const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>) as pulumi.Output<unknown>;
    return output.apply((v) => asResourceError(resource, () => validate(v)));
}

/** What bounds a run's launches and what it may change, each checked under its name. */
function validatedLaunchArgs(name: string, args: GoldenAmiAssessmentArgs, region: string, partition: Partition, parent: pulumi.Resource) {
    const key = (arg: string) => `GoldenAmiAssessment "${name}" argument ${arg}`;
    return {
        maxConcurrentInstances: checkedInput(args.maxConcurrentInstances ?? DEFAULTS.maxConcurrentInstances, (v) => validateMaxConcurrentInstances(key("maxConcurrentInstances"), v), parent),
        // A key works only in its own region: each region's component is granted its own keys.
        kmsKeyArns: checkedInput(args.kmsKeyArns ?? DEFAULTS.kmsKeyArns, (v) => kmsKeysInRegion(validateKmsKeyArns(key("kmsKeyArns"), v, partition), region), parent),
        deprecateFailingAmis: validateFlag(key("deprecateFailingAmis"), args.deprecateFailingAmis ?? DEFAULTS.deprecateFailingAmis),
        reserveStartConcurrency: validateFlag(key("reserveStartConcurrency"), args.reserveStartConcurrency ?? DEFAULTS.reserveStartConcurrency),
    };
}

/** The publish trigger's switches: plain, because they decide which resources exist. */
function validatedPublishArgs(name: string, args: GoldenAmiAssessmentArgs, engine: EngineName) {
    const key = (arg: string) => `GoldenAmiAssessment "${name}" argument ${arg}`;
    const assessOnPublish = validateAssessOnPublish(key("assessOnPublish"), args.assessOnPublish, engine);
    return { assessOnPublish, assessOnTag: validateAssessOnTag(key("assessOnTag"), args.assessOnTag, assessOnPublish) };
}

/**
 * Every argument checked under its name: plain values (engine, region, scan mode, names, bounds)
 * at once, Inputs when they resolve; a bad value fails the preview with key, value and what is allowed.
 */
function validatedArgs(name: string, args: GoldenAmiAssessmentArgs, parent: pulumi.Resource) {
    const key = (arg: string) => `GoldenAmiAssessment "${name}" argument ${arg}`;
    const region = args.region;
    const engineName = validateEngine(key("engine"), args.engine ?? DEFAULTS.engine);
    const facts = engineFacts(engineName);
    if (!facts.regions.includes(region)) throw new ConfigError(key("region"), region, `must be an ${facts.label} region: ${facts.regions.join(", ")}`);
    const scanMode = validateScanMode(key("scanMode"), args.scanMode ?? DEFAULTS.scanMode, engineName);
    const enableInspector = validateEnableInspector(key("enableInspector"), args.enableInspector ?? DEFAULTS.enableInspector, engineName);
    const partition = partitionOf(region);
    // Generated physical names must fit their services' limits: fail at preview, not half-way through an update.
    validateComponentName(`GoldenAmiAssessment name`, name, engineName, scanMode);
    const logRetentionDays = validateLogRetentionDays(key("logRetentionDays"), args.logRetentionDays ?? DEFAULTS.logRetentionDays);
    const agentWaitSeconds = validateAgentWaitSeconds(key("agentWaitSeconds"), args.agentWaitSeconds ?? DEFAULTS.agentWaitSeconds);
    const reapGraceSeconds = validateReapGraceSeconds(key("reapGraceSeconds"), args.reapGraceSeconds ?? DEFAULTS.reapGraceSeconds);

    // Validate every argument; plain values fail at once, outputs when they resolve.
    const check = <T>(value: unknown, validate: (v: any) => T) => checkedInput(value, validate, parent);
    const amiTags = check(args.amiTags, (v) => validateAmiTags(key("amiTags"), v));
    const amiOwners = check(args.amiOwners ?? DEFAULTS.amiOwners, (v) => validateAmiOwners(key("amiOwners"), v));
    const rulesPackages = check(args.rulesPackages ?? facts.defaultRulesPackages, (v) => {
        const packages = validateRulesPackages(key("rulesPackages"), v, facts);
        validateRulesPackagesInRegion(key("rulesPackages"), packages, region, facts);
        return packages;
    });
    const duration = args.duration ?? DEFAULTS.duration;
    const durationSeconds = check(duration, (v) => validateDurationForEngine(key("duration"), v, validateDuration(key("duration"), v), facts));
    const schedule = check(pulumi.all([args.schedule ?? DEFAULTS.schedule, durationSeconds]), ([v, seconds]: [string, number]) =>
        validateScheduleCoversRun(key("schedule"), validateSchedule(key("schedule"), v), { durationSeconds: seconds, agentWaitSeconds, reapGraceSeconds }),
    );
    const instanceTypes = check(args.instanceTypes, (v) => validateInstanceTypes(key("instanceTypes"), v));
    const severityThreshold = check(args.severityThreshold ?? DEFAULTS.severityThreshold, (v) => validateSeverity(key("severityThreshold"), v));
    const reportRetentionDays = check(args.reportRetentionDays ?? DEFAULTS.reportRetentionDays, (v) => validateRetentionDays(key("reportRetentionDays"), v));
    const notificationEmails = (args.notificationEmails ?? []).map((email) => check(email, (v) => validateEmails(key("notificationEmails"), [v])[0]));
    const subnetId = args.subnetId === undefined ? undefined : check(args.subnetId, (v) => validateSubnetId(key("subnetId"), v));
    return { key, region, engineName, facts, scanMode, enableInspector, partition, logRetentionDays, agentWaitSeconds, reapGraceSeconds, amiTags, amiOwners, rulesPackages, durationSeconds, schedule, instanceTypes, severityThreshold, reportRetentionDays, notificationEmails, subnetId };
}
