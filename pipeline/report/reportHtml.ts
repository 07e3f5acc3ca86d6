// Pure: one run's report as a single self-contained HTML file (inline CSS and SVG; no scripts,
// fonts, images or stylesheets from anywhere). Every text from a report is escaped.
// Nothing scrolls sideways from 1280 px down to a 400 px phone: tables fill the page, long IDs
// wrap, and below 760 px each table row becomes a card of labelled lines.
import { amiPolicyHtml, policyHtml } from "./policyText";
import type { AmiAssessment } from "../verdict/consolidate";
import { deprecationEntries } from "../verdict/deprecationText";
import { FindingSeverity, FindingSummary, SEVERITY_ORDER } from "../verdict/findingModel";
import type { AssessmentReport } from "./report";
import { htmlKeyOf, s3ConsoleUrl, severityLabel } from "./reportText";
import { HIGH_EPSS, TOP_RISKS_SHOWN, epssText, riskText, topByRisk, topRisks } from "./topRisks";
import { Trend, distinctNames, trendDetail } from "./trend";

export { TOP_RISK_FINDINGS, byRisk, findingScore, topByRisk } from "./topRisks";

const COLORS: Record<FindingSeverity, string> = {
    Critical: "#7b1fa2",
    High: "#c62828",
    Medium: "#ef6c00",
    Low: "#f9a825",
    Informational: "#1565c0",
    Undefined: "#9e9e9e",
};

export function escapeHtml(text: unknown): string {
    return String(text ?? "")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;");
}

/** The advisory to link: Inspector's URL when it is http(s), else NVD's page for a CVE; never another scheme. */
export function advisoryLink(f: FindingSummary): string | undefined {
    if (f.advisoryUrl && /^https?:\/\//i.test(f.advisoryUrl)) return f.advisoryUrl;
    if (f.cveId && /^CVE-\d{4}-\d{4,}$/i.test(f.cveId)) return `https://nvd.nist.gov/vuln/detail/${f.cveId.toUpperCase()}`;
    return undefined;
}

const count = (counts: Partial<Record<FindingSeverity, number>> | undefined, s: FindingSeverity) => counts?.[s] ?? 0;
const totalOf = (counts: Partial<Record<FindingSeverity, number>> | undefined) => SEVERITY_ORDER.reduce((n, s) => n + count(counts, s), 0);

/** The findings count the bars of a report share as their full width: the largest AMI's. */
export function barScale(amis: Pick<AmiAssessment, "counts">[]): number {
    return Math.max(1, ...amis.map((ami) => totalOf(ami.counts)));
}

const BAR_WIDTH = 300;
const BAR_HEIGHT = 14;

/**
 * A stacked bar of the AMI's findings by severity, as inline SVG, on a scale shared by every bar of
 * the report (`scale` findings fill the width). A NOT ASSESSED AMI gets a dashed outline, never the
 * plain track of an assessed AMI with no findings: an empty bar must not read as clean.
 */
export function severityBar(ami: Pick<AmiAssessment, "imageId" | "counts"> & { verdict?: string }, scale = totalOf(ami.counts)): string {
    const total = totalOf(ami.counts);
    const notAssessed = ami.verdict === "NOT ASSESSED";
    const shown = SEVERITY_ORDER.filter((s) => count(ami.counts, s) > 0).map((s) => `${count(ami.counts, s)} ${s}`).join(", ");
    const label = notAssessed ? `not assessed${total > 0 ? `, ${shown} read` : ""}` : total === 0 ? "no findings" : shown;
    const parts = [
        notAssessed
            ? `<rect x="0.5" y="0.5" width="${BAR_WIDTH - 1}" height="${BAR_HEIGHT - 1}" fill="none" stroke="#757575" stroke-dasharray="4 3"/>`
            : `<rect x="0" y="0" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="#eeeeee"/>`,
    ];
    let x = 0;
    for (const s of SEVERITY_ORDER) {
        const n = count(ami.counts, s);
        if (n === 0) continue;
        const w = (n / Math.max(scale, total, 1)) * BAR_WIDTH;
        parts.push(`<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="${BAR_HEIGHT}" fill="${COLORS[s]}"><title>${n} ${s}</title></rect>`);
        x += w;
    }
    return (
        `<svg class="bar" viewBox="0 0 ${BAR_WIDTH} ${BAR_HEIGHT}" preserveAspectRatio="none" role="img" ` +
        `aria-label="${escapeHtml(`${ami.imageId}: ${label}`)}">${parts.join("")}</svg>`
    );
}

/** What the bar shows, in words under it: "2 High, 1 Medium", "no findings", or "not assessed". */
function countsLine(ami: AmiAssessment): string {
    const shown = SEVERITY_ORDER.filter((s) => count(ami.counts, s) > 0).map((s) => `${count(ami.counts, s)} ${s}`).join(", ");
    if (ami.verdict === "NOT ASSESSED") return `<span class="na">not assessed</span>${shown ? ` <span class="muted">(${escapeHtml(shown)} read)</span>` : ""}`;
    return escapeHtml(shown || "no findings");
}

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1rem auto;padding:0 1rem;max-width:1200px;color:#212121;line-height:1.4;overflow-wrap:break-word}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.n{text-align:right}
svg.bar{display:block;width:100%;max-width:300px;height:14px}
.PASS{color:#2e7d32;font-weight:bold}.FAIL{color:#c62828;font-weight:bold}.NOT-ASSESSED,.na{color:#616161;font-weight:bold;font-style:italic}
.worse{color:#c62828}.better{color:#2e7d32}.muted{color:#757575}
.headline{font-size:1.05rem;padding:.5rem;background:#fff8e1;border-left:4px solid #ffb300}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
@media (max-width:760px){
table.cards,.cards tbody,.cards tr,.cards td{display:block;width:100%}
.cards tr:first-child{display:none}.cards tr{border:1px solid #ddd;margin:.5rem 0}.cards td{border:none;border-top:1px solid #eee}
.cards td[data-label]::before{content:attr(data-label) ": ";font-weight:bold;color:#424242}.cards td:empty{display:none}
td.n{text-align:left}
}
`;

function verdictClass(verdict: string): string {
    return verdict.replace(/\s+/g, "-");
}

/** A cell that keeps its column name when the table turns into cards on a phone. */
function td(label: string, content: string, cls = ""): string {
    return `<td${cls ? ` class="${cls}"` : ""} data-label="${escapeHtml(label)}">${content}</td>`;
}

function fixText(f: FindingSummary): string {
    const fixed = (f.vulnerablePackages ?? []).filter((p) => p.fixedInVersion);
    const availability = f.fixAvailable === "YES" ? "fix available" : f.fixAvailable === "PARTIAL" ? "partial fix" : f.fixAvailable === "NO" ? "no fix yet" : "fix unknown";
    const versions = fixed.map((p) => `${p.name}${p.version ? ` ${p.version}` : ""} → ${p.fixedInVersion}`).join("; ");
    return versions ? `${availability}: ${versions}` : availability;
}

function findingName(f: FindingSummary): string {
    return `${escapeHtml(f.title)}${f.cveId ? `<br><code>${escapeHtml(f.cveId)}</code>` : ""}`;
}

function advisoryCell(f: FindingSummary): string {
    const link = advisoryLink(f);
    return link ? `<a href="${escapeHtml(link)}" rel="noreferrer noopener">advisory</a>` : "–";
}

function findingRow(f: FindingSummary, rank: number): string {
    const exploit = f.exploitAvailable === true ? "yes" : f.exploitAvailable === false ? "no" : "unknown";
    const score = f.inspectorScore ?? f.numericSeverity;
    return (
        `<tr>${td("#", String(rank), "n")}${td("Severity", escapeHtml(severityLabel(f)))}${td("Finding", findingName(f))}` +
        `${td("Exploit", exploit)}${td("EPSS", f.epssScore === undefined ? "–" : epssText(f.epssScore), "n")}${td("Score", score === undefined ? "–" : escapeHtml(score), "n")}` +
        `${td("Fix", escapeHtml(fixText(f)))}${td("Advisory", advisoryCell(f))}</tr>`
    );
}

function trendCell(trend: Trend | undefined, imageId: string): string {
    if (!trend) return "";
    const t = trend.amis.find((a) => a.imageId === imageId);
    if (!t) return td("Since last run", "");
    const detail = t.direction === "new" || t.direction === "gone" ? "" : trendDetail(t);
    return td("Since last run", `${escapeHtml(t.direction)}${detail ? ` (${escapeHtml(detail)})` : ""}`, t.direction === "worse" || t.direction === "better" ? t.direction : "muted");
}

/** What deprecateFailingAmis did, in the text report's words; nothing when it did nothing. */
export function deprecationsHtml(report: Pick<AssessmentReport, "deprecations">): string {
    const entries = deprecationEntries(report.deprecations);
    if (entries.length === 0) return "";
    const rows = entries.map((entry) => `<tr><td>${escapeHtml(entry.what)}</td><td><code>${escapeHtml(entry.imageId)}</code></td><td>${escapeHtml(entry.why)}</td></tr>`);
    return ["<h2>AMI deprecations (deprecateFailingAmis)</h2>", "<table><tr><th>Change</th><th>AMI</th><th>Why</th></tr>", ...rows, "</table>"].join("\n");
}

/** Fleet-wide: findings with a known exploit or a high EPSS, each with the AMIs it is on. */
export function topRisksHtml(report: Pick<AssessmentReport, "amis"> & { engine?: string }): string {
    const head = `<h2 id="top-risks">Top risks: a known exploit or an EPSS of ${epssText(HIGH_EPSS)} or more, across all AMIs</h2>`;
    if (report.engine === "classic") return `${head}\n<p class="muted">Inspector Classic reports neither known exploits nor EPSS; see each AMI's findings.</p>`;
    const risks = topRisks(report.amis);
    if (risks.length === 0) return `${head}\n<p>None: no finding has a known exploit or an EPSS of ${epssText(HIGH_EPSS)} or more.</p>`;
    const rows = risks.slice(0, TOP_RISKS_SHOWN).map(
        ({ finding, imageIds }) =>
            `<tr>${td("Severity", escapeHtml(severityLabel(finding)))}${td("Finding", findingName(finding))}${td("Why", escapeHtml(riskText(finding)))}` +
            `${td("Fix", escapeHtml(fixText(finding)))}${td("AMIs", imageIds.map((id) => `<a href="#${escapeHtml(id)}"><code>${escapeHtml(id)}</code></a>`).join(", "))}</tr>`,
    );
    const more = risks.length > TOP_RISKS_SHOWN ? [`<p class="muted">and ${risks.length - TOP_RISKS_SHOWN} more; each AMI's section lists its own.</p>`] : [];
    return [head, '<table class="cards"><tr><th>Severity</th><th>Finding</th><th>Why</th><th>Fix</th><th>AMIs</th></tr>', ...rows, "</table>", ...more].join("\n");
}

function runDetails(report: AssessmentReport, trend: Trend | undefined): string[] {
    const engine = (report as { engine?: string }).engine;
    return [
        "<h2>Run</h2>",
        "<table>",
        `<tr><th>Pipeline</th><td>${escapeHtml(report.pipelineName)}</td></tr>`,
        `<tr><th>Region</th><td>${escapeHtml(report.region)}</td></tr>`,
        engine ? `<tr><th>Engine</th><td>${escapeHtml(engine)}</td></tr>` : "",
        `<tr><th>Run</th><td><code>${escapeHtml(report.runArn)}</code></td></tr>`,
        report.trigger ? `<tr><th>Trigger</th><td>${escapeHtml(report.trigger)}</td></tr>` : "",
        `<tr><th>Outcome</th><td>${escapeHtml(report.outcome)}${report.completedAt ? ` at ${escapeHtml(report.completedAt)}` : ""}</td></tr>`,
        `<tr><th>Verdict threshold</th><td>${escapeHtml(report.severityThreshold)}: any finding of this severity or higher fails an AMI</td></tr>`,
        `<tr><th>Generated</th><td>${escapeHtml(report.generatedAt)}</td></tr>`,
        trend?.previous ? `<tr><th>Compared with</th><td>run ${escapeHtml(trend.previous.runArnId)} (${escapeHtml(trend.previous.generatedAt)})</td></tr>` : "",
        "</table>",
    ];
}

function verdictTable(report: AssessmentReport, trend: Trend | undefined, scale: number): string[] {
    const rows = report.amis.map((ami) => {
        const reason = ami.verdict === "NOT ASSESSED" ? ami.notAssessed?.detail ?? "not assessed" : ami.verdict === "FAIL" ? `findings at or above ${report.severityThreshold}` : "";
        return (
            `<tr>${td("Verdict", escapeHtml(ami.verdict), verdictClass(ami.verdict))}` +
            td("AMI", `<a href="#${escapeHtml(ami.imageId)}"><code>${escapeHtml(ami.imageId)}</code></a>${ami.name ? `<br>${escapeHtml(ami.name)}` : ""}`) +
            td("Findings", `${severityBar(ami, scale)}${countsLine(ami)}`) +
            td("Reason", escapeHtml(reason)) +
            trendCell(trend, ami.imageId) +
            "</tr>"
        );
    });
    const columns = trend ? 5 : 4;
    if (report.amis.length === 0) rows.push(`<tr><td colspan="${columns}">No golden AMI was part of this run.</td></tr>`);
    return [
        `<h2>Verdicts</h2>`,
        `<p class="muted">Bars share one scale: a full bar is ${scale} finding${scale === 1 ? "" : "s"}, the most any AMI has.</p>`,
        `<table class="cards"><tr><th>Verdict</th><th>AMI</th><th>Findings</th><th>Reason</th>${trend ? "<th>Since last run</th>" : ""}</tr>`,
        ...rows,
        "</table>",
    ];
}

function amiSection(ami: AmiAssessment, trend: Trend | undefined, scale: number): string[] {
    const findings = (ami.findings ?? []) as FindingSummary[];
    const html = [
        `<h2 id="${escapeHtml(ami.imageId)}"><span class="${verdictClass(ami.verdict)}">${escapeHtml(ami.verdict)}</span> ${escapeHtml(ami.imageId)}${ami.name ? ` (${escapeHtml(ami.name)})` : ""}</h2>`,
        `<div>${severityBar(ami, scale)}${countsLine(ami)}</div>`,
    ];
    if (ami.verdict === "NOT ASSESSED") html.push(`<p>${escapeHtml(ami.notAssessed?.detail ?? "not assessed")}</p>`);
    html.push(...amiPolicyHtml(ami, escapeHtml));
    if (findings.length > 0) {
        const top = topByRisk(findings);
        html.push(
            `<h3>Top ${top.length} of ${findings.length} findings (by severity, then known exploit, EPSS and score)</h3>`,
            '<table class="cards"><tr><th>#</th><th>Severity</th><th>Finding</th><th>Exploit</th><th>EPSS</th><th>Score</th><th>Fix</th><th>Advisory</th></tr>',
            ...top.map((f, i) => findingRow(f, i + 1)),
            "</table>",
        );
    }
    const t = trend?.amis.find((a) => a.imageId === ami.imageId);
    if (t) {
        const fresh = distinctNames(t.newFindings);
        const fixed = distinctNames(t.fixedFindings);
        const names = (list: string[]) => list.map(escapeHtml).join(", ");
        if (fresh.length) html.push(`<p class="worse">New since the last run (${fresh.length}): ${names(fresh)}</p>`);
        if (fixed.length) html.push(`<p class="better">Fixed since the last run (${fixed.length}): ${names(fixed)}</p>`);
    }
    return html;
}

export function renderReportHtml(report: AssessmentReport, trend?: Trend): string {
    const v = report.verdictCounts;
    const title = `Golden AMI assessment: ${v.FAIL ?? 0} FAIL, ${v.PASS ?? 0} PASS, ${v["NOT ASSESSED"] ?? 0} NOT ASSESSED (${report.region})`;
    const scale = barScale(report.amis);
    const html: string[] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>${escapeHtml(title)}</title>`,
        `<style>${STYLE}</style></head><body>`,
        `<h1>${escapeHtml(title)}</h1>`,
    ];
    if (trend) html.push(`<p class="headline">${escapeHtml(trend.headline)}</p>`);
    html.push(topRisksHtml(report), ...verdictTable(report, trend, scale), ...runDetails(report, trend), ...policyHtml(report, escapeHtml));
    for (const ami of report.amis) html.push(...amiSection(ami, trend, scale));
    const gone = trend?.amis.filter((a) => a.direction === "gone") ?? [];
    if (gone.length) html.push("<h2>No longer assessed</h2>", `<p>${gone.map((a) => `<code>${escapeHtml(a.imageId)}</code>`).join(", ")} were in the previous run and are not in this one.</p>`);
    html.push(deprecationsHtml(report));
    if (report.notes.length > 0) html.push("<h2>Notes</h2>", "<ul>", ...report.notes.map((n) => `<li>${escapeHtml(n)}</li>`), "</ul>");
    const { bucket, jsonKey } = report.location;
    html.push(
        `<p class="muted">Full data, every finding included: <a href="${escapeHtml(s3ConsoleUrl(report.region, bucket, jsonKey))}">report.json</a> ` +
            `(<code>${escapeHtml(`s3://${bucket}/${jsonKey}`)}</code>); this page is <code>${escapeHtml(htmlKeyOf(jsonKey))}</code>.</p>`,
        "</body></html>",
        "",
    );
    return html.filter((line) => line !== "").join("\n");
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
