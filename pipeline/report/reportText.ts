// Pure: the words people read. The summary goes to the results topic, the Markdown to S3.
import { AmiAssessment, FindingSummary, SEVERITY_ORDER, SeverityCounts, distinctCveIds, failsThreshold } from "../verdict/consolidate";
import { deprecationLines } from "../verdict/deprecationText";
import type { AssessmentReport } from "./report";
import type { Severity } from "../run/settings";
import { HIGH_EPSS, TOP_RISKS_SHOWN, TopRisk, epssText, riskText, topByRisk, topRisks } from "./topRisks";
import { Trend, distinctNames, trendDetail } from "./trend";
import { amiPolicyLines, amiPolicyMarkdown, policyEmailLines, policyMarkdown } from "./policyText";

/** How many CVE IDs or titles a next-step sentence names before "and N more". */
const NEXT_STEP_EXAMPLES = 5;
/** How many fleet-wide top risks the email names; the HTML and Markdown list more. */
const EMAIL_TOP_RISKS = 5;

/**
 * A readable name for a rules package: the caller's name for the ARN when it passes one,
 * otherwise the package id at the end of the ARN ("0-gEjTy7T7").
 */
export function rulesPackageLabel(rulesPackageArn: string, names: Record<string, string> = {}): string {
    return names[rulesPackageArn] ?? /rulespackage\/([^/]+)$/.exec(rulesPackageArn)?.[1] ?? rulesPackageArn;
}

export function s3Url(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
}

/**
 * The S3 console's page for an object: a link a person can click (the bucket is private, so its
 * https object URL only answers AccessDenied). The path and query ("/s3/object/<bucket>?region=
 * &prefix=<key>") are what the console's own object page uses; the host depends on the partition
 * (AWS GovCloud User Guide, "Amazon S3 console": console.amazonaws-us-gov.com; China:
 * console.amazonaws.cn). Assumption where undocumented: the query format is the console's, not an API.
 */
export function s3ConsoleUrl(region: string, bucket: string, key: string): string {
    const host = region.startsWith("us-gov-") ? "console.amazonaws-us-gov.com" : region.startsWith("cn-") ? "console.amazonaws.cn" : "s3.console.aws.amazon.com";
    return `https://${host}/s3/object/${encodeURIComponent(bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(key)}`;
}

/** The HTML report beside a run's report.json. */
export function htmlKeyOf(jsonKey: string): string {
    return jsonKey.replace(/report\.json$/, "report.html");
}

/** Where a person reads the run's report: the HTML, in the S3 console. */
export function fullReportUrl(report: Pick<AssessmentReport, "region" | "location">): string {
    return s3ConsoleUrl(report.region, report.location.bucket, htmlKeyOf(report.location.jsonKey));
}

/**
 * e.g. "Golden AMI assessment: 2 FAIL, 5 PASS, 1 NOT ASSESSED (us-east-1)"; a published AMI's
 * single-AMI run names it: "Golden AMI assessment: ami-0abc (web-2026-12) FAIL (us-east-1)".
 */
export function reportSubject(report: AssessmentReport): string {
    const v = report.verdictCounts;
    const run = report.outcome === "COMPLETED" ? "" : ` run ${report.outcome}`;
    if (report.trigger && report.amis.length === 1) return `Golden AMI assessment${run}: ${amiLabel(report.amis[0])} ${report.amis[0].verdict} (${report.region})`;
    return `Golden AMI assessment${run}: ${v.FAIL} FAIL, ${v.PASS} PASS, ${v["NOT ASSESSED"]} NOT ASSESSED (${report.region})`;
}

/** Critical (v2 only) and Undefined (Classic only) are shown where present; the rest always. */
function shownSeverities(counts: SeverityCounts) {
    return SEVERITY_ORDER.filter((severity) => (severity !== "Undefined" && severity !== "Critical") || counts[severity] > 0);
}

/** "3 High, 1 Medium, 0 Low, 2 Informational" (Critical and Undefined only when present). */
/** A finding's severity as shown; an UNTRIAGED finding counted at its vendor's severity says so. */
export function severityLabel(finding: Pick<FindingSummary, "severity" | "untriaged" | "suppressed">): string {
    return `${finding.severity}${finding.untriaged ? " (untriaged)" : ""}${finding.suppressed ? " (suppressed by an Inspector rule)" : ""}`;
}

export function countsText(counts: SeverityCounts): string {
    return shownSeverities(counts)
        .map((severity) => `${counts[severity]} ${severity}`)
        .join(", ");
}

/** What to do about an AMI, in plain words. */
export function nextStep(ami: AmiAssessment, threshold: Severity): string {
    if (ami.verdict === "FAIL") {
        // Under a verdict policy, the findings its failedBy lines name ("<ID> <Severity>, ..."); else the threshold's.
        const named = (finding: FindingSummary) => ami.failedBy!.some((line) => line.startsWith(`${finding.cveId ?? finding.checkId ?? finding.title} ${finding.severity},`));
        const failing = ami.findings.filter((finding) => (ami.failedBy ? named(finding) : failsThreshold(finding.severity, threshold)));
        const groups = SEVERITY_ORDER.map((severity) => failing.filter((finding) => finding.severity === severity))
            .filter((group) => group.length > 0)
            .map((group) => `${plural(group.length, `${group[0].severity} finding`)} (${someOf(examplesOf(group))})`);
        const action = failing.some((finding) => finding.cveId) ? `rebuild ${ami.imageId} from patched sources` : `fix the build of ${ami.imageId} and rebuild it`;
        return `${action}: ${groups.join(", ")}`;
    }
    if (ami.verdict === "PASS") {
        if (ami.findings.length === 0) return "none: no findings";
        return `none required: ${plural(ami.findings.length, "finding")} below the ${threshold} threshold (${countsText(ami.counts)})`;
    }
    // The reason is printed right beside the next step (summary line, Markdown, HTML): never repeat it here.
    switch (ami.notAssessed?.code) {
        case "LAUNCH_FAILED":
            return `find out why an instance of ${ami.imageId} could not be launched (the reason above); the next scheduled run tries again`;
        case "AGENT_UNHEALTHY":
            return `make ${ami.imageId} able to run the Inspector agent (IMDSv1 allowed, outbound HTTPS to Inspector and the agent download host); the next scheduled run tries again`;
        case "NOT_SCANNED":
            return `make ${ami.imageId} scannable by Inspector v2 (SSM agent installed and running, outbound HTTPS to the SSM endpoints, a supported OS); the next scheduled run tries again`;
        case "WAITING":
            return "none now; to assess every AMI on every run, raise maxConcurrentInstances (within the account's vCPU quota)";
        case "RUN_FAILED":
            return `check the run in the Inspector console; the next scheduled run assesses ${ami.imageId} again`;
        default:
            return `the next scheduled run assesses ${ami.imageId} again`;
    }
}

/** CVE IDs first (they are what to patch), then titles of findings without one. */
function examplesOf(findings: FindingSummary[]): string[] {
    const titles = [...new Set(findings.filter((finding) => !finding.cveId).map((finding) => finding.title))];
    return [...distinctCveIds(findings), ...titles];
}

function someOf(items: string[]): string {
    const shown = items.slice(0, NEXT_STEP_EXAMPLES).join(", ");
    return items.length > NEXT_STEP_EXAMPLES ? `${shown} and ${items.length - NEXT_STEP_EXAMPLES} more` : shown;
}

function plural(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function amiLabel(ami: AmiAssessment): string {
    return ami.name ? `${ami.imageId} (${ami.name})` : ami.imageId;
}

/** "CVE-2026-1111 (High; known exploit, EPSS 45.0%): ami-a, ami-b". */
function topRiskLine(risk: TopRisk): string {
    const f = risk.finding;
    return `${f.cveId ?? oneLine(f.title)} (${f.severity}; ${riskText(f)}): ${risk.imageIds.join(", ")}`;
}

/** The email's top risks: a few lines, or nothing when the engine reports no exploit or EPSS data. */
function topRiskLines(report: AssessmentReport): string[] {
    const risks = topRisks(report.amis);
    if (risks.length === 0) return [];
    const more = risks.length > EMAIL_TOP_RISKS ? [`- and ${risks.length - EMAIL_TOP_RISKS} more in the full report`] : [];
    return ["", `Top risks (known exploit or EPSS of ${epssText(HIGH_EPSS)} or more), across all AMIs:`, ...risks.slice(0, EMAIL_TOP_RISKS).map((r) => `- ${topRiskLine(r)}`), ...more];
}

/**
 * The message for the results topic. The trend, the top risks and the most important AMIs come
 * first (FAIL, NOT ASSESSED, PASS) and the report link near the top, so all survive truncation to 256 KB.
 */
export function summaryText(report: AssessmentReport, trend?: Trend): string {
    const v = report.verdictCounts;
    const lines: string[] = [
        ...(trend ? [`Trend: ${trend.headline}`, ""] : []),
        `Golden AMI assessment of ${report.pipelineName}, run ${report.runArnId} in ${report.region}` +
            (report.completedAt ? ` (ended ${report.completedAt})` : ""),
        ...(report.trigger ? [`Trigger: ${report.trigger}`] : []),
        `Result: ${v.FAIL} FAIL, ${v.PASS} PASS, ${v["NOT ASSESSED"]} NOT ASSESSED. ` +
            (report.policy?.failWhen.fixAvailableForDays ? "An AMI fails under the verdict policy below." : `An AMI fails on any finding of severity ${report.severityThreshold} or higher.`),
        `Full report: ${fullReportUrl(report)}`,
        ...topRiskLines(report),
        ...policyEmailLines(report),
    ];
    if (report.amis.length === 0) lines.push("", "No golden AMI was part of this run.");
    for (const ami of report.amis) {
        lines.push("", `${ami.verdict}  ${amiLabel(ami)}: ${ami.verdict === "NOT ASSESSED" ? ami.notAssessed?.detail ?? "" : countsText(ami.counts)}`);
        lines.push(`  Next step: ${nextStep(ami, report.severityThreshold)}`);
        lines.push(...amiPolicyLines(ami));
        if (ami.cveIds.length > 0) lines.push(`  CVEs (${ami.cveIds.length}): ${ami.cveIds.join(", ")}`);
        if (ami.topFindings.length > 0 && ami.verdict !== "PASS") {
            lines.push(`  Top findings:`);
            for (const finding of ami.topFindings) {
                lines.push(`  - ${severityLabel(finding)}: ${oneLine(finding.title)}`);
                if (finding.recommendation) lines.push(`    Recommendation: ${oneLine(finding.recommendation)}`);
            }
        }
    }
    const deprecated = deprecationLines(report.deprecations);
    if (deprecated.length > 0) lines.push("", "AMI deprecations (deprecateFailingAmis):", ...deprecated);
    if (report.notes.length > 0) {
        lines.push("", "Notes:");
        for (const note of report.notes) lines.push(`- ${note}`);
    }
    lines.push("", `Assessment instances terminated: ${report.instances.terminated.length}.`);
    for (const failure of report.instances.terminationFailed) lines.push(`- could not terminate ${failure.instanceId}: ${failure.error}`);
    lines.push("", "report.md and report.json (every finding) are in the same folder as the full report.");
    return lines.join("\n");
}

export interface ReportEmail {
    subject: string;
    message: string;
    /** What a message cut to SNS's size limit ends with. */
    pointer: string;
}

/** The results topic's email for a run: what publishReport sends and the README shows. */
export function reportEmail(report: AssessmentReport, trend?: Trend): ReportEmail {
    return { subject: reportSubject(report), message: summaryText(report, trend), pointer: `Full report: ${fullReportUrl(report)}` };
}

function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}

/** Escapes what would break a Markdown table cell or start unwanted formatting. */
function cell(text: string): string {
    return oneLine(text).replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
}

export function reportMarkdown(report: AssessmentReport, rulesPackageNames: Record<string, string> = {}, trend?: Trend): string {
    const v = report.verdictCounts;
    const md: string[] = [
        `# Golden AMI assessment: ${v.FAIL} FAIL, ${v.PASS} PASS, ${v["NOT ASSESSED"]} NOT ASSESSED`,
        "",
        ...(trend ? [`**Trend:** ${cell(trend.headline)}`, ""] : []),
        "| | |",
        "|---|---|",
        `| Pipeline | ${cell(report.pipelineName)} |`,
        `| Region | ${report.region} |`,
        `| Engine | ${report.engine === "classic" ? "Amazon Inspector Classic" : "Amazon Inspector v2"} |`,
        `| Run | \`${report.runArn}\` |`,
        ...(report.trigger ? [`| Trigger | ${cell(report.trigger)} |`] : []),
        `| Outcome | ${report.outcome}${report.completedAt ? ` at ${report.completedAt}` : ""} |`,
        `| Verdict threshold | ${report.severityThreshold}: any finding of this severity or higher fails an AMI |`,
        `| Manifest | ${report.manifest.found ? `run ${cell(report.manifest.runId)}, started ${report.manifest.startedAt}` : `missing: ${cell(report.manifest.reason)}`} |`,
        `| Findings | ${report.findings.listed} listed, ${report.findings.read} read${report.findings.announced !== undefined ? `, ${report.findings.announced} announced by Inspector` : ""} |`,
        ...(trend?.previous ? [`| Compared with | run ${cell(trend.previous.runArnId)} (${trend.previous.generatedAt}) |`] : []),
        `| Generated | ${report.generatedAt} |`,
        ...markdownTopRisks(report),
        ...policyMarkdown(report),
        "",
        "## AMIs",
        "",
        `| Verdict | AMI | Name | Critical | High | Medium | Low | Informational | Undefined | Instances |${trend ? " Since last run |" : ""}`,
        `|---|---|---|---:|---:|---:|---:|---:|---:|---|${trend ? "---|" : ""}`,
    ];
    for (const ami of report.amis) {
        const c = ami.counts;
        const counts = ami.verdict === "NOT ASSESSED" && SEVERITY_ORDER.every((s) => c[s] === 0) ? Array(6).fill("–") : [c.Critical, c.High, c.Medium, c.Low, c.Informational, c.Undefined];
        md.push(`| ${ami.verdict} | ${ami.imageId} | ${cell(ami.name ?? "")} | ${counts.join(" | ")} | ${ami.instanceIds.join(", ")} |${trend ? ` ${markdownTrend(trend, ami.imageId)} |` : ""}`);
    }
    for (const ami of report.amis) md.push(...markdownAmi(ami, report, rulesPackageNames, trend));
    if (report.unmapped.length > 0) {
        md.push("", "## Findings not tied to an AMI", "", "| Instance | Critical | High | Medium | Low | Informational | Undefined |", "|---|---:|---:|---:|---:|---:|---:|");
        for (const group of report.unmapped) {
            const c = group.counts;
            md.push(`| ${cell(group.agentId)} | ${c.Critical} | ${c.High} | ${c.Medium} | ${c.Low} | ${c.Informational} | ${c.Undefined} |`);
        }
    }
    const deprecated = deprecationLines(report.deprecations);
    if (deprecated.length > 0) md.push("", "## AMI deprecations", "", ...deprecated);
    if (report.notes.length > 0) {
        md.push("", "## Notes", "");
        for (const note of report.notes) md.push(`- ${note}`);
    }
    md.push("", "## Assessment instances", "", `Terminated: ${report.instances.terminated.join(", ") || "none"}`);
    for (const failure of report.instances.terminationFailed) md.push(`- could not terminate ${failure.instanceId}: ${cell(failure.error)}`);
    const { bucket, jsonKey } = report.location;
    md.push("", `The full data, every finding included, is in [report.json](${s3ConsoleUrl(report.region, bucket, jsonKey)}) (\`${s3Url(bucket, jsonKey)}\`).`, "");
    return md.join("\n");
}

function markdownTopRisks(report: AssessmentReport): string[] {
    const risks = topRisks(report.amis);
    if (risks.length === 0) return [];
    const rows = risks.slice(0, TOP_RISKS_SHOWN).map(({ finding, imageIds }) => `| ${finding.severity} | ${cell(finding.cveId ?? finding.title)} | ${cell(riskText(finding))} | ${imageIds.join(", ")} |`);
    const more = risks.length > TOP_RISKS_SHOWN ? ["", `and ${risks.length - TOP_RISKS_SHOWN} more; each AMI's section lists its own.`] : [];
    return ["", `## Top risks (known exploit or EPSS of ${epssText(HIGH_EPSS)} or more), across all AMIs`, "", "| Severity | Finding | Why | AMIs |", "|---|---|---|---|", ...rows, ...more];
}

function markdownTrend(trend: Trend, imageId: string): string {
    const t = trend.amis.find((a) => a.imageId === imageId);
    if (!t) return "";
    const detail = t.direction === "new" || t.direction === "gone" ? "" : trendDetail(t);
    return `${t.direction}${detail ? ` (${detail})` : ""}`;
}

/** "(CVE-2026-1111; known exploit, EPSS 2.0%)": what the HTML's exploit and EPSS columns say. */
function riskSuffix(f: FindingSummary): string {
    const parts = [f.cveId && !f.title.includes(f.cveId) ? f.cveId : "", riskText(f)].filter(Boolean);
    return parts.length ? ` (${parts.join("; ")})` : "";
}

function markdownAmi(ami: AmiAssessment, report: AssessmentReport, rulesPackageNames: Record<string, string>, trend: Trend | undefined): string[] {
    const md = ["", `## ${ami.verdict}: ${amiLabel(ami)}`, ""];
    if (ami.verdict === "NOT ASSESSED") md.push(`**Reason:** ${oneLine(ami.notAssessed?.detail ?? "not assessed")}`, "");
    md.push(`**Next step:** ${nextStep(ami, report.severityThreshold)}`);
    md.push(...amiPolicyMarkdown(ami));
    if (!ami.inManifest) md.push("", "_Not listed in the run manifest; found through its instance's tags._");
    const packages = Object.entries(ami.countsByRulesPackage);
    if (packages.length > 0) {
        md.push("", "| Rules package | Findings |", "|---|---:|");
        for (const [arn, n] of packages) md.push(`| ${cell(rulesPackageLabel(arn, rulesPackageNames))} | ${n} |`);
    }
    if (ami.cveIds.length > 0) md.push("", `**CVEs (${ami.cveIds.length}):** ${ami.cveIds.join(", ")}`);
    const t = trend?.amis.find((a) => a.imageId === ami.imageId);
    const fresh = t ? distinctNames(t.newFindings) : [];
    const fixed = t ? distinctNames(t.fixedFindings) : [];
    if (fresh.length) md.push("", `**New since the last run (${fresh.length}):** ${fresh.map(oneLine).join(", ")}`);
    if (fixed.length) md.push("", `**Fixed since the last run (${fixed.length}):** ${fixed.map(oneLine).join(", ")}`);
    if (ami.topFindings.length > 0) {
        const top = topByRisk(ami.findings ?? ami.topFindings, ami.topFindings.length);
        md.push("", `### Top ${top.length} of ${ami.findings.length} findings`, "");
        top.forEach((finding, i) => {
            md.push(`${i + 1}. **${severityLabel(finding)}**: ${oneLine(finding.title)}${riskSuffix(finding)}`);
            if (finding.recommendation) md.push(`   - Recommendation: ${oneLine(finding.recommendation)}`);
        });
    }
    return md;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
