// Pure: the hub's pages. Plain HTML and inline CSS, no scripts: filtering is by link (a page per
// verdict, account and region), and every list is paged so a 30,000-row hub opens at once.
// Links are relative, so the pages work wherever the bucket's hub/ folder is served or synced to.
import { escapeHtml } from "../report/reportHtml";
import { HubIndex, HubRow, ROW_STATUSES, RowStatus, SpokeStatus, ageText, statusCounts } from "./hubIndex";

/** Rows per page: small enough for any browser to lay out at once. */
export const PAGE_ROWS = 500;
export const HUB_FOLDER = "hub/";

export interface HubPage {
    /** Bucket key (under hub/). */
    key: string;
    html: string;
}

export type Filter = { kind: "all" } | { kind: "status"; value: RowStatus } | { kind: "account"; value: string } | { kind: "region"; value: string };

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9-]+/g, "-");

/** The page file of one filter's page n (1-based), relative to hub/. */
export function pageFile(filter: Filter, n: number): string {
    if (filter.kind === "all") return n === 1 ? "index.html" : `pages/all-${n}.html`;
    return `pages/${filter.kind}-${slug(filter.value)}-${n}.html`;
}

/** From a page in hub/ or hub/pages/ to another file under hub/. */
const link = (fromFile: string, toFile: string) => (fromFile.startsWith("pages/") ? (toFile.startsWith("pages/") ? toFile.slice(6) : `../${toFile}`) : toFile);

const STYLE =
    "*{box-sizing:border-box}body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;margin:1rem auto;padding:0 1rem;max-width:1200px;color:#212121;line-height:1.4;overflow-wrap:break-word}" +
    "h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.5rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}" +
    "th{background:#f5f5f5}.FAIL{color:#c62828;font-weight:bold}.NOT-ASSESSED,.silent{color:#ef6c00;font-weight:bold}.STALE{color:#6d4c41}.PASS{color:#2e7d32}" +
    ".n{white-space:nowrap}nav a{margin-right:.6rem;white-space:nowrap}nav{margin:.4rem 0}.worse{color:#c62828}.better{color:#2e7d32}" +
    "@media (max-width:760px){table,tbody,tr,td{display:block}tr:first-child{display:none}td{border:none;padding:.1rem 0}tr{border:1px solid #ddd;margin:.4rem 0;padding:.4rem}td::before{content:attr(data-label) \": \";font-weight:bold}}";

const cls = (status: string) => status.replace(/ /g, "-");

function rowHtml(row: HubRow, now: Date): string {
    const trend = row.previousVerdict ? `${row.trend} (was ${row.previousVerdict})` : row.trend;
    return (
        `<tr><td data-label="Verdict" class="${cls(row.status)} n">${escapeHtml(row.status)}</td>` +
        `<td data-label="Account">${escapeHtml(row.account)}</td><td data-label="Region">${escapeHtml(row.region)}</td>` +
        `<td data-label="AMI">${escapeHtml(row.imageId)}${row.name ? ` ${escapeHtml(row.name)}` : ""}</td>` +
        `<td data-label="Age" class="n">${escapeHtml(ageText(row.assessedAt, now))}</td><td data-label="Trend" class="${row.trend}">${escapeHtml(trend)}</td>` +
        `<td data-label="Top CVEs">${escapeHtml(row.topCves.join(", "))}</td>` +
        `<td data-label="Report"><a href="${escapeHtml(row.reportUrl)}">${escapeHtml(row.run)}</a></td></tr>`
    );
}

const ROW_HEADER = "<tr><th>Verdict</th><th>Account</th><th>Region</th><th>AMI</th><th>Age</th><th>Trend</th><th>Top CVEs</th><th>Report</th></tr>";

/** One row per account (not per spoke: 750 spokes would make the first page slow); silent spokes are named above. */
function accountRows(index: HubIndex, from: string): string[] {
    const byAccount = new Map<string, SpokeStatus[]>();
    for (const spoke of index.spokes) byAccount.set(spoke.account, [...(byAccount.get(spoke.account) ?? []), spoke]);
    return [...byAccount.entries()].map(([account, spokes]) => {
        const counts = { FAIL: 0, "NOT ASSESSED": 0, PASS: 0 } as Record<string, number>;
        for (const spoke of spokes) for (const [verdict, n] of Object.entries(spoke.counts)) counts[verdict] = (counts[verdict] ?? 0) + (n ?? 0);
        const quiet = spokes.filter((s) => s.state !== "reporting").map((s) => `${s.region} ${s.state}`);
        return (
            `<tr><td data-label="Account"><a href="${escapeHtml(link(from, pageFile({ kind: "account", value: account }, 1)))}">${escapeHtml(account)}</a></td>` +
            `<td data-label="Regions">${spokes.length - quiet.length} of ${spokes.length} reporting${quiet.length ? `; <span class="silent">${escapeHtml(quiet.join(", "))}</span>` : ""}</td>` +
            `<td data-label="Verdicts">${escapeHtml(`${counts.FAIL} FAIL, ${counts["NOT ASSESSED"]} NOT ASSESSED, ${counts.PASS} PASS`)}</td></tr>`
        );
    });
}

function filterNav(from: string, accounts: string[], regions: string[]): string {
    const a = (filter: Filter, label: string) => `<a href="${escapeHtml(link(from, pageFile(filter, 1)))}">${escapeHtml(label)}</a>`;
    return [
        `<nav>Verdict: ${a({ kind: "all" }, "all")}${ROW_STATUSES.map((s) => a({ kind: "status", value: s }, s)).join("")}</nav>`,
        `<nav>Account: ${accounts.map((v) => a({ kind: "account", value: v }, v)).join("")}</nav>`,
        `<nav>Region: ${regions.map((v) => a({ kind: "region", value: v }, v)).join("")}</nav>`,
    ].join("\n");
}

function pager(filter: Filter, n: number, pages: number, from: string): string {
    if (pages <= 1) return "";
    const links = Array.from({ length: pages }, (_, i) => (i + 1 === n ? `<strong>${i + 1}</strong>` : `<a href="${escapeHtml(link(from, pageFile(filter, i + 1)))}">${i + 1}</a>`));
    return `<nav>Page: ${links.join(" ")}</nav>`;
}

function filterTitle(filter: Filter): string {
    return filter.kind === "all" ? "every AMI" : `${filter.kind} ${filter.value}`;
}

/** What every page shows above its rows, computed once per build (it reads every row). */
interface PageHead {
    summary: string;
    silent: string;
    nav: { root: string; inPages: string };
}

function pageHead(index: HubIndex): PageHead {
    const counts = statusCounts(index.rows);
    const silent = index.spokes.filter((s) => s.state === "silent");
    const accounts = [...new Set(index.spokes.map((s) => s.account))].sort();
    const regions = [...new Set(index.spokes.map((s) => s.region))].sort();
    return {
        summary: `<p>${ROW_STATUSES.map((s) => `<span class="${cls(s)}">${counts[s]} ${s}</span>`).join(", ")} across ${index.spokes.length} spoke(s); built ${escapeHtml(index.generatedAt)}.</p>`,
        silent: silent.length ? `<p class="silent">${silent.length} silent spoke(s): ${escapeHtml(silent.map((s) => `${s.account} ${s.region}`).join(", "))}</p>` : "",
        nav: { root: filterNav("index.html", accounts, regions), inPages: filterNav("pages/x.html", accounts, regions) },
    };
}

/** One page of one filter; the first page of "all" is index.html, with the accounts. */
function renderPage(index: HubIndex, head: PageHead, filter: Filter, rows: HubRow[], n: number, pages: number): string {
    const now = new Date(index.generatedAt);
    const from = pageFile(filter, n);
    const html = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
        `<title>Golden AMI hub: ${escapeHtml(filterTitle(filter))}</title><style>${STYLE}</style></head><body>`,
        `<h1>Golden AMI hub: ${escapeHtml(filterTitle(filter))}</h1>`,
        head.summary,
        head.silent,
        from.startsWith("pages/") ? head.nav.inPages : head.nav.root,
    ];
    if (filter.kind === "all" && n === 1) {
        html.push("<h2>Accounts</h2>", `<table id="accounts"><tr><th>Account</th><th>Regions</th><th>Verdicts</th></tr>`, ...accountRows(index, from), "</table>");
    }
    html.push(`<h2>AMIs (${rows.length === 0 ? "none" : `page ${n} of ${pages}`})</h2>`, pager(filter, n, pages, from), `<table id="amis">${ROW_HEADER}`, ...rows.map((r) => rowHtml(r, now)), "</table>", pager(filter, n, pages, from), "</body></html>", "");
    return html.filter((line) => line !== "").join("\n");
}

function paged(index: HubIndex, head: PageHead, filter: Filter, rows: HubRow[]): HubPage[] {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
    return Array.from({ length: pages }, (_, i) => {
        const file = pageFile(filter, i + 1);
        return { key: `${HUB_FOLDER}${file}`, html: renderPage(index, head, filter, rows.slice(i * PAGE_ROWS, (i + 1) * PAGE_ROWS), i + 1, pages) };
    });
}

/** Every page: all rows, then one set per verdict, account and region (rows keep the index's order). */
export function renderHubPages(index: HubIndex): HubPage[] {
    const accounts = [...new Set(index.spokes.map((s) => s.account))].sort();
    const regions = [...new Set(index.spokes.map((s) => s.region))].sort();
    const head = pageHead(index);
    const groups = new Map<string, { filter: Filter; rows: HubRow[] }>();
    const add = (filter: Filter, row?: HubRow) => {
        const id = pageFile(filter, 1);
        const group = groups.get(id) ?? { filter, rows: [] };
        if (row) group.rows.push(row);
        groups.set(id, group);
    };
    add({ kind: "all" });
    for (const status of ROW_STATUSES) add({ kind: "status", value: status });
    for (const account of accounts) add({ kind: "account", value: account });
    for (const region of regions) add({ kind: "region", value: region });
    for (const row of index.rows) {
        add({ kind: "all" }, row);
        add({ kind: "status", value: row.status }, row);
        add({ kind: "account", value: row.account }, row);
        add({ kind: "region", value: row.region }, row);
    }
    return [...groups.values()].flatMap((group) => paged(index, head, group.filter, group.rows));
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
