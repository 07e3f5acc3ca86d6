// Pure: the hub's view of every golden AMI in every account and region, from each spoke's latest
// summary and the previous view (for the trend). Failing first, then NOT ASSESSED, then stale,
// then PASS. A spoke that sent nothing for two of its schedules is silent: seen, not forgotten.
import type { Verdict } from "../verdict/consolidate";
import type { RunSummary } from "./summary";

/** A spoke the stack created, as the hub knows it (hub/spokes.json, written by the stack). */
export interface ExpectedSpoke {
    account: string;
    region: string;
    engine: string;
    /** The spoke's assessment schedule, in seconds between runs. */
    scheduleSeconds: number;
}

/** Sort order and filter value: a PASS whose evidence is old is STALE, after NOT ASSESSED. */
export type RowStatus = "FAIL" | "NOT ASSESSED" | "STALE" | "PASS";
export const ROW_STATUSES: readonly RowStatus[] = ["FAIL", "NOT ASSESSED", "STALE", "PASS"];
export type RowTrend = "worse" | "better" | "same" | "new";

export interface HubRow {
    account: string;
    region: string;
    imageId: string;
    name?: string;
    verdict: Verdict;
    status: RowStatus;
    stale: boolean;
    run: string;
    assessedAt: string;
    failing: number;
    topCves: string[];
    trend: RowTrend;
    previousVerdict?: Verdict;
    reportUrl: string;
}

export type SpokeState = "reporting" | "silent" | "unsupported";

export interface SpokeStatus {
    account: string;
    region: string;
    engine: string;
    state: SpokeState;
    lastSummaryAt?: string;
    run?: string;
    amis: number;
    counts: Partial<Record<Verdict, number>>;
    detail?: string;
}

export interface HubIndex {
    generatedAt: string;
    spokes: SpokeStatus[];
    rows: HubRow[];
}

/** Silent after this many schedules without a summary. */
export const SILENT_AFTER_SCHEDULES = 2;
const VERDICT_RANK: Record<Verdict, number> = { PASS: 0, "NOT ASSESSED": 1, FAIL: 2 };
const STATUS_RANK = Object.fromEntries(ROW_STATUSES.map((status, i) => [status, i])) as Record<RowStatus, number>;

export const rowKey = (row: Pick<HubRow, "account" | "region" | "imageId">) => `${row.account}/${row.region}/${row.imageId}`;
export const spokeKey = (spoke: Pick<ExpectedSpoke, "account" | "region">) => `${spoke.account}/${spoke.region}`;

function trendOf(verdict: Verdict, previous: HubRow | undefined, run: string): Pick<HubRow, "trend" | "previousVerdict"> {
    if (!previous) return { trend: "new" };
    // The same run seen again: keep what it was compared with.
    if (previous.run === run) return { trend: previous.trend, ...(previous.previousVerdict ? { previousVerdict: previous.previousVerdict } : {}) };
    const delta = VERDICT_RANK[verdict] - VERDICT_RANK[previous.verdict];
    return { trend: delta > 0 ? "worse" : delta < 0 ? "better" : "same", previousVerdict: previous.verdict };
}

function spokeState(spoke: ExpectedSpoke, summary: RunSummary | undefined, now: Date, listedAt: Date): Pick<SpokeStatus, "state" | "detail"> {
    if (spoke.engine === "classic") return { state: "unsupported", detail: "Inspector Classic (end of support) sends no summaries; see its own report bucket" };
    const silentMs = SILENT_AFTER_SCHEDULES * spoke.scheduleSeconds * 1000;
    const since = summary ? new Date(summary.generatedAt) : listedAt;
    if (now.getTime() - since.getTime() <= silentMs) return { state: "reporting" };
    const days = ((now.getTime() - since.getTime()) / 86_400_000).toFixed(1);
    return { state: "silent", detail: summary ? `no summary for ${days} days (schedule every ${spoke.scheduleSeconds / 3600} h)` : `no summary since the hub learned of it ${days} days ago` };
}

/** Plain code-unit order: IDs and region names are ASCII, and localeCompare is too slow for 30,000 rows. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function byStatus(a: HubRow, b: HubRow): number {
    return STATUS_RANK[a.status] - STATUS_RANK[b.status] || b.failing - a.failing || compare(a.account, b.account) || compare(a.region, b.region) || compare(a.imageId, b.imageId);
}

/**
 * Every expected spoke's latest summary as rows. `summaries` is keyed by spokeKey; `listedAt` is
 * when the hub learned of its spokes (a spoke that never reported is silent counted from then).
 */
export function buildHubIndex(input: { spokes: ExpectedSpoke[]; summaries: Map<string, RunSummary>; previous?: HubIndex; now: Date; listedAt: Date }): HubIndex {
    const previousRows = new Map((input.previous?.rows ?? []).map((row) => [rowKey(row), row]));
    const rows: HubRow[] = [];
    const spokes: SpokeStatus[] = [];
    for (const spoke of input.spokes) {
        const summary = input.summaries.get(spokeKey(spoke));
        const { state, detail } = spokeState(spoke, summary, input.now, input.listedAt);
        spokes.push({ account: spoke.account, region: spoke.region, engine: spoke.engine, state, ...(detail ? { detail } : {}), lastSummaryAt: summary?.generatedAt, run: summary?.run, amis: summary?.amis.length ?? 0, counts: summary?.counts ?? {} });
        for (const ami of summary?.amis ?? []) {
            const stale = ami.stale === true || state === "silent";
            const base = { account: spoke.account, region: spoke.region, imageId: ami.imageId };
            rows.push({
                ...base,
                ...(ami.name ? { name: ami.name } : {}),
                verdict: ami.verdict,
                status: ami.verdict === "PASS" && stale ? "STALE" : ami.verdict,
                stale,
                run: summary!.run,
                assessedAt: summary!.generatedAt,
                failing: ami.failing,
                topCves: ami.topCves,
                ...trendOf(ami.verdict, previousRows.get(rowKey(base)), summary!.run),
                reportUrl: summary!.report.consoleUrl,
            });
        }
    }
    rows.sort(byStatus);
    spokes.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
    return { generatedAt: input.now.toISOString(), spokes, rows };
}

export function statusCounts(rows: readonly Pick<HubRow, "status">[]): Record<RowStatus, number> {
    const counts: Record<RowStatus, number> = { FAIL: 0, "NOT ASSESSED": 0, STALE: 0, PASS: 0 };
    for (const row of rows) counts[row.status]++;
    return counts;
}

/** "3.2 d": how old a verdict is. */
export function ageText(assessedAt: string, now: Date): string {
    const hours = (now.getTime() - new Date(assessedAt).getTime()) / 3_600_000;
    return hours < 48 ? `${Math.max(0, Math.round(hours))} h` : `${(hours / 24).toFixed(1)} d`;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
