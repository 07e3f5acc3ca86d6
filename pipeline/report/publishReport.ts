// Delivering one run's report: JSON, Markdown and HTML to the bucket, the trend against the
// previous run, the index, and the summary to the results topic (plain text, trend first).
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { publishNotice } from "./notify";
import type { AssessmentReport } from "./report";
import { previousReport, recordInHistory } from "./reportHistory";
import { renderReportHtml } from "./reportHtml";
import { putText } from "./reportStore";
import { htmlKeyOf, reportEmail, reportMarkdown } from "./reportText";
import { computeTrend } from "./trend";

export { htmlKeyOf } from "./reportText";

/** options.email false: no per-run email (a hub's digest replaces it); the report is written all the same. */
export async function publishReport(s3: S3Client, sns: SNSClient, resultsTopicArn: string, report: AssessmentReport, reportPrefix: string, options: { email?: boolean } = {}): Promise<void> {
    const { bucket, jsonKey, markdownKey } = report.location;
    const htmlKey = htmlKeyOf(jsonKey);
    const previous = await previousReport(s3, bucket, reportPrefix);
    const trend = computeTrend(report, previous?.runArn === report.runArn ? undefined : previous);
    await putText(s3, bucket, jsonKey, JSON.stringify(report), "application/json");
    await putText(s3, bucket, markdownKey, reportMarkdown(report, {}, trend), "text/markdown; charset=utf-8");
    await putText(s3, bucket, htmlKey, renderReportHtml(report, trend), "text/html; charset=utf-8");
    const email = reportEmail(report, trend);
    if (options.email !== false) await publishNotice(sns, resultsTopicArn, email.subject, email.message, email.pointer);
    await recordInHistory(s3, report, reportPrefix, htmlKey);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
