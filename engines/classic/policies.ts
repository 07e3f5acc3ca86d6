// The Classic handlers' IAM documents and the completion topic policy.
import {
    LaunchScope,
    PolicyDocument,
    PolicyScope,
    PolicyStatement,
    commonStatements,
    deprecationStatements,
    describeStatement,
    launchStatements,
    runStateStatements,
    tagGoldenAmisStatement,
    terminatePipelineInstances,
} from "../../infra/policies";

/** Inspector Classic supports no resource-level permissions at all, so `*` is unavoidable here. */
function inspectorStatement(actions: string[]): PolicyStatement {
    return { Sid: "InspectorClassicHasNoResourceLevelPermissions", Effect: "Allow", Action: actions, Resource: "*" };
}

export function startPolicy(scope: PolicyScope, launch: LaunchScope): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...commonStatements(scope),
            describeStatement(["ec2:DescribeImages", "ec2:DescribeInstances"]),
            inspectorStatement(["inspector:ListAssessmentRuns", "inspector:PreviewAgents", "inspector:StartAssessmentRun", "inspector:StopAssessmentRun"]),
            ...launchStatements(scope, launch),
            terminatePipelineInstances(scope),
            // The manifest, the run's open marker, and the start lock (claimed, read, released).
            ...runStateStatements(scope, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
        ],
    };
}

export function analyzePolicy(scope: PolicyScope): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...commonStatements(scope),
            describeStatement(["ec2:DescribeInstances"]),
            // DescribeAssessmentRuns: the sweep asks which open runs have ended.
            inspectorStatement(["inspector:ListFindings", "inspector:DescribeFindings", "inspector:ListAssessmentRunAgents", "inspector:DescribeAssessmentRuns"]),
            terminatePipelineInstances(scope),
            tagGoldenAmisStatement(scope),
            ...deprecationStatements(scope),
            // Reports, markers and claims; ListBucket (under the report prefix only) also lets the sweep list the open runs.
            ...runStateStatements(scope, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
        ],
    };
}

/**
 * The region's Inspector service account may publish to and subscribe the completion topic, as
 * the Inspector Classic guide requires. The owning account gets reads and Subscribe only: Pulumi
 * manages (updates, deletes) the topic with the deployer's own IAM permissions, which need no grant here.
 */
export function completionTopicPolicy(topicArn: string, inspectorPrincipal: string, accountId: string) {
    const partition = topicArn.split(":")[1];
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
                Sid: "OwnerAccountReadsAndSubscribes",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                Action: ["SNS:GetTopicAttributes", "SNS:ListSubscriptionsByTopic", "SNS:Subscribe"],
                Resource: topicArn,
            },
        ],
    };
}
