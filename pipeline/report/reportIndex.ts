// Pure: the index page of a report bucket: the latest report per region and the last N runs,
// linked relatively (the page works wherever the bucket's objects are served or synced to).
import type { Verdict } from "../verdict/consolidate";
import { escapeHtml } from "./reportHtml";

export interface IndexEntry {
    region: string;
    runKey: string;
    generatedAt: string;
    verdictCounts: Partial<Record<Verdict, number>>;
    /** Bucket key of the run's report.html. */
    htmlKey: string;
}

export interface IndexOptions {
    lastN: number;
    /** Bucket key the index is written to; links are relative to its folder. Default reports/index.html. */
    indexKey?: string;
}

/** The path from the folder of `fromKey` to `toKey`, URI-encoded per segment. */
export function relativeLink(fromKey: string, toKey: string): string {
    const from = fromKey.split("/").slice(0, -1);
    const to = toKey.split("/");
    let common = 0;
    while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
    return [...from.slice(common).map(() => ".."), ...to.slice(common)].map((segment) => (segment === ".." ? segment : encodeURIComponent(segment))).join("/");
}

const newestFirst = (a: IndexEntry, b: IndexEntry) => b.generatedAt.localeCompare(a.generatedAt) || b.runKey.localeCompare(a.runKey);

function verdicts(counts: Partial<Record<Verdict, number>>): string {
    return `${counts.FAIL ?? 0} FAIL, ${counts.PASS ?? 0} PASS, ${counts["NOT ASSESSED"] ?? 0} NOT ASSESSED`;
}

function row(entry: IndexEntry, indexKey: string): string {
    const failing = (entry.verdictCounts.FAIL ?? 0) > 0;
    return (
        `<tr><td>${escapeHtml(entry.region)}</td><td>${escapeHtml(entry.generatedAt)}</td>` +
        `<td${failing ? ' class="FAIL"' : ""}>${escapeHtml(verdicts(entry.verdictCounts))}</td>` +
        `<td><a href="${escapeHtml(relativeLink(indexKey, entry.htmlKey))}">${escapeHtml(entry.runKey)}</a></td></tr>`
    );
}

export function renderIndexHtml(entries: IndexEntry[], options: IndexOptions): string {
    const indexKey = options.indexKey ?? "reports/index.html";
    const sorted = [...entries].sort(newestFirst);
    const latest = new Map<string, IndexEntry>();
    for (const e of sorted) if (!latest.has(e.region)) latest.set(e.region, e);
    const header = "<tr><th>Region</th><th>Generated</th><th>Verdicts</th><th>Report</th></tr>";
    const lastN = Math.max(0, Math.floor(options.lastN));
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Golden AMI assessment reports</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}th{background:#f5f5f5}.FAIL{color:#c62828;font-weight:bold}</style>",
        "</head><body>",
        "<h1>Golden AMI assessment reports</h1>",
        "<h2>Latest per region</h2>",
        `<table id="latest">${header}`,
        ...[...latest.values()].sort((a, b) => a.region.localeCompare(b.region)).map((e) => row(e, indexKey)),
        "</table>",
        `<h2>Last ${lastN} runs</h2>`,
        `<table id="runs">${header}`,
        ...sorted.slice(0, lastN).map((e) => row(e, indexKey)),
        "</table>",
        entries.length === 0 ? "<p>No reports yet.</p>" : "",
        "</body></html>",
        "",
    ]
        .filter((line) => line !== "")
        .join("\n");
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
