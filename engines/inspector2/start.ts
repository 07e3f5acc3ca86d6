// Scheduled start for Inspector v2: find golden AMIs, use Inspector's own AMI results where the
// scan mode allows, and launch one SSM-managed instance for each of the rest. It does not wait:
// Inspector scans on its own, and analyze is woken by scan events and the sweep.
import type { EC2Client, Image } from "@aws-sdk/client-ec2";
import type { Inspector2Client } from "@aws-sdk/client-inspector2";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { amiRecord } from "../../pipeline/launch/amiLaunches";
import { findGoldenAmis } from "../../pipeline/launch/goldenAmis";
import { errorText } from "../../pipeline/run/errors";
import type { AmiRecord } from "../../pipeline/run/manifest";
import { publishNotice } from "../../pipeline/report/notify";
import { ReapResult, reapStaleInstances } from "../../pipeline/cleanup/reap";
import type { RunOutcome } from "../../pipeline/report/report";
import { retrying } from "../../pipeline/run/retryable";
import { makeRunId } from "../../pipeline/run/runId";
import { DEFAULT_MAX_CONCURRENT_INSTANCES, splitWave } from "../../pipeline/launch/waves";
import { claim, release } from "../../pipeline/run/runState";
import { claimPlan, runExpiry } from "./launchClaims";
import { readSettings } from "../../pipeline/run/settings";
import { noGoldenAmisNotice } from "../../pipeline/report/startNotices";
import { ec2ScanningStatus } from "./accountStatus";
import { AmiScanResult, agentlessShortfall, readAmiScanResults } from "./agentless";
import { reportWithoutLaunch } from "./startReport";
import { startLockKey } from "./run";
import { launchRun } from "./startRun";
import { INSPECTOR2_SETTINGS_SPEC, Inspector2Settings, ScanModeSetting } from "./settings";
import { AssessmentPlan, StartContext, V2StartDeps, V2StartOutcome, V2StartResult, V2StartSettings, startSettingsKeys } from "./startContract";
import { lambdaRuntime } from "./lambdaRuntime";
export { AssessmentPlan, StartContext, V2StartDeps, V2StartOutcome, V2StartResult, V2StartSettings, startSettingsKeys } from "./startContract";

export async function planAssessment(deps: V2StartDeps, images: Image[]): Promise<AssessmentPlan> {
    const { scanMode, amiScanMaxAgeDays, severityThreshold } = deps.settings;
    if (scanMode === "instance") return inWaves(deps, { agentless: [], settled: [], toLaunch: images });
    const agentless = await readAmiScanResults(deps.ec2, images, deps.now(), amiScanMaxAgeDays);
    const byId = new Map(agentless.map((result) => [result.imageId, result]));
    const settled: AmiRecord[] = [];
    const toLaunch: Image[] = [];
    for (const image of images) {
        const result = byId.get(image.ImageId!);
        // A summary that outranks every finding read: the AMI result proves no PASS; launch (auto) or say so.
        const shortfall = result && agentlessShortfall(result, severityThreshold);
        if (shortfall && scanMode === "auto") toLaunch.push(image);
        else if (shortfall) settled.push({ ...amiRecord(image), status: "NOT_SCANNED", reason: shortfall });
        else if (result?.state === "FRESH") settled.push({ ...amiRecord(image), status: "ASSESSING", reason: `Inspector AMI scan of ${result.scanDate}` });
        else if (scanMode === "auto") toLaunch.push(image);
        else settled.push({ ...amiRecord(image), status: "NOT_SCANNED", reason: result?.detail ?? "no Inspector AMI scan result" });
    }
    return inWaves(deps, { agentless, settled, toLaunch });
}

/** At most maxConcurrentInstances launches; the rest are WAITING for a later run. */
function inWaves(deps: V2StartDeps, plan: AssessmentPlan): AssessmentPlan {
    const wave = splitWave(plan.toLaunch, deps.settings.maxConcurrentInstances ?? DEFAULT_MAX_CONCURRENT_INSTANCES);
    return { ...plan, settled: [...plan.settled, ...wave.waiting], toLaunch: wave.launch };
}

export function makeStartHandler(baseDeps: V2StartDeps): (event?: unknown, context?: StartContext) => Promise<V2StartResult> {
    const { settings } = baseDeps;
    const log = baseDeps.log ?? (() => undefined);
    return async (_event, context) => {
        const remaining = context?.getRemainingTimeInMillis;
        const deps: V2StartDeps = baseDeps.remainingMs || !remaining ? baseDeps : { ...baseDeps, remainingMs: () => remaining.call(context) };
        const runId = makeRunId(deps.now(), deps.random);
        log("start", runId);
        const reaped = settings.scanMode === "agentless" ? undefined : await reapLeftovers(deps, log);
        const images = await findGoldenAmis(retrying(deps.ec2, { sleep: deps.sleep }), settings.amiTags, settings.amiOwners);
        if (images.length === 0) {
            const notice = noGoldenAmisNotice(settings.pipelineName, settings.amiTags, settings.amiOwners);
            await publishNotice(deps.sns, settings.resultsTopicArn, notice.subject, notice.message);
            return { runId, outcome: "NO_AMIS", amis: [], reaped };
        }
        const plan = await planAssessment(deps, images);
        if (plan.toLaunch.length === 0) return { ...(await reportWithoutLaunch(deps, runId, plan, "COMPLETED", [])), reaped };

        // No instance is launched for nothing: without EC2 scanning Inspector would never look at it.
        const status = await ec2ScanningStatus(retrying(deps.inspector2, { sleep: deps.sleep }), deps.region);
        if (!status.enabled) {
            const reason = `Inspector v2 EC2 scanning is not enabled in ${deps.region} (${status.status}: ${status.reason}). ${status.howToEnable}`;
            const unlaunched = plan.toLaunch.map((image): AmiRecord => ({ ...amiRecord(image), status: "NOT_SCANNED", reason }));
            return { ...(await reportWithoutLaunch(deps, runId, plan, "INSPECTOR_NOT_ENABLED", unlaunched)), reason, reaped };
        }

        // The lock outlives the whole run (start, duration, settle, sweep, grace: maxRunSeconds), as the reaper does.
        // It is the schedule's alone: a published AMI's run (publish.ts) holds only its AMI and slot claims.
        // Claiming again as the same holder succeeds, so a retried claim is safe.
        const lock = await claim(retrying(deps.s3, { sleep: deps.sleep }), settings.reportBucket, startLockKey(settings.reportPrefix), { holder: runId, expiresAt: runExpiry(deps) }, deps.now());
        if (lock.status === "held") {
            const reason = `run ${lock.by.holder} is still open (until ${lock.by.expiresAt}); one scheduled fleet at a time`;
            await publishNotice(deps.sns, settings.resultsTopicArn, `[${settings.pipelineName}] previous assessment still running; this one skipped`, `${reason}. The next scheduled start tries again.`);
            return { runId, outcome: "RUN_IN_PROGRESS", amis: [], reason, reaped };
        }
        // AMIs a published run is assessing, and those beyond the slots open runs leave, wait.
        const claimed = await claimPlan(deps, runId, plan);
        if (claimed.plan.toLaunch.length === 0) {
            await release(deps.s3, settings.reportBucket, startLockKey(settings.reportPrefix), runId);
            return { ...(await reportWithoutLaunch(deps, runId, claimed.plan, "COMPLETED", [])), reaped };
        }
        return { ...(await launchRun(deps, runId, claimed.plan, log, scanModeNotes(status.scanMode), { locked: true, claims: claimed.claims })), reaped };
    };
}

/** Pure: what the report says about the account's EC2 scan mode (GetConfiguration). */
export function scanModeNotes(scanMode: string | undefined): string[] {
    if (scanMode !== "EC2_HYBRID") return [];
    return [
        "The account's EC2 scan mode is hybrid (EC2_HYBRID): Inspector may scan a new instance agentlessly (hourly) before SSM manages it; " +
            "this run judges its instances by their SSM-based scans.",
    ];
}

async function reapLeftovers(deps: V2StartDeps, log: (...args: unknown[]) => void): Promise<ReapResult | { error: string }> {
    const { settings } = deps;
    try {
        const reapSettings = { ...settings, agentWaitSeconds: settings.agentWaitSeconds ?? 0, reapGraceSeconds: settings.reapGraceSeconds ?? 0 };
        return await reapStaleInstances(deps.ec2, deps.sns, reapSettings, deps.now());
    } catch (error) {
        log("reaping leftovers failed; continuing", errorText(error));
        return { error: errorText(error) };
    }
}

/** Runs once per container: settings and clients are shared by every invocation. */
export function startHandlerFactory(): (event?: unknown, context?: StartContext) => Promise<V2StartResult> {
    const scanMode = (process.env.SCAN_MODE ?? "instance") as ScanModeSetting;
    const settings = readSettings(process.env, startSettingsKeys(scanMode), INSPECTOR2_SETTINGS_SPEC) as V2StartSettings;
    return makeStartHandler({ ...lambdaRuntime(settings), settings, log: console.log });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
