// What to launch for one golden AMI, decided without calling AWS: instance type, tags,
// and the RunInstances request itself.
import type { Image, RunInstancesCommandInput, Tag } from "@aws-sdk/client-ec2";
import { INSTANCE_TYPE_OVERRIDE_TAG, PIPELINE_TAG, RUN_TAG, SOURCE_AMI_TAG, TAG_PREFIX, tagMap } from "../run/tags";

/** EC2 refuses more than 50 tags on one resource. */
export const EC2_TAG_LIMIT = 50;
/** ClientToken is at most 64 ASCII characters. */
export const CLIENT_TOKEN_MAX = 64;

/**
 * Inspector v2 does not scan an instance carrying this tag key (coverage EXCLUDED_BY_TAG; user
 * guide, "Excluding instances from scans"; reference section 10). Matched in any case: fail closed.
 */
export const INSPECTOR_EXCLUSION_TAG = "InspectorEc2Exclusion";

/**
 * Our tags first, then the AMI's own tags in key order until EC2's limit is reached.
 * Skipped: keys under aws: (EC2 refuses to set them), keys we set ourselves (ours win), keys
 * under our prefix (the AMI's last verdict or type override says nothing about this instance),
 * and Inspector's exclusion tag (the instance exists to be scanned).
 */
export function assessmentInstanceTags(ownTags: Record<string, string>, amiTags: Record<string, string>): Tag[] {
    const tags: Tag[] = Object.entries(ownTags).map(([Key, Value]) => ({ Key, Value }));
    const copyable = Object.keys(amiTags)
        .filter((key) => !key.toLowerCase().startsWith("aws:") && !key.startsWith(TAG_PREFIX) && !(key in ownTags))
        .filter((key) => key.toLowerCase() !== INSPECTOR_EXCLUSION_TAG.toLowerCase())
        .sort();
    for (const key of copyable) {
        if (tags.length >= EC2_TAG_LIMIT) break;
        tags.push({ Key: key, Value: amiTags[key] });
    }
    return tags.slice(0, EC2_TAG_LIMIT);
}

export type InstanceTypeChoice = { instanceType: string } | { error: string };

/**
 * The AMI's override tag wins if it names one of the configured instance types (the start role
 * may launch only those: ec2:InstanceType in infra/policies.ts); otherwise the type
 * configured for its architecture.
 */
export function chooseInstanceType(image: Image, instanceTypes: Record<string, string>): InstanceTypeChoice {
    const override = tagMap(image.Tags)[INSTANCE_TYPE_OVERRIDE_TAG]?.trim();
    if (override) {
        const allowed = [...new Set(Object.values(instanceTypes))].sort();
        if (allowed.includes(override)) return { instanceType: override };
        return {
            error:
                `the AMI's ${INSTANCE_TYPE_OVERRIDE_TAG} tag asks for ${override}, which is not a configured instance type (${allowed.join(", ") || "none"}); ` +
                "the start role may launch only those: configure it in instanceTypes or remove the tag",
        };
    }
    const architecture = image.Architecture ?? "unknown";
    const configured = instanceTypes[architecture];
    if (configured) return { instanceType: configured };
    return {
        error: `no instance type for architecture ${architecture} (configured: ${Object.keys(instanceTypes).join(", ") || "none"}); tag the AMI with ${INSTANCE_TYPE_OVERRIDE_TAG}`,
    };
}

/**
 * Same run + AMI + subnet gives the same token, so an SDK retry of a RunInstances whose answer
 * was lost does not launch a second instance. The subnet attempt is part of it because EC2
 * rejects a reused token with different parameters.
 */
export function launchClientToken(runId: string, imageId: string, subnetAttempt: number): string {
    return `${runId}.${imageId}.${subnetAttempt}`.slice(0, CLIENT_TOKEN_MAX);
}

/** What the engine needs on its instances: Classic's agent via user data and IMDSv1, v2's SSM instance profile and IMDSv2. */
export interface LaunchProfile {
    /** Base64 user data for the AMI's platform, if the engine needs any. */
    userData?: (platform: string | undefined) => string;
    httpTokens: "optional" | "required";
    instanceProfileArn?: string;
}

export interface LaunchPlan {
    imageId: string;
    instanceType: string;
    rootDeviceName: string;
    platform?: string;
    tags: Tag[];
    profile: LaunchProfile;
}

export interface LaunchContext {
    pipelineName: string;
    runId: string;
    instanceTypes: Record<string, string>;
    profile: LaunchProfile;
}

export type LaunchPlanResult = { plan: LaunchPlan } | { error: string };

/** Everything about the launch that depends on the AMI alone, or why it cannot be launched. */
export function planLaunch(image: Image, context: LaunchContext): LaunchPlanResult {
    const imageId = image.ImageId;
    if (!imageId) return { error: "DescribeImages returned an image without an ImageId" };
    const choice = chooseInstanceType(image, context.instanceTypes);
    if ("error" in choice) return { error: choice.error };
    // The root volume must be an EBS volume we can encrypt; instance-store roots are legacy.
    if (image.RootDeviceType === "instance-store") return { error: "instance-store root device: cannot launch with an encrypted EBS root volume" };
    if (!image.RootDeviceName) return { error: "the AMI has no root device name" };
    const ownTags = { [PIPELINE_TAG]: context.pipelineName, [RUN_TAG]: context.runId, [SOURCE_AMI_TAG]: imageId };
    return {
        plan: {
            imageId,
            instanceType: choice.instanceType,
            rootDeviceName: image.RootDeviceName,
            platform: image.Platform,
            tags: assessmentInstanceTags(ownTags, tagMap(image.Tags)),
            profile: context.profile,
        },
    };
}

export interface LaunchPlacement {
    subnetId: string;
    securityGroupId: string;
    clientToken: string;
}

export function runInstancesInput(plan: LaunchPlan, placement: LaunchPlacement): RunInstancesCommandInput {
    return {
        ImageId: plan.imageId,
        InstanceType: plan.instanceType as RunInstancesCommandInput["InstanceType"],
        MinCount: 1,
        MaxCount: 1,
        ClientToken: placement.clientToken,
        SubnetId: placement.subnetId,
        SecurityGroupIds: [placement.securityGroupId],
        ...(plan.profile.userData ? { UserData: plan.profile.userData(plan.platform) } : {}),
        ...(plan.profile.instanceProfileArn ? { IamInstanceProfile: { Arn: plan.profile.instanceProfileArn } } : {}),
        // A forgotten instance shuts itself down for good rather than lingering stopped.
        InstanceInitiatedShutdownBehavior: "terminate",
        // Size and snapshot come from the AMI; only encryption and cleanup are imposed.
        BlockDeviceMappings: [{ DeviceName: plan.rootDeviceName, Ebs: { Encrypted: true, DeleteOnTermination: true } }],
        // Explicit, because an AMI (ImdsSupport v2.0) or account default may differ from what the engine needs.
        MetadataOptions: { HttpTokens: plan.profile.httpTokens, HttpEndpoint: "enabled" },
        TagSpecifications: [
            { ResourceType: "instance", Tags: plan.tags },
            { ResourceType: "volume", Tags: plan.tags },
        ],
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
