// The hub's IAM documents (pure): its bucket policy, the only cross-account write of the stack,
// admitting exactly the spokes' analyze roles (aws:PrincipalArn) to exactly their own prefix; the
// index builder's and the digest's roles; and the spoke analyze role's one grant on the hub.
import { PolicyDocument, PolicyStatement, denyInsecureTransport } from "./policies";

/** What the hub knows of one spoke: where it runs and the role its analyze function runs as. */
export interface HubSpokeGrant {
    region: string;
    analyzeRoleArn: string;
}

/** A resource policy's statement names who it is for. */
export type ResourcePolicyStatement = PolicyStatement & { Principal: "*" | { AWS: string[] } };
export interface ResourcePolicyDocument {
    Version: "2012-10-17";
    Statement: ResourcePolicyStatement[];
}

/** S3 user guide, "Bucket policy examples" / quotas: a bucket policy is at most 20 KB. */
export const BUCKET_POLICY_MAX_BYTES = 20 * 1024;

export function accountOfRoleArn(roleArn: string): string {
    const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/.exec(roleArn);
    if (!match) throw new Error(`not an IAM role ARN: ${roleArn}`);
    return match[1];
}

export function hubBucketArn(partition: string, bucket: string): string {
    return `arn:${partition}:s3:::${bucket}`;
}

/**
 * One Allow per region: the resource names the caller's own account through the policy variable
 * ${aws:PrincipalAccount} (IAM user guide, "IAM policy elements: Variables and tags"), so a role
 * writes only spokes/<its account>/<the statement's region>/; the condition lists the exact analyze
 * role ARNs of that region. Cross-account, S3 needs this Allow as well as the role's own grant
 * (S3 user guide, "How Amazon S3 authorizes a request for an object operation"); with
 * BucketOwnerEnforced the hub's account owns every object written (S3 user guide, "Object Ownership").
 */
export function hubBucketPolicy(partition: string, bucket: string, spokes: readonly HubSpokeGrant[]): ResourcePolicyDocument {
    const arn = hubBucketArn(partition, bucket);
    const regions = [...new Set(spokes.map((s) => s.region))].sort();
    const grants: ResourcePolicyStatement[] = regions.map((region) => {
        const inRegion = spokes.filter((s) => s.region === region);
        return {
            Sid: `SpokesWriteOnlyTheirOwnPrefix${region.replace(/[^a-zA-Z0-9]/g, "")}`,
            Effect: "Allow",
            // "*" narrowed to fixed aws:PrincipalArn values is not public (S3 user guide, "The meaning of
            // public"), so BlockPublicPolicy accepts it, and it saves a principal per spoke in the 20 KB.
            Principal: "*",
            Action: ["s3:PutObject"],
            Resource: `${arn}/spokes/\${aws:PrincipalAccount}/${region}/*`,
            Condition: { ArnEquals: { "aws:PrincipalArn": [...new Set(inRegion.map((s) => s.analyzeRoleArn))].sort() } },
        };
    });
    return {
        Version: "2012-10-17",
        Statement: [
            denyInsecureTransport(arn),
            ...grants,
        ],
    };
}

/** A policy that S3 would refuse fails the preview instead, naming the limit and the way out. */
export function checkBucketPolicySize(policy: ResourcePolicyDocument, spokes: number): string {
    const text = JSON.stringify(policy);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > BUCKET_POLICY_MAX_BYTES) {
        throw new Error(`the hub's bucket policy for ${spokes} spokes is ${bytes} bytes, over S3's ${BUCKET_POLICY_MAX_BYTES}-byte limit: split the spokes over several hub stacks (docs/hub.md)`);
    }
    return text;
}

/** The spoke's analyze role: PutObject on its own hub prefix, nothing else of the hub. */
export function spokeHubStatement(partition: string, bucket: string, prefix: string): PolicyStatement {
    return { Sid: "SendRunSummariesToTheHubOwnPrefixOnly", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${hubBucketArn(partition, bucket)}/${prefix}*` };
}

export interface HubHandlerScope {
    partition: string;
    bucket: string;
    logGroupArn: string;
    failedInvocationsQueueArn: string;
    resultsTopicArn: string;
}

function handlerBasics(scope: HubHandlerScope): PolicyStatement[] {
    return [
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${scope.logGroupArn}:*` },
        { Sid: "SendFailedInvocations", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: scope.failedInvocationsQueueArn },
    ];
}

function listHub(scope: HubHandlerScope, prefixes: string[]): PolicyStatement {
    // Without ListBucket a missing object reads as AccessDenied instead of NoSuchKey.
    return { Sid: "ListToTellMissingFromDenied", Effect: "Allow", Action: ["s3:ListBucket"], Resource: hubBucketArn(scope.partition, scope.bucket), Condition: { StringLike: { "s3:prefix": prefixes } } };
}

/** Reads the spokes' summaries and the hub's own files; writes only under hub/. */
export function hubIndexPolicy(scope: HubHandlerScope): PolicyDocument {
    const arn = hubBucketArn(scope.partition, scope.bucket);
    return {
        Version: "2012-10-17",
        Statement: [
            ...handlerBasics(scope),
            { Sid: "ReadSpokeSummariesAndTheHub", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${arn}/spokes/*`, `${arn}/hub/*`] },
            { Sid: "WriteTheHubPages", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${arn}/hub/*` },
            listHub(scope, ["spokes/*", "hub/*"]),
        ],
    };
}

/** Reads the index and its own state, writes its state, publishes the digest. */
export function hubDigestPolicy(scope: HubHandlerScope): PolicyDocument {
    const arn = hubBucketArn(scope.partition, scope.bucket);
    return {
        Version: "2012-10-17",
        Statement: [
            ...handlerBasics(scope),
            { Sid: "PublishTheDigest", Effect: "Allow", Action: ["sns:Publish"], Resource: scope.resultsTopicArn },
            { Sid: "ReadTheIndexAndTheLastDigest", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${arn}/hub/index.json`, `${arn}/hub/digest-state.json`] },
            { Sid: "RecordWhatWasSent", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${arn}/hub/digest-state.json` },
            listHub(scope, ["hub/*"]),
        ],
    };
}
