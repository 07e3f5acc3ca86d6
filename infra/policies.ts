// Least-privilege IAM documents, one per handler, built from plain values so they can be
// unit-tested and printed by `npm run plan`. Every action is named: no wildcard actions.
import { COUNTS_TAG, DEPRECATED_BY_TAG, LAST_ASSESSED_TAG, PIPELINE_TAG, VERDICT_TAG } from "../pipeline/run/tags";

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
    /** Opt-in: the verdict writer may deprecate (and undeprecate) this account's own AMIs. */
    deprecateFailingAmis?: boolean;
    /** The hub's bucket and this spoke's prefix in it (docs/hub.md): analyze may PutObject there only. */
    hub?: { bucket: string; prefix: string };
}

export interface LaunchScope {
    subnetIds: string[];
    securityGroupId: string;
    /** The configured AMI owners: account IDs, or "self" for the pipeline's own account. */
    amiOwners: string[];
    /** Architecture -> instance type: the only types the pipeline may launch. */
    instanceTypes: Record<string, string>;
    /** Opt-in KMS keys (this region's) for AMIs with snapshots encrypted under a customer-managed key. */
    kmsKeyArns?: string[];
}

/** ec2:Owner of an image is the owning account's ID ("amazon" for Amazon's own AMIs); "self" is this account. */
/** A bucket policy's first statement: nothing reaches the bucket or its objects without TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement & { Principal: "*" } {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

export function imageOwnerValues(scope: PolicyScope, amiOwners: readonly string[]): string[] {
    return [...new Set(amiOwners.map((owner) => (owner === "self" ? scope.accountId : owner)))];
}

export function launchableInstanceTypes(instanceTypes: Record<string, string>): string[] {
    return [...new Set(Object.values(instanceTypes))].sort();
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
 * RunInstances only from the configured owners' images, only the configured instance types,
 * only into the pipeline's subnets and security group, only for instances and volumes tagged
 * for this pipeline, and CreateTags only as part of the launch.
 */
export function launchStatements(scope: PolicyScope, launch: LaunchScope): PolicyStatement[] {
    const subnetArns = launch.subnetIds.map((id) => ec2Arn(scope, `subnet/${id}`));
    const tagged = { [`aws:RequestTag/${PIPELINE_TAG}`]: scope.pipelineName };
    return [
        {
            Sid: "LaunchOnlyFromTheConfiguredOwnersImages",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: `arn:${scope.partition}:ec2:${scope.region}::image/*`,
            Condition: { StringEquals: { "ec2:Owner": imageOwnerValues(scope, launch.amiOwners) } },
        },
        {
            Sid: "LaunchIntoThePipelineNetworkOnly",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [...subnetArns, ec2Arn(scope, `security-group/${launch.securityGroupId}`)],
        },
        {
            Sid: "NetworkInterfacesOnlyInThePipelineSubnets",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: ec2Arn(scope, "network-interface/*"),
            Condition: { StringEquals: { "ec2:Subnet": subnetArns } },
        },
        {
            // ec2:InstanceType is a key of the instance resource only (always there); IfExists lets the volumes through.
            Sid: "LaunchOnlyConfiguredInstanceTypesAndVolumesTaggedForThisPipeline",
            Effect: "Allow",
            Action: ["ec2:RunInstances"],
            Resource: [ec2Arn(scope, "instance/*"), ec2Arn(scope, "volume/*")],
            Condition: { StringEquals: tagged, StringEqualsIfExists: { "ec2:InstanceType": launchableInstanceTypes(launch.instanceTypes) } },
        },
        ...kmsStatements(scope, launch.kmsKeyArns ?? []),
        {
            Sid: "TagOnlyAtLaunch",
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: [ec2Arn(scope, "instance/*"), ec2Arn(scope, "volume/*")],
            Condition: { StringEquals: { "ec2:CreateAction": "RunInstances" } },
        },
    ];
}

/**
 * Launching from a snapshot encrypted under a customer-managed key needs these on the key, and
 * only through EC2: exactly the listed keys, never kms:* or every key.
 */
export function kmsStatements(scope: PolicyScope, kmsKeyArns: ReadonlyArray<string>): PolicyStatement[] {
    if (kmsKeyArns.length === 0) return [];
    const viaEc2 = { "kms:ViaService": `ec2.${scope.region}.amazonaws.com` };
    return [
        {
            Sid: "UseTheListedKmsKeysThroughEc2Only",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"],
            Resource: [...kmsKeyArns],
            Condition: { StringEquals: viaEc2 },
        },
        {
            Sid: "GrantTheListedKmsKeysToEc2Only",
            Effect: "Allow",
            Action: ["kms:CreateGrant"],
            Resource: [...kmsKeyArns],
            Condition: { StringEquals: viaEc2, Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
    ];
}

/** The tags the verdict writer (pipeline/amiTags.ts) puts on a golden AMI, and nothing else. */
export const AMI_VERDICT_TAG_KEYS = [LAST_ASSESSED_TAG, VERDICT_TAG, COUNTS_TAG];

function imageArns(scope: PolicyScope): string {
    return `arn:${scope.partition}:ec2:${scope.region}::image/*`;
}

/** The verdict keys only; with deprecation on, also its marker (which a later PASS deletes). */
export function tagGoldenAmisStatement(scope: PolicyScope): PolicyStatement {
    return {
        Sid: "TagGoldenAmisOnlyWithTheVerdictKeys",
        Effect: "Allow",
        Action: ["ec2:CreateTags"],
        Resource: imageArns(scope),
        Condition: {
            "ForAllValues:StringEquals": { "aws:TagKeys": scope.deprecateFailingAmis ? [...AMI_VERDICT_TAG_KEYS, DEPRECATED_BY_TAG] : AMI_VERDICT_TAG_KEYS },
            // ForAllValues is true for a request without tag keys; require some.
            Null: { "aws:TagKeys": "false" },
        },
    };
}

/** deprecateFailingAmis: only AMIs this account owns, and only the deprecation marker may be deleted. */
export function deprecationStatements(scope: PolicyScope): PolicyStatement[] {
    if (!scope.deprecateFailingAmis) return [];
    return [
        {
            Sid: "DeprecateOnlyThisAccountsAmis",
            Effect: "Allow",
            Action: ["ec2:EnableImageDeprecation", "ec2:DisableImageDeprecation"],
            Resource: imageArns(scope),
            Condition: { StringEquals: { "ec2:Owner": scope.accountId } },
        },
        {
            Sid: "DeleteOnlyTheDeprecationMarker",
            Effect: "Allow",
            Action: ["ec2:DeleteTags"],
            Resource: imageArns(scope),
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": [DEPRECATED_BY_TAG] }, Null: { "aws:TagKeys": "false" } },
        },
    ];
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

