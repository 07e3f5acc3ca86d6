// Assess on publish, the Pulumi side: the publish function (its own role: the start role's scoped
// launch permissions, nothing more), the rule on EC2's "EC2 AMI State Change" available events,
// with assessOnTag the rule on CloudTrail's CreateTags, and the drain schedule that launches
// queued AMIs as instance slots free up. All on the default bus, in the component's region.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../../infra/defaults";
import type { EngineHandler, ExtraHandler } from "../../infra/engine";
import type { PolicyDocument } from "../../infra/policies";
import { scheduleInvocation } from "../../infra/schedule";
import { publishHandlerFactory } from "./publish";
import { AMI_AVAILABLE_PATTERN, AMI_TAGGED_PATTERN } from "./publishEvent";

export interface PublishInputs {
    name: string;
    region: string;
    parent: pulumi.Resource;
    assessOnTag: boolean;
    environment: pulumi.Output<Record<string, string>>;
    policy: (logGroupArn: pulumi.Output<string>) => pulumi.Output<PolicyDocument>;
    outputs: Record<string, pulumi.Output<string>>;
    /** Start's: it launches as start does, within the same limits. */
    timeoutSeconds: number;
}

/** The rules that wake the publish function, by name suffix. */
export function publishRules(assessOnTag: boolean): { suffix: string; description: string; pattern: object }[] {
    const rules: { suffix: string; description: string; pattern: object }[] = [{ suffix: "ami-published", description: "An AMI became available (EC2 AMI State Change): assess it if it is golden", pattern: AMI_AVAILABLE_PATTERN }];
    if (assessOnTag) rules.push({ suffix: "ami-tagged", description: "Tags were added to an AMI (CloudTrail CreateTags; needs a trail): assess it if it became golden", pattern: AMI_TAGGED_PATTERN });
    return rules;
}

export function publishHandler(inputs: PublishInputs): ExtraHandler {
    const { name, region, parent } = inputs;
    const handler: EngineHandler = {
        description: "Assesses a golden AMI when it is published: queues it, then launches it as its own run when an instance slot is free",
        callbackFactory: publishHandlerFactory,
        environment: inputs.environment,
        policy: inputs.policy,
        timeoutSeconds: inputs.timeoutSeconds,
        memorySizeMb: 256,
        // A retry is harmless: the queue marker and the AMI claim are conditional writes.
        maximumRetryAttempts: 2,
    };
    return {
        role: "publish",
        handler,
        launches: true,
        connect: (func, dependsOn) => {
            for (const rule of publishRules(inputs.assessOnTag)) {
                const eventRule = new aws.cloudwatch.EventRule(`${name}-${rule.suffix}`, { region, description: rule.description, eventPattern: JSON.stringify(rule.pattern) }, { parent });
                new aws.lambda.Permission(
                    `${name}-${rule.suffix}-permission`,
                    { region, action: "lambda:InvokeFunction", function: func.name, principal: "events.amazonaws.com", sourceArn: eventRule.arn },
                    { parent },
                );
                new aws.cloudwatch.EventTarget(`${name}-${rule.suffix}-target`, { region, rule: eventRule.name, arn: func.arn }, { parent, dependsOn });
                inputs.outputs[rule.suffix === "ami-published" ? "amiPublishedRuleArn" : "amiTaggedRuleArn"] = eventRule.arn;
            }
            scheduleInvocation(`${name}-publish-drain`, DEFAULTS.publishDrainSchedule, func, region, parent, dependsOn);
        },
    };
}
