// Pure: the words people read. The summary goes to the results topic, the Markdown to S3.
import { AmiAssessment, FindingSummary, SEVERITY_ORDER, SeverityCounts, distinctCveIds, failsThreshold } from "./consolidate";
import { deprecationLines } from "./deprecationText";
import type { AssessmentReport } from "./report";
import type { Severity } from "./settings";

/** How many CVE IDs or titles a next-step sentence names before "and N more". */
const NEXT_STEP_EXAMPLES = 5;

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

/** e.g. "Golden AMI assessment: 2 FAIL, 5 PASS, 1 NOT ASSESSED (us-east-1)". */
export function reportSubject(report: AssessmentReport): string {
    const v = report.verdictCounts;
    const run = report.outcome === "COMPLETED" ? "" : ` run ${report.outcome}`;
    return `Golden AMI assessment${run}: ${v.FAIL} FAIL, ${v.PASS} PASS, ${v["NOT ASSESSED"]} NOT ASSESSED (${report.region})`;
}

/** Critical (v2 only) and Undefined (Classic only) are shown where present; the rest always. */
function shownSeverities(counts: SeverityCounts) {
    return SEVERITY_ORDER.filter((severity) => (severity !== "Undefined" && severity !== "Critical") || counts[severity] > 0);
}

/** "3 High, 1 Medium, 0 Low, 2 Informational" (Critical and Undefined only when present). */
export function countsText(counts: SeverityCounts): string {
    return shownSeverities(counts)
        .map((severity) => `${counts[severity]} ${severity}`)
        .join(", ");
}

/** What to do about an AMI, in plain words. */
export function nextStep(ami: AmiAssessment, threshold: Severity): string {
    if (ami.verdict === "FAIL") {
        const failing = ami.findings.filter((finding) => failsThreshold(finding.severity, threshold));
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
    const detail = ami.notAssessed?.detail ?? "not assessed";
    switch (ami.notAssessed?.code) {
        case "LAUNCH_FAILED":
            return `find out why an instance of ${ami.imageId} could not be launched (${detail}); the next scheduled run tries again`;
        case "AGENT_UNHEALTHY":
            return (
                `make ${ami.imageId} able to run the Inspector agent (IMDSv1 allowed, outbound HTTPS to Inspector and the agent download host): ` +
                `${detail}; the next scheduled run tries again`
            );
        case "NOT_SCANNED":
            return (
                `make ${ami.imageId} scannable by Inspector v2 (SSM agent installed and running, outbound HTTPS to the SSM endpoints, a supported OS): ` +
                `${detail}; the next scheduled run tries again`
            );
        case "WAITING":
            return `none now: ${detail}; to assess every AMI on every run, raise maxConcurrentInstances (within the account's vCPU quota)`;
        case "RUN_FAILED":
            return `${detail}; check the run in the Inspector console; the next scheduled run assesses ${ami.imageId} again`;
        default:
            return `${detail}; the next scheduled run assesses ${ami.imageId} again`;
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

/**
 * The message for the results topic. The most important AMIs come first (FAIL, NOT ASSESSED,
 * PASS) and the report location near the top, so both survive truncation to 256 KB.
 */
export function summaryText(report: AssessmentReport): string {
    const v = report.verdictCounts;
    const lines: string[] = [
        `Golden AMI assessment of ${report.pipelineName}, run ${report.runArnId} in ${report.region}` +
            (report.completedAt ? ` (ended ${report.completedAt})` : ""),
        `Result: ${v.FAIL} FAIL, ${v.PASS} PASS, ${v["NOT ASSESSED"]} NOT ASSESSED. ` +
            `An AMI fails on any finding of severity ${report.severityThreshold} or higher.`,
        `Full report: ${s3Url(report.location.bucket, report.location.markdownKey)}`,
    ];
    if (report.amis.length === 0) lines.push("", "No golden AMI was part of this run.");
    for (const ami of report.amis) {
        lines.push("", `${ami.verdict}  ${amiLabel(ami)}: ${ami.verdict === "NOT ASSESSED" ? ami.notAssessed?.detail ?? "" : countsText(ami.counts)}`);
        lines.push(`  Next step: ${nextStep(ami, report.severityThreshold)}`);
        if (ami.cveIds.length > 0) lines.push(`  CVEs (${ami.cveIds.length}): ${ami.cveIds.join(", ")}`);
        if (ami.topFindings.length > 0 && ami.verdict !== "PASS") {
            lines.push(`  Top findings:`);
            for (const finding of ami.topFindings) {
                lines.push(`  - ${finding.severity}${finding.untriaged ? " (untriaged)" : ""}: ${oneLine(finding.title)}`);
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
    return lines.join("\n");
}

function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}

/** Escapes what would break a Markdown table cell or start unwanted formatting. */
function cell(text: string): string {
    return oneLine(text).replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
}

export function reportMarkdown(report: AssessmentReport, rulesPackageNames: Record<string, string> = {}): string {
    const v = report.verdictCounts;
    const md: string[] = [
        `# Golden AMI assessment: ${v.FAIL} FAIL, ${v.PASS} PASS, ${v["NOT ASSESSED"]} NOT ASSESSED`,
        "",
        "| | |",
        "|---|---|",
        `| Pipeline | ${cell(report.pipelineName)} |`,
        `| Region | ${report.region} |`,
        `| Engine | ${report.engine === "classic" ? "Amazon Inspector Classic" : "Amazon Inspector v2"} |`,
        `| Run | \`${report.runArn}\` |`,
        `| Outcome | ${report.outcome}${report.completedAt ? ` at ${report.completedAt}` : ""} |`,
        `| Verdict threshold | ${report.severityThreshold}: any finding of this severity or higher fails an AMI |`,
        `| Manifest | ${report.manifest.found ? `run ${cell(report.manifest.runId)}, started ${report.manifest.startedAt}` : `missing: ${cell(report.manifest.reason)}`} |`,
        `| Findings | ${report.findings.listed} listed, ${report.findings.read} read${report.findings.announced !== undefined ? `, ${report.findings.announced} announced by Inspector` : ""} |`,
        `| Generated | ${report.generatedAt} |`,
        "",
        "## AMIs",
        "",
        "| Verdict | AMI | Name | Critical | High | Medium | Low | Informational | Undefined | Instances |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ];
    for (const ami of report.amis) {
        const c = ami.counts;
        md.push(
            `| ${ami.verdict} | ${ami.imageId} | ${cell(ami.name ?? "")} | ${c.Critical} | ${c.High} | ${c.Medium} | ${c.Low} | ${c.Informational} | ${c.Undefined} | ${ami.instanceIds.join(", ")} |`,
        );
    }
    for (const ami of report.amis) {
        md.push("", `## ${ami.verdict}: ${amiLabel(ami)}`, "", `**Next step:** ${nextStep(ami, report.severityThreshold)}`);
        if (!ami.inManifest) md.push("", "_Not listed in the run manifest; found through its instance's tags._");
        const packages = Object.entries(ami.countsByRulesPackage);
        if (packages.length > 0) {
            md.push("", "| Rules package | Findings |", "|---|---:|");
            for (const [arn, n] of packages) md.push(`| ${cell(rulesPackageLabel(arn, rulesPackageNames))} | ${n} |`);
        }
        if (ami.cveIds.length > 0) md.push("", `**CVEs (${ami.cveIds.length}):** ${ami.cveIds.join(", ")}`);
        if (ami.topFindings.length > 0) {
            md.push("", `### Top ${ami.topFindings.length} of ${ami.findings.length} findings`, "");
            ami.topFindings.forEach((finding, i) => {
                md.push(`${i + 1}. **${finding.severity}**${finding.untriaged ? " (untriaged)" : ""}: ${oneLine(finding.title)}`);
                if (finding.recommendation) md.push(`   - Recommendation: ${oneLine(finding.recommendation)}`);
            });
        }
    }
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
    md.push("", `The full data, every finding included, is in ${s3Url(report.location.bucket, report.location.jsonKey)}.`, "");
    return md.join("\n");
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
