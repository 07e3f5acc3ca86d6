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

function ec2Arn(scope: PolicyScope, resource: string): string {
    return `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:${resource}`;
}

/** Statements every handler needs: its own log group, its failure destination, the results topic. */
function commonStatements(scope: PolicyScope): PolicyStatement[] {
    return [
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${scope.logGroupArn}:*` },
        { Sid: "SendFailedInvocations", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: scope.failedInvocationsQueueArn },
        { Sid: "PublishResults", Effect: "Allow", Action: ["sns:Publish"], Resource: scope.resultsTopicArn },
    ];
}

/** Describe calls support no resource-level permissions in EC2; they only read. */
function describeStatement(actions: string[]): PolicyStatement {
    return { Sid: "DescribeHasNoResourceLevelPermissions", Effect: "Allow", Action: actions, Resource: "*" };
}

/** Inspector Classic supports no resource-level permissions at all, so `*` is unavoidable here. */
function inspectorStatement(actions: string[]): PolicyStatement {
    return { Sid: "InspectorClassicHasNoResourceLevelPermissions", Effect: "Allow", Action: actions, Resource: "*" };
}

function terminatePipelineInstances(scope: PolicyScope): PolicyStatement {
    return {
        Sid: "TerminateOnlyThisPipelinesInstances",
        Effect: "Allow",
        Action: ["ec2:TerminateInstances"],
        Resource: ec2Arn(scope, "instance/*"),
        Condition: { StringEquals: { [`aws:ResourceTag/${PIPELINE_TAG}`]: scope.pipelineName } },
    };
}

function reportObjects(scope: PolicyScope): string {
    return `${scope.bucketArn}/${scope.reportPrefix}*`;
}

export function startPolicy(scope: PolicyScope, launch: LaunchScope): PolicyDocument {
    const subnetArns = launch.subnetIds.map((id) => ec2Arn(scope, `subnet/${id}`));
    return {
        Version: "2012-10-17",
        Statement: [
            ...commonStatements(scope),
            describeStatement(["ec2:DescribeImages", "ec2:DescribeInstances"]),
            inspectorStatement(["inspector:ListAssessmentRuns", "inspector:PreviewAgents", "inspector:StartAssessmentRun"]),
            {
                Sid: "LaunchFromAnyImageIntoThePipelineNetworkOnly",
                Effect: "Allow",
                Action: ["ec2:RunInstances"],
                Resource: [
                    `arn:${scope.partition}:ec2:${scope.region}::image/*`,
                    ...subnetArns,
                    ec2Arn(scope, `security-group/${launch.securityGroupId}`),
                ],
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
            terminatePipelineInstances(scope),
            { Sid: "WriteRunManifests", Effect: "Allow", Action: ["s3:PutObject"], Resource: reportObjects(scope) },
        ],
    };
}

export function analyzePolicy(scope: PolicyScope): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...commonStatements(scope),
            describeStatement(["ec2:DescribeInstances"]),
            inspectorStatement(["inspector:ListFindings", "inspector:DescribeFindings"]),
            terminatePipelineInstances(scope),
            {
                Sid: "TagGoldenAmisOnlyUnderThisProductsPrefix",
                Effect: "Allow",
                Action: ["ec2:CreateTags"],
                Resource: `arn:${scope.partition}:ec2:${scope.region}::image/*`,
                Condition: {
                    "ForAllValues:StringLike": { "aws:TagKeys": `${TAG_PREFIX}*` },
                    Null: { "aws:TagKeys": "false" },
                },
            },
            {
                Sid: "ReadAndWriteRunReports",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: reportObjects(scope),
            },
            {
                // Without ListBucket a missing manifest reads as AccessDenied instead of NoSuchKey.
                Sid: "ListRunReportsToTellMissingFromDenied",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: scope.bucketArn,
                Condition: { StringLike: { "s3:prefix": `${scope.reportPrefix}*` } },
            },
        ],
    };
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

/** Only the region's Inspector service account may publish to (and subscribe) the completion topic. */
export function completionTopicPolicy(topicArn: string, inspectorPrincipal: string, accountId: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "InspectorClassicPublishesRunEvents",
                Effect: "Allow",
                Principal: { AWS: inspectorPrincipal },
                Action: ["SNS:Publish", "SNS:Subscribe"],
                Resource: topicArn,
            },
            {
                Sid: "OwnerManagesTopic",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:DeleteTopic"],
                Resource: topicArn,
                Condition: { StringEquals: { "AWS:SourceOwner": accountId } },
            },
        ],
    };
}
