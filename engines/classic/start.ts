// Scheduled start: clear leftovers, launch one instance per golden AMI with the Inspector Classic
// agent, wait for the agents, start the assessment run and hand analyze a manifest.
// Whatever happens after the first launch, nothing this run launched is left running unless the
// run started (analyze terminates those; the reaper catches anything missed).
import { isThrottlingError, retrying } from "../../pipeline/run/retryable";
import type { EC2Client, Image } from "@aws-sdk/client-ec2";
import type { InspectorClient } from "@aws-sdk/client-inspector";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { waitForHealthyAgents } from "./agents";
import { CLASSIC_LAUNCH_PROFILE } from "./launchProfile";
import { launchForAmis, markUnhealthyAgents } from "../../pipeline/launch/amiLaunches";
import { confirmLaunches } from "../../pipeline/launch/launchCheck";
import { DEFAULT_MAX_CONCURRENT_INSTANCES, splitWave } from "../../pipeline/launch/waves";
import { AgentInOtherRun, assessmentRunName, findActiveRuns, startAssessmentRun } from "./assessmentRuns";
import { createEc2Client, createS3Client, createSnsClient } from "../../pipeline/run/clients";
import { createInspectorClient } from "./client";
import { findGoldenAmis } from "../../pipeline/launch/goldenAmis";
import { terminateInstances } from "../../pipeline/cleanup/instances";
import { errorText } from "../../pipeline/run/errors";
import { AmiRecord, ClassicRunManifest as RunManifest, runKeys } from "./manifest";
import { publishNotice } from "../../pipeline/report/notify";
import { writeOpenMarker } from "./openRuns";
import { ReapResult, reapStaleInstances } from "../../pipeline/cleanup/reap";
import { RunCleanup, terminateRunInstances } from "../../pipeline/cleanup/runCleanup";
import { makeRunId } from "../../pipeline/run/runId";
import { claim, release } from "../../pipeline/run/runState";
import { StopResult, startLockKey, stopAssessmentRun, writeManifestWithRetries } from "./runControl";
import { readSettings } from "../../pipeline/run/settings";
import { CLASSIC_SETTINGS_SPEC, ClassicSettings } from "./settings";
import { StartOutcome, StartReportInput, failureReason, noGoldenAmisNotice, startReportNotice } from "../../pipeline/report/startNotices";
import { runInProgressNotice } from "./notices";

export const START_SETTINGS = [
    "engine",
    "pipelineName",
    "amiTags",
    "amiOwners",
    "instanceTypes",
    "subnetIds",
    "securityGroupId",
    "assessmentTargetArn",
    "assessmentTemplateArn",
    "durationSeconds",
    "resultsTopicArn",
    "reportBucket",
    "reportPrefix",
    "agentWaitSeconds",
    "reapGraceSeconds",
    "maxConcurrentInstances",
    "kmsKeyArns",
] as const;

export type StartSettings = Pick<ClassicSettings, (typeof START_SETTINGS)[number]>;

/** Kept back from the Lambda timeout for starting the run, terminating and reporting after the agent wait. */
export const LAMBDA_TIME_RESERVE_MS = 120_000;

export interface StartDeps {
    ec2: EC2Client;
    inspector: InspectorClient;
    sns: SNSClient;
    s3: S3Client;
    settings: StartSettings;
    now: () => Date;
    sleep: (ms: number) => Promise<void>;
    log?: (...args: unknown[]) => void;
    /** For the run id's random part; Math.random unless a test pins it. */
    random?: () => number;
}

/** The part of the Lambda context start uses: the agent wait must end before the function times out. */
export interface StartContext {
    getRemainingTimeInMillis?: () => number;
}

export type { StartOutcome } from "../../pipeline/report/startNotices";

export interface StartResult {
    runId: string;
    outcome: StartOutcome;
    /** One record per golden AMI, as written to the manifest when the run started. */
    amis: AmiRecord[];
    assessmentRunArn?: string;
    manifestKey?: string;
    /** Why no run was started (refusal or no healthy agent). */
    reason?: string;
    /** Unfinished runs that made this start skip. */
    activeRunArns?: string[];
    /** Instances terminated before the run because their agent was not healthy. */
    unhealthyTermination?: RunCleanup;
    /** Everything launched, terminated because the run did not go ahead. */
    cleanup?: RunCleanup;
    /** Leftovers of earlier runs; an error here does not stop the start. */
    reaped: ReapResult | { error: string };
    /** Whether a notice was published to the results topic. */
    notified: boolean;
}

export type StartHandler = (event?: unknown, context?: StartContext) => Promise<StartResult>;

/** The outcome after launching, before any notice: what to report and return. */
interface RunPhase {
    outcome: StartOutcome;
    amis: AmiRecord[];
    assessmentRunArn?: string;
    manifestKey?: string;
    reason?: string;
    agentsInOtherRuns?: AgentInOtherRun[];
    agentsTruncated?: boolean;
    canRetry?: boolean;
    unhealthyTermination?: RunCleanup;
    cleanup?: RunCleanup;
}

/** What a failure notice can still say about a run that broke off. */
interface RunProgress {
    amis: AmiRecord[];
    assessmentRunArn?: string;
    /** Set when the run started but its manifest could not be written: what stopping it gave. */
    stop?: StopResult;
}

type Log = (...args: unknown[]) => void;
const logOf = (deps: StartDeps): Log => deps.log ?? (() => undefined);
const notify = (deps: StartDeps, subject: string, message: string) => publishNotice(deps.sns, deps.settings.resultsTopicArn, subject, message);

/** Reaping is housekeeping: a failure is logged and returned, and the hourly reaper tries again. */
async function reapLeftovers(deps: StartDeps): Promise<ReapResult | { error: string }> {
    try {
        return await reapStaleInstances(deps.ec2, deps.sns, deps.settings, deps.now());
    } catch (error) {
        logOf(deps)("reaping leftovers failed; continuing", errorText(error));
        return { error: errorText(error) };
    }
}

/** The agent wait ends before the Lambda would time out, keeping time to start the run and report. */
function agentDeadlineMs(deps: StartDeps, context: StartContext | undefined): number {
    let waitMs = deps.settings.agentWaitSeconds * 1000;
    const remainingMs = context?.getRemainingTimeInMillis?.();
    if (remainingMs !== undefined) waitMs = Math.min(waitMs, remainingMs - LAMBDA_TIME_RESERVE_MS);
    return deps.now().getTime() + Math.max(0, waitMs);
}

/** Launches and waits for the agents; an outcome when nothing can go on, else the AMIs with their agents' health. */
async function launchAndWait(
    deps: StartDeps,
    runId: string,
    images: Image[],
    launchedIds: string[],
    progress: RunProgress,
    context: StartContext | undefined,
): Promise<RunPhase | { amis: AmiRecord[]; unhealthyIds: string[] }> {
    const { ec2, settings } = deps;
    const log = logOf(deps);
    const wave = splitWave(images, settings.maxConcurrentInstances ?? DEFAULT_MAX_CONCURRENT_INSTANCES);
    // RunInstances carries a ClientToken (idempotent): a throttled launch is retried, not lost.
    const launchedNow = await launchForAmis(retrying(ec2, { sleep: deps.sleep }), wave.launch, {
        pipelineName: settings.pipelineName,
        runId,
        instanceTypes: settings.instanceTypes,
        subnetIds: settings.subnetIds,
        securityGroupId: settings.securityGroupId,
        profile: CLASSIC_LAUNCH_PROFILE,
        onLaunched: (instanceId) => launchedIds.push(instanceId),
    });
    progress.amis = [...launchedNow, ...wave.waiting];
    const launched = [...(await confirmLaunches(ec2, launchedNow, { sleep: deps.sleep, kmsKeyArns: settings.kmsKeyArns ?? [], log })), ...wave.waiting];
    progress.amis = launched;
    for (const ami of launched) log(ami.status === "ASSESSING" ? "launched" : ami.status.toLowerCase(), ami.imageId, ami.instanceId ?? ami.reason);
    const alive = launched.filter((ami) => ami.status === "ASSESSING" && ami.instanceId).map((ami) => ami.instanceId!);
    if (alive.length === 0) {
        // An instance whose RunInstances answer was lost still carries the run tag.
        const cleanup = await terminateRunInstances(ec2, settings.pipelineName, runId, launchedIds);
        return { outcome: "NOTHING_LAUNCHED", amis: launched, cleanup };
    }
    const agents = await waitForHealthyAgents(deps.inspector, {
        assessmentTargetArn: settings.assessmentTargetArn,
        instanceIds: alive,
        deadlineMs: agentDeadlineMs(deps, context),
        now: deps.now,
        sleep: deps.sleep,
        log,
    });
    log("agents", JSON.stringify({ healthy: agents.healthy, unhealthy: agents.unhealthy, polls: agents.polls, waitedSeconds: agents.waitedSeconds }));
    const amis = markUnhealthyAgents(launched, agents.unhealthy);
    progress.amis = amis;
    if (agents.healthy.length === 0) {
        const cleanup = await terminateRunInstances(ec2, settings.pipelineName, runId, launchedIds);
        return { outcome: "NO_HEALTHY_AGENTS", amis, cleanup, reason: "no launched instance's Inspector agent became HEALTHY in time" };
    }
    return { amis, unhealthyIds: agents.unhealthy.map((agent) => agent.instanceId) };
}

/** Launches, waits for agents and starts the run. `launchedIds` is filled as instances appear. */
async function launchAndStart(deps: StartDeps, runId: string, images: Image[], launchedIds: string[], progress: RunProgress, context: StartContext | undefined): Promise<RunPhase> {
    const { ec2, inspector, s3, settings } = deps;
    const log = logOf(deps);
    const ready = await launchAndWait(deps, runId, images, launchedIds, progress, context);
    if ("outcome" in ready) return ready;
    const { amis } = ready;
    // Terminated before the run starts, so the target (every instance with the pipeline tag)
    // holds only instances that can be assessed.
    const unhealthyTermination = ready.unhealthyIds.length > 0 ? await terminateInstances(ec2, ready.unhealthyIds) : undefined;

    // Only throttling is retried: after a 5xx the run may have started, and a second call would be refused.
    const started = await startAssessmentRun(retrying(inspector, { sleep: deps.sleep, retryable: isThrottlingError }), settings.assessmentTemplateArn, assessmentRunName(settings.pipelineName, runId));
    if (!started.started) {
        log("assessment run refused", started.reason);
        const cleanup = await terminateRunInstances(ec2, settings.pipelineName, runId, launchedIds);
        const { reason, agentsInOtherRuns, agentsTruncated, canRetry } = started;
        return { outcome: "RUN_REFUSED", amis, reason, agentsInOtherRuns, agentsTruncated, canRetry, unhealthyTermination, cleanup };
    }
    progress.assessmentRunArn = started.assessmentRunArn;

    const manifest: RunManifest = {
        runId,
        engine: "classic",
        assessmentRunArn: started.assessmentRunArn,
        assessmentTemplateArn: settings.assessmentTemplateArn,
        startedAt: deps.now().toISOString(),
        amis,
    };
    const manifestKey = runKeys(settings.reportPrefix, started.assessmentRunArn).manifest;
    try {
        await writeManifestWithRetries(s3, settings.reportBucket, manifestKey, manifest, deps.sleep);
        // What the sweep visits: reported even if the completion message never arrives.
        await writeOpenMarker(s3, settings.reportBucket, settings.reportPrefix, { assessmentRunArn: started.assessmentRunArn, runId, startedAt: manifest.startedAt }, deps.sleep);
    } catch (error) {
        // The run is going on: its instances may only go once it is stopped.
        progress.stop = await stopAssessmentRun(inspector, started.assessmentRunArn, deps.sleep);
        log("manifest or open marker write failed after the run started", errorText(error), JSON.stringify(progress.stop));
        throw error;
    }
    log("assessment run started", started.assessmentRunArn, manifestKey);
    return { outcome: "RUN_STARTED", amis, assessmentRunArn: started.assessmentRunArn, manifestKey, unhealthyTermination };
}

/** One fleet per pipeline and region: a second start at the same time must not launch another. */
async function takeStartLock(deps: StartDeps, runId: string): Promise<{ held: false; release: () => Promise<void> } | { held: true; reason: string }> {
    const { s3, settings } = deps;
    const lockKey = startLockKey(settings.reportPrefix);
    const lockSeconds = settings.durationSeconds + settings.agentWaitSeconds + settings.reapGraceSeconds;
    // Claiming again as the same holder succeeds, so a retried claim is safe.
    const lock = await claim(retrying(s3, { sleep: deps.sleep }), settings.reportBucket, lockKey, { holder: runId, expiresAt: new Date(deps.now().getTime() + lockSeconds * 1000).toISOString() }, deps.now());
    if (lock.status === "held") return { held: true, reason: `start ${lock.by.holder} holds the start lock until ${lock.by.expiresAt}` };
    return {
        held: false,
        release: async () => {
            try {
                await release(s3, settings.reportBucket, lockKey, runId);
            } catch (error) {
                logOf(deps)("could not release the start lock; it expires on its own", errorText(error));
            }
        },
    };
}

/**
 * After an unexpected error: terminate what this run launched (and free the lock), unless the run
 * started and could not be stopped, when its instances are its own; then say so.
 */
async function failStart(deps: StartDeps, runId: string, error: unknown, progress: RunProgress, launchedIds: string[], releaseLock: () => Promise<void>): Promise<void> {
    const { ec2, settings } = deps;
    const log = logOf(deps);
    const runGoesOn = progress.stop !== undefined && !progress.stop.stopped;
    let cleanup: RunCleanup | undefined;
    let reason = failureReason(error);
    if (progress.stop?.stopped) reason += `; the run manifest or its open marker could not be written, so the assessment run was stopped (SKIP_EVALUATION) before its instances were terminated`;
    if (runGoesOn) {
        reason +=
            `; the run manifest or its open marker could not be written and stopping the assessment run failed (${(progress.stop as { error: string }).error}), ` +
            "so its instances were left running for it: analyze terminates them when the run ends, the reaper if it never does";
        log("start failed; the run could not be stopped, its instances are left to it", errorText(error));
    } else {
        cleanup = await terminateRunInstances(ec2, settings.pipelineName, runId, launchedIds);
        log("start failed; terminated this run's instances", errorText(error), JSON.stringify(cleanup));
        await releaseLock();
    }
    const notice = startReportNotice({ pipelineName: settings.pipelineName, runId, outcome: "FAILED", amis: progress.amis, assessmentRunArn: progress.assessmentRunArn, reason, cleanup });
    try {
        if (notice) await notify(deps, notice.subject, notice.message);
    } catch (notifyError) {
        log("could not publish the failure notice", errorText(notifyError));
    }
}

export function makeStartHandler(deps: StartDeps): StartHandler {
    const { settings } = deps;
    return async (_event?: unknown, context?: StartContext): Promise<StartResult> => {
        const runId = makeRunId(deps.now(), deps.random);
        logOf(deps)("start", runId);
        const reaped = await reapLeftovers(deps);

        const images = await findGoldenAmis(retrying(deps.ec2, { sleep: deps.sleep }), settings.amiTags, settings.amiOwners);
        if (images.length === 0) {
            const notice = noGoldenAmisNotice(settings.pipelineName, settings.amiTags, settings.amiOwners);
            await notify(deps, notice.subject, notice.message);
            return { runId, outcome: "NO_AMIS", amis: [], reaped, notified: true };
        }
        const activeRunArns = await findActiveRuns(retrying(deps.inspector, { sleep: deps.sleep }), settings.assessmentTemplateArn);
        const lock = activeRunArns.length > 0 ? undefined : await takeStartLock(deps, runId);
        if (!lock || lock.held) {
            const blockers = lock?.held ? [lock.reason] : activeRunArns;
            const notice = runInProgressNotice(settings.pipelineName, settings.assessmentTemplateArn, blockers);
            await notify(deps, notice.subject, notice.message);
            return { runId, outcome: "RUN_IN_PROGRESS", amis: [], ...(lock?.held ? { reason: lock.reason } : { activeRunArns }), reaped, notified: true };
        }

        const launchedIds: string[] = [];
        const progress: RunProgress = { amis: [] };
        let phase: RunPhase;
        try {
            phase = await launchAndStart(deps, runId, images, launchedIds, progress, context);
        } catch (error) {
            await failStart(deps, runId, error, progress, launchedIds, lock.release);
            throw error;
        }
        if (phase.outcome !== "RUN_STARTED") await lock.release();

        // Outside the cleanup scope: a failed notice must not terminate a run that started.
        const notice = startReportNotice({ pipelineName: settings.pipelineName, runId, ...phase } satisfies StartReportInput);
        if (notice) await notify(deps, notice.subject, notice.message);
        const { outcome, amis, assessmentRunArn, manifestKey, reason, unhealthyTermination, cleanup } = phase;
        return { runId, outcome, amis, assessmentRunArn, manifestKey, reason, unhealthyTermination, cleanup, reaped, notified: notice !== undefined };
    };
}

/** Runs once per container: settings and clients are shared by every invocation. */
export function startHandlerFactory(): StartHandler {
    const settings = readSettings(process.env, START_SETTINGS, CLASSIC_SETTINGS_SPEC);
    return makeStartHandler({
        ec2: createEc2Client(),
        inspector: createInspectorClient(),
        sns: createSnsClient(),
        s3: createS3Client(),
        settings,
        now: () => new Date(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: console.log,
    });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
