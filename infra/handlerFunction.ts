// One handler Lambda, deployed as a serialized closure, with everything it should never be
// without: its own least-privilege role (never CallbackFunction's default managed policies), a
// log group with retention, a failure destination for async invocations, and an alarm on errors.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_ASSUME_ROLE_POLICY, PolicyDocument } from "./policies";
import { HANDLER_ENTRY, handlerArchive } from "./serializedHandler";

export interface HandlerFunctionArgs {
    region: string;
    /** Serialized into the code archive; reads its settings from the environment once per container. */
    callbackFactory: () => (event: any) => Promise<unknown>;
    environment: pulumi.Input<Record<string, string>>;
    /** The role's inline policy, given the function's log group ARN. */
    policy: (logGroupArn: pulumi.Output<string>) => pulumi.Output<PolicyDocument>;
    timeoutSeconds: number;
    memorySizeMb: number;
    /** Async retries: 0 where a retry could double the work (launching instances). */
    maximumRetryAttempts: number;
    logRetentionDays: number;
    failedInvocationsQueue: aws.sqs.Queue;
    alarmTopicArn: pulumi.Input<string>;
    description: string;
    /** Set to cap concurrent invocations (start: 1, one fleet at a time); unset, the account's unreserved pool. */
    reservedConcurrentExecutions?: number;
}

export interface HandlerFunction {
    func: aws.lambda.Function;
    role: aws.iam.Role;
    rolePolicy: aws.iam.RolePolicy;
    logGroup: aws.cloudwatch.LogGroup;
}

export function handlerFunction(name: string, args: HandlerFunctionArgs, parent: pulumi.Resource): HandlerFunction {
    const opts = { parent };
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { region: args.region, name: `/golden-ami-assessment/${name}`, retentionInDays: args.logRetentionDays },
        opts,
    );
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: JSON.stringify(LAMBDA_ASSUME_ROLE_POLICY), description: args.description }, opts);
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-policy`,
        { role: role.id, policy: args.policy(logGroup.arn).apply((doc) => JSON.stringify(doc)) },
        opts,
    );
    const func = new aws.lambda.Function(
        name,
        {
            region: args.region,
            description: args.description,
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            role: role.arn,
            handler: HANDLER_ENTRY,
            code: handlerArchive(args.callbackFactory),
            environment: { variables: args.environment },
            timeout: args.timeoutSeconds,
            memorySize: args.memorySizeMb,
            reservedConcurrentExecutions: args.reservedConcurrentExecutions,
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        },
        // The policy must exist before the first invocation can log or act.
        { parent, dependsOn: [rolePolicy] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
        `${name}-invoke`,
        {
            region: args.region,
            functionName: func.name,
            maximumRetryAttempts: args.maximumRetryAttempts,
            destinationConfig: { onFailure: { destination: args.failedInvocationsQueue.arn } },
        },
        opts,
    );
    new aws.cloudwatch.MetricAlarm(
        `${name}-errors`,
        {
            region: args.region,
            alarmDescription: `${name} failed; the failed event is kept in the failed-invocations queue`,
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: func.name },
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [args.alarmTopicArn],
        },
        opts,
    );
    return { func, role, rolePolicy, logGroup };
}
