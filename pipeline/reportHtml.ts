// Pure: one run's report as a single self-contained HTML file (inline CSS and SVG; no scripts,
// fonts, images or stylesheets from anywhere). Every text from a report is escaped.
import type { AmiAssessment } from "./consolidate";
import { deprecationEntries } from "./deprecationText";
import { FindingSeverity, FindingSummary, SEVERITY_ORDER } from "./findingModel";
import type { AssessmentReport } from "./report";
import type { Trend } from "./trend";

/** How many findings per AMI the report lists, by risk. */
export const TOP_RISK_FINDINGS = 10;

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

const SEVERITY_SCORE: Record<FindingSeverity, number> = { Critical: 9.5, High: 8, Medium: 5.5, Low: 2, Informational: 0, Undefined: 0 };

/** The score a finding is ranked by: the Inspector score, else the numeric severity, else its severity's typical score. */
export function findingScore(f: FindingSummary): number {
    return f.inspectorScore ?? f.numericSeverity ?? SEVERITY_SCORE[f.severity] ?? 0;
}

/** Risk first, not raw score: a known exploit, then the EPSS probability, then the score. */
export function byRisk(a: FindingSummary, b: FindingSummary): number {
    return (
        Number(b.exploitAvailable === true) - Number(a.exploitAvailable === true) ||
        (b.epssScore ?? -1) - (a.epssScore ?? -1) ||
        findingScore(b) - findingScore(a) ||
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        (a.cveId ?? a.title).localeCompare(b.cveId ?? b.title)
    );
}

export function topByRisk(findings: FindingSummary[], n = TOP_RISK_FINDINGS): FindingSummary[] {
    return [...findings].sort(byRisk).slice(0, n);
}

/** The advisory to link: Inspector's URL when it is http(s), else NVD's page for a CVE; never another scheme. */
export function advisoryLink(f: FindingSummary): string | undefined {
    if (f.advisoryUrl && /^https?:\/\//i.test(f.advisoryUrl)) return f.advisoryUrl;
    if (f.cveId && /^CVE-\d{4}-\d{4,}$/i.test(f.cveId)) return `https://nvd.nist.gov/vuln/detail/${f.cveId.toUpperCase()}`;
    return undefined;
}

const count = (counts: Partial<Record<FindingSeverity, number>> | undefined, s: FindingSeverity) => counts?.[s] ?? 0;

/** A stacked bar of the AMI's findings by severity, as inline SVG. */
export function severityBar(ami: Pick<AmiAssessment, "imageId" | "counts">, width = 320, height = 16): string {
    const total = SEVERITY_ORDER.reduce((n, s) => n + count(ami.counts, s), 0);
    const label = total === 0 ? "no findings" : SEVERITY_ORDER.filter((s) => count(ami.counts, s) > 0).map((s) => `${count(ami.counts, s)} ${s}`).join(", ");
    const parts: string[] = [];
    let x = 0;
    if (total === 0) parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#e0e0e0"/>`);
    for (const s of SEVERITY_ORDER) {
        const n = count(ami.counts, s);
        if (n === 0) continue;
        const w = (n / total) * width;
        parts.push(`<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="${height}" fill="${COLORS[s]}"><title>${n} ${s}</title></rect>`);
        x += w;
    }
    return (
        `<svg class="bar" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
        `aria-label="${escapeHtml(`${ami.imageId}: ${label}`)}">${parts.join("")}</svg>`
    );
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#212121;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.n{text-align:right}
.PASS{color:#2e7d32;font-weight:bold}.FAIL{color:#c62828;font-weight:bold}.NOT-ASSESSED{color:#616161;font-weight:bold}
.worse{color:#c62828}.better{color:#2e7d32}.muted{color:#757575}
.headline{font-size:1.05rem;padding:.5rem;background:#fff8e1;border-left:4px solid #ffb300}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
`;

function verdictClass(verdict: string): string {
    return verdict.replace(/\s+/g, "-");
}

function fixText(f: FindingSummary): string {
    const fixed = (f.vulnerablePackages ?? []).filter((p) => p.fixedInVersion);
    const availability = f.fixAvailable === "YES" ? "fix available" : f.fixAvailable === "PARTIAL" ? "partial fix" : f.fixAvailable === "NO" ? "no fix yet" : "fix unknown";
    const versions = fixed.map((p) => `${p.name}${p.version ? ` ${p.version}` : ""} → ${p.fixedInVersion}`).join("; ");
    return versions ? `${availability}: ${versions}` : availability;
}

function findingRow(f: FindingSummary, rank: number): string {
    const link = advisoryLink(f);
    const exploit = f.exploitAvailable === true ? "yes" : f.exploitAvailable === false ? "no" : "unknown";
    const epss = f.epssScore === undefined ? "–" : `${(f.epssScore * 100).toFixed(1)}%`;
    const score = f.inspectorScore ?? f.numericSeverity;
    return (
        `<tr><td class="n">${rank}</td><td>${escapeHtml(f.severity)}</td><td>${escapeHtml(f.title)}` +
        (f.cveId ? `<br><code>${escapeHtml(f.cveId)}</code>` : "") +
        `</td><td>${exploit}</td><td class="n">${epss}</td><td class="n">${score === undefined ? "–" : escapeHtml(score)}</td>` +
        `<td>${escapeHtml(fixText(f))}</td><td>${link ? `<a href="${escapeHtml(link)}" rel="noreferrer noopener">advisory</a>` : "–"}</td></tr>`
    );
}

function trendCell(trend: Trend | undefined, imageId: string): string {
    const t = trend?.amis.find((a) => a.imageId === imageId);
    if (!t) return "";
    const detail = t.direction === "new" || t.direction === "gone" ? "" : ` (+${t.newFindings.length} new, −${t.fixedFindings.length} fixed, ${t.unchanged} unchanged)`;
    return `<td class="${t.direction === "worse" || t.direction === "better" ? t.direction : "muted"}">${escapeHtml(t.direction)}${escapeHtml(detail)}</td>`;
}

/** What deprecateFailingAmis did, in the text report's words; nothing when it did nothing. */
export function deprecationsHtml(report: Pick<AssessmentReport, "deprecations">): string {
    const entries = deprecationEntries(report.deprecations);
    if (entries.length === 0) return "";
    const rows = entries.map((entry) => `<tr><td>${escapeHtml(entry.what)}</td><td><code>${escapeHtml(entry.imageId)}</code></td><td>${escapeHtml(entry.why)}</td></tr>`);
    return ["<h2>AMI deprecations (deprecateFailingAmis)</h2>", "<table><tr><th>Change</th><th>AMI</th><th>Why</th></tr>", ...rows, "</table>"].join("\n");
}

export function renderReportHtml(report: AssessmentReport, trend?: Trend): string {
    const v = report.verdictCounts;
    const engine = (report as { engine?: string }).engine;
    const title = `Golden AMI assessment: ${v.FAIL ?? 0} FAIL, ${v.PASS ?? 0} PASS, ${v["NOT ASSESSED"] ?? 0} NOT ASSESSED (${report.region})`;
    const severities = SEVERITY_ORDER.filter((s) => s !== "Undefined" || report.amis.some((a) => count(a.counts, "Undefined") > 0));
    const html: string[] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>${escapeHtml(title)}</title>`,
        `<style>${STYLE}</style></head><body>`,
        `<h1>${escapeHtml(title)}</h1>`,
    ];
    if (trend) html.push(`<p class="headline">${escapeHtml(trend.headline)}</p>`);
    html.push(
        "<table>",
        `<tr><th>Pipeline</th><td>${escapeHtml(report.pipelineName)}</td></tr>`,
        `<tr><th>Region</th><td>${escapeHtml(report.region)}</td></tr>`,
        engine ? `<tr><th>Engine</th><td>${escapeHtml(engine)}</td></tr>` : "",
        `<tr><th>Run</th><td><code>${escapeHtml(report.runArn)}</code></td></tr>`,
        `<tr><th>Outcome</th><td>${escapeHtml(report.outcome)}${report.completedAt ? ` at ${escapeHtml(report.completedAt)}` : ""}</td></tr>`,
        `<tr><th>Verdict threshold</th><td>${escapeHtml(report.severityThreshold)}: any finding of this severity or higher fails an AMI</td></tr>`,
        `<tr><th>Generated</th><td>${escapeHtml(report.generatedAt)}</td></tr>`,
        trend?.previous ? `<tr><th>Compared with</th><td>run ${escapeHtml(trend.previous.runArnId)} (${escapeHtml(trend.previous.generatedAt)})</td></tr>` : "",
        "</table>",
        "<h2>Verdicts</h2>",
        "<table><tr><th>Verdict</th><th>AMI</th><th>Name</th><th>Reason</th><th>Findings</th>" +
            severities.map((s) => `<th>${s}</th>`).join("") +
            (trend ? "<th>Since last run</th>" : "") +
            "</tr>",
    );
    for (const ami of report.amis) {
        const reason = ami.verdict === "NOT ASSESSED" ? ami.notAssessed?.detail ?? "not assessed" : ami.verdict === "FAIL" ? `findings at or above ${report.severityThreshold}` : "";
        html.push(
            `<tr><td class="${verdictClass(ami.verdict)}">${escapeHtml(ami.verdict)}</td><td><code>${escapeHtml(ami.imageId)}</code></td>` +
                `<td>${escapeHtml(ami.name ?? "")}</td><td>${escapeHtml(reason)}</td><td>${severityBar(ami)}</td>` +
                severities.map((s) => `<td class="n">${count(ami.counts, s)}</td>`).join("") +
                trendCell(trend, ami.imageId) +
                "</tr>",
        );
    }
    if (report.amis.length === 0) html.push(`<tr><td colspan="${5 + severities.length}">No golden AMI was part of this run.</td></tr>`);
    html.push("</table>");

    for (const ami of report.amis) {
        const findings = (ami.findings ?? []) as FindingSummary[];
        html.push(`<h2 id="${escapeHtml(ami.imageId)}"><span class="${verdictClass(ami.verdict)}">${escapeHtml(ami.verdict)}</span> ${escapeHtml(ami.imageId)}${ami.name ? ` (${escapeHtml(ami.name)})` : ""}</h2>`);
        html.push(`<p>${severityBar(ami, 480, 20)}</p>`);
        if (ami.verdict === "NOT ASSESSED") html.push(`<p>${escapeHtml(ami.notAssessed?.detail ?? "not assessed")}</p>`);
        if (findings.length > 0) {
            const top = topByRisk(findings);
            html.push(
                `<h3>Top ${top.length} of ${findings.length} findings by risk (known exploit, then EPSS, then score)</h3>`,
                "<table><tr><th>#</th><th>Severity</th><th>Finding</th><th>Exploit</th><th>EPSS</th><th>Score</th><th>Fix</th><th>Advisory</th></tr>",
                ...top.map((f, i) => findingRow(f, i + 1)),
                "</table>",
            );
        }
        const t = trend?.amis.find((a) => a.imageId === ami.imageId);
        if (t && t.newFindings.length + t.fixedFindings.length > 0) {
            const names = (list: FindingSummary[]) => list.map((f) => escapeHtml(f.cveId ?? f.title)).join(", ");
            if (t.newFindings.length) html.push(`<p class="worse">New since the last run (${t.newFindings.length}): ${names(t.newFindings)}</p>`);
            if (t.fixedFindings.length) html.push(`<p class="better">Fixed since the last run (${t.fixedFindings.length}): ${names(t.fixedFindings)}</p>`);
        }
    }
    const gone = trend?.amis.filter((a) => a.direction === "gone") ?? [];
    if (gone.length) html.push("<h2>No longer assessed</h2>", `<p>${gone.map((a) => `<code>${escapeHtml(a.imageId)}</code>`).join(", ")} were in the previous run and are not in this one.</p>`);
    html.push(deprecationsHtml(report));
    if (report.notes.length > 0) html.push("<h2>Notes</h2>", "<ul>", ...report.notes.map((n) => `<li>${escapeHtml(n)}</li>`), "</ul>");
    html.push(
        `<p class="muted">Full data: <code>${escapeHtml(`s3://${report.location.bucket}/${report.location.jsonKey}`)}</code></p>`,
        "</body></html>",
        "",
    );
    return html.filter((line) => line !== "").join("\n");
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
