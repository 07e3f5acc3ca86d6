// The spoke's side of the hub: after its own report is delivered, analyze sends the run summary to
// the hub's bucket (the only cross-account write), keyed by run so a duplicate overwrites itself.
// A failure never costs the report: the hub-sent marker stays missing and the next sweep resends.
import type { S3Client } from "@aws-sdk/client-s3";
import type { AssessmentReport } from "../report/report";
import { historyKeys } from "../report/reportHistory";
import { putText } from "../report/reportStore";
import { errorText } from "../run/errors";
import { putIfAbsent, readJson } from "../run/runState";
import { hubSentKey, hubSpokeKeys, runSummary } from "./summary";

/** Where this spoke sends its summaries; unset when the stack has no hub. */
export interface HubTarget {
    bucket: string;
    /** spokes/<account>/<region>/: the only prefix the hub's bucket policy admits this spoke's analyze role to. */
    prefix: string;
    /** The per-run email to the results topic; off by default when a hub exists (the digest replaces it). */
    perRunEmails: boolean;
}

export const HUB_ENV = { bucket: "HUB_BUCKET", prefix: "HUB_PREFIX", perRunEmails: "PER_RUN_EMAILS" } as const;

/** The component sets all three or none; a half-set hub fails loudly on the first invocation. */
export function readHubTarget(env: Record<string, string | undefined>): HubTarget | undefined {
    const bucket = env[HUB_ENV.bucket];
    const prefix = env[HUB_ENV.prefix];
    if (!bucket && !prefix) return undefined;
    if (!bucket || !prefix || !/^spokes\/[^/]+\/[^/]+\/$/.test(prefix)) throw new Error(`${HUB_ENV.bucket} and ${HUB_ENV.prefix} (spokes/<account>/<region>/) must both be set, got ${bucket ?? "unset"} and ${prefix ?? "unset"}`);
    return { bucket, prefix, perRunEmails: env[HUB_ENV.perRunEmails] === "true" };
}

/** The spoke's account, from its prefix (spokes/<account>/<region>/): the summary says the account its prefix admits. */
export function accountOfPrefix(prefix: string): string {
    return prefix.split("/")[1];
}

export function hubTargetEnv(target: HubTarget): Record<string, string> {
    return { [HUB_ENV.bucket]: target.bucket, [HUB_ENV.prefix]: target.prefix, [HUB_ENV.perRunEmails]: String(target.perRunEmails) };
}

export type HubDelivery = { status: "sent" | "already-sent" | "no-hub" } | { status: "failed"; error: string };

/** Sends one delivered run's summary, once per hub-sent marker; the run's summary and the spoke's latest. */
export async function sendRunSummary(s3: S3Client, hub: HubTarget, report: AssessmentReport): Promise<HubDelivery> {
    const { bucket, jsonKey } = report.location;
    const sent = hubSentKey(jsonKey);
    if (await readJson(s3, bucket, sent)) return { status: "already-sent" };
    const summary = JSON.stringify(runSummary(report, accountOfPrefix(hub.prefix)));
    const keys = hubSpokeKeys(hub.prefix, report.runArnId);
    await putText(s3, hub.bucket, keys.summary, summary, "application/json");
    // The hub's index reads only this one object per spoke. Only the newest run is ever sent or resent, so it never goes back.
    await putText(s3, hub.bucket, keys.latest, summary, "application/json");
    await putIfAbsent(s3, bucket, sent, JSON.stringify({ run: report.runArnId, hub: hub.bucket }));
    return { status: "sent" };
}

/** After delivery: never throws, so a hub that is down costs neither the report nor the run's housekeeping. */
export async function deliverToHub(s3: S3Client, hub: HubTarget | undefined, report: AssessmentReport): Promise<HubDelivery> {
    if (!hub) return { status: "no-hub" };
    try {
        return await sendRunSummary(s3, hub, report);
    } catch (error) {
        return { status: "failed", error: errorText(error) };
    }
}

/**
 * The sweep's retry: the spoke's newest delivered report, sent if its hub-sent marker is missing.
 * Two reads when all is well (the latest pointer, the marker). An older unsent run is not resent:
 * the hub shows each spoke's latest run, which supersedes it.
 */
export async function resendLatestSummary(s3: S3Client, hub: HubTarget | undefined, spoke: { reportBucket: string; reportPrefix: string }): Promise<HubDelivery> {
    if (!hub) return { status: "no-hub" };
    try {
        const pointer = await readJson<{ jsonKey?: string }>(s3, spoke.reportBucket, historyKeys(spoke.reportPrefix).latest);
        const jsonKey = pointer?.value.jsonKey;
        if (!jsonKey || (await readJson(s3, spoke.reportBucket, hubSentKey(jsonKey)))) return { status: "already-sent" };
        const report = (await readJson<AssessmentReport>(s3, spoke.reportBucket, jsonKey))?.value;
        if (!report) return { status: "already-sent" };
        return await deliverToHub(s3, hub, report);
    } catch (error) {
        return { status: "failed", error: errorText(error) };
    }
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
