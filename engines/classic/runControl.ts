// Start's safety around a Classic run: the per-pipeline start lock, a manifest write that
// survives throttling, and stopping a run whose manifest could not be written (never killing
// the instances of a run that is still going on).
import { InspectorClient, StopAssessmentRunCommand } from "@aws-sdk/client-inspector";
import type { S3Client } from "@aws-sdk/client-s3";
import { errorText } from "../../pipeline/run/errors";
import { withRetry } from "../../pipeline/run/retryable";
import { putJson } from "../../pipeline/run/runState";

export { startLockKey } from "../../pipeline/run/manifest";

export async function writeManifestWithRetries(s3: S3Client, bucket: string, key: string, manifest: unknown, sleep: (ms: number) => Promise<void>): Promise<void> {
    await withRetry(() => putJson(s3, bucket, key, manifest), { sleep });
}

export type StopResult = { stopped: true } | { stopped: false; error: string };

/** Stops the run without evaluating rules, so its agents are released before the instances go. */
export async function stopAssessmentRun(inspector: InspectorClient, assessmentRunArn: string, sleep: (ms: number) => Promise<void>): Promise<StopResult> {
    try {
        await withRetry(() => inspector.send(new StopAssessmentRunCommand({ assessmentRunArn, stopAction: "SKIP_EVALUATION" })), { sleep });
        return { stopped: true };
    } catch (error) {
        return { stopped: false, error: errorText(error) };
    }
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
