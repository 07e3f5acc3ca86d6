// Pure: the verdict policy in the words people read (email, Markdown, HTML): the rule behind each
// FAIL, the accepted findings with owner, reason and date, and entries expiring soon or just expired.
import type { AmiAssessment } from "../verdict/consolidate";
import { AcceptedFinding, EXPIRING_SOON_DAYS, FailWhen, RiskWithStatus, acceptedText } from "../verdict/policy";
import type { AssessmentReport } from "./report";

/** "High or higher fails; High: fix available more than 14 days; agentless scans at most 7 days old". */
export function failWhenText(failWhen: FailWhen): string {
    const fixRules = Object.entries(failWhen.fixAvailableForDays ?? {}).map(([severity, days]) => `${severity} fails only with a fix available more than ${days} days`);
    const scan = failWhen.maxScanAgeDays !== undefined ? [`agentless results older than ${failWhen.maxScanAgeDays} days are not accepted`] : [];
    return [`a finding of severity ${failWhen.severity} or higher fails an AMI`, ...fixRules, ...scan].join("; ");
}

function acceptedLine(accepted: AcceptedFinding): string {
    const f = accepted.finding;
    return `${f.cveId ?? f.checkId ?? f.title} (${f.severity}) ${acceptedText(accepted.risk)}`;
}

/** One AMI's policy lines for the email: the rule behind its FAIL, then what was accepted. */
export function amiPolicyLines(ami: AmiAssessment, indent = "  "): string[] {
    const lines: string[] = [];
    if (ami.verdict === "FAIL" && ami.failedBy?.length) {
        lines.push(`${indent}Failed by:`, ...ami.failedBy.map((why) => `${indent}- ${why}`));
    }
    const accepted = ami.accepted ?? [];
    if (accepted.length > 0) lines.push(`${indent}Accepted risks (not counted, ${accepted.length}):`, ...accepted.map((a) => `${indent}- ${acceptedLine(a)}`));
    return lines;
}

function risksOf(report: Pick<AssessmentReport, "policy">, status: RiskWithStatus["status"]): RiskWithStatus[] {
    return (report.policy?.acceptedRisks ?? []).filter((risk) => risk.status === status);
}

function scope(risk: RiskWithStatus): string {
    return risk.amis ? ` on ${risk.amis.join(", ")}` : "";
}

/**
 * The email's policy lines, near the top: entries that expired (still configured, no longer
 * applied, so their findings count again from this run) and entries expiring within 14 days.
 */
export function policyEmailLines(report: Pick<AssessmentReport, "policy">): string[] {
    if (!report.policy) return [];
    const lines = ["", `Verdict policy: ${failWhenText(report.policy.failWhen)}.`];
    const expired = risksOf(report, "expired");
    if (expired.length > 0) {
        lines.push("Accepted risks that expired (their findings count again; remove them from acceptedRisks, which preview now refuses):");
        lines.push(...expired.map((risk) => `- ${risk.id}${scope(risk)} expired ${risk.expires} (${risk.owner})`));
    }
    const soon = risksOf(report, "expiring-soon");
    if (soon.length > 0) {
        lines.push(`Accepted risks expiring within ${EXPIRING_SOON_DAYS} days:`);
        lines.push(...soon.map((risk) => `- ${risk.id}${scope(risk)} expires ${risk.expires} (${risk.owner}, ${risk.reason})`));
    }
    return lines;
}

function mdCell(text: string): string {
    return text.replace(/\s+/g, " ").trim().replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
}

/** The Markdown section: the policy and every configured accepted risk with its status. */
export function policyMarkdown(report: Pick<AssessmentReport, "policy">): string[] {
    if (!report.policy) return [];
    const md = ["", "## Verdict policy", "", `${mdCell(failWhenText(report.policy.failWhen))}.`];
    const risks = report.policy.acceptedRisks;
    if (risks.length === 0) return md;
    md.push("", "| Accepted risk | AMIs | Owner | Reason | Expires | Status |", "|---|---|---|---|---|---|");
    for (const r of risks) md.push(`| ${mdCell(r.id)} | ${mdCell(r.amis?.join(", ") ?? "all")} | ${mdCell(r.owner)} | ${mdCell(r.reason)} | ${r.expires} | ${r.status} |`);
    return md;
}

/** One AMI's Markdown policy lines. */
export function amiPolicyMarkdown(ami: AmiAssessment): string[] {
    const md: string[] = [];
    if (ami.verdict === "FAIL" && ami.failedBy?.length) md.push("", "**Failed by:**", "", ...ami.failedBy.map((why) => `- ${mdCell(why)}`));
    const accepted = ami.accepted ?? [];
    if (accepted.length > 0) md.push("", `**Accepted risks (${accepted.length}, not counted):**`, "", ...accepted.map((a) => `- ${mdCell(acceptedLine(a))}`));
    return md;
}

/** The HTML section of the policy; `escape` is the page's own escaping. */
export function policyHtml(report: Pick<AssessmentReport, "policy">, escape: (text: unknown) => string): string[] {
    if (!report.policy) return [];
    const html = ['<h2 id="policy">Verdict policy</h2>', `<p>${escape(failWhenText(report.policy.failWhen))}.</p>`];
    const risks = report.policy.acceptedRisks;
    if (risks.length === 0) return html;
    html.push('<table class="cards"><tr><th>Accepted risk</th><th>AMIs</th><th>Owner</th><th>Reason</th><th>Expires</th><th>Status</th></tr>');
    // data-label keeps each column's name when the table turns into cards on a phone (reportHtml.ts).
    const td = (label: string, text: string) => `<td data-label="${escape(label)}">${escape(text)}</td>`;
    for (const r of risks) {
        html.push(`<tr>${td("Accepted risk", r.id)}${td("AMIs", r.amis?.join(", ") ?? "all")}${td("Owner", r.owner)}${td("Reason", r.reason)}${td("Expires", r.expires)}${td("Status", r.status)}</tr>`);
    }
    html.push("</table>");
    return html;
}

/** One AMI's HTML policy lines: the rule behind the FAIL and the accepted findings. */
export function amiPolicyHtml(ami: AmiAssessment, escape: (text: unknown) => string): string[] {
    const html: string[] = [];
    if (ami.verdict === "FAIL" && ami.failedBy?.length) html.push("<h3>Failed by</h3>", "<ul>", ...ami.failedBy.map((why) => `<li>${escape(why)}</li>`), "</ul>");
    const accepted = ami.accepted ?? [];
    if (accepted.length > 0) html.push(`<h3>Accepted risks (${accepted.length}, not counted)</h3>`, "<ul>", ...accepted.map((a) => `<li>${escape(acceptedLine(a))}</li>`), "</ul>");
    return html;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
