// Hourly safety net: whatever start or analyze failed to clean up is terminated here. On the
// pipeline's deletion (a CRUD-scoped invocation), everything it launched is terminated first.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SNSClient } from "@aws-sdk/client-sns";
import { createEc2Client, createSnsClient } from "../pipeline/run/clients";
import { ReapResult, ReapSettings, reapStaleInstances } from "../pipeline/cleanup/reap";
import { DrainResult, drainPipeline } from "../pipeline/cleanup/drain";
import { readSettings } from "../pipeline/run/settings";

export const REAPER_SETTINGS = ["pipelineName", "resultsTopicArn", "durationSeconds", "agentWaitSeconds", "reapGraceSeconds"] as const;

export type ReaperSettings = ReapSettings;
export type ReaperResult = ReapResult;

export interface ReaperDeps {
    ec2: EC2Client;
    sns: SNSClient;
    settings: ReaperSettings;
    now: () => Date;
    log?: (...args: unknown[]) => void;
    sleep?: (ms: number) => Promise<void>;
}

/** What Pulumi's CRUD-scoped Lambda invocation adds to the event: its lifecycle action. */
export interface LifecycleEvent {
    tf?: { action?: "create" | "update" | "delete" };
}

export type LifecycleResult = { lifecycle: "create" | "update"; note: string } | ({ lifecycle: "delete" } & DrainResult);

/** How long a delete-time drain waits for instances to shut down, inside the reaper's 300 s timeout. */
export const DRAIN_WAIT_MS = 240_000;

export function makeReaperHandler(deps: ReaperDeps): (event?: LifecycleEvent) => Promise<ReaperResult | LifecycleResult> {
    return async (event) => {
        const action = event?.tf?.action;
        if (action === "create" || action === "update") return { lifecycle: action, note: "nothing to do until the pipeline is deleted" };
        if (action === "delete") {
            const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
            const drained = await drainPipeline(deps.ec2, deps.sns, deps.settings, { now: deps.now, sleep, deadlineMs: deps.now().getTime() + DRAIN_WAIT_MS });
            deps.log?.(JSON.stringify({ lifecycle: "delete", terminated: drained.termination.terminated, failed: drained.termination.failed, stillLive: drained.stillLive }));
            return { lifecycle: "delete", ...drained };
        }
        const result = await reapStaleInstances(deps.ec2, deps.sns, deps.settings, deps.now());
        deps.log?.(
            JSON.stringify({
                live: result.liveCount,
                maxAgeSeconds: result.maxAgeSeconds,
                stale: result.stale.map((instance) => instance.instanceId),
                terminated: result.termination.terminated,
                failed: result.termination.failed,
            }),
        );
        return result;
    };
}

/** Runs once per container: settings and clients are shared by every invocation. */
export function reaperHandlerFactory(): (event?: LifecycleEvent) => Promise<ReaperResult | LifecycleResult> {
    const settings = readSettings(process.env, REAPER_SETTINGS);
    return makeReaperHandler({
        ec2: createEc2Client(),
        sns: createSnsClient(),
        settings,
        now: () => new Date(),
        log: console.log,
    });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
