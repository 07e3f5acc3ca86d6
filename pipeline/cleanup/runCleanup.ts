// Terminating everything one start invocation launched: the IDs it remembers plus whatever
// carries its run tag, so an instance whose RunInstances answer was lost is not forgotten.
import type { EC2Client } from "@aws-sdk/client-ec2";
import { TerminationResult, findPipelineInstances, terminateInstances } from "./instances";
import { errorText } from "../run/errors";
import { RUN_TAG } from "../run/tags";

export interface RunCleanup extends TerminationResult {
    /** Set when the by-tag lookup failed; the remembered IDs were still terminated. */
    lookupError?: string;
}

/** Never throws: it runs on failure paths, where the original error must survive. */
export async function terminateRunInstances(
    ec2: EC2Client,
    pipelineName: string,
    runId: string,
    knownInstanceIds: ReadonlyArray<string>,
): Promise<RunCleanup> {
    let tagged: string[] = [];
    let lookupError: string | undefined;
    try {
        const found = await findPipelineInstances(ec2, pipelineName, { [RUN_TAG]: runId });
        tagged = found.map((instance) => instance.InstanceId).filter((id): id is string => !!id);
    } catch (error) {
        lookupError = errorText(error);
    }
    const ids = [...new Set([...knownInstanceIds, ...tagged])];
    try {
        const result = await terminateInstances(ec2, ids);
        return lookupError ? { ...result, lookupError } : result;
    } catch (error) {
        // terminateInstances reports per-ID failures itself; this is only a last guard.
        return { terminated: [], failed: ids.map((instanceId) => ({ instanceId, error: errorText(error) })), lookupError };
    }
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
