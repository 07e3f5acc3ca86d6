// Least-privilege IAM documents, one per handler, built from plain values so they can be
// unit-tested and printed by `npm run plan`. Every action is named: no wildcard actions.
import { PIPELINE_TAG, TAG_PREFIX } from "../pipeline/tags";

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** Plain values every handler policy is scoped by. */
export interface PolicyScope {
    partition: string;
    region: string;
    accountId: string;
    pipelineName: string;
    resultsTopicArn: string;
    bucketArn: string;
    /** Key prefix the handlers write under, ends with "/". */
    reportPrefix: string;
    logGroupArn: string;
    failedInvocationsQueueArn: string;
}

export interface LaunchScope {
    subnetIds: string[];
    securityGroupId: string;
}

export function ec2Arn(scope: PolicyScope, resource: string): string {
    return `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:${resource}`;
}

/** Statements every handler needs: its own log group, its failure destination, the results topic. */
export function commonStatements(scope: PolicyScope): PolicyStatement[] {
    return [
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${scope.logGroupArn}:*` },
        { Sid: "SendFailedInvocations", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: scope.failedInvocationsQueueArn },
        { Sid: "PublishResults", Effect: "Allow", Action: ["sns:Publish"], Resource: scope.resultsTopicArn },
    ];
}

/** Describe calls support no resource-level permissions in EC2; they only read. */
export function describeStatement(actions: string[]): PolicyStatement {
    return { Sid: "DescribeHasNoResourceLevelPermissions", Effect: "Allow", Action: actions, Resource: "*" };
}

export function terminatePipelineInstances(scope: PolicyScope): PolicyStatement {
    return {
        Sid: "TerminateOnlyThisPipelinesInstances",
        Effect: "Allow",
        Action: ["ec2:TerminateInstances"],
        Resource: ec2Arn(scope, "instance/*"),
        Condition: { StringEquals: { [`aws:ResourceTag/${PIPELINE_TAG}`]: scope.pipelineName } },
    };
}

export function reportObjects(scope: PolicyScope): string {
    return `${scope.bucketArn}/${scope.reportPrefix}*`;
}

/**
 * RunInstances only into the pipeline's subnets and security group, only for instances and
 * volumes tagged for this pipeline, and CreateTags only as part of the launch.
 */
export function launchStatements(scope: PolicyScope, launch: LaunchScope): PolicyStatement[] {
    const subnetArns = launch.subnetIds.map((id) => ec2Arn(scope, `subnet/${id}`));
    return [
        {
            Sid: "LaunchFromAnyImageIntoThePipelineNetworkOnly",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [`arn:${scope.partition}:ec2:${scope.region}::image/*`, ...subnetArns, ec2Arn(scope, `security-group/${launch.securityGroupId}`)],
        },
        {
            Sid: "NetworkInterfacesOnlyInThePipelineSubnets",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: ec2Arn(scope, "network-interface/*"),
            Condition: { StringEquals: { "ec2:Subnet": subnetArns } },
        },
        {
            Sid: "LaunchOnlyInstancesAndVolumesTaggedForThisPipeline",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [ec2Arn(scope, "instance/*"), ec2Arn(scope, "volume/*")],
            Condition: { StringEquals: { [`aws:RequestTag/${PIPELINE_TAG}`]: scope.pipelineName } },
        },
        {
            Sid: "TagOnlyAtLaunch",
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: [ec2Arn(scope, "instance/*"), ec2Arn(scope, "volume/*")],
            Condition: { StringEquals: { "ec2:CreateAction": "RunInstances" } },
        },
    ];
}

export function tagGoldenAmisStatement(scope: PolicyScope): PolicyStatement {
    return {
        Sid: "TagGoldenAmisOnlyUnderThisProductsPrefix",
        Effect: "Allow",
        Action: ["ec2:CreateTags"],
        Resource: `arn:${scope.partition}:ec2:${scope.region}::image/*`,
        Condition: {
            "ForAllValues:StringLike": { "aws:TagKeys": `${TAG_PREFIX}*` },
            Null: { "aws:TagKeys": "false" },
        },
    };
}

/** Run state (manifests, markers, locks) and reports, under the report prefix only. */
export function runStateStatements(scope: PolicyScope, actions: string[]): PolicyStatement[] {
    return [
        { Sid: "ReadAndWriteRunReports", Effect: "Allow", Action: actions, Resource: reportObjects(scope) },
        {
            // Without ListBucket a missing object reads as AccessDenied instead of NoSuchKey.
            Sid: "ListRunReportsToTellMissingFromDenied",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: scope.bucketArn,
            Condition: { StringLike: { "s3:prefix": `${scope.reportPrefix}*` } },
        },
    ];
}

export function reaperPolicy(scope: PolicyScope): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [...commonStatements(scope), describeStatement(["ec2:DescribeInstances"]), terminatePipelineInstances(scope)],
    };
}

export const LAMBDA_ASSUME_ROLE_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Sid: "LambdaAssumesRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

