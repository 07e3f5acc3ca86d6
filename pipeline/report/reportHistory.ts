// What a run's report is compared with and listed in: the pipeline's previous report (for the
// trend) and the bucket's index of runs. Both are small JSON objects beside the reports.
import type { S3Client } from "@aws-sdk/client-s3";
import type { AssessmentReport } from "./report";
import { IndexEntry, renderIndexHtml } from "./reportIndex";
import { putText } from "./reportStore";
import { putJson, readJson } from "../run/runState";

/** How many runs index.json keeps, and how many index.html lists. */
export const INDEX_KEEP = 100;
export const INDEX_SHOWN = 20;

export function historyKeys(reportPrefix: string) {
    return { latest: `${reportPrefix}latest.json`, indexJson: `${reportPrefix}index.json`, indexHtml: `${reportPrefix}index.html` };
}

/** The previous run's report, if there is one that can be read; never fails the delivery. */
export async function previousReport(s3: S3Client, bucket: string, reportPrefix: string): Promise<AssessmentReport | undefined> {
    try {
        const pointer = await readJson<{ jsonKey: string }>(s3, bucket, historyKeys(reportPrefix).latest);
        if (!pointer || pointer.value.jsonKey === undefined) return undefined;
        return (await readJson<AssessmentReport>(s3, bucket, pointer.value.jsonKey))?.value;
    } catch {
        return undefined;
    }
}

/** Points "latest" at this report and adds it to the index (once, however often it is delivered). */
export async function recordInHistory(s3: S3Client, report: AssessmentReport, reportPrefix: string, htmlKey: string): Promise<void> {
    const { bucket, jsonKey } = report.location;
    const keys = historyKeys(reportPrefix);
    const entries = (await readJson<IndexEntry[]>(s3, bucket, keys.indexJson))?.value ?? [];
    const entry: IndexEntry = { region: report.region, runKey: report.runArnId, generatedAt: report.generatedAt, verdictCounts: report.verdictCounts, htmlKey };
    const kept = [...entries.filter((e) => e.htmlKey !== htmlKey), entry].sort((a, b) => (a.generatedAt < b.generatedAt ? -1 : 1)).slice(-INDEX_KEEP);
    await putJson(s3, bucket, keys.indexJson, kept);
    await putText(s3, bucket, keys.indexHtml, renderIndexHtml(kept, { lastN: INDEX_SHOWN, indexKey: keys.indexHtml }), "text/html; charset=utf-8");
    await putJson(s3, bucket, keys.latest, { jsonKey });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
