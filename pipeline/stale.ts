// Which assessment instances outlived any run they could belong to, and how to say so.
import type { Instance } from "@aws-sdk/client-ec2";
import type { TerminationResult } from "./instances";
import type { Notice } from "./notice";
import type { RuntimeSettings } from "./settings";
import { RUN_TAG, SOURCE_AMI_TAG, tagMap } from "./tags";

export interface StaleInstance {
    instanceId: string;
    sourceAmi?: string;
    runId?: string;
    state?: string;
    /** ISO 8601. */
    launchTime: string;
    ageSeconds: number;
}

/** No run keeps an instance longer than agent wait + assessment duration; the grace covers analyze. */
export function maxInstanceAgeSeconds(settings: Pick<RuntimeSettings, "durationSeconds" | "agentWaitSeconds" | "reapGraceSeconds">): number {
    return settings.durationSeconds + settings.agentWaitSeconds + settings.reapGraceSeconds;
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
            `(assessment duration + agent wait + grace), longer than any run keeps them, so they were left behind by an earlier run.`,
        "",
        ...lines,
        ...(failedCount ? ["", "Instances not terminated keep running (and costing) until terminated by hand or by the next reaper run."] : []),
    ].join("\n");
    return { subject, message };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
