// The run's one-time CIS scan, created by analyze once SSM manages the run's instances: a CIS scan
// selects its targets when it runs, and an instance SSM does not know yet ends SSM_UNMANAGED with
// no checks (reference §5, §10). Created once per run (an S3 claim and marker, so a duplicate
// delivery creates no second one), given CIS_SCAN_WAIT_SECONDS to finish, deleted by finalize.
import { ListCisScanConfigurationsCommand } from "@aws-sdk/client-inspector2";
import type { Inspector2Client } from "@aws-sdk/client-inspector2";
import { errorText } from "../../pipeline/run/errors";
import { makeRunId } from "../../pipeline/run/runId";
import { pageAll } from "../../pipeline/run/paging";
import { isTransientError } from "../../pipeline/run/retryable";
import { claim, putIfAbsent, readJson, release } from "../../pipeline/run/runState";
import { PIPELINE_TAG, RUN_TAG } from "../../pipeline/run/tags";
import type { V2AnalyzeDeps } from "./analyzeContract";
import { CisScanStatus, createRunCisScan, readCisResults } from "./cis";
import type { CoverageVerdict } from "./coverage";
import { V2RunManifest, v2RunKeys } from "./run";

/**
 * How long a created CIS scan may take before the run reports without it. The user guide gives no
 * duration [?]; a oneTime scan of a few instances starts within minutes and checks take minutes.
 */
export const CIS_SCAN_WAIT_SECONDS = 45 * 60;
/** A creator that died holding the claim is taken over after this. */
export const CIS_CREATE_CLAIM_SECONDS = 5 * 60;

const SETTLED: readonly CisScanStatus[] = ["COMPLETED", "FAILED", "CANCELLED"];
/** Coverage reasons that say SSM does not (yet) manage the instance. */
const NOT_MANAGED_REASONS = ["NOT_IN_COVERAGE", "UNMANAGED_EC2_INSTANCE"];

/** What the run's CIS marker records: the configuration, or why there is none. */
export interface CisScanMarker {
    scanConfigurationArn?: string;
    createdAt: string;
    note?: string;
}

export type CisScanPlan = { action: "create"; targets: string[] } | { action: "wait" } | { action: "skip"; note: string };

export function cisKeys(reportPrefix: string, runId: string) {
    const base = v2RunKeys(reportPrefix, runId).base;
    return { marker: `${base}cis.json`, claim: `${base}cis.claim` };
}

/** The scan's name: the same for every attempt, so a creator taking over can find what a dead one created. */
export function cisScanName(pipelineName: string, runId: string): string {
    return `${pipelineName}-${runId}`.slice(0, 128);
}

/** Pure: does coverage show that SSM manages the instance? An agentless (hybrid) row does not. */
export function ssmManaged(instanceId: string, recorded: ReadonlySet<string>, verdict: CoverageVerdict | undefined): boolean {
    if (recorded.has(instanceId)) return true;
    if (!verdict || verdict.scanMode === "EC2_AGENTLESS") return false;
    return !NOT_MANAGED_REASONS.includes(verdict.reason);
}

/**
 * Pure: create once every instance that can still be scanned is SSM-managed; at the latest when
 * only CIS_SCAN_WAIT_SECONDS are left before the deadline, for those that are by then.
 */
export function planCisScan(manifest: V2RunManifest, recorded: ReadonlySet<string>, verdicts: Record<string, CoverageVerdict>, now: Date): CisScanPlan {
    const candidates = manifest.instances.map((i) => i.instanceId).filter((id) => recorded.has(id) || verdicts[id]?.state !== "FAILED");
    const managed = candidates.filter((id) => ssmManaged(id, recorded, verdicts[id]));
    const deadline = new Date(manifest.deadline).getTime();
    if (candidates.length === 0) return { action: "skip", note: "No CIS scan: no instance of this run could be scanned." };
    if (now.getTime() >= deadline) return { action: "skip", note: "No CIS scan: SSM did not manage this run's instances before the deadline, and CIS scans need SSM-managed instances." };
    if (managed.length === candidates.length) return { action: "create", targets: managed };
    const lastChance = deadline - CIS_SCAN_WAIT_SECONDS * 1000;
    if (now.getTime() >= lastChance && managed.length > 0) return { action: "create", targets: managed };
    return { action: "wait" };
}

/** The configuration a creator that died may have made already, found by its name. */
async function findExisting(client: Inspector2Client, scanName: string): Promise<string | undefined> {
    const configurations = await pageAll("ListCisScanConfigurations", async (nextToken) => {
        const page = await client.send(new ListCisScanConfigurationsCommand({ filterCriteria: { scanNameFilters: [{ comparison: "EQUALS", value: scanName }] }, nextToken }));
        return { items: page.scanConfigurations, nextToken: page.nextToken };
    });
    return configurations.find((configuration) => configuration.scanName === scanName)?.scanConfigurationArn;
}

/** Creates the configuration once (claim, then marker); undefined while another invocation is creating it. */
async function createOnce(deps: V2AnalyzeDeps, manifest: V2RunManifest): Promise<CisScanMarker | undefined> {
    const { s3, settings } = deps;
    const keys = cisKeys(settings.reportPrefix, manifest.runId);
    const holder = `cis-${makeRunId(deps.now(), deps.random)}`;
    const claimed = await claim(s3, settings.reportBucket, keys.claim, { holder, expiresAt: new Date(deps.now().getTime() + CIS_CREATE_CLAIM_SECONDS * 1000).toISOString() }, deps.now());
    if (claimed.status === "held") return undefined;
    // The claim may have been freed by a creator that finished: its marker is the answer.
    const done = await readJson<CisScanMarker>(s3, settings.reportBucket, keys.marker);
    if (done) return done.value;
    const scanName = cisScanName(settings.pipelineName, manifest.runId);
    let marker: CisScanMarker;
    try {
        const existing = claimed.status === "taken-over" ? await findExisting(deps.inspector2, scanName) : undefined;
        const scanConfigurationArn =
            existing ?? (await createRunCisScan(deps.inspector2, { scanName, tagKey: RUN_TAG, tagValue: manifest.runId, tags: { [PIPELINE_TAG]: settings.pipelineName } }));
        marker = { scanConfigurationArn, createdAt: deps.now().toISOString() };
    } catch (error) {
        // A transient error is retried (by Lambda, or the next sweep); anything else is said in the report.
        if (isTransientError(error)) {
            await release(s3, settings.reportBucket, keys.claim, holder).catch(() => undefined);
            throw error;
        }
        marker = { createdAt: deps.now().toISOString(), note: `The CIS scan could not be created (${errorText(error)}); CIS results are missing from this report.` };
    }
    await putIfAbsent(s3, settings.reportBucket, keys.marker, JSON.stringify(marker));
    return (await readJson<CisScanMarker>(s3, settings.reportBucket, keys.marker))?.value ?? marker;
}

/** The manifest as finalize needs it: the scan's ARN, or a note saying why there is none. */
function withMarker(manifest: V2RunManifest, marker: CisScanMarker | undefined): V2RunManifest {
    if (!marker) return manifest;
    return {
        ...manifest,
        ...(marker.scanConfigurationArn ? { cisScanConfigurationArn: marker.scanConfigurationArn } : {}),
        notes: marker.note ? [...manifest.notes, marker.note] : manifest.notes,
    };
}

/** The manifest with the run's recorded CIS scan, for closing a delivered run (no creation). */
export async function withRecordedCisScan(deps: Pick<V2AnalyzeDeps, "s3" | "settings">, manifest: V2RunManifest): Promise<V2RunManifest> {
    if (manifest.cisScanConfigurationArn || !manifest.rulesPackages.includes("cis")) return manifest;
    return withMarker(manifest, (await readJson<CisScanMarker>(deps.s3, deps.settings.reportBucket, cisKeys(deps.settings.reportPrefix, manifest.runId).marker))?.value);
}

/**
 * Records that the run gets no CIS scan. A creator that died before recording its scan (a claim
 * but no marker) may have made one: it is recorded too, so that finalize deletes it.
 */
async function skipCisScan(deps: V2AnalyzeDeps, manifest: V2RunManifest, note: string): Promise<CisScanMarker> {
    const { s3, settings } = deps;
    const keys = cisKeys(settings.reportPrefix, manifest.runId);
    const orphan = (await readJson(s3, settings.reportBucket, keys.claim)) ? await findExisting(deps.inspector2, cisScanName(settings.pipelineName, manifest.runId)) : undefined;
    // A found scan speaks for itself (finalize reports how far it got).
    const marker: CisScanMarker = orphan ? { createdAt: deps.now().toISOString(), scanConfigurationArn: orphan } : { createdAt: deps.now().toISOString(), note };
    await putIfAbsent(s3, settings.reportBucket, keys.marker, JSON.stringify(marker));
    return (await readJson<CisScanMarker>(s3, settings.reportBucket, keys.marker))?.value ?? marker;
}

export interface CisProgress {
    manifest: V2RunManifest;
    cis?: Awaited<ReturnType<typeof readCisResults>>;
    /** Nothing more will come from CIS for this run (done, given up on, or not asked for). */
    settled: boolean;
}

/** One visit's step for the run's CIS scan: create it when the instances are ready, then read it. */
export async function advanceRunCisScan(deps: V2AnalyzeDeps, manifest: V2RunManifest, recorded: ReadonlySet<string>, verdicts: Record<string, CoverageVerdict>): Promise<CisProgress> {
    if (!manifest.rulesPackages.includes("cis")) return { manifest, settled: true };
    const { s3, settings } = deps;
    const now = deps.now();
    // Runs started before analyze created CIS scans carry the ARN in their manifest.
    let marker: CisScanMarker | undefined = manifest.cisScanConfigurationArn ? { scanConfigurationArn: manifest.cisScanConfigurationArn, createdAt: manifest.startedAt } : undefined;
    marker ??= (await readJson<CisScanMarker>(s3, settings.reportBucket, cisKeys(settings.reportPrefix, manifest.runId).marker))?.value;
    if (!marker) {
        const plan = planCisScan(manifest, recorded, verdicts, now);
        if (plan.action === "wait") return { manifest, settled: false };
        marker = plan.action === "skip" ? await skipCisScan(deps, manifest, plan.note) : await createOnce(deps, manifest);
        if (!marker) return { manifest, settled: false };
    }
    const run = withMarker(manifest, marker);
    if (!marker.scanConfigurationArn) return { manifest: run, settled: true };
    const cis = await readCisResults(deps.inspector2, marker.scanConfigurationArn);
    const outOfTime = now.getTime() >= new Date(marker.createdAt).getTime() + CIS_SCAN_WAIT_SECONDS * 1000;
    if (outOfTime && !SETTLED.includes(cis.scanStatus)) {
        return { manifest: { ...run, notes: [...run.notes, `The CIS scan did not finish within ${CIS_SCAN_WAIT_SECONDS / 60} minutes of its creation.`] }, cis, settled: true };
    }
    return { manifest: run, cis, settled: SETTLED.includes(cis.scanStatus) };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
