// Pure: how a run compares with the previous run of the same pipeline, per AMI. No I/O.
// Findings are matched by what they are (CVE ID, or title with instance IDs blanked, plus the
// rules package), never by ARN: every run assesses new instances, so every ARN is new.
import type { AmiAssessment, Verdict } from "../verdict/consolidate";
import { FindingSeverity, FindingSummary, SEVERITY_ORDER } from "../verdict/findingModel";
import type { AssessmentReport } from "./report";

export type Direction = "worse" | "better" | "same" | "new" | "gone" | "not comparable";

export interface AmiTrend {
    imageId: string;
    name?: string;
    verdict?: Verdict;
    previousVerdict?: Verdict;
    direction: Direction;
    newFindings: FindingSummary[];
    fixedFindings: FindingSummary[];
    unchanged: number;
    /** Current minus previous, per severity. */
    delta: Record<FindingSeverity, number>;
    /** Current minus previous findings at or above the run's threshold. */
    failingDelta: number;
}

export interface Trend {
    /** The previous run compared with, if there was one. */
    previous?: { runArnId: string; generatedAt: string };
    amis: AmiTrend[];
    worse: number;
    better: number;
    headline: string;
}

const INSTANCE_ID = /\bi-[0-9a-f]{8,17}\b/g;

/** What a finding is, independent of the instance it was found on. */
export function findingIdentity(finding: Pick<FindingSummary, "cveId" | "title" | "rulesPackageArn">): string {
    const what = finding.cveId ? finding.cveId.toUpperCase() : (finding.title ?? "").replace(INSTANCE_ID, "i-*").replace(/\s+/g, " ").trim();
    return `${what}|${finding.rulesPackageArn ?? ""}`;
}

const countOf = (counts: Partial<Record<FindingSeverity, number>> | undefined, severity: FindingSeverity) => counts?.[severity] ?? 0;
const sum = (counts: Partial<Record<FindingSeverity, number>> | undefined) => Object.values(counts ?? {}).reduce<number>((a, n) => a + (n ?? 0), 0);
const VERDICT_RANK: Record<Verdict, number> = { PASS: 0, "NOT ASSESSED": 1, FAIL: 2 };

function emptyDelta(): Record<FindingSeverity, number> {
    return Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<FindingSeverity, number>;
}

/** Multiset difference by identity: what is in `a` and not matched in `b`. */
function unmatched(a: FindingSummary[], b: FindingSummary[]): FindingSummary[] {
    const pool = new Map<string, number>();
    for (const f of b) pool.set(findingIdentity(f), (pool.get(findingIdentity(f)) ?? 0) + 1);
    return a.filter((f) => {
        const id = findingIdentity(f);
        const left = pool.get(id) ?? 0;
        if (left > 0) {
            pool.set(id, left - 1);
            return false;
        }
        return true;
    });
}

function amiTrend(current: AmiAssessment | undefined, previous: AmiAssessment | undefined): AmiTrend {
    const now = (current?.findings ?? []) as FindingSummary[];
    const before = (previous?.findings ?? []) as FindingSummary[];
    const newFindings = current && previous ? unmatched(now, before) : [];
    const fixedFindings = current && previous ? unmatched(before, now) : [];
    const delta = emptyDelta();
    for (const s of SEVERITY_ORDER) delta[s] = countOf(current?.counts, s) - countOf(previous?.counts, s);
    const failingDelta = sum(current?.failingCounts) - sum(previous?.failingCounts);
    let direction: Direction;
    if (!previous) direction = "new";
    else if (!current) direction = "gone";
    else if (current.verdict === "NOT ASSESSED" || previous.verdict === "NOT ASSESSED") direction = "not comparable";
    else {
        const severe = [failingDelta, delta.Critical, delta.High, VERDICT_RANK[current.verdict] - VERDICT_RANK[previous.verdict]];
        direction = severe.some((d) => d > 0) ? "worse" : severe.some((d) => d < 0) ? "better" : "same";
    }
    const ami = (current ?? previous)!;
    return {
        imageId: ami.imageId,
        name: ami.name,
        verdict: current?.verdict,
        previousVerdict: previous?.verdict,
        direction,
        newFindings,
        fixedFindings,
        unchanged: current && previous ? now.length - newFindings.length : 0,
        delta,
        failingDelta,
    };
}

export function computeTrend(current: AssessmentReport, previous: AssessmentReport | undefined): Trend {
    const before = new Map((previous?.amis ?? []).map((a) => [a.imageId, a]));
    const amis: AmiTrend[] = current.amis.map((a) => (previous ? amiTrend(a, before.get(a.imageId)) : { ...amiTrend(a, undefined), direction: "new" as Direction }));
    if (previous) {
        const seen = new Set(current.amis.map((a) => a.imageId));
        for (const gone of previous.amis.filter((a) => !seen.has(a.imageId))) amis.push(amiTrend(undefined, gone));
    }
    const worse = amis.filter((a) => a.direction === "worse").length;
    const better = amis.filter((a) => a.direction === "better").length;
    return {
        previous: previous ? { runArnId: previous.runArnId, generatedAt: previous.generatedAt } : undefined,
        amis,
        worse,
        better,
        headline: headline(current.amis.length, amis, previous !== undefined),
    };
}

/** "+4 critical, +1 high (CVE-2026-1111, CVE-2026-2222)": what got worse, most severe first. */
function worseText(a: AmiTrend): string {
    const up = SEVERITY_ORDER.filter((s) => s !== "Undefined" && a.delta[s] > 0).map((s) => `+${a.delta[s]} ${s.toLowerCase()}`);
    const cves = [...new Set(a.newFindings.filter((f) => f.cveId).sort((x, y) => SEVERITY_ORDER.indexOf(x.severity) - SEVERITY_ORDER.indexOf(y.severity)).map((f) => f.cveId!))];
    const shown = cves.slice(0, 3).join(", ") + (cves.length > 3 ? ` and ${cves.length - 3} more` : "");
    const verdict = a.previousVerdict !== a.verdict ? `${a.previousVerdict} -> ${a.verdict}` : "";
    const parts = [verdict, up.join(", ") || (a.failingDelta > 0 ? `+${a.failingDelta} failing` : "")].filter(Boolean).join(", ");
    return `${a.imageId} ${parts}${shown ? ` (${shown})` : ""}`;
}

function betterText(a: AmiTrend): string {
    const down = SEVERITY_ORDER.filter((s) => s !== "Undefined" && a.delta[s] < 0).map((s) => `${a.delta[s]} ${s.toLowerCase()}`);
    const verdict = a.previousVerdict !== a.verdict ? `${a.previousVerdict} -> ${a.verdict}` : "";
    return `${a.imageId} ${[verdict, down.join(", ") || (a.failingDelta < 0 ? `${a.failingDelta} failing` : "")].filter(Boolean).join(", ")}`;
}

function headline(count: number, amis: AmiTrend[], hasPrevious: boolean): string {
    const total = `${count} AMI${count === 1 ? "" : "s"}`;
    if (!hasPrevious) return `${total}, no previous run to compare with`;
    const worse = amis.filter((a) => a.direction === "worse");
    const better = amis.filter((a) => a.direction === "better");
    const fresh = amis.filter((a) => a.direction === "new").length;
    const gone = amis.filter((a) => a.direction === "gone").length;
    const counts = [
        worse.length ? `${worse.length} worse` : "none worse",
        better.length ? `${better.length} better` : "",
        fresh ? `${fresh} new` : "",
        gone ? `${gone} gone` : "",
    ].filter(Boolean);
    // Both directions are named: a reader must see what improved, not only what got worse.
    const betterDetail = better.map(betterText).join("; ");
    const detail = [worse.map(worseText).join("; "), worse.length && better.length ? `better: ${betterDetail}` : betterDetail].filter(Boolean).join("; ");
    return `${total}, ${counts.join(", ")}${detail ? `: ${detail}` : ""}`;
}

/** "+2 new, 1 fixed, 3 unchanged": only the parts that are not zero (never "-0 fixed"). */
export function trendDetail(t: Pick<AmiTrend, "newFindings" | "fixedFindings" | "unchanged">): string {
    const parts = [t.newFindings.length ? `+${t.newFindings.length} new` : "", t.fixedFindings.length ? `${t.fixedFindings.length} fixed` : "", t.unchanged ? `${t.unchanged} unchanged` : ""];
    return parts.filter(Boolean).join(", ");
}

/** Distinct names (CVE ID, else title): one CVE in three packages is named once, not three times. */
export function distinctNames(findings: FindingSummary[]): string[] {
    return [...new Set(findings.map((f) => f.cveId ?? f.title))];
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
