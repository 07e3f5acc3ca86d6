// Inspector v2 analyze: woken by a scan event (best effort) or by the sweep schedule, it visits
// the open runs, confirms scans with the coverage API, records each confirmed instance once, and
// reports a run when every instance is settled or its deadline has passed.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Inspector2Client } from "@aws-sdk/client-inspector2";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { errorText } from "../../pipeline/run/errors";
import { deleteKey, listKeys, readJson } from "../../pipeline/run/runState";
import { readSettings } from "../../pipeline/run/settings";
import { resendLatestSummary } from "../../pipeline/hub/sendSummary";
import type { CisScanStatus } from "./cis";
import { advanceRunCisScan, withRecordedCisScan } from "./cisScan";
import { CoverageVerdict, readCoverage, withDeepInspection } from "./coverage";
import { FindingPackage } from "./findings";
import { EventCounts, FINDINGS_SETTLE_SECONDS, ScannedMarker, keepEarlyEventCounts, recordAndSettle } from "./settle";
import { FinalizeResult, closeDeliveredRun, finalizeRun } from "./finalize";
import { V2RunManifest, openRunsPrefix, v2RunKeys } from "./run";
import { parseScanEvent } from "./scanEvent";
import { INSPECTOR2_SETTINGS_SPEC, Inspector2Settings } from "./settings";
import { ANALYZE_KEYS, V2AnalyzeDeps, V2AnalyzeSettings, analyzeSettingsKeys } from "./analyzeContract";
import { lambdaRuntime } from "./lambdaRuntime";
export { V2AnalyzeDeps, V2AnalyzeSettings, analyzeSettingsKeys } from "./analyzeContract";

export type RunVisit =
    | { runId: string; status: "waiting"; scanned: number; total: number; cis?: CisScanStatus }
    | { runId: string; status: "not-this-run" | "no-manifest" | "abandoned" | "already-reported" }
    | FinalizeResult;

export interface V2AnalyzeResult {
    trigger: string;
    runs: RunVisit[];
}

export function makeAnalyzeHandler(deps: V2AnalyzeDeps): (event: unknown) => Promise<V2AnalyzeResult> {
    const { s3, settings } = deps;
    const log = deps.log ?? ((message, detail) => console.log(JSON.stringify({ message, ...detail })));
    return async (event) => {
        const parsed = parseScanEvent(event);
        if (parsed.kind === "other") return { trigger: `ignored: ${parsed.reason}`, runs: [] };
        const prefix = openRunsPrefix(settings.reportPrefix);
        const runIds = (await listKeys(s3, settings.reportBucket, prefix)).map((key) => key.slice(prefix.length));
        const runs: RunVisit[] = [];
        const errors: unknown[] = [];
        // Every open run gets its turn; errors are rethrown at the end so Lambda retries (all steps are idempotent).
        for (const runId of runIds) {
            try {
                const visit = await visitRun(deps, runId, parsed.kind === "scan" ? { instanceId: parsed.instanceId, counts: parsed.counts, at: parsed.at } : undefined);
                log(`analyze: ${visit.status}`, { ...visit });
                runs.push(visit);
            } catch (error) {
                log("analyze: run failed", { runId, error: errorText(error) });
                errors.push(error);
            }
        }
        // The sweep resends a run summary that did not reach the hub (never throws).
        if (parsed.kind !== "scan" && deps.hub) log("analyze: hub summary", { ...(await resendLatestSummary(s3, deps.hub, settings)) });
        if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map(errorText).join("; "));
        return { trigger: parsed.kind === "scan" ? `scan of ${parsed.instanceId}` : "sweep", runs };
    };
}

/**
 * Coverage for the instances not yet confirmed (deep inspection resolved), then the findings of
 * every confirmed instance until they settle. recorded: scans coverage confirmed; settled: those
 * whose findings may now be read as final.
 */
async function confirmScans(deps: V2AnalyzeDeps, manifest: V2RunManifest, event?: EventCounts) {
    const { s3, settings } = deps;
    const keys = v2RunKeys(settings.reportPrefix, manifest.runId);
    const recorded = new Set((await listKeys(s3, settings.reportBucket, keys.scannedPrefix)).map((key) => key.slice(keys.scannedPrefix.length).replace(/\.json$/, "")));
    const pending = manifest.instances.filter((instance) => !recorded.has(instance.instanceId));
    const read = pending.length
        ? (await readCoverage(deps.inspector2, pending.map((i) => ({ instanceId: i.instanceId, launchedAt: new Date(i.launchedAt) })), { sleep: deps.sleep })).verdicts
        : {};
    const verdicts: Record<string, CoverageVerdict> = await withDeepInspection(deps.inspector2, read, { sleep: deps.sleep });
    const fresh = new Map<string, ScannedMarker>(Object.values(verdicts).filter((v) => v.state === "SCANNED").map((v) => [v.instanceId, v]));
    for (const instanceId of fresh.keys()) recorded.add(instanceId);
    const packages = manifest.rulesPackages.filter((p): p is FindingPackage => p === "cve" || p === "network-reachability");
    const settled = await recordAndSettle(deps, manifest.runId, new Set([...recorded].filter((id) => !fresh.has(id))), fresh, packages, event);
    await keepEarlyEventCounts(deps, manifest.runId, event, recorded);
    return { recorded, verdicts, settled };
}

/** One open run: record what coverage confirms, and report when nothing more is coming. */
export async function visitRun(deps: V2AnalyzeDeps, runId: string, event?: EventCounts): Promise<RunVisit> {
    const eventInstanceId = event?.instanceId;
    const { s3, settings } = deps;
    const keys = v2RunKeys(settings.reportPrefix, runId);
    const manifest = (await readJson<V2RunManifest>(s3, settings.reportBucket, keys.manifest))?.value;
    if (!manifest) return dropAbandonedMarker(deps, runId);
    if (eventInstanceId && !manifest.instances.some((instance) => instance.instanceId === eventInstanceId)) return { runId, status: "not-this-run" };
    if (await readJson(s3, settings.reportBucket, keys.deliveredMarker)) {
        // Delivered but still open: the reporter died in housekeeping. Finish it (tags, lock, marker).
        await closeDeliveredRun(deps, await withRecordedCisScan(deps, manifest));
        return { runId, status: "already-reported" };
    }
    const { recorded, verdicts, settled } = await confirmScans(deps, manifest, event);
    const { manifest: run, cis, settled: cisSettled } = await advanceRunCisScan(deps, manifest, recorded, verdicts);
    const allSettled = manifest.instances.every((instance) => settled.has(instance.instanceId) || verdicts[instance.instanceId]?.state === "FAILED");
    // A scan confirmed in time gets the settle time past the deadline for its findings.
    const unsettled = [...recorded].filter((instanceId) => !settled.has(instanceId));
    const deadline = new Date(manifest.deadline).getTime() + (unsettled.length ? FINDINGS_SETTLE_SECONDS * 1000 : 0);
    const pastDeadline = deps.now().getTime() >= deadline;
    if (!(allSettled && cisSettled) && !pastDeadline) {
        return { runId, status: "waiting", scanned: settled.size, total: manifest.instances.length, cis: cis?.scanStatus ?? (cisSettled ? undefined : "NOT_STARTED") };
    }
    return finalizeRun(deps, run, { recorded: settled, unsettled: new Set(unsettled), verdicts, cis, outcome: allSettled && cisSettled ? "COMPLETED" : "DEADLINE_REACHED" });
}

/**
 * An open marker without a manifest: a start that died before committing its run. Until the
 * marker's deadline that start may still be writing; after it, the marker goes (the reaper takes
 * the instances, which no manifest ties to AMIs).
 */
async function dropAbandonedMarker(deps: V2AnalyzeDeps, runId: string): Promise<RunVisit> {
    const { s3, settings } = deps;
    const key = v2RunKeys(settings.reportPrefix, runId).openMarker;
    const marker = (await readJson<{ deadline?: string }>(s3, settings.reportBucket, key))?.value;
    const deadline = new Date(marker?.deadline ?? 0).getTime();
    if (!(deps.now().getTime() > deadline)) return { runId, status: "no-manifest" };
    await deleteKey(s3, settings.reportBucket, key);
    return { runId, status: "abandoned" };
}

/** Runs once per container: settings and clients are shared by every invocation. */
export function analyzeHandlerFactory(): (event: unknown) => Promise<V2AnalyzeResult> {
    const settings = readSettings(process.env, ANALYZE_KEYS, INSPECTOR2_SETTINGS_SPEC);
    return makeAnalyzeHandler({ ...lambdaRuntime(settings), settings });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
