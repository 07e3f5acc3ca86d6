// The runs this pipeline started and has not reported yet: start writes one "open" marker per
// assessment run next to its manifest; analyze deletes it once the report is delivered. The
// scheduled sweep lists them. (Not under v2's "open/": a bucket kept across an engine change
// must not show one engine's runs to the other's sweep.)
import type { S3Client } from "@aws-sdk/client-s3";
import { withRetry } from "../../pipeline/run/retryable";
import { deleteKey, listKeys, putJson, readJson } from "../../pipeline/run/runState";
import { runArnId } from "./manifest";

export interface OpenRunMarker {
    assessmentRunArn: string;
    /** start's run id: the value of the run tag on its instances. */
    runId: string;
    /** ISO 8601. */
    startedAt: string;
}

/** Open Classic runs are listed by this prefix. */
export function classicOpenRunsPrefix(reportPrefix: string): string {
    return `${reportPrefix}classic-open/`;
}

export function openRunKey(reportPrefix: string, assessmentRunArn: string): string {
    return `${classicOpenRunsPrefix(reportPrefix)}${runArnId(assessmentRunArn)}`;
}

/** start, once the run has started and its manifest is written. */
export async function writeOpenMarker(s3: S3Client, bucket: string, reportPrefix: string, marker: OpenRunMarker, sleep: (ms: number) => Promise<void>): Promise<void> {
    await withRetry(() => putJson(s3, bucket, openRunKey(reportPrefix, marker.assessmentRunArn), marker), { sleep });
}

/** analyze, after delivery: the sweep has nothing more to do for this run. Deleting an absent marker is a no-op. */
export async function deleteOpenMarker(s3: S3Client, bucket: string, reportPrefix: string, assessmentRunArn: string): Promise<void> {
    await deleteKey(s3, bucket, openRunKey(reportPrefix, assessmentRunArn));
}

/** The open runs' markers; one that vanished since the listing (delivered meanwhile) is skipped. */
export async function listOpenRuns(s3: S3Client, bucket: string, reportPrefix: string): Promise<OpenRunMarker[]> {
    const keys = await listKeys(s3, bucket, classicOpenRunsPrefix(reportPrefix));
    const markers: OpenRunMarker[] = [];
    for (const key of keys) {
        const marker = (await readJson<OpenRunMarker>(s3, bucket, key))?.value;
        if (marker && typeof marker.assessmentRunArn === "string") markers.push(marker);
    }
    return markers;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
