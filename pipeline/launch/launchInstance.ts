// Launching one assessment instance, moving to the next subnet (another AZ) when the first
// has no capacity for the type.
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { errorText } from "../run/errors";
import { LaunchPlan, launchClientToken, runInstancesInput } from "./launch";

/**
 * Errors that another subnet may not have: no capacity for the type in this AZ, or the type is
 * not offered in this AZ at all ("Unsupported"). Anything else would fail the same everywhere.
 */
export const NEXT_SUBNET_ERRORS = ["InsufficientInstanceCapacity", "Unsupported"];

export interface LaunchPlacementOptions {
    runId: string;
    subnetIds: ReadonlyArray<string>;
    securityGroupId: string;
}

export type LaunchInstanceResult = { instanceId: string; subnetId: string } | { error: string };

/** Never throws: a failed launch is a value, so one bad AMI cannot stop the others. */
export async function launchInstance(ec2: EC2Client, plan: LaunchPlan, options: LaunchPlacementOptions): Promise<LaunchInstanceResult> {
    if (options.subnetIds.length === 0) return { error: "no subnets configured" };
    const attempts: string[] = [];
    for (let attempt = 0; attempt < options.subnetIds.length; attempt++) {
        const subnetId = options.subnetIds[attempt];
        try {
            const input = runInstancesInput(plan, {
                subnetId,
                securityGroupId: options.securityGroupId,
                clientToken: launchClientToken(options.runId, plan.imageId, attempt),
            });
            const response = await ec2.send(new RunInstancesCommand(input));
            const instanceId = response.Instances?.[0]?.InstanceId;
            if (!instanceId) return { error: `RunInstances in ${subnetId} returned no instance` };
            return { instanceId, subnetId };
        } catch (error) {
            attempts.push(`${subnetId}: ${errorText(error)}`);
            const name = (error as { name?: string } | undefined)?.name ?? "";
            if (!NEXT_SUBNET_ERRORS.includes(name)) break;
        }
    }
    return { error: attempts.join("; ") };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
