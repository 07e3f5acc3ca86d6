// Pure: the verdict policy (issue 21). Which findings an accepted risk takes out of the count, and
// which of the rest fail an AMI and why. The rules and their names follow EC2 Allowed AMIs'
// ScanResultCondition (client-ec2 ScanResultCondition: MaximumSeverityLabel,
// MaxDaysSince<Level>FixAvailable, MaxDaysSinceLastFindingScan), so one policy can be set in both.
import type { FindingSeverity, FindingSummary } from "./findingModel";
import type { Severity } from "../run/settings";

/** An exception as code: one CVE (or CIS check) accepted for some or all AMIs, until a date. */
export interface AcceptedRisk {
    /** A CVE ID ("CVE-2026-1111") or a CIS check ID ("1.1.1.1"). */
    id: string;
    /** AMI IDs, or AMI name patterns (`*` and `?`); absent: every AMI of the pipeline. */
    amis?: string[];
    reason: string;
    /** An email address or a team name. */
    owner: string;
    /** YYYY-MM-DD: the last day (UTC) the entry holds. */
    expires: string;
}

export interface FailWhen {
    /** The lowest severity that fails outright (ScanResultCondition.MaximumSeverityLabel is the one below it). */
    severity: Severity;
    /**
     * Per severity: whole days a fix must have been available before a finding of that severity
     * fails (ScanResultCondition.MaxDaysSince<Level>FixAvailable). A severity listed here is judged
     * by this rule only: its findings without a fix never fail, but they are listed.
     */
    fixAvailableForDays?: Partial<Record<Severity, number>>;
    /** Agentless results: the oldest Inspector AMI scan accepted (ScanResultCondition.MaxDaysSinceLastFindingScan). */
    maxScanAgeDays?: number;
}

export interface VerdictPolicy {
    failWhen: FailWhen;
    acceptedRisks: AcceptedRisk[];
    /** The run's clock: expiry and fix age are measured against it. */
    now: Date;
}

/** A finding an accepted risk took out of the verdict; the report lists it, never hides it. */
export interface AcceptedFinding {
    finding: FindingSummary;
    risk: AcceptedRisk;
}

export type RiskStatus = "active" | "expiring-soon" | "expired";
/** The email names an entry this many days before it expires. */
export const EXPIRING_SOON_DAYS = 14;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** The first instant an entry no longer holds: the day after `expires`, 00:00 UTC. */
export function expiryEnd(expires: string): number {
    return Date.parse(`${expires}T00:00:00.000Z`) + DAY_MS;
}

export function riskStatus(risk: Pick<AcceptedRisk, "expires">, now: Date): RiskStatus {
    const left = expiryEnd(risk.expires) - now.getTime();
    if (!(left > 0)) return "expired";
    return left <= EXPIRING_SOON_DAYS * DAY_MS ? "expiring-soon" : "active";
}

/** What an accepted risk's id is matched with: the CVE ID, or the CIS check ID. */
export function riskIdOf(finding: Pick<FindingSummary, "cveId" | "checkId">): string | undefined {
    return finding.cveId ?? finding.checkId;
}

/** EC2-style name pattern: `*` any run of characters, `?` one character, the rest literal. */
export function namePatternMatches(pattern: string, name: string): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(name);
}

export function riskCoversAmi(risk: Pick<AcceptedRisk, "amis">, imageId: string, name: string | undefined): boolean {
    if (!risk.amis) return true;
    return risk.amis.some((entry) => entry === imageId || (!/^ami-[0-9a-f]+$/.test(entry) && name !== undefined && namePatternMatches(entry, name)));
}

/** The unexpired entry that accepts this finding on this AMI, if any. */
export function acceptedBy(finding: FindingSummary, ami: { imageId: string; name?: string }, policy: Pick<VerdictPolicy, "acceptedRisks" | "now">): AcceptedRisk | undefined {
    const id = riskIdOf(finding)?.toUpperCase();
    if (!id) return undefined;
    return policy.acceptedRisks.find((risk) => risk.id.toUpperCase() === id && riskStatus(risk, policy.now) !== "expired" && riskCoversAmi(risk, ami.imageId, ami.name));
}

const RANK: readonly FindingSeverity[] = ["Critical", "High", "Medium", "Low", "Informational", "Undefined"];

/** Whole days from `since` to `now` (a fix 14.9 days old has been available 14 days, as Allowed AMIs counts days). */
export function wholeDaysSince(since: string, now: Date): number {
    return Math.floor((now.getTime() - Date.parse(since)) / DAY_MS);
}

function findingLabel(finding: FindingSummary): string {
    return riskIdOf(finding) ?? finding.title;
}

/**
 * Why this finding fails the AMI under `failWhen`, or undefined when it does not. The finding's
 * severity is its effective one (an untriaged finding without a vendor severity counts at
 * failWhen.severity, consolidate.ts). A fix whose date is unknown counts as older than any limit:
 * Inspector v2's ListFindings gives no date for a fix (fail closed, docs/policy.md).
 */
export function failureOf(finding: FindingSummary, failWhen: FailWhen, now: Date): string | undefined {
    const severity = finding.severity;
    if (severity === "Undefined") return undefined;
    const label = findingLabel(finding);
    const limit = failWhen.fixAvailableForDays?.[severity];
    if (limit !== undefined) {
        if (finding.fixAvailable !== "YES" && finding.fixAvailable !== "PARTIAL") return undefined;
        if (!finding.fixAvailableSince || Number.isNaN(Date.parse(finding.fixAvailableSince))) {
            return `${label} ${severity}, fix available since an unknown date (counted as more than ${limit} days)`;
        }
        const days = wholeDaysSince(finding.fixAvailableSince, now);
        return days > limit ? `${label} ${severity}, fix available for ${days} days > ${limit}` : undefined;
    }
    return RANK.indexOf(severity) <= RANK.indexOf(failWhen.severity) ? `${label} ${severity}, at or above ${failWhen.severity}` : undefined;
}

export interface AmiPolicyResult {
    /** What counts toward the verdict. */
    counted: FindingSummary[];
    accepted: AcceptedFinding[];
    /** The counted findings that fail the AMI. */
    failing: FindingSummary[];
    /** One line per failing finding: the rule that failed it. */
    failedBy: string[];
}

/** One AMI's findings under the policy: accepted ones apart, the rest judged rule by rule. */
export function evaluateAmi(findings: FindingSummary[], ami: { imageId: string; name?: string }, policy: VerdictPolicy): AmiPolicyResult {
    const result: AmiPolicyResult = { counted: [], accepted: [], failing: [], failedBy: [] };
    for (const finding of findings) {
        const risk = acceptedBy(finding, ami, policy);
        if (risk) {
            result.accepted.push({ finding, risk });
            continue;
        }
        result.counted.push(finding);
        const why = failureOf(finding, policy.failWhen, policy.now);
        if (why) {
            result.failing.push(finding);
            result.failedBy.push(why);
        }
    }
    result.failedBy = [...new Set(result.failedBy)];
    return result;
}

/** True when the finding, taken on its own, fails the AMI under the policy (accepted ones never do). */
export function failsUnderPolicy(finding: FindingSummary, ami: { imageId: string; name?: string }, policy: VerdictPolicy): boolean {
    return !acceptedBy(finding, ami, policy) && failureOf(finding, policy.failWhen, policy.now) !== undefined;
}

/** An entry as the report shows it: with its status on the run's date. */
export type RiskWithStatus = AcceptedRisk & { status: RiskStatus };

export function risksWithStatus(risks: readonly AcceptedRisk[], now: Date): RiskWithStatus[] {
    return risks.map((risk) => ({ ...risk, status: riskStatus(risk, now) }));
}

/** "accepted until 2027-01-31 (secops@example.com, reason)". */
export function acceptedText(risk: Pick<AcceptedRisk, "expires" | "owner" | "reason">): string {
    return `accepted until ${risk.expires} (${risk.owner}, ${risk.reason})`;
}

/** The run's policy from its settings: failWhen defaults to severityThreshold alone, no accepted risks. */
export function policyFromSettings(settings: { severityThreshold: Severity; failWhen?: FailWhen; acceptedRisks?: AcceptedRisk[] }, now: Date): VerdictPolicy {
    return { failWhen: settings.failWhen ?? { severity: settings.severityThreshold }, acceptedRisks: settings.acceptedRisks ?? [], now };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
