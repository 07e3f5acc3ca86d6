// Which assessment instances outlived any run they could belong to, and how to say so.
import type { Instance } from "@aws-sdk/client-ec2";
import type { TerminationResult } from "./instances";
import type { Notice } from "../report/notice";
import type { RuntimeSettings } from "../run/settings";
import { LAST_ASSESSED_TAG, RUN_TAG, SOURCE_AMI_TAG, VERDICT_TAG, tagMap } from "../run/tags";
import { lastVerdictOf } from "../verdict/verdictTag";

export interface StaleInstance {
    instanceId: string;
    sourceAmi?: string;
    runId?: string;
    state?: string;
    /** ISO 8601. */
    launchTime: string;
    ageSeconds: number;
}

/**
 * How long findings must read the same before they count as settled, when no scan event said how
 * many to expect; also how long past its deadline a run waits for findings of a scan coverage
 * confirmed in time. ListFindings can lag behind coverage (reference section 10); the lag on EC2
 * is not documented, so this is an assumption, set to twice the sweep interval.
 */
export const FINDINGS_SETTLE_SECONDS = 600;

/**
 * The longest a start handler can run: Lambda's maximum function timeout is 900 s (Lambda
 * Developer Guide, "Lambda quotas": "Function timeout 900 seconds (15 minutes)"). Both engines'
 * start handlers launch inside it (Classic also waits agentWaitSeconds there).
 */
export const START_HANDLER_MAX_SECONDS = 900;

/**
 * The analyze sweep's interval (infra/defaults.ts DEFAULTS.sweepSchedule, "rate(5 minutes)"; a test
 * keeps the two equal): a run's last step can wait up to one sweep after its findings settle.
 */
export const SWEEP_INTERVAL_SECONDS = 300;

/**
 * The longest one run can hold its lock and its instances: start's own time (launches happen
 * anywhere inside it) + the assessment duration + the findings settle time past the deadline +
 * one sweep to notice it + the grace for analyze/finalize. The start lock, the preview check that
 * the schedule covers a run, and the reaper's max instance age all use this one number.
 */
export function maxRunSeconds(settings: Pick<RuntimeSettings, "durationSeconds" | "reapGraceSeconds">): number {
    return START_HANDLER_MAX_SECONDS + settings.durationSeconds + FINDINGS_SETTLE_SECONDS + SWEEP_INTERVAL_SECONDS + settings.reapGraceSeconds;
}

/** The reaper terminates instances older than one whole run (maxRunSeconds). */
export function maxInstanceAgeSeconds(settings: Pick<RuntimeSettings, "durationSeconds" | "reapGraceSeconds">): number {
    return maxRunSeconds(settings);
}

/**
 * Instances launched more than `maxAgeSeconds` before `now`, oldest first. One without a launch
 * time cannot be judged and is left alone (EC2 always reports it for a live instance).
 */
export function findStaleInstances(instances: ReadonlyArray<Instance>, now: Date, maxAgeSeconds: number): StaleInstance[] {
    const stale: StaleInstance[] = [];
    for (const instance of instances) {
        if (!instance.InstanceId || !instance.LaunchTime) continue;
        const launchTime = new Date(instance.LaunchTime);
        const ageSeconds = Math.floor((now.getTime() - launchTime.getTime()) / 1000);
        if (ageSeconds <= maxAgeSeconds) continue;
        const tags = tagMap(instance.Tags);
        stale.push({
            instanceId: instance.InstanceId,
            sourceAmi: tags[SOURCE_AMI_TAG],
            runId: tags[RUN_TAG],
            state: instance.State?.Name,
            launchTime: launchTime.toISOString(),
            ageSeconds,
        });
    }
    return stale.sort((a, b) => b.ageSeconds - a.ageSeconds || (a.instanceId < b.instanceId ? -1 : 1));
}

/** "2h 05m" / "45m" / "30s" for people reading a notice. */
export function formatAge(seconds: number): string {
    if (seconds < 60) return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes}m`;
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return hours < 48 ? `${hours}h ${String(rest).padStart(2, "0")}m` : `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** The reaper's notice, or undefined when nothing was stale (nothing to tell). */
export function reapNotice(pipelineName: string, maxAgeSeconds: number, stale: ReadonlyArray<StaleInstance>, termination: TerminationResult): Notice | undefined {
    if (stale.length === 0) return undefined;
    const failedById = new Map(termination.failed.map((failure) => [failure.instanceId, failure.error]));
    const lines = stale.map((instance) => {
        const failure = failedById.get(instance.instanceId);
        const outcome = failure === undefined ? "terminated" : `NOT TERMINATED: ${failure}`;
        return (
            `- ${instance.instanceId} from ${instance.sourceAmi ?? "unknown AMI"}` +
            `${instance.runId ? ` (run ${instance.runId})` : ""}, ${instance.state ?? "state unknown"}, ` +
            `launched ${instance.launchTime}, age ${formatAge(instance.ageSeconds)}: ${outcome}`
        );
    });
    const failedCount = termination.failed.length;
    const subject = failedCount
        ? `[${pipelineName}] could not terminate ${failedCount} of ${stale.length} leftover assessment instances`
        : `[${pipelineName}] terminated ${stale.length} leftover assessment instance${stale.length === 1 ? "" : "s"}`;
    const message = [
        `These assessment instances of pipeline ${pipelineName} were older than ${formatAge(maxAgeSeconds)} ` +
            `(assessment duration + agent wait + findings settle time + grace), longer than any run keeps them, so they were left behind by an earlier run.`,
        "",
        ...lines,
        ...(failedCount ? ["", "Instances not terminated keep running (and costing) until terminated by hand or by the next reaper run."] : []),
    ].join("\n");
    return { subject, message };
}

/** When no schedule interval is configured: the weekly schedule. */
export const DEFAULT_SCHEDULE_INTERVAL_SECONDS = 7 * 24 * 3600;
/** A verdict older than this many schedules is stale. */
export const STALE_AFTER_SCHEDULES = 2;

export interface StaleAmi {
    imageId: string;
    name?: string;
    lastVerdict?: string;
    /** ISO 8601, from the verdict tag's date (or the last-assessed tag); undefined when it never had a verdict. */
    lastAssessedAt?: string;
    detail: string;
}

/**
 * Golden AMIs this run gave no verdict whose last verdict (the verdict tag and its date,
 * as the AMI carried them at launch) is older than `maxAgeSeconds`, or that never had one.
 */
export function findStaleAmis(
    amis: ReadonlyArray<{ imageId: string; name?: string; tags?: Record<string, string> }>,
    verdictNow: (imageId: string) => string | undefined,
    now: Date,
    maxAgeSeconds: number,
): StaleAmi[] {
    const stale: StaleAmi[] = [];
    for (const ami of amis) {
        const verdict = verdictNow(ami.imageId);
        if (verdict === "PASS" || verdict === "FAIL") continue;
        const tags = ami.tags ?? {};
        const { verdict: lastVerdict, at: known } = lastVerdictOf(tags, VERDICT_TAG, LAST_ASSESSED_TAG);
        if (known && now.getTime() - known.getTime() <= maxAgeSeconds * 1000) continue;
        const detail = known
            ? `last verdict ${lastVerdict ?? "unknown"} of ${known.toISOString()}, ${formatAge(Math.floor((now.getTime() - known.getTime()) / 1000))} old (older than ${formatAge(maxAgeSeconds)})`
            : "no verdict on record";
        stale.push({ imageId: ami.imageId, name: ami.name, lastVerdict, lastAssessedAt: known?.toISOString(), detail });
    }
    return stale.sort((a, b) => (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0));
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
