// Terminating instances left behind by earlier runs. Shared by the hourly reaper and by start,
// which clears leftovers before launching a new set.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SNSClient } from "@aws-sdk/client-sns";
import { TerminationResult, findPipelineInstances, terminateInstances } from "./instances";
import { publishNotice } from "../report/notify";
import type { RuntimeSettings } from "../run/settings";
import { StaleInstance, findStaleInstances, maxInstanceAgeSeconds, reapNotice } from "./stale";

export type ReapSettings = Pick<RuntimeSettings, "pipelineName" | "resultsTopicArn" | "durationSeconds" | "agentWaitSeconds" | "reapGraceSeconds">;

export interface ReapResult {
    maxAgeSeconds: number;
    /** Live pipeline instances seen, stale or not. */
    liveCount: number;
    stale: StaleInstance[];
    termination: TerminationResult;
    /** Whether a notice went out (only when something was stale). */
    notified: boolean;
}

/** Finds this pipeline's stale instances, terminates them, and publishes what it did (nothing if none). */
export async function reapStaleInstances(ec2: EC2Client, sns: SNSClient, settings: ReapSettings, now: Date): Promise<ReapResult> {
    const maxAgeSeconds = maxInstanceAgeSeconds(settings);
    const live = await findPipelineInstances(ec2, settings.pipelineName);
    const stale = findStaleInstances(live, now, maxAgeSeconds);
    const termination = await terminateInstances(
        ec2,
        stale.map((instance) => instance.instanceId),
    );
    const notice = reapNotice(settings.pipelineName, maxAgeSeconds, stale, termination);
    if (notice) await publishNotice(sns, settings.resultsTopicArn, notice.subject, notice.message);
    return { maxAgeSeconds, liveCount: live.length, stale, termination, notified: notice !== undefined };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
