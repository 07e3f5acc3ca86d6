// When have an instance's findings settled? ListFindings can lag behind coverage (reference
// section 10): a PASS read at the first SUCCESSFUL coverage could miss findings that arrive later,
// and the evidence is frozen once the instance is terminated. So a confirmed scan proves a PASS
// only once ListFindings returns at least the scan event's count or, without an event, reads the
// same finding ARNs twice FINDINGS_SETTLE_SECONDS apart after the scan.
import { FINDINGS_SETTLE_SECONDS } from "../../pipeline/cleanup/stale";
import { listKeys, putIfAbsent, putJson, readJson } from "../../pipeline/run/runState";
import type { V2AnalyzeDeps } from "./analyzeContract";
import type { CoverageVerdict } from "./coverage";
import { FindingPackage, listActiveFindings } from "./findings";
import { v2RunKeys } from "./run";
import { expectedFindings } from "./scanEvent";

export { FINDINGS_SETTLE_SECONDS };

/** One findings read of one instance: when, and which finding ARNs. */
export interface FindingsRead {
    at: string;
    arns: string[];
}

/** The scanned marker: the coverage verdict that confirmed the scan, and what settling needs. */
export interface ScannedMarker extends CoverageVerdict {
    /** The `Inspector2 Scan` event's finding-severity-counts, when an event came. */
    eventCounts?: Record<string, number>;
    /** The earliest read after the scan that every later read has matched so far. */
    lastRead?: FindingsRead;
}

/** A scan event of this visit: its instance and counts. */
export interface EventCounts {
    instanceId: string;
    counts?: Record<string, number>;
}

function sameArns(a: string[], b: string[]): boolean {
    const left = new Set(a);
    return left.size === new Set(b).size && b.every((arn) => left.has(arn));
}

/**
 * Pure: has this read settled the instance's findings? With the event's count: once the read has
 * at least that many. Without: once it matches a read taken at least FINDINGS_SETTLE_SECONDS
 * earlier and after the scan. `lastRead` is what the marker should keep for the next visit.
 */
export function settleDecision(marker: ScannedMarker, read: FindingsRead, settleSeconds = FINDINGS_SETTLE_SECONDS): { settled: boolean; lastRead: FindingsRead } {
    const expected = expectedFindings(marker.eventCounts);
    if (expected !== undefined) return { settled: read.arns.length >= expected, lastRead: marker.lastRead ?? read };
    const previous = marker.lastRead;
    const scannedAt = new Date(marker.lastScannedAt ?? NaN).getTime();
    const valid = previous !== undefined && new Date(previous.at).getTime() >= scannedAt && sameArns(previous.arns, read.arns);
    if (!valid) return { settled: false, lastRead: read };
    return { settled: new Date(read.at).getTime() - new Date(previous.at).getTime() >= settleSeconds * 1000, lastRead: previous };
}

type Keys = ReturnType<typeof v2RunKeys>;

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
            const early = (await readJson<Record<string, number>>(s3, settings.reportBucket, keys.scanEvent(instanceId)))?.value;
            if (early) marker = { ...marker, eventCounts: early };
        }
        if (event?.instanceId === instanceId && event.counts && !marker.eventCounts) [marker, dirty] = [{ ...marker, eventCounts: event.counts }, true];
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
    const listed = cve.length && markers.size ? (await listActiveFindings(deps.inspector2, [...markers.keys()], cve, { sleep: deps.sleep })).findings : [];
    const at = deps.now().toISOString();
    for (const [instanceId, { marker, isNew, dirty }] of markers) {
        const arns = listed.filter((finding) => finding.instanceId === instanceId).map((finding) => finding.arn).sort();
        const decision = cve.length ? settleDecision(marker, { at, arns }) : { settled: true, lastRead: { at, arns } };
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
    await putJson(deps.s3, deps.settings.reportBucket, v2RunKeys(deps.settings.reportPrefix, runId).scanEvent(event.instanceId), event.counts);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
