// Delivering one run's report: JSON and Markdown to the bucket, the summary to the results topic.
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { publishNotice } from "./notify";
import type { AssessmentReport } from "./report";
import { putText } from "./reportStore";
import { reportMarkdown, reportSubject, s3Url, summaryText } from "./reportText";

export async function publishReport(s3: S3Client, sns: SNSClient, resultsTopicArn: string, report: AssessmentReport): Promise<void> {
    const { bucket, jsonKey, markdownKey } = report.location;
    await putText(s3, bucket, jsonKey, JSON.stringify(report), "application/json");
    await putText(s3, bucket, markdownKey, reportMarkdown(report), "text/markdown; charset=utf-8");
    await publishNotice(sns, resultsTopicArn, reportSubject(report), summaryText(report), `Full report: ${s3Url(bucket, markdownKey)}`);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
