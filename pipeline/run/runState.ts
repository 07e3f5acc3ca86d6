// Run state in the report bucket, safe under at-least-once delivery and concurrent invocations:
// markers are created only if absent (If-None-Match: *), and a claim that outlived its holder is
// taken over only if nobody else took it first (If-Match on the ETag read). Never read-then-write.
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

export function isS3Error(error: unknown, names: string[], httpStatus: number): boolean {
    if (typeof error !== "object" || error === null) return false;
    const details = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return names.includes(details.name ?? "") || names.includes(details.Code ?? "") || details.$metadata?.httpStatusCode === httpStatus;
}

/** 412: the condition failed (the object exists, or changed). 409: a concurrent conditional write is in progress. */
function lostTheRace(error: unknown): boolean {
    return isS3Error(error, ["PreconditionFailed", "ConditionalRequestConflict"], 412) || isS3Error(error, [], 409);
}

/** Creates `key` only if it does not exist; "exists" when another writer got there first. */
export async function putIfAbsent(s3: S3Client, bucket: string, key: string, body: string): Promise<"created" | "exists"> {
    try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json", IfNoneMatch: "*" }));
        return "created";
    } catch (error) {
        if (lostTheRace(error)) return "exists";
        throw error;
    }
}

export async function putJson(s3: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value, null, 2), ContentType: "application/json" }));
}

/** The object's JSON and ETag, or undefined when it does not exist. */
export async function readJson<T>(s3: S3Client, bucket: string, key: string): Promise<{ value: T; etag?: string } | undefined> {
    try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const text = (await object.Body?.transformToString("utf-8")) ?? "";
        return { value: JSON.parse(text) as T, etag: object.ETag };
    } catch (error) {
        if (isS3Error(error, ["NoSuchKey", "NotFound"], 404)) return undefined;
        throw error;
    }
}

export async function deleteKey(s3: S3Client, bucket: string, key: string): Promise<void> {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Every key under `prefix`, across pages. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
}

export interface Claim {
    holder: string;
    /** ISO 8601: after this the holder is presumed dead (crashed, or timed out) and the claim may be taken over. */
    expiresAt: string;
}

export type ClaimResult = { status: "claimed" | "taken-over"; previous?: Claim } | { status: "held"; by: Claim };

/**
 * Claims `key` for `claim.holder`: created if absent, taken over if the current claim expired,
 * otherwise "held". Claiming again as the same holder succeeds (a retry of the same work).
 */
export async function claim(s3: S3Client, bucket: string, key: string, wanted: Claim, now: Date): Promise<ClaimResult> {
    if ((await putIfAbsent(s3, bucket, key, JSON.stringify(wanted))) === "created") return { status: "claimed" };
    const current = await readJson<Claim>(s3, bucket, key);
    if (!current) return claim(s3, bucket, key, wanted, now); // released in between: try again
    if (current.value.holder === wanted.holder) return { status: "claimed", previous: current.value };
    if (new Date(current.value.expiresAt).getTime() > now.getTime()) return { status: "held", by: current.value };
    try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(wanted), ContentType: "application/json", IfMatch: current.etag }));
        return { status: "taken-over", previous: current.value };
    } catch (error) {
        if (!lostTheRace(error)) throw error;
        const winner = await readJson<Claim>(s3, bucket, key);
        return { status: "held", by: winner?.value ?? current.value };
    }
}

/** Releases `key` only if `holder` still holds it. */
export async function release(s3: S3Client, bucket: string, key: string, holder: string): Promise<void> {
    const current = await readJson<Claim>(s3, bucket, key);
    if (current?.value.holder === holder) await deleteKey(s3, bucket, key);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
