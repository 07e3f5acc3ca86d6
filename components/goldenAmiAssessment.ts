import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ANALYZE_SETTINGS, analyzeHandlerFactory } from "../callbacks/analyze";
import { REAPER_SETTINGS, reaperHandlerFactory } from "../callbacks/reaper";
import { RuntimeSettings, Severity, settingsToEnv } from "../callbacks/settings";
import { START_SETTINGS, startHandlerFactory } from "../callbacks/start";
import {
    validateAmiOwners,
    validateAmiTags,
    validateDuration,
    validateEmails,
    validateInstanceTypes,
    validateRetentionDays,
    validateRulesPackages,
    validateRulesPackagesInRegion,
    validateSchedule,
    validateSeverity,
    validateSubnetId,
    ConfigError,
} from "./config";
import { DEFAULTS } from "./defaults";
import { handlerFunction } from "./handlerFunction";
import { classicEngine } from "./inspectorClassic/engine";
import { INSPECTOR_CLASSIC_REGION_NAMES, RulesPackageName, partitionOf } from "./inspectorClassic/regions";
import { assessmentNetwork } from "./network";
import { PolicyScope, analyzePolicy, reaperPolicy, startPolicy } from "./policies";
import { reporting } from "./reporting";

export interface GoldenAmiAssessmentArgs {
    /** The region to assess in; must be an Inspector Classic region. Children are created there. */
    region: string;
    /** Tags a golden AMI carries (tag key -> value). Required and non-empty: never "all AMIs". */
    amiTags: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** AMI owners: account IDs or "self". Default ["self"]. */
    amiOwners?: pulumi.Input<pulumi.Input<string>[]>;
    /** Default ["cve", "cis", "security-best-practices"]. */
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
}

/**
 * Continuous vulnerability assessment of golden AMIs in one region with Amazon Inspector Classic:
 * a scheduled start function launches one short-lived instance per golden AMI and starts an
 * assessment run; analyze consolidates the findings per AMI, reports and cleans up; an hourly
 * reaper terminates anything left behind.
 */
export class GoldenAmiAssessment extends pulumi.ComponentResource {
    public readonly resultsTopicArn: pulumi.Output<string>;
    public readonly startFunctionName: pulumi.Output<string>;
    public readonly analyzeFunctionName: pulumi.Output<string>;
    public readonly reaperFunctionName: pulumi.Output<string>;
    public readonly templateArn: pulumi.Output<string>;
    public readonly targetArn: pulumi.Output<string>;
    public readonly completionTopicArn: pulumi.Output<string>;
    public readonly bucketName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: GoldenAmiAssessmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("golden-ami-assessment:index:GoldenAmiAssessment", name, {}, opts);
        const key = (arg: string) => `GoldenAmiAssessment "${name}" argument ${arg}`;
        const region = args.region;
        if (!INSPECTOR_CLASSIC_REGION_NAMES.includes(region)) {
            throw new ConfigError(key("region"), region, `must be an Amazon Inspector Classic region: ${INSPECTOR_CLASSIC_REGION_NAMES.join(", ")}`);
        }
        const partition = partitionOf(region);

        // Validate every argument; plain values fail at once, outputs when they resolve.
        const amiTags = pulumi.output(args.amiTags).apply((v) => validateAmiTags(key("amiTags"), v));
        const amiOwners = pulumi.output(args.amiOwners ?? DEFAULTS.amiOwners).apply((v) => validateAmiOwners(key("amiOwners"), v));
        const rulesPackages = pulumi.output(args.rulesPackages ?? DEFAULTS.rulesPackages).apply((v) => {
            const packages = validateRulesPackages(key("rulesPackages"), v);
            validateRulesPackagesInRegion(key("rulesPackages"), packages, region);
            return packages;
        });
        const durationSeconds = pulumi.output(args.duration ?? DEFAULTS.duration).apply((v) => validateDuration(key("duration"), v));
        const schedule = pulumi.output(args.schedule ?? DEFAULTS.schedule).apply((v) => validateSchedule(key("schedule"), v));
        const instanceTypes = pulumi.output(args.instanceTypes).apply((v) => validateInstanceTypes(key("instanceTypes"), v));
        const severityThreshold = pulumi.output(args.severityThreshold ?? DEFAULTS.severityThreshold).apply((v) => validateSeverity(key("severityThreshold"), v));
        const reportRetentionDays = pulumi.output(args.reportRetentionDays ?? DEFAULTS.reportRetentionDays).apply((v) => validateRetentionDays(key("reportRetentionDays"), v));
        const notificationEmails = (args.notificationEmails ?? []).map((email) => pulumi.output(email).apply((v) => validateEmails(key("notificationEmails"), [v])[0]));
        const subnetId = args.subnetId === undefined ? undefined : pulumi.output(args.subnetId).apply((v) => validateSubnetId(key("subnetId"), v));
        const logRetentionDays = args.logRetentionDays ?? DEFAULTS.logRetentionDays;
        const agentWaitSeconds = args.agentWaitSeconds ?? DEFAULTS.agentWaitSeconds;
        const reapGraceSeconds = args.reapGraceSeconds ?? DEFAULTS.reapGraceSeconds;

        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const engine = classicEngine(name, { region, accountId, rulesPackages, durationSeconds }, this);
        const report = reporting(name, { region, notificationEmails, reportRetentionDays }, this);
        const network = assessmentNetwork(name, region, subnetId, key("subnetId"), this);

        const settings: pulumi.Output<RuntimeSettings> = pulumi.output({
            pipelineName: name,
            amiTags,
            amiOwners,
            instanceTypes,
            subnetIds: network.subnetIds,
            securityGroupId: network.securityGroup.id,
            assessmentTargetArn: engine.target.arn,
            assessmentTemplateArn: engine.template.arn,
            durationSeconds,
            severityThreshold,
            resultsTopicArn: report.resultsTopic.arn,
            reportBucket: report.bucket.bucket,
            reportPrefix: DEFAULTS.reportPrefix,
            agentWaitSeconds,
            reapGraceSeconds,
        });
        const environmentFor = (keys: ReadonlyArray<keyof RuntimeSettings>) =>
            settings.apply((all) => settingsToEnv(Object.fromEntries(keys.map((k) => [k, all[k]]))));
        const scopeFor = (logGroupArn: pulumi.Output<string>): pulumi.Output<PolicyScope> =>
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
            });
        const common = {
            region,
            logRetentionDays,
            failedInvocationsQueue: report.failedInvocationsQueue,
            alarmTopicArn: report.resultsTopic.arn,
        };

        const start = handlerFunction(
            `${name}-start`,
            {
                ...common,
                description: "Launches one instance per golden AMI and starts an Inspector Classic assessment run",
                callbackFactory: startHandlerFactory,
                environment: environmentFor(START_SETTINGS),
                policy: (logGroupArn) =>
                    pulumi
                        .all([scopeFor(logGroupArn), network.subnetIds, network.securityGroup.id])
                        .apply(([scope, subnetIds, securityGroupId]) => startPolicy(scope, { subnetIds, securityGroupId })),
                // Agent wait (10 min by default) plus launches must fit in Lambda's 15 minutes.
                timeoutSeconds: 900,
                memorySizeMb: 256,
                // A retry would launch a second set of instances; failures go to the queue and alarm instead.
                maximumRetryAttempts: 0,
            },
            this,
        );
        const analyze = handlerFunction(
            `${name}-analyze`,
            {
                ...common,
                description: "Consolidates Inspector Classic findings per golden AMI, reports, and terminates the run's instances",
                callbackFactory: analyzeHandlerFactory,
                environment: environmentFor(ANALYZE_SETTINGS),
                policy: (logGroupArn) => scopeFor(logGroupArn).apply(analyzePolicy),
                timeoutSeconds: 900,
                memorySizeMb: 512,
                // Idempotent (a delivered-marker guards the report), so retries are safe.
                maximumRetryAttempts: 2,
            },
            this,
        );
        const reaper = handlerFunction(
            `${name}-reaper`,
            {
                ...common,
                description: "Terminates assessment instances that outlived their run",
                callbackFactory: reaperHandlerFactory,
                environment: environmentFor(REAPER_SETTINGS),
                policy: (logGroupArn) => scopeFor(logGroupArn).apply(reaperPolicy),
                timeoutSeconds: 300,
                memorySizeMb: 256,
                maximumRetryAttempts: 0,
            },
            this,
        );

        this.scheduleInvocation(`${name}-schedule`, schedule, start.func, region);
        this.scheduleInvocation(`${name}-reaper-schedule`, DEFAULTS.reaperSchedule, reaper.func, region);

        new aws.lambda.Permission(
            `${name}-analyze-from-completion`,
            { region, action: "lambda:InvokeFunction", function: analyze.func.name, principal: "sns.amazonaws.com", sourceArn: engine.completionTopic.arn },
            { parent: this },
        );
        new aws.sns.TopicSubscription(
            `${name}-analyze-subscription`,
            { region, topic: engine.completionTopic.arn, protocol: "lambda", endpoint: analyze.func.arn },
            { parent: this },
        );

        this.resultsTopicArn = report.resultsTopic.arn;
        this.startFunctionName = start.func.name;
        this.analyzeFunctionName = analyze.func.name;
        this.reaperFunctionName = reaper.func.name;
        this.templateArn = engine.template.arn;
        this.targetArn = engine.target.arn;
        this.completionTopicArn = engine.completionTopic.arn;
        this.bucketName = report.bucket.bucket;
        this.securityGroupId = network.securityGroup.id;
        this.registerOutputs({
            resultsTopicArn: this.resultsTopicArn,
            startFunctionName: this.startFunctionName,
            analyzeFunctionName: this.analyzeFunctionName,
            reaperFunctionName: this.reaperFunctionName,
            templateArn: this.templateArn,
            targetArn: this.targetArn,
            completionTopicArn: this.completionTopicArn,
            bucketName: this.bucketName,
            securityGroupId: this.securityGroupId,
        });
    }

    /** An EventBridge schedule invoking `func`, allowed to do so by that rule only. */
    private scheduleInvocation(ruleName: string, scheduleExpression: pulumi.Input<string>, func: aws.lambda.Function, region: string): void {
        const rule = new aws.cloudwatch.EventRule(ruleName, { region, scheduleExpression, description: `Invokes ${ruleName.replace(/-schedule$/, "")}` }, { parent: this });
        new aws.lambda.Permission(
            `${ruleName}-permission`,
            { region, action: "lambda:InvokeFunction", function: func.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(`${ruleName}-target`, { region, rule: rule.name, arn: func.arn }, { parent: this });
    }
}
