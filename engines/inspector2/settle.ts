// When have an instance's findings settled? ListFindings can lag behind coverage (reference
// section 10): a PASS read at the first SUCCESSFUL coverage could miss findings that arrive later,
// and the evidence is frozen once the instance is terminated. So a confirmed scan proves a PASS
// only once ListFindings returns at least the scan event's count or, without an event that counts
// this very scan, reads the same finding ARNs twice FINDINGS_SETTLE_SECONDS apart after the scan.
// INITIAL_SCAN_COMPLETE comes for a resource's first scan only (user guide, "EventBridge events
// sent for enhanced scanning"), which may have been OS-only (deep inspection) or agentless.
import { FINDINGS_SETTLE_SECONDS } from "../../pipeline/cleanup/stale";
import { listKeys, putIfAbsent, putJson, readJson } from "../../pipeline/run/runState";
import type { V2AnalyzeDeps } from "./analyzeContract";
import { AGENT_BASED_SCAN_MODES, CoverageVerdict } from "./coverage";
import { FindingPackage, listReportableFindings } from "./findings";
import { v2RunKeys } from "./run";
import { expectedFindings } from "./scanEvent";

export { FINDINGS_SETTLE_SECONDS };

/** One findings read of one instance: when, which finding ARNs, and which of them are SUPPRESSED. */
export interface FindingsRead {
    at: string;
    arns: string[];
    suppressed?: string[];
}

/** The scanned marker: the coverage verdict that confirmed the scan, and what settling needs. */
export interface ScannedMarker extends CoverageVerdict {
    /** The `Inspector2 Scan` event's finding-severity-counts, when an event came. */
    eventCounts?: Record<string, number>;
    /** The event's envelope `time` (ISO 8601): its counts prove only a scan at or before it. */
    eventAt?: string;
    /** The earliest read after the scan that every later read has matched so far. */
    lastRead?: FindingsRead;
}

/** A scan event of this visit: its instance, counts and envelope time. */
export interface EventCounts {
    instanceId: string;
    counts?: Record<string, number>;
    at?: string;
}

/** What is kept of an event that came before coverage confirmed its instance's scan. */
interface EarlyEvent {
    counts: Record<string, number>;
    at?: string;
}

const seconds = (iso: string | undefined) => Math.floor(new Date(iso ?? NaN).getTime() / 1000);

/**
 * Pure: the finding count the marker's event proves for the confirmed scan, or undefined when it
 * proves nothing: no counts, no event time, an event older than the confirmed scan (an earlier,
 * partial scan: OS-only or agentless), or a row not known to be agent-based. Compared in whole
 * seconds, the envelope's precision.
 */
export function provenEventCount(marker: ScannedMarker): number | undefined {
    const expected = expectedFindings(marker.eventCounts);
    if (expected === undefined || !AGENT_BASED_SCAN_MODES.includes(marker.scanMode ?? "")) return undefined;
    const eventAt = seconds(marker.eventAt);
    const scannedAt = seconds(marker.lastScannedAt);
    return eventAt >= scannedAt ? expected : undefined;
}

function sameArns(a: string[], b: string[]): boolean {
    const left = new Set(a);
    return left.size === new Set(b).size && b.every((arn) => left.has(arn));
}

/**
 * Pure: has this read settled the instance's findings? With an event count that proves this scan
 * (provenEventCount): once the read has at least that many. Otherwise: once it matches a read taken at least FINDINGS_SETTLE_SECONDS
 * earlier and after the scan. `lastRead` is what the marker should keep for the next visit.
 */
export function settleDecision(marker: ScannedMarker, read: FindingsRead, settleSeconds = FINDINGS_SETTLE_SECONDS): { settled: boolean; lastRead: FindingsRead } {
    const expected = provenEventCount(marker);
    if (expected !== undefined) {
        const active = read.arns.length - (read.suppressed?.length ?? 0);
        if (active >= expected) return { settled: true, lastRead: marker.lastRead ?? read };
        if (read.arns.length < expected) return { settled: false, lastRead: marker.lastRead ?? read };
        // Reached only by counting SUPPRESSED ones: whether the event counts them is undocumented, so two identical reads decide.
    }
    const previous = marker.lastRead;
    const scannedAt = new Date(marker.lastScannedAt ?? NaN).getTime();
    const valid = previous !== undefined && new Date(previous.at).getTime() >= scannedAt && sameArns(previous.arns, read.arns);
    if (!valid) return { settled: false, lastRead: read };
    return { settled: new Date(read.at).getTime() - new Date(previous.at).getTime() >= settleSeconds * 1000, lastRead: previous };
}

type Keys = ReturnType<typeof v2RunKeys>;

/** A kept early event; one kept before events had a time (bare counts) has none, so proves nothing. */
function earlyEventOf(value: unknown): EarlyEvent | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const kept = value as Partial<EarlyEvent>;
    if (typeof kept.counts === "object" && kept.counts !== null) return { counts: kept.counts, ...(typeof kept.at === "string" ? { at: kept.at } : {}) };
    return { counts: value as Record<string, number> };
}

/** Whether this event should replace the marker's: the marker has none, or this one is later. */
function newerEvent(marker: ScannedMarker, event: EventCounts): boolean {
    if (!marker.eventCounts) return true;
    return event.at !== undefined && (marker.eventAt === undefined || Date.parse(event.at) > Date.parse(marker.eventAt));
}

/** Each unsettled instance's marker: this visit's new ones, the others from S3, with this visit's event counts. */
async function markersOf(deps: V2AnalyzeDeps, keys: Keys, ids: string[], fresh: ReadonlyMap<string, ScannedMarker>, event?: EventCounts) {
    const { s3, settings } = deps;
    const markers = new Map<string, { marker: ScannedMarker; isNew: boolean; dirty: boolean }>();
    for (const instanceId of ids) {
        const isNew = fresh.has(instanceId);
        let marker = fresh.get(instanceId) ?? (await readJson<ScannedMarker>(s3, settings.reportBucket, keys.scanned(instanceId)))?.value;
        if (!marker) continue;
        let dirty = false;
        // Counts that came with an event before coverage confirmed the scan were kept aside.
        if (isNew && !marker.eventCounts && event?.instanceId !== instanceId) {
            const early = earlyEventOf((await readJson<unknown>(s3, settings.reportBucket, keys.scanEvent(instanceId)))?.value);
            if (early) marker = { ...marker, eventCounts: early.counts, ...(early.at ? { eventAt: early.at } : {}) };
        }
        if (event?.instanceId === instanceId && event.counts && newerEvent(marker, event)) {
            [marker, dirty] = [{ ...marker, eventCounts: event.counts, ...(event.at ? { eventAt: event.at } : {}) }, true];
        }
        markers.set(instanceId, { marker, isNew, dirty });
    }
    return markers;
}

/**
 * Records this visit's newly confirmed scans (their markers) and which confirmed instances have
 * settled findings (a `settled/` marker each); returns the settled set. Markers are rewritten
 * without a condition: a concurrent visit's lost update only delays settling, never hastens it.
 */
export async function recordAndSettle(
    deps: V2AnalyzeDeps,
    runId: string,
    recorded: ReadonlySet<string>,
    fresh: ReadonlyMap<string, ScannedMarker>,
    packages: FindingPackage[],
    event?: EventCounts,
): Promise<Set<string>> {
    const { s3, settings } = deps;
    const keys = v2RunKeys(settings.reportPrefix, runId);
    const all = new Set([...recorded, ...fresh.keys()]);
    if (all.size === 0) return new Set();
    const settled = new Set((await listKeys(s3, settings.reportBucket, keys.settledPrefix)).map((key) => key.slice(keys.settledPrefix.length).replace(/\.json$/, "")));
    const unsettled = [...all].filter((id) => !settled.has(id)).sort();
    const markers = await markersOf(deps, keys, unsettled, fresh, event);
    // Without package findings to wait for (CIS only), a confirmed scan is settled at once.
    const cve = packages.filter((p) => p === "cve");
    const listed = cve.length && markers.size ? (await listReportableFindings(deps.inspector2, [...markers.keys()], cve, { sleep: deps.sleep })).findings : [];
    const at = deps.now().toISOString();
    for (const [instanceId, { marker, isNew, dirty }] of markers) {
        const mine = listed.filter((finding) => finding.instanceId === instanceId);
        const arns = mine.map((finding) => finding.arn).sort();
        const suppressed = mine.filter((finding) => finding.suppressed).map((finding) => finding.arn).sort();
        const read: FindingsRead = { at, arns, ...(suppressed.length ? { suppressed } : {}) };
        const decision = cve.length ? settleDecision(marker, read) : { settled: true, lastRead: read };
        const next: ScannedMarker = { ...marker, lastRead: decision.lastRead };
        if (isNew) await putIfAbsent(s3, settings.reportBucket, keys.scanned(instanceId), JSON.stringify(next));
        else if (dirty || marker.lastRead?.at !== decision.lastRead.at) await putJson(s3, settings.reportBucket, keys.scanned(instanceId), next);
        if (!decision.settled) continue;
        await putIfAbsent(s3, settings.reportBucket, keys.settled(instanceId), JSON.stringify({ settledAt: at, arns }));
        settled.add(instanceId);
    }
    return settled;
}

/** An event's counts for an instance coverage has not confirmed yet: kept for when it does. */
export async function keepEarlyEventCounts(deps: V2AnalyzeDeps, runId: string, event: EventCounts | undefined, recorded: ReadonlySet<string>): Promise<void> {
    if (!event?.counts || recorded.has(event.instanceId)) return;
    const kept: EarlyEvent = { counts: event.counts, ...(event.at ? { at: event.at } : {}) };
    await putJson(deps.s3, deps.settings.reportBucket, v2RunKeys(deps.settings.reportPrefix, runId).scanEvent(event.instanceId), kept);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
