// The Inspector Classic engine: what Inspector Classic needs to assess tagged instances and
// tell the analyze handler when a run ends, the sweep schedule behind that, and the handlers that drive it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PIPELINE_TAG } from "../../pipeline/run/tags";
import { DEFAULTS } from "../../infra/defaults";
import { scheduleInvocation } from "../../infra/schedule";
import { Engine, EngineInputs, pickEnvironment } from "../../infra/engine";
import { settingsToEnv } from "../../pipeline/run/settings";
import { ANALYZE_SETTINGS, analyzeHandlerFactory } from "./analyze";
import { analyzePolicy, completionTopicPolicy, startPolicy } from "./policies";
import { CLASSIC_SETTINGS_SPEC, ClassicSettings } from "./settings";
import { START_SETTINGS, startHandlerFactory } from "./start";
import { RulesPackageName, inspectorPrincipal, rulesPackageArns } from "./regions";

export interface ClassicEngineArgs {
    region: string;
    accountId: pulumi.Input<string>;
    rulesPackages: pulumi.Input<RulesPackageName[]>;
    durationSeconds: pulumi.Input<number>;
}

export interface ClassicEngine {
    resourceGroup: aws.inspector.ResourceGroup;
    target: aws.inspector.AssessmentTarget;
    template: aws.inspector.AssessmentTemplate;
    completionTopic: aws.sns.Topic;
    completionTopicPolicy: aws.sns.TopicPolicy;
}

/** Run completion, and state changes so that a FAILED, ERROR or CANCELED run is noticed too. */
export const COMPLETION_EVENTS = ["ASSESSMENT_RUN_COMPLETED", "ASSESSMENT_RUN_STATE_CHANGED"];

export function classicInfra(name: string, args: ClassicEngineArgs, parent: pulumi.Resource): ClassicEngine {
    const opts = { parent };
    const region = args.region;
    // The group selects exactly the instances this pipeline launches (start tags them).
    const resourceGroup = new aws.inspector.ResourceGroup(`${name}-resource-group`, { region, tags: { [PIPELINE_TAG]: name } }, opts);
    const target = new aws.inspector.AssessmentTarget(`${name}-target`, { region, name: `${name}-target`, resourceGroupArn: resourceGroup.arn }, opts);

    const completionTopic = new aws.sns.Topic(`${name}-completion`, { region, displayName: "Inspector Classic run events" }, opts);
    const topicPolicy = new aws.sns.TopicPolicy(
        `${name}-completion-policy`,
        {
            region,
            arn: completionTopic.arn,
            policy: pulumi
                .all([completionTopic.arn, args.accountId])
                .apply(([topicArn, accountId]) => JSON.stringify(completionTopicPolicy(topicArn, inspectorPrincipal(region), accountId))),
        },
        opts,
    );
    const template = new aws.inspector.AssessmentTemplate(
        `${name}-template`,
        {
            region,
            name: `${name}-template`,
            targetArn: target.arn,
            duration: args.durationSeconds,
            rulesPackageArns: pulumi.output(args.rulesPackages).apply((packages) => rulesPackageArns(region, packages)),
            eventSubscriptions: COMPLETION_EVENTS.map((event) => ({ event, topicArn: completionTopic.arn })),
        },
        // Inspector checks that it may publish when the subscription is made.
        { parent, dependsOn: [topicPolicy] },
    );
    return { resourceGroup, target, template, completionTopic, completionTopicPolicy: topicPolicy };
}

/** The Classic engine's resources and handlers, for the component. */
export function classicEngine(inputs: EngineInputs): Engine {
    const { name, region, parent } = inputs;
    const infra = classicInfra(name, { region, accountId: inputs.accountId, rulesPackages: inputs.rulesPackages, durationSeconds: inputs.durationSeconds }, parent);
    const settings: pulumi.Output<ClassicSettings> = pulumi
        .all([inputs.shared, infra.target.arn, infra.template.arn, inputs.scheduleIntervalSeconds])
        // The schedule's interval tells analyze when a verdict is stale (two schedules old); unknown for an irregular cron.
        .apply(([shared, assessmentTargetArn, assessmentTemplateArn, scheduleIntervalSeconds]) => ({ ...shared, assessmentTargetArn, assessmentTemplateArn, scheduleIntervalSeconds }));
    const environment = (keys: ReadonlyArray<keyof ClassicSettings>) => pickEnvironment(settings, keys, (s) => settingsToEnv(s, CLASSIC_SETTINGS_SPEC));
    return {
        start: {
            description: "Launches one instance per golden AMI and starts an Inspector Classic assessment run",
            callbackFactory: startHandlerFactory,
            environment: environment(START_SETTINGS),
            policy: (logGroupArn) =>
                pulumi
                    .all([inputs.policyScope(logGroupArn), inputs.network.subnetIds, inputs.network.securityGroup.id, inputs.shared])
                    .apply(([scope, subnetIds, securityGroupId, shared]) =>
                        startPolicy(scope, { subnetIds, securityGroupId, amiOwners: shared.amiOwners, instanceTypes: shared.instanceTypes, kmsKeyArns: shared.kmsKeyArns }),
                    ),
            // Agent wait (10 min by default) plus launches must fit in Lambda's 15 minutes.
            timeoutSeconds: 900,
            memorySizeMb: 256,
            // A retry would launch a second set of instances; failures go to the queue and alarm instead.
            maximumRetryAttempts: 0,
        },
        analyze: {
            description: "Consolidates Inspector Classic findings per golden AMI, reports, and terminates the run's instances",
            callbackFactory: analyzeHandlerFactory,
            environment: environment([...ANALYZE_SETTINGS, "scheduleIntervalSeconds"]),
            policy: (logGroupArn) => inputs.policyScope(logGroupArn).apply(analyzePolicy),
            timeoutSeconds: 900,
            memorySizeMb: 512,
            // Idempotent (a claim and a delivered marker guard the report), so retries, and the sweep racing a completion, are safe.
            maximumRetryAttempts: 2,
        },
        connect: (analyze) => {
            new aws.lambda.Permission(
                `${name}-analyze-from-completion`,
                { region, action: "lambda:InvokeFunction", function: analyze.name, principal: "sns.amazonaws.com", sourceArn: infra.completionTopic.arn },
                { parent },
            );
            new aws.sns.TopicSubscription(`${name}-analyze-subscription`, { region, topic: infra.completionTopic.arn, protocol: "lambda", endpoint: analyze.arn }, { parent });
            // The safety net behind the topic: a run whose completion was lost (or never processed) is still reported once.
            scheduleInvocation(`${name}-sweep-schedule`, DEFAULTS.sweepSchedule, analyze, region, parent);
        },
        // The target selects instances by tag; nothing else of Classic's is used by a running instance.
        launchDependencies: [infra.target],
        outputs: { templateArn: infra.template.arn, targetArn: infra.target.arn, completionTopicArn: infra.completionTopic.arn },
    };
}
