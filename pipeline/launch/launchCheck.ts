// An instance can die seconds after RunInstances succeeded: most often because the AMI's snapshots
// are encrypted with a KMS key the launching role may not use. Waiting briefly for each new
// instance to leave "pending" turns that into LAUNCH_FAILED with the reason, not a silent gap.
import { DescribeInstancesCommand, EC2Client, Instance } from "@aws-sdk/client-ec2";
import { terminateInstances } from "../cleanup/instances";
import { errorText, withErrorCode } from "../run/errors";
import type { AmiRecord } from "../run/manifest";
import { isTransientError } from "../run/retryable";

/** EC2 settles a launch (running, or terminated with a reason) within about a minute. */
export const LAUNCH_CHECK_SECONDS = 90;
export const LAUNCH_CHECK_INTERVAL_SECONDS = 10;
/** Well inside DescribeInstances' limit on instance IDs per call. */
const IDS_PER_CALL = 200;
const DEAD_STATES = ["shutting-down", "terminated", "stopping", "stopped"];

export interface LaunchCheckOptions {
    sleep: (ms: number) => Promise<void>;
    /** The KMS keys the start role may use (kmsKeyArns), for the reason text. */
    kmsKeyArns: ReadonlyArray<string>;
    waitSeconds?: number;
    log?: (...args: unknown[]) => void;
}

/** Why an instance that died at launch did; names the KMS remedy when its AMI has encrypted snapshots. Pure. */
export function launchDeathReason(ami: AmiRecord, instance: Instance, kmsKeyArns: ReadonlyArray<string>): string {
    const state = instance.State?.Name ?? "unknown";
    const base = `instance ${instance.InstanceId} was ${state} right after launch (${withErrorCode(instance.StateReason?.Code ?? "no reason given", instance.StateReason?.Message)})`;
    if (!ami.encryptedSnapshotIds?.length) return base;
    const granted = kmsKeyArns.length > 0 ? `the keys it may use are ${kmsKeyArns.join(", ")}` : "kmsKeyArns is empty, so it may use none";
    return (
        `${base}; its snapshots (${ami.encryptedSnapshotIds.join(", ")}) are encrypted, and if with a customer-managed KMS key, ` +
        `the start role needs that key: add its ARN to kmsKeyArns (${granted})`
    );
}

/**
 * The records, with every instance that died at launch marked LAUNCH_FAILED; one that merely
 * stopped is terminated too, so nothing the run gave up on stays behind. Never throws.
 */
export async function confirmLaunches(ec2: EC2Client, amis: AmiRecord[], options: LaunchCheckOptions): Promise<AmiRecord[]> {
    const waitMs = (options.waitSeconds ?? LAUNCH_CHECK_SECONDS) * 1000;
    const dead = new Map<string, Instance>();
    let pending = amis.filter((ami) => ami.status === "ASSESSING" && ami.instanceId).map((ami) => ami.instanceId!);
    for (let waited = 0; pending.length > 0; waited += LAUNCH_CHECK_INTERVAL_SECONDS * 1000) {
        const states = await describeStates(ec2, pending, options.log);
        if (states === "give-up") break;
        if (states !== "retry") {
            for (const instance of states) if (DEAD_STATES.includes(instance.State?.Name ?? "")) dead.set(instance.InstanceId!, instance);
            // Only an instance seen pending is waited for; one EC2 did not return is taken as launched.
            const stillPending = new Set(states.filter((instance) => instance.State?.Name === "pending").map((instance) => instance.InstanceId!));
            pending = pending.filter((id) => stillPending.has(id));
        }
        if (pending.length === 0 || waited >= waitMs) break;
        await options.sleep(LAUNCH_CHECK_INTERVAL_SECONDS * 1000);
    }
    const unterminated = [...dead.values()].filter((instance) => instance.State?.Name !== "terminated").map((instance) => instance.InstanceId!);
    if (unterminated.length > 0) {
        const result = await terminateInstances(ec2, unterminated);
        if (result.failed.length > 0) options.log?.("could not terminate instances that died at launch; the reaper will", JSON.stringify(result.failed));
    }
    return amis.map((ami) => {
        const instance = ami.instanceId === undefined ? undefined : dead.get(ami.instanceId);
        return instance && ami.status === "ASSESSING" ? { ...ami, status: "LAUNCH_FAILED", reason: launchDeathReason(ami, instance, options.kmsKeyArns) } : ami;
    });
}

/** This round's states; an instance EC2 does not know yet (eventual consistency) or a throttle just means "ask again". */
async function describeStates(ec2: EC2Client, ids: string[], log?: (...args: unknown[]) => void): Promise<Instance[] | "retry" | "give-up"> {
    const found: Instance[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
        try {
            const page = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids.slice(i, i + IDS_PER_CALL) }));
            for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []));
        } catch (error) {
            const name = (error as { name?: string }).name ?? "";
            if (isTransientError(error) || name.startsWith("InvalidInstanceID")) return "retry";
            log?.("could not check the new instances' states; trusting the launches", errorText(error));
            return "give-up";
        }
    }
    return found;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
