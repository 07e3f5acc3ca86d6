// Pure: the order findings are shown in, and the fleet-wide "top risks": findings with a known
// exploit or a high EPSS, across every AMI of a run, each with the AMIs it was found on.
import type { AmiAssessment } from "../verdict/consolidate";
import { FindingSeverity, FindingSummary, SEVERITY_ORDER } from "../verdict/findingModel";
import { findingIdentity } from "./trend";

/** How many findings per AMI the report lists. */
export const TOP_RISK_FINDINGS = 10;
/** How many fleet-wide top risks the HTML and Markdown list; the email lists fewer. */
export const TOP_RISKS_SHOWN = 20;

/**
 * EPSS (FIRST's probability of exploitation in the next 30 days, 0-1) at or above which a finding
 * is a top risk without a known exploit. 0.1 (10%) is about a hundred times the median CVE's score,
 * so only the few percent of CVEs most likely to be exploited qualify. Assumption, not an AWS value.
 */
export const HIGH_EPSS = 0.1;

const SEVERITY_SCORE: Record<FindingSeverity, number> = { Critical: 9.5, High: 8, Medium: 5.5, Low: 2, Informational: 0, Undefined: 0 };

/** The score a finding is ranked by: the Inspector score, else the numeric severity, else its severity's typical score. */
export function findingScore(f: FindingSummary): number {
    return f.inspectorScore ?? f.numericSeverity ?? SEVERITY_SCORE[f.severity] ?? 0;
}

/**
 * Severity first (a Medium CIS finding before a Low CVE: severity is what the verdict reads), then,
 * within a severity, a known exploit, the EPSS probability and the score.
 */
export function byRisk(a: FindingSummary, b: FindingSummary): number {
    return (
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        Number(b.exploitAvailable === true) - Number(a.exploitAvailable === true) ||
        (b.epssScore ?? -1) - (a.epssScore ?? -1) ||
        findingScore(b) - findingScore(a) ||
        (a.cveId ?? a.title).localeCompare(b.cveId ?? b.title)
    );
}

export function topByRisk(findings: FindingSummary[], n = TOP_RISK_FINDINGS): FindingSummary[] {
    return [...findings].sort(byRisk).slice(0, n);
}

export function isTopRisk(f: FindingSummary): boolean {
    return f.exploitAvailable === true || (f.epssScore ?? 0) >= HIGH_EPSS;
}

export interface TopRisk {
    /** The finding that represents all of its copies: the most severe, known exploit and highest EPSS first. */
    finding: FindingSummary;
    /** Every AMI it was found on, in report order. */
    imageIds: string[];
}

/** The top risks across the fleet, one per finding identity (CVE, or title), most severe first. */
export function topRisks(amis: Pick<AmiAssessment, "imageId" | "findings">[]): TopRisk[] {
    const byIdentity = new Map<string, { copies: FindingSummary[]; imageIds: Set<string> }>();
    for (const ami of amis) {
        for (const f of (ami.findings ?? []).filter(isTopRisk)) {
            const id = findingIdentity(f);
            const entry = byIdentity.get(id) ?? { copies: [], imageIds: new Set<string>() };
            entry.copies.push(f);
            entry.imageIds.add(ami.imageId);
            byIdentity.set(id, entry);
        }
    }
    return [...byIdentity.values()]
        .map((entry) => ({ finding: [...entry.copies].sort(byRisk)[0], imageIds: [...entry.imageIds] }))
        .sort((a, b) => byRisk(a.finding, b.finding) || b.imageIds.length - a.imageIds.length);
}

/** "known exploit, EPSS 45.0%": why a finding is a top risk. */
export function riskText(f: FindingSummary): string {
    return [f.exploitAvailable === true ? "known exploit" : "", f.epssScore === undefined ? "" : `EPSS ${epssText(f.epssScore)}`].filter(Boolean).join(", ");
}

export function epssText(epss: number): string {
    return `${(epss * 100).toFixed(1)}%`;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
