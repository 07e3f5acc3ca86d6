// Assess on publish (Inspector v2): an AMI that becomes available (or, with assessOnTag, is tagged)
// is described again, checked against the golden filter, queued (a durable marker), and the queue
// is drained: each queued AMI runs as its own small run, beside any open run, when it can claim
// the AMI (never assessed twice at once) and a free instance slot (maxConcurrentInstances across
// every open run). The rest stay queued; the drain schedule launches them as slots free up.
// Duplicated, concurrent and retried events are harmless: the queue marker and the AMI claim are
// conditional writes. Lost events are the schedule's to catch (the never-assessed go first).
import type { Image } from "@aws-sdk/client-ec2";
import { findGoldenAmis } from "../../pipeline/launch/goldenAmis";
import { QueuedAmi, dequeue, enqueue, readQueue } from "../../pipeline/launch/publishQueue";
import { errorText } from "../../pipeline/run/errors";
import { retrying } from "../../pipeline/run/retryable";
import { makeRunId } from "../../pipeline/run/runId";
import { readSettings } from "../../pipeline/run/settings";
import { readJson } from "../../pipeline/run/runState";
import { v2RunKeys } from "./run";
import { ec2ScanningStatus } from "./accountStatus";
import { claimPlan } from "./launchClaims";
import { parsePublishEvent } from "./publishEvent";
import { INSPECTOR2_SETTINGS_SPEC, Inspector2Settings, ScanModeSetting } from "./settings";
import { planAssessment, scanModeNotes } from "./start";
import { V2StartDeps, V2StartSettings, StartContext, startSettingsKeys } from "./startContract";
import { reportWithoutLaunch } from "./startReport";
import { launchRun } from "./startRun";
import { amiRecord } from "../../pipeline/launch/amiLaunches";
import type { AmiRecord } from "../../pipeline/run/manifest";
import { lambdaRuntime } from "./lambdaRuntime";

export type V2PublishSettings = V2StartSettings & { assessOnTag?: boolean };
export type V2PublishDeps = Omit<V2StartDeps, "settings"> & { settings: V2PublishSettings };

/** What became of one AMI in this invocation. */
export type PublishOutcome =
    | { imageId: string; status: "not-golden" | "queued" | "already-queued" | "already-assessing" | "dropped" | "waiting-for-slot" | "claimed-elsewhere"; detail?: string }
    | { imageId: string; status: "started" | "reported"; runId: string };

export interface V2PublishResult {
    trigger: string;
    amis: PublishOutcome[];
}

export function publishSettingsKeys(scanMode: ScanModeSetting): (keyof Inspector2Settings)[] {
    return [...startSettingsKeys(scanMode), "assessOnTag"];
}

export function makePublishHandler(baseDeps: V2PublishDeps): (event: unknown, context?: StartContext) => Promise<V2PublishResult> {
    const { settings } = baseDeps;
    const log = baseDeps.log ?? (() => undefined);
    return async (event, context) => {
        const remaining = context?.getRemainingTimeInMillis;
        const deps: V2PublishDeps = baseDeps.remainingMs || !remaining ? baseDeps : { ...baseDeps, remainingMs: () => remaining.call(context) };
        const parsed = parsePublishEvent(event, settings.assessOnTag ?? false);
        if (parsed.kind === "other") return { trigger: `ignored: ${parsed.reason}`, amis: [] };
        const outcomes: PublishOutcome[] = [];
        if (parsed.kind === "amis") outcomes.push(...(await queuePublished(deps, parsed.imageIds, parsed.trigger)));
        outcomes.push(...(await drainQueue(deps, log)));
        return { trigger: parsed.kind === "amis" ? parsed.trigger : "drain", amis: outcomes };
    };
}

/** The event's AMIs, described again (never trusting the event): the golden ones are queued, first trigger kept. */
async function queuePublished(deps: V2PublishDeps, imageIds: string[], trigger: string): Promise<PublishOutcome[]> {
    const { settings } = deps;
    const golden = new Set((await findGoldenAmis(retrying(deps.ec2, { sleep: deps.sleep }), settings.amiTags, settings.amiOwners, imageIds)).map((image) => image.ImageId!));
    const outcomes: PublishOutcome[] = [];
    for (const imageId of imageIds) {
        if (!golden.has(imageId)) {
            outcomes.push({ imageId, status: "not-golden", detail: "not available with the golden tags from the configured owners" });
            continue;
        }
        const queued = await enqueue(retrying(deps.s3, { sleep: deps.sleep }), settings.reportBucket, settings.reportPrefix, { imageId, trigger, queuedAt: deps.now().toISOString() });
        outcomes.push({ imageId, status: queued === "created" ? "queued" : "already-queued" });
    }
    return outcomes;
}

/**
 * Every queued AMI, oldest first, each as its own run while slots last. An AMI no longer golden
 * (untagged, deregistered) or already being assessed leaves the queue; one without a slot stays.
 */
async function drainQueue(deps: V2PublishDeps, log: (...args: unknown[]) => void): Promise<PublishOutcome[]> {
    const { settings } = deps;
    const s3 = retrying(deps.s3, { sleep: deps.sleep });
    const queue = await readQueue(s3, settings.reportBucket, settings.reportPrefix);
    if (queue.length === 0) return [];
    const images = await findGoldenAmis(retrying(deps.ec2, { sleep: deps.sleep }), settings.amiTags, settings.amiOwners, queue.map((entry) => entry.imageId));
    const byId = new Map(images.map((image) => [image.ImageId!, image]));
    const outcomes: PublishOutcome[] = [];
    let slotsLeft = true;
    for (const entry of queue) {
        const image = byId.get(entry.imageId);
        if (!image) {
            await dequeue(s3, settings.reportBucket, settings.reportPrefix, entry.imageId);
            outcomes.push({ imageId: entry.imageId, status: "dropped", detail: "no longer a golden AMI (untagged, deregistered or unavailable)" });
        } else if (!slotsLeft) {
            outcomes.push({ imageId: entry.imageId, status: "waiting-for-slot" });
        } else {
            const outcome = await startPublishedRun(deps, image, entry, log);
            slotsLeft = outcome.status !== "waiting-for-slot";
            outcomes.push(outcome);
        }
    }
    return outcomes;
}

/** One queued AMI as its own run: Inspector's AMI results where the scan mode allows, else an instance in a claimed slot. */
async function startPublishedRun(deps: V2PublishDeps, image: Image, entry: QueuedAmi, log: (...args: unknown[]) => void): Promise<PublishOutcome> {
    const { settings } = deps;
    const imageId = image.ImageId!;
    const runId = makeRunId(deps.now(), deps.random);
    const plan = await planAssessment(deps, [image]);
    const drop = () => dequeue(deps.s3, settings.reportBucket, settings.reportPrefix, imageId);
    if (plan.toLaunch.length === 0) {
        await reportWithoutLaunch(deps, runId, plan, "COMPLETED", [], entry.trigger);
        await drop();
        return { imageId, status: "reported", runId };
    }
    const status = await ec2ScanningStatus(retrying(deps.inspector2, { sleep: deps.sleep }), deps.region);
    if (!status.enabled) {
        const reason = `Inspector v2 EC2 scanning is not enabled in ${deps.region} (${status.status}: ${status.reason}). ${status.howToEnable}`;
        const unlaunched = plan.toLaunch.map((i): AmiRecord => ({ ...amiRecord(i), status: "NOT_SCANNED", reason }));
        await reportWithoutLaunch(deps, runId, plan, "INSPECTOR_NOT_ENABLED", unlaunched, entry.trigger);
        await drop();
        return { imageId, status: "reported", runId };
    }
    const claimed = await claimPlan(deps, runId, plan);
    if (claimed.plan.toLaunch.length === 0) {
        const busy = claimed.busy.find((b) => b.image.ImageId === imageId);
        if (!busy) return { imageId, status: "waiting-for-slot" };
        // Held by a run not yet committed (a concurrent drain that may find no slot, or a start that
        // died): the marker stays, so the AMI is not lost; that run drops it when it commits.
        if (!(await readJson(deps.s3, settings.reportBucket, v2RunKeys(settings.reportPrefix, busy.by.holder).manifest))) {
            return { imageId, status: "claimed-elsewhere", detail: `claimed by ${busy.by.holder}, not yet started` };
        }
        // A committed open run is assessing it: a second assessment at once would prove nothing more.
        await drop();
        return { imageId, status: "already-assessing", detail: `being assessed by run ${busy.by.holder}` };
    }
    log("publish: starting a run", runId, imageId, entry.trigger);
    const result = await launchRun(deps, runId, claimed.plan, log, scanModeNotes(status.scanMode), { locked: false, claims: claimed.claims, trigger: entry.trigger }).catch((error) => {
        log("publish: the run could not start", imageId, errorText(error));
        throw error;
    });
    return { imageId, status: result.outcome === "RUN_STARTED" ? "started" : "reported", runId };
}

/** Runs once per container: settings and clients are shared by every invocation. */
export function publishHandlerFactory(): (event: unknown, context?: StartContext) => Promise<V2PublishResult> {
    const scanMode = (process.env.SCAN_MODE ?? "instance") as ScanModeSetting;
    const settings = readSettings(process.env, publishSettingsKeys(scanMode), INSPECTOR2_SETTINGS_SPEC) as V2PublishSettings;
    return makePublishHandler({ ...lambdaRuntime(settings), settings, log: console.log });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
