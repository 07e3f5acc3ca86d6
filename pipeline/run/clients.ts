// One factory per client so a serialized handler only pulls in the SDK packages it uses.
// Adaptive retry mode backs off on throttling; each engine adds its Inspector client the same way.
import { EC2Client } from "@aws-sdk/client-ec2";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";

export const CLIENT_RETRY = { retryMode: "adaptive", maxAttempts: 8 } as const;

export function createEc2Client(): EC2Client {
    return new EC2Client({ ...CLIENT_RETRY });
}
export function createS3Client(): S3Client {
    return new S3Client({ ...CLIENT_RETRY });
}
export function createSnsClient(): SNSClient {
    return new SNSClient({ ...CLIENT_RETRY });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
