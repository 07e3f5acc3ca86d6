// One assessment instance per golden AMI, a few at a time; each AMI ends up with a record of
// what happened to it, which start reports and hands to analyze in the manifest.
import type { EC2Client, Image } from "@aws-sdk/client-ec2";
import { mapWithConcurrency } from "../run/concurrency";
import { LaunchProfile, planLaunch } from "./launch";
import { tagMap } from "../run/tags";
import { launchInstance } from "./launchInstance";
import type { AmiRecord } from "../run/manifest";

/** Parallel RunInstances calls: quick for a handful of AMIs without tripping EC2's request rate. */
export const LAUNCH_CONCURRENCY = 5;

export interface AmiLaunchOptions {
    pipelineName: string;
    runId: string;
    instanceTypes: Record<string, string>;
    subnetIds: ReadonlyArray<string>;
    securityGroupId: string;
    profile: LaunchProfile;
    /** Called as soon as an instance exists, so a caller cleaning up after a failure knows it. */
    onLaunched: (instanceId: string) => void;
}

/** What the manifest keeps of an AMI, before anything is launched from it. */
export function amiRecord(image: Image): Omit<AmiRecord, "status"> {
    return {
        imageId: image.ImageId!,
        name: image.Name,
        architecture: image.Architecture,
        platform: image.PlatformDetails ?? image.Platform,
        tags: tagMap(image.Tags),
        // Only when known, so records of AMIs without them stay as they were.
        ...(image.OwnerId ? { ownerId: image.OwnerId } : {}),
        ...(image.DeprecationTime ? { deprecationTime: image.DeprecationTime } : {}),
        ...(encryptedSnapshots(image) ? { encryptedSnapshotIds: encryptedSnapshots(image) } : {}),
    };
}

function encryptedSnapshots(image: Image): string[] | undefined {
    const ids = (image.BlockDeviceMappings ?? []).filter((mapping) => mapping.Ebs?.Encrypted && mapping.Ebs.SnapshotId).map((mapping) => mapping.Ebs!.SnapshotId!);
    return ids.length > 0 ? ids : undefined;
}

/** Launches for every AMI; a failed launch is recorded as LAUNCH_FAILED with its reason, never thrown. */
export async function launchForAmis(ec2: EC2Client, images: ReadonlyArray<Image>, options: AmiLaunchOptions): Promise<AmiRecord[]> {
    const context = { pipelineName: options.pipelineName, runId: options.runId, instanceTypes: options.instanceTypes, profile: options.profile };
    const placement = { runId: options.runId, subnetIds: options.subnetIds, securityGroupId: options.securityGroupId };
    return mapWithConcurrency(images, LAUNCH_CONCURRENCY, async (image): Promise<AmiRecord> => {
        const record = amiRecord(image);
        const planned = planLaunch(image, context);
        if ("error" in planned) return { ...record, status: "LAUNCH_FAILED", reason: planned.error };
        const launched = await launchInstance(ec2, planned.plan, placement);
        if ("error" in launched) return { ...record, status: "LAUNCH_FAILED", reason: launched.error };
        options.onLaunched(launched.instanceId);
        return { ...record, status: "ASSESSING", instanceId: launched.instanceId };
    });
}

/** The records with every instance whose agent is not healthy marked AGENT_UNHEALTHY, with why. */
export function markUnhealthyAgents(amis: ReadonlyArray<AmiRecord>, unhealthy: ReadonlyArray<{ instanceId: string; reason: string }>): AmiRecord[] {
    const reasonById = new Map(unhealthy.map((agent) => [agent.instanceId, agent.reason]));
    return amis.map((ami) => {
        const reason = ami.instanceId === undefined ? undefined : reasonById.get(ami.instanceId);
        return reason === undefined ? ami : { ...ami, status: "AGENT_UNHEALTHY", reason };
    });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
