// Terminating everything a pipeline launched, whatever its age: what `pulumi destroy` (or removing
// a region) needs before the security group and the Lambdas that would clean up are deleted.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SNSClient } from "@aws-sdk/client-sns";
import { TerminationResult, findPipelineInstances, terminateInstances } from "./instances";
import { publishNotice } from "../report/notify";

/** Poll interval while instances shut down; termination takes a minute or two. */
export const DRAIN_POLL_MS = 15_000;

export interface DrainResult {
    termination: TerminationResult;
    /** Instances still not terminated when the wait ended (the security group delete then waits on them). */
    stillLive: string[];
    polls: number;
}

export async function drainPipeline(
    ec2: EC2Client,
    sns: SNSClient,
    settings: { pipelineName: string; resultsTopicArn: string },
    options: { now: () => Date; sleep: (ms: number) => Promise<void>; deadlineMs: number },
): Promise<DrainResult> {
    const live = await findPipelineInstances(ec2, settings.pipelineName);
    const termination = await terminateInstances(ec2, live.map((i) => i.InstanceId ?? "").filter(Boolean));
    let stillLive = live.map((i) => i.InstanceId!).filter(Boolean);
    let polls = 0;
    // Bounded by count as well as by clock, so a stuck clock cannot make it spin.
    const maxPolls = Math.max(0, Math.ceil((options.deadlineMs - options.now().getTime()) / DRAIN_POLL_MS));
    // "shutting-down" is not a live state; wait until none is pending, running, stopping or stopped.
    while (stillLive.length > 0 && polls < maxPolls && options.now().getTime() < options.deadlineMs) {
        await options.sleep(DRAIN_POLL_MS);
        polls++;
        stillLive = (await findPipelineInstances(ec2, settings.pipelineName)).map((i) => i.InstanceId!).filter(Boolean);
    }
    if (live.length > 0) {
        const lines = [
            `The pipeline ${settings.pipelineName} is being deleted (pulumi destroy, or its region removed): every instance it launched was terminated first.`,
            `Terminated: ${termination.terminated.join(", ") || "none"}`,
            ...termination.failed.map((f) => `NOT TERMINATED (terminate by hand): ${f.instanceId}: ${f.error}`),
            ...(stillLive.length ? [`Still shutting down when the wait ended: ${stillLive.join(", ")}`] : []),
        ];
        await publishNotice(sns, settings.resultsTopicArn, `[${settings.pipelineName}] terminated ${termination.terminated.length} instance(s) before deletion`, lines.join("\n"));
    }
    return { termination, stillLive, polls };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
