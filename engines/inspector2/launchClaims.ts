// Before a v2 run launches (scheduled or published): claim each AMI (no AMI assessed twice at
// once) and an instance slot for each (maxConcurrentInstances across every open run). What could
// not be claimed waits, saying why; the claims live as long as the run can (maxRunSeconds).
import { amiRecord } from "../../pipeline/launch/amiLaunches";
import { ClaimedLaunches, LaunchClaims, claimLaunches } from "../../pipeline/launch/slots";
import { DEFAULT_MAX_CONCURRENT_INSTANCES } from "../../pipeline/launch/waves";
import { maxRunSeconds } from "../../pipeline/cleanup/stale";
import type { AmiRecord } from "../../pipeline/run/manifest";
import { retrying } from "../../pipeline/run/retryable";
import type { AssessmentPlan, V2StartDeps } from "./startContract";

/** ISO 8601: when a run started now can no longer be open (its lock and claims expire then). */
export function runExpiry(deps: Pick<V2StartDeps, "settings" | "now">): string {
    const { settings } = deps;
    const seconds = maxRunSeconds({ durationSeconds: settings.durationSeconds, reapGraceSeconds: settings.reapGraceSeconds ?? 0 });
    return new Date(deps.now().getTime() + seconds * 1000).toISOString();
}

/** Pure: the records of AMIs that wait, with why (another open run has them, or every slot is taken). */
export function waitingRecords(claimed: Pick<ClaimedLaunches, "busy" | "noSlot">, maxConcurrentInstances: number): AmiRecord[] {
    const busy = claimed.busy.map(({ image, by }): AmiRecord => ({
        ...amiRecord(image),
        status: "WAITING",
        reason: `being assessed by another open run (${by.holder}, open until ${by.expiresAt} at the latest); an AMI is never assessed twice at once`,
    }));
    const noSlot = claimed.noSlot.map((image): AmiRecord => ({
        ...amiRecord(image),
        status: "WAITING",
        reason: `waiting for a later run: all ${maxConcurrentInstances} instance slots (maxConcurrentInstances) are taken by open runs`,
    }));
    return [...busy, ...noSlot];
}

/** The plan with only what this run holds left to launch; the rest settled as WAITING. */
export async function claimPlan(deps: V2StartDeps, runId: string, plan: AssessmentPlan): Promise<{ plan: AssessmentPlan; claims: LaunchClaims; busy: ClaimedLaunches["busy"] }> {
    const { settings } = deps;
    const maxConcurrentInstances = settings.maxConcurrentInstances ?? DEFAULT_MAX_CONCURRENT_INSTANCES;
    const claimed = await claimLaunches(retrying(deps.s3, { sleep: deps.sleep }), plan.toLaunch, {
        bucket: settings.reportBucket,
        reportPrefix: settings.reportPrefix,
        holder: runId,
        expiresAt: runExpiry(deps),
        now: deps.now(),
        maxConcurrentInstances,
    });
    return {
        plan: { ...plan, settled: [...plan.settled, ...waitingRecords(claimed, maxConcurrentInstances)], toLaunch: claimed.granted },
        claims: claimed.claims,
        busy: claimed.busy,
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
