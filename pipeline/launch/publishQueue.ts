// Published AMIs waiting for a free instance slot: one durable marker per AMI in the report
// bucket (never an in-memory list), created only if absent so the first trigger is kept, and
// deleted once a run has committed the AMI (or the AMI is no longer golden).
import type { S3Client } from "@aws-sdk/client-s3";
import { deleteKey, listKeys, putIfAbsent, readJson } from "../run/runState";

export interface QueuedAmi {
    imageId: string;
    /** What made it due, in words for the report: "published 2026-12-03T10:00:00Z (EC2 AMI State Change: available)". */
    trigger: string;
    /** ISO 8601: first in, first out. */
    queuedAt: string;
}

export function queuePrefix(reportPrefix: string): string {
    return `${reportPrefix}queue/`;
}

export function queueKey(reportPrefix: string, imageId: string): string {
    return `${queuePrefix(reportPrefix)}${imageId}.json`;
}

/** Queues the AMI unless it is queued already (the earlier trigger stands). */
export async function enqueue(s3: S3Client, bucket: string, reportPrefix: string, entry: QueuedAmi): Promise<"created" | "exists"> {
    return putIfAbsent(s3, bucket, queueKey(reportPrefix, entry.imageId), JSON.stringify(entry));
}

/** Every queued AMI, oldest first (then by AMI ID). A marker that vanished while listing is skipped. */
export async function readQueue(s3: S3Client, bucket: string, reportPrefix: string): Promise<QueuedAmi[]> {
    const entries: QueuedAmi[] = [];
    for (const key of await listKeys(s3, bucket, queuePrefix(reportPrefix))) {
        const entry = (await readJson<QueuedAmi>(s3, bucket, key))?.value;
        if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.imageId.localeCompare(b.imageId));
}

/** The queued AMI IDs, from the listing alone. */
export async function readQueueIds(s3: S3Client, bucket: string, reportPrefix: string): Promise<string[]> {
    const prefix = queuePrefix(reportPrefix);
    return (await listKeys(s3, bucket, prefix)).map((key) => key.slice(prefix.length).replace(/\.json$/, ""));
}

export async function dequeue(s3: S3Client, bucket: string, reportPrefix: string, imageId: string): Promise<void> {
    await deleteKey(s3, bucket, queueKey(reportPrefix, imageId));
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
