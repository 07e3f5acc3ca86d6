// Hourly safety net: whatever start or analyze failed to clean up is terminated here.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SNSClient } from "@aws-sdk/client-sns";
import { createEc2Client, createSnsClient } from "../pipeline/clients";
import { ReapResult, ReapSettings, reapStaleInstances } from "../pipeline/reap";
import { readSettings } from "../pipeline/settings";

export const REAPER_SETTINGS = ["pipelineName", "resultsTopicArn", "durationSeconds", "agentWaitSeconds", "reapGraceSeconds"] as const;

export type ReaperSettings = ReapSettings;
export type ReaperResult = ReapResult;

export interface ReaperDeps {
    ec2: EC2Client;
    sns: SNSClient;
    settings: ReaperSettings;
    now: () => Date;
    log?: (...args: unknown[]) => void;
}

export function makeReaperHandler(deps: ReaperDeps): (event?: unknown) => Promise<ReaperResult> {
    return async () => {
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
export function reaperHandlerFactory(): (event?: unknown) => Promise<ReaperResult> {
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
