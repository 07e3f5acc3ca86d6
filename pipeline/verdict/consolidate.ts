// Pure: from a run's findings to one assessment per golden AMI. No I/O, no clock.
import { FindingSeverity, FindingSummary, SEVERITY_ORDER } from "./findingModel";
import type { AmiStatus, RunManifest } from "../run/manifest";
import type { Severity } from "../run/settings";
import { AcceptedFinding, VerdictPolicy, evaluateAmi } from "./policy";

export { FindingSeverity, FindingSummary, SEVERITY_ORDER } from "./findingModel";
export const TOP_FINDINGS = 10;

export type Verdict = "PASS" | "FAIL" | "NOT ASSESSED";
export const VERDICTS: readonly Verdict[] = ["FAIL", "NOT ASSESSED", "PASS"];

/** Why an AMI has no verdict. */
export type NotAssessedCode = Exclude<AmiStatus, "ASSESSING"> | "RUN_FAILED" | "FINDINGS_UNREAD";

export type SeverityCounts = Record<FindingSeverity, number>;

export interface AmiAssessment {
    imageId: string;
    name?: string;
    verdict: Verdict;
    notAssessed?: { code: NotAssessedCode; detail: string };
    /** False for AMIs known only from instance tags (no manifest, or not listed in it). */
    inManifest: boolean;
    instanceIds: string[];
    counts: SeverityCounts;
    countsByRulesPackage: Record<string, number>;
    /** Distinct, in numeric CVE order. */
    cveIds: string[];
    /** Findings at or above the threshold, by severity. */
    failingCounts: Partial<SeverityCounts>;
    topFindings: FindingSummary[];
    /** Every finding that counts (accepted ones are in `accepted`), most severe first. */
    findings: FindingSummary[];
    /** Findings an accepted risk takes out of the verdict (verdict policy only); listed, never hidden. */
    accepted?: AcceptedFinding[];
    /** FAIL under a verdict policy: the rule behind each failing finding. */
    failedBy?: string[];
    /** Set when this run gave no verdict and the AMI's last verdict (from its tags) is too old or missing. */
    stale?: { lastVerdict?: string; lastAssessedAt?: string; detail: string };
}

/** Findings whose instance could not be tied to an AMI; they do not change any verdict. */
export interface UnmappedFindings {
    agentId: string;
    counts: SeverityCounts;
    findings: FindingSummary[];
}

export interface ConsolidationInput {
    /** Every engine maps its findings to the neutral model first. */
    findings: FindingSummary[];
    /** instance ID -> source AMI for every instance known to belong to the run (manifest, tags, lookups). */
    amiByInstance: Record<string, string>;
    manifest?: Pick<RunManifest, "amis">;
    severityThreshold: Severity;
    /** Set when the run ended FAILED, ERROR or CANCELED: nothing was assessed. */
    failedRunState?: string;
    /** Findings listed but not readable: a PASS cannot be confirmed while any are missing. */
    unreadFindings: number;
    /**
     * Instances the engine proved were assessed. When given, an AMI without a failing finding and
     * without an instance in it is NOT ASSESSED ("no proof of assessment"), never PASS. Undefined:
     * the engine applied its proof to the manifest itself (v2 marks unproven records NOT_SCANNED).
     */
    assessedInstances?: ReadonlySet<string>;
    /** instance ID -> why it is not proven, for the NOT ASSESSED detail. */
    unprovenReasons?: Record<string, string>;
    topN?: number;
    /** Accepted risks and failWhen rules; without it, severityThreshold alone decides. */
    policy?: VerdictPolicy;
}

export interface Consolidation {
    amis: AmiAssessment[];
    unmapped: UnmappedFindings[];
    verdictCounts: Record<Verdict, number>;
}

/**
 * An untriaged finding without a vendor severity counts at the threshold: Inspector has not rated
 * it yet, and reading it as harmless could pass a vulnerable AMI (fail closed).
 */
export function withEffectiveSeverity(finding: FindingSummary, threshold: Severity): FindingSummary {
    return finding.untriaged && finding.severity === "Undefined" ? { ...finding, severity: threshold } : finding;
}

/** True when this finding fails an AMI under the threshold, untriaged ones counted as above. */
export function findingFails(finding: FindingSummary, threshold: Severity): boolean {
    return failsThreshold(withEffectiveSeverity(finding, threshold).severity, threshold);
}

export function consolidate(input: ConsolidationInput): Consolidation {
    const topN = input.topN ?? TOP_FINDINGS;
    const findingsByAmi = new Map<string, FindingSummary[]>();
    const findingsByUnmappedAgent = new Map<string, FindingSummary[]>();
    for (const summary of input.findings.map((finding) => withEffectiveSeverity(finding, input.severityThreshold))) {
        const imageId = summary.imageId ?? (summary.instanceId ? input.amiByInstance[summary.instanceId] : undefined);
        const bucket = imageId ? findingsByAmi : findingsByUnmappedAgent;
        const key = imageId ?? (summary.instanceId || "(no agent id)");
        const list = bucket.get(key);
        if (list) list.push(summary);
        else bucket.set(key, [summary]);
    }

    const instancesByAmi = new Map<string, Set<string>>();
    for (const [instanceId, imageId] of Object.entries(input.amiByInstance)) {
        instancesByAmi.set(imageId, (instancesByAmi.get(imageId) ?? new Set<string>()).add(instanceId));
    }

    const manifestAmis = input.manifest?.amis ?? [];
    const amiIds = [...new Set([...manifestAmis.map((ami) => ami.imageId), ...instancesByAmi.keys(), ...findingsByAmi.keys()])];
    const amis = amiIds.map((imageId) => {
        const record = manifestAmis.find((ami) => ami.imageId === imageId);
        const instanceIds = new Set(instancesByAmi.get(imageId) ?? []);
        if (record?.instanceId) instanceIds.add(record.instanceId);
        const judged = input.policy ? evaluateAmi(sortFindings(findingsByAmi.get(imageId) ?? []), { imageId, name: record?.name }, input.policy) : undefined;
        const findings = judged ? judged.counted : sortFindings(findingsByAmi.get(imageId) ?? []);
        const failingCounts = countBySeverity(judged ? judged.failing : findings.filter((finding) => failsThreshold(finding.severity, input.severityThreshold)));
        const failing = Object.values(failingCounts).some((n) => n > 0);

        let notAssessed: AmiAssessment["notAssessed"];
        if (record && record.status !== "ASSESSING") notAssessed = { code: record.status, detail: record.reason ?? record.status };
        else if (input.failedRunState) notAssessed = { code: "RUN_FAILED", detail: `the assessment run ended in state ${input.failedRunState}` };
        else if (!failing && input.unreadFindings > 0) {
            notAssessed = { code: "FINDINGS_UNREAD", detail: `${input.unreadFindings} finding(s) of this run could not be read, so a PASS cannot be confirmed` };
        } else if (!failing && input.assessedInstances && ![...instanceIds].some((id) => input.assessedInstances!.has(id))) {
            const reasons = [...new Set([...instanceIds].sort().map((id) => input.unprovenReasons?.[id]).filter((r): r is string => !!r))];
            const reason = reasons.length > 0 ? reasons.join("; ") : instanceIds.size === 0 ? "no instance of this run is known for it" : "nothing confirms its instance was assessed";
            notAssessed = { code: "NOT_SCANNED", detail: `no proof of assessment: ${reason}` };
        }
        const assessment: AmiAssessment = {
            imageId,
            name: record?.name,
            verdict: notAssessed ? "NOT ASSESSED" : failing ? "FAIL" : "PASS",
            notAssessed,
            inManifest: Boolean(record),
            instanceIds: [...instanceIds].sort(),
            counts: countBySeverity(findings),
            countsByRulesPackage: countByRulesPackage(findings),
            cveIds: distinctCveIds(findings),
            failingCounts: nonZero(failingCounts),
            topFindings: findings.slice(0, topN),
            findings,
        };
        if (judged) {
            assessment.accepted = judged.accepted;
            if (assessment.verdict === "FAIL") assessment.failedBy = judged.failedBy;
        }
        return assessment;
    });
    amis.sort((a, b) => VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict) || compareText(a.imageId, b.imageId));

    const unmapped = [...findingsByUnmappedAgent.entries()]
        .map(([agentId, findings]) => ({ agentId, counts: countBySeverity(findings), findings: sortFindings(findings) }))
        .sort((a, b) => compareText(a.agentId, b.agentId));

    const verdictCounts: Record<Verdict, number> = { FAIL: 0, "NOT ASSESSED": 0, PASS: 0 };
    for (const ami of amis) verdictCounts[ami.verdict]++;
    return { amis, unmapped, verdictCounts };
}

/** True when a finding of this severity fails an AMI under the threshold. Undefined never fails. */
export function failsThreshold(severity: FindingSeverity, threshold: Severity): boolean {
    return severity !== "Undefined" && SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(threshold);
}

export function emptyCounts(): SeverityCounts {
    return { Critical: 0, High: 0, Medium: 0, Low: 0, Informational: 0, Undefined: 0 };
}

export function countBySeverity(findings: FindingSummary[]): SeverityCounts {
    const counts = emptyCounts();
    for (const finding of findings) counts[finding.severity]++;
    return counts;
}

function nonZero(counts: SeverityCounts): Partial<SeverityCounts> {
    return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

function countByRulesPackage(findings: FindingSummary[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const finding of findings) {
        const key = finding.rulesPackageArn ?? "unknown";
        counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
}

export function distinctCveIds(findings: FindingSummary[]): string[] {
    const ids = new Set<string>();
    for (const finding of findings) if (finding.cveId) ids.add(finding.cveId);
    return [...ids].sort(compareCveIds);
}

/** CVE-2019-9999 before CVE-2019-10000: year, then number, numerically. */
export function compareCveIds(a: string, b: string): number {
    const pa = /^CVE-(\d+)-(\d+)$/i.exec(a);
    const pb = /^CVE-(\d+)-(\d+)$/i.exec(b);
    if (pa && pb) return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]);
    if (pa || pb) return pa ? -1 : 1;
    return compareText(a, b);
}

/** Most severe first, then highest numeric severity, then by title for a stable order. */
export function sortFindings(findings: FindingSummary[]): FindingSummary[] {
    return [...findings].sort(
        (a, b) =>
            SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
            (b.numericSeverity ?? 0) - (a.numericSeverity ?? 0) ||
            compareText(a.title, b.title) ||
            compareText(a.arn, b.arn),
    );
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
