// Launching an Inspector v2 run: instances with the SSM-only profile and IMDSv2, as many as start
// has time for, then the open marker and the manifest that commits the run. Once the manifest
// is written the run belongs to analyze; before that, any failure terminates what was launched,
// drops the marker and frees the lock.
import type { EC2Client, Image } from "@aws-sdk/client-ec2";
import { LAUNCH_CONCURRENCY, amiRecord, launchForAmis } from "../../pipeline/launch/amiLaunches";
import { LAUNCH_CHECK_SECONDS, confirmLaunches } from "../../pipeline/launch/launchCheck";
import { errorText } from "../../pipeline/run/errors";
import type { LaunchProfile } from "../../pipeline/launch/launch";
import type { AmiRecord } from "../../pipeline/run/manifest";
import { publishNotice } from "../../pipeline/report/notify";
import { terminateRunInstances } from "../../pipeline/cleanup/runCleanup";
import { deleteKey, putJson, release } from "../../pipeline/run/runState";
import { startReportNotice } from "../../pipeline/report/startNotices";
import { DEFAULT_MAX_DELAY_MS, isTransientError, retrying, withRetry } from "../../pipeline/run/retryable";
import { LaunchClaims, releaseLaunchClaims } from "../../pipeline/launch/slots";
import { dequeue, readQueueIds } from "../../pipeline/launch/publishQueue";
import { reportWithoutLaunch } from "./startReport";
import { RunInstance, V2RunManifest, startLockKey, v2RunKeys } from "./run";
import type { AssessmentPlan, V2StartDeps, V2StartResult } from "./startContract";

/** Inspector v2 needs SSM on the instance: the SSM-only role, IMDSv2 (SSM is fine with it), no user data. */
export function v2LaunchProfile(instanceProfileArn: string): LaunchProfile {
    return { httpTokens: "required", instanceProfileArn };
}

/**
 * What start keeps in hand while launching: the launch check (up to LAUNCH_CHECK_SECONDS) and the
 * commit (markers, manifest, notice), or the cleanup if something fails. Launching stops below it.
 */
export const START_COMMIT_RESERVE_MS = (LAUNCH_CHECK_SECONDS + 60) * 1000;

/**
 * The longest one RunInstances call can take to answer, the SDK's own retries included (standard
 * retry mode: 3 attempts, backoff capped at 20 s; AWS SDKs and Tools Reference Guide, "Retry
 * behavior"). An assumption [?]: EC2 documents no latency bound.
 */
export const RUN_INSTANCES_CALL_WORST_MS = 60_000;

/**
 * What start keeps before each batch of launches: the commit reserve and the batch's own worst
 * case. An AMI's launch tries each subnet in turn (launchInstance.ts), one call each, and our retry
 * waits (up to DEFAULT_MAX_DELAY_MS) are only taken while this reserve stays whole after them, so a
 * batch that starts with the reserve in hand ends with at least START_COMMIT_RESERVE_MS left.
 */
export function launchReserveMs(subnetCount: number): number {
    return START_COMMIT_RESERVE_MS + Math.max(1, subnetCount) * RUN_INSTANCES_CALL_WORST_MS;
}

/** Pure: may a launch wait (at most maxDelayMs) and call again with remainingMs left? Only if the reserve survives the wait. */
export function launchMayRetry(remainingMs: number | undefined, reserveMs: number, maxDelayMs = DEFAULT_MAX_DELAY_MS): boolean {
    return remainingMs === undefined || remainingMs - maxDelayMs >= reserveMs;
}

/** Pure: the AMIs start ran out of time for wait for the next run, as a wave's rest does. */
export function outOfTimeRecords(images: Image[], launchedCount: number): AmiRecord[] {
    const reason = `waiting for a later run: start ran short of time after launching for ${launchedCount} of ${launchedCount + images.length} AMIs, and committed those`;
    return images.map((image): AmiRecord => ({ ...amiRecord(image), status: "WAITING", reason }));
}

/** How a run was started: the schedule holds the start lock; a published AMI's run holds only its claims. */
export interface RunStart {
    /** The start lock is this run's (scheduled start). */
    locked: boolean;
    claims?: LaunchClaims;
    trigger?: string;
}

/** Gives back the start lock (if held) and the run's claims: a run that never committed holds nothing. */
async function releaseRun(deps: V2StartDeps, runId: string, how: RunStart): Promise<void> {
    const { settings, s3 } = deps;
    if (how.locked) await release(s3, settings.reportBucket, startLockKey(settings.reportPrefix), runId);
    await releaseLaunchClaims(s3, settings.reportBucket, settings.reportPrefix, runId, how.claims);
}

export async function launchRun(deps: V2StartDeps, runId: string, plan: AssessmentPlan, log: (...args: unknown[]) => void, notes: string[] = [], how: RunStart = { locked: true }): Promise<V2StartResult> {
    const { settings, s3 } = deps;
    const launchedIds: string[] = [];
    const keys = v2RunKeys(settings.reportPrefix, runId);
    try {
        const launched = await launchImages(deps, runId, plan.toLaunch, launchedIds);
        const amis = [...plan.settled, ...launched];
        if (!launched.some((ami) => ami.status === "ASSESSING" && ami.instanceId)) {
            if (launchedIds.length > 0) await terminateRunInstances(deps.ec2, settings.pipelineName, runId, launchedIds);
            await releaseRun(deps, runId, how);
            await dequeueAll(deps, plan.toLaunch.map((image) => image.ImageId!), log);
            return { ...(await reportWithoutLaunch(deps, runId, plan, "COMPLETED", launched, how.trigger)), reason: "no instance could be launched" };
        }
        // The run's CIS scan is created by analyze once SSM manages the instances (cisScan.ts).
        const startedAt = deps.now();
        const manifest: V2RunManifest = {
            runId,
            engine: "inspector2",
            startedAt: startedAt.toISOString(),
            deadline: new Date(startedAt.getTime() + settings.durationSeconds * 1000).toISOString(),
            rulesPackages: settings.rulesPackages,
            amis,
            instances: launched.filter((ami) => ami.status === "ASSESSING" && ami.instanceId).map((ami): RunInstance => ({ instanceId: ami.instanceId!, imageId: ami.imageId, launchedAt: startedAt.toISOString() })),
            agentless: plan.agentless,
            notes,
            ...(how.trigger ? { trigger: how.trigger } : {}),
            ...(how.claims ? { claims: how.claims } : {}),
        };
        // The open marker first, so that no manifest is ever without one: the sweep finds runs by it.
        await withRetry(() => putJson(s3, settings.reportBucket, keys.openMarker, { runId, deadline: manifest.deadline }), { sleep: deps.sleep });
        // The manifest is the commit point: from here the run is open and nothing below may undo it.
        await withRetry(() => putJson(s3, settings.reportBucket, keys.manifest, manifest), { sleep: deps.sleep });
        log("run started", runId, JSON.stringify(manifest.instances));
        // Committed: these AMIs are no longer waiting for a slot.
        await dequeueAll(deps, plan.toLaunch.map((image) => image.ImageId!), log);
        await notifyStart(deps, runId, amis, "RUN_STARTED").catch((error) => log("could not publish the start notice", errorText(error)));
        return { runId, outcome: "RUN_STARTED", amis, manifestKey: keys.manifest };
    } catch (error) {
        const cleanup = await terminateRunInstances(deps.ec2, settings.pipelineName, runId, launchedIds);
        await deleteKey(s3, settings.reportBucket, keys.openMarker).catch(() => undefined);
        await releaseRun(deps, runId, how).catch(() => undefined);
        log("start failed; terminated this run's instances", errorText(error), JSON.stringify(cleanup));
        throw error;
    }
}

async function launchImages(deps: V2StartDeps, runId: string, images: Image[], launchedIds: string[]): Promise<AmiRecord[]> {
    const { settings } = deps;
    if (!settings.instanceProfileArn || !settings.subnetIds || !settings.securityGroupId || !settings.instanceTypes) {
        throw new Error("scan mode launches instances, but the instance profile, subnets, security group or instance types are not configured");
    }
    // RunInstances is retried on throttling with the same ClientToken (idempotent): one throttled
    // call must not cost an AMI its assessment, unless the wait would eat start's reserve (a Lambda
    // timeout never reaches the catch below). Other errors are recorded as LAUNCH_FAILED at once.
    const reserveMs = launchReserveMs(settings.subnetIds.length);
    const remainingMs = deps.remainingMs;
    const ec2 = retrying(deps.ec2, { sleep: deps.sleep, retryable: (error) => isTransientError(error) && launchMayRetry(remainingMs?.(), reserveMs) });
    const options = {
        pipelineName: settings.pipelineName,
        runId,
        instanceTypes: settings.instanceTypes,
        subnetIds: settings.subnetIds,
        securityGroupId: settings.securityGroupId,
        profile: v2LaunchProfile(settings.instanceProfileArn),
        onLaunched: (instanceId: string) => launchedIds.push(instanceId),
    };
    // One batch at a time, so that start stops launching while it still has time to commit.
    const launched: AmiRecord[] = [];
    for (let next = 0; next < images.length; next += LAUNCH_CONCURRENCY) {
        if (remainingMs && remainingMs() < reserveMs) {
            launched.push(...outOfTimeRecords(images.slice(next), next));
            break;
        }
        launched.push(...(await launchForAmis(ec2, images.slice(next, next + LAUNCH_CONCURRENCY), options)));
    }
    // An instance that dies at launch (a KMS key the role may not use) is never scanned: say why now.
    return confirmLaunches(deps.ec2, launched, { sleep: deps.sleep, kmsKeyArns: settings.kmsKeyArns ?? [], log: deps.log });
}

/**
 * Drops the queue markers of these AMIs (a publish queued them; this run took them). A marker left
 * behind costs at most one more assessment of its AMI, never a missed one.
 */
async function dequeueAll(deps: V2StartDeps, imageIds: string[], log: (...args: unknown[]) => void): Promise<void> {
    const { s3, settings } = deps;
    try {
        const queued = new Set((await readQueueIds(s3, settings.reportBucket, settings.reportPrefix)));
        for (const imageId of imageIds.filter((id) => queued.has(id))) await dequeue(s3, settings.reportBucket, settings.reportPrefix, imageId);
    } catch (error) {
        log("could not drop the queue markers", errorText(error));
    }
}

/** Says only what needs saying: AMIs that could not be launched (the report covers the rest). */
async function notifyStart(deps: V2StartDeps, runId: string, amis: AmiRecord[], outcome: "RUN_STARTED"): Promise<void> {
    const notice = startReportNotice({ pipelineName: deps.settings.pipelineName, runId, outcome, amis });
    if (notice) await publishNotice(deps.sns, deps.settings.resultsTopicArn, notice.subject, notice.message);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
