// Pure: the run summary a spoke sends the hub after delivering its own report, and where it goes.
// Small on purpose: the hub reads one per spoke ("latest") to build its index, never a full report.
import type { AssessmentReport } from "../report/report";
import type { Verdict } from "../verdict/consolidate";
import { byRisk } from "../report/topRisks";
import { fullReportUrl, htmlKeyOf, s3Url } from "../report/reportText";

export const SUMMARY_SCHEMA_VERSION = 1;
/** CVEs (or finding titles) kept per AMI: enough for the digest's "top CVEs". */
export const SUMMARY_TOP_CVES = 5;

export interface SummaryAmi {
    imageId: string;
    name?: string;
    verdict: Verdict;
    /** The AMI had no verdict this run and its last one is too old (the report's stale flag). */
    stale?: boolean;
    /** Findings at or above the threshold. */
    failing: number;
    topCves: string[];
}

export interface RunSummary {
    schemaVersion: number;
    account: string;
    region: string;
    pipeline: string;
    engine: string;
    run: string;
    generatedAt: string;
    outcome: string;
    counts: Partial<Record<Verdict, number>>;
    amis: SummaryAmi[];
    /** The full report: its S3 URI, and the S3 console page for it. */
    report: { s3Uri: string; consoleUrl: string };
}

/** Where the hub keeps one spoke's summaries; the bucket policy admits the spoke's analyze role to exactly this. */
export function spokePrefix(account: string, region: string): string {
    return `spokes/${account}/${region}/`;
}

export function hubSpokeKeys(prefix: string, runId: string) {
    return { summary: `${prefix}runs/${runId}.json`, latest: `${prefix}latest.json` };
}

/** In the spoke's own bucket, beside the run's report.json: the summary reached the hub (the sweep resends while it is missing). */
export function hubSentKey(reportJsonKey: string): string {
    return reportJsonKey.replace(/report\.json$/, "hub-sent");
}

export function runSummary(report: AssessmentReport, account: string): RunSummary {
    const { bucket, jsonKey } = report.location;
    return {
        schemaVersion: SUMMARY_SCHEMA_VERSION,
        account,
        region: report.region,
        pipeline: report.pipelineName,
        engine: report.engine,
        run: report.runArnId,
        generatedAt: report.generatedAt,
        outcome: report.outcome,
        counts: report.verdictCounts,
        amis: report.amis.map((ami) => ({
            imageId: ami.imageId,
            ...(ami.name ? { name: ami.name } : {}),
            verdict: ami.verdict,
            ...(ami.stale ? { stale: true } : {}),
            failing: Object.values(ami.failingCounts ?? {}).reduce<number>((sum, n) => sum + (n ?? 0), 0),
            topCves: [...new Set([...(ami.findings ?? ami.topFindings ?? [])].sort(byRisk).map((f) => f.cveId ?? f.title))].slice(0, SUMMARY_TOP_CVES),
        })),
        report: { s3Uri: s3Url(bucket, htmlKeyOf(jsonKey)), consoleUrl: fullReportUrl(report) },
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
