// The Inspector Classic engine: what Inspector Classic needs to assess tagged instances and
// tell the analyze handler when a run ends. An Inspector v2 engine would sit beside this file,
// exposing the same EngineOutputs to the component.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PIPELINE_TAG } from "../../pipeline/tags";
import { completionTopicPolicy } from "../../components/policies";
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

export function classicEngine(name: string, args: ClassicEngineArgs, parent: pulumi.Resource): ClassicEngine {
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
