// An EventBridge schedule invoking a function, allowed to do so by that rule only.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export function scheduleInvocation(
    ruleName: string,
    scheduleExpression: pulumi.Input<string>,
    func: aws.lambda.Function,
    region: string,
    parent: pulumi.Resource,
    /** The target waits for these on create and is deleted before them. */
    dependsOn: pulumi.Resource[] = [],
): aws.cloudwatch.EventRule {
    const rule = new aws.cloudwatch.EventRule(ruleName, { region, scheduleExpression, description: `Invokes ${ruleName.replace(/-schedule$/, "")}` }, { parent });
    new aws.lambda.Permission(
        `${ruleName}-permission`,
        { region, action: "lambda:InvokeFunction", function: func.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
        { parent },
    );
    new aws.cloudwatch.EventTarget(`${ruleName}-target`, { region, rule: rule.name, arn: func.arn }, { parent, dependsOn });
    return rule;
}
