// The report bucket: reading start's manifest and writing report files (run state is in runState.ts).
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { errorText } from "../run/errors";
import type { RunManifest } from "../run/manifest";
import { isS3Error } from "../run/runState";

export type ManifestRead<M extends RunManifest = RunManifest> = { manifest: M; problem?: undefined } | { manifest: undefined; problem: string };

/**
 * The run's manifest, or why there is none. A missing or unreadable manifest is reported, not fatal:
 * findings and instance tags still say a lot. Only unexpected errors (throttling that outlasted
 * the SDK's retries, server errors) throw, so the invocation is retried.
 */
export async function readManifest<M extends RunManifest = RunManifest>(
    s3: S3Client,
    bucket: string,
    key: string,
    /** The engine's own check that this manifest is the run's; returns what is wrong, if anything. */
    mismatch: (manifest: M) => string | undefined = () => undefined,
): Promise<ManifestRead<M>> {
    let text: string;
    try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        text = (await object.Body?.transformToString("utf-8")) ?? "";
    } catch (error) {
        if (isS3Error(error, ["NoSuchKey", "NotFound"], 404)) return { manifest: undefined, problem: `no manifest at s3://${bucket}/${key}` };
        // Without s3:ListBucket, S3 answers 403 rather than 404 for a missing key.
        if (isS3Error(error, ["AccessDenied"], 403)) {
            return { manifest: undefined, problem: `manifest s3://${bucket}/${key} is missing or not readable: ${errorText(error)}` };
        }
        throw error;
    }
    let manifest: unknown;
    try {
        manifest = JSON.parse(text);
    } catch {
        return { manifest: undefined, problem: `manifest s3://${bucket}/${key} is not valid JSON` };
    }
    const shape = manifest as Partial<RunManifest> | null;
    if (typeof shape !== "object" || shape === null || typeof shape.runId !== "string" || !Array.isArray(shape.amis)) {
        return { manifest: undefined, problem: `manifest s3://${bucket}/${key} lacks runId or amis` };
    }
    const wrong = mismatch(shape as M);
    if (wrong) return { manifest: undefined, problem: `manifest s3://${bucket}/${key} ${wrong}` };
    return { manifest: shape as M };
}

export async function putText(s3: S3Client, bucket: string, key: string, body: string, contentType: string): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
