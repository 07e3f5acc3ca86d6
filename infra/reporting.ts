// Where results go: an SNS topic people subscribe to, and a private, encrypted bucket that
// keeps full reports for the retention period.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport } from "./policies";

export interface ReportingArgs {
    region: string;
    notificationEmails: pulumi.Input<string>[];
    reportRetentionDays: pulumi.Input<number>;
    /** false: the caller sets the bucket's one policy itself (the hub: TLS-only plus its spokes). Default true. */
    tlsOnlyPolicy?: boolean;
    /** Expire only objects under this prefix (the hub keeps its own files). Default: every object. */
    expirePrefix?: string;
}

export interface Reporting {
    resultsTopic: aws.sns.Topic;
    bucket: aws.s3.Bucket;
    failedInvocationsQueue: aws.sqs.Queue;
}

/** S3 bucket names are lowercase, at most 63 characters; Pulumi's prefix adds 26 more. */
export function bucketPrefixFor(name: string): string {
    const safe = name.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
    return `${safe.slice(0, 28)}-reports-`;
}

export function reporting(name: string, args: ReportingArgs, parent: pulumi.Resource): Reporting {
    const opts = { parent };
    const region = args.region;
    const resultsTopic = new aws.sns.Topic(`${name}-results`, { region, displayName: "Golden AMI assessment results" }, opts);
    args.notificationEmails.forEach((endpoint, index) => {
        new aws.sns.TopicSubscription(`${name}-email-${index}`, { region, topic: resultsTopic.arn, protocol: "email", endpoint }, opts);
    });

    const bucket = new aws.s3.Bucket(`${name}-reports`, { region, bucketPrefix: bucketPrefixFor(name), forceDestroy: false }, opts);
    new aws.s3.BucketOwnershipControls(`${name}-reports-ownership`, { region, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketPublicAccessBlock(
        `${name}-reports-public-access`,
        { region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-reports-encryption`,
        { region, bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
        opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-reports-lifecycle`,
        {
            region,
            bucket: bucket.id,
            rules: [
                {
                    id: "expire-reports",
                    status: "Enabled",
                    filter: args.expirePrefix ? { prefix: args.expirePrefix } : {},
                    expiration: { days: args.reportRetentionDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                },
            ],
        },
        opts,
    );
    if (args.tlsOnlyPolicy !== false) tlsOnly(name, region, bucket, parent);

    // Events a handler failed on (after its retries) are kept 14 days for inspection or redrive.
    const failedInvocationsQueue = new aws.sqs.Queue(
        `${name}-failed-invocations`,
        { region, messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true },
        opts,
    );
    return { resultsTopic, bucket, failedInvocationsQueue };
}

function tlsOnly(name: string, region: string, bucket: aws.s3.Bucket, parent: pulumi.Resource): void {
    new aws.s3.BucketPolicy(
        `${name}-reports-tls-only`,
        {
            region,
            bucket: bucket.id,
            policy: bucket.arn.apply((arn) =>
JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecureTransport(arn)] })
            ),
        },
        { parent },
    );
}
