// Finding and terminating the instances this pipeline launched. Always by tag, never by memory:
// a crashed invocation must not leave anything running.
import { errorText } from "../run/errors";
import { DescribeInstancesCommand, EC2Client, Filter, Instance, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { PIPELINE_TAG } from "../run/tags";

/** TerminateInstances accepts many IDs, but a smaller batch keeps one bad ID from sinking many. */
export const TERMINATE_BATCH = 100;
/** States in which an instance still costs money or may yet run. */
export const LIVE_STATES = ["pending", "running", "stopping", "stopped"];

/** All live instances carrying this pipeline's tag, plus any extra tag filters (e.g. a run id). */
export async function findPipelineInstances(
    ec2: EC2Client,
    pipelineName: string,
    extraTags: Record<string, string> = {},
): Promise<Instance[]> {
    const filters: Filter[] = [
        { Name: `tag:${PIPELINE_TAG}`, Values: [pipelineName] },
        { Name: "instance-state-name", Values: LIVE_STATES },
        ...Object.entries(extraTags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
    ];
    const instances: Instance[] = [];
    let nextToken: string | undefined;
    do {
        const page = await ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken: nextToken, MaxResults: 1000 }));
        for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
        nextToken = page.NextToken;
    } while (nextToken);
    return instances;
}

export interface TerminationResult {
    terminated: string[];
    failed: { instanceId: string; error: string }[];
}

/**
 * Terminates in batches and keeps going past a failed batch; the caller reports `failed`.
 * A failed batch is retried one ID at a time so one bad ID does not shield the others.
 */
export async function terminateInstances(ec2: EC2Client, instanceIds: string[]): Promise<TerminationResult> {
    const result: TerminationResult = { terminated: [], failed: [] };
    const unique = [...new Set(instanceIds)];
    for (let i = 0; i < unique.length; i += TERMINATE_BATCH) {
        const batch = unique.slice(i, i + TERMINATE_BATCH);
        try {
            await ec2.send(new TerminateInstancesCommand({ InstanceIds: batch }));
            result.terminated.push(...batch);
        } catch (batchError) {
            if (batch.length === 1) {
                result.failed.push({ instanceId: batch[0], error: errorText(batchError) });
                continue;
            }
            for (const instanceId of batch) {
                try {
                    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
                    result.terminated.push(instanceId);
                } catch (error) {
                    result.failed.push({ instanceId, error: errorText(error) });
                }
            }
        }
    }
    return result;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
