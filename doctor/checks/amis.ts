// The golden AMIs: found at all, their snapshot keys granted, launchable with the configured
// types, not excluded from scanning, on a platform Inspector's agent scans.
import type { Image, InstanceTypeInfo, Snapshot } from "@aws-sdk/client-ec2";
import { kmsKeysInRegion } from "../../components/launchConfig";
import { describeAmiTags } from "../../pipeline/launch/goldenAmis";
import { CheckResult, DoctorSettings, KmsKeyAnswer, RegionAnswers, result, unanswered } from "../types";

/** Inspector v2 skips an instance carrying this tag key (coverage EXCLUDED_BY_TAG; reference §10). */
export const EXCLUSION_TAG = "InspectorEc2Exclusion";

const label = (image: Image) => `${image.ImageId} (${image.Name ?? "no name"})`;

/** At most `max` names, then how many more. */
function listed(names: string[], max = 10): string {
    return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

export function checkGoldenAmis(answers: RegionAnswers, settings: DoctorSettings): CheckResult {
    const { region, images, identity } = answers;
    if (!images) return result("golden AMIs", region, "blocker", "not asked", "Report this: the doctor did not list the AMIs.");
    if (!images.ok) return unanswered("golden AMIs", region, "ec2:DescribeImages", images);
    const filter = `tags ${describeAmiTags(settings.amiTags)}, owners ${settings.amiOwners.join(", ")}, state available`;
    if (images.value.length === 0) {
        return result(
            "golden AMIs",
            region,
            "blocker",
            `no AMI matches the filter (${filter})`,
            `Tag the golden AMIs in ${region} with ${describeAmiTags(settings.amiTags)}, or correct golden-ami-assessment:amiTags / amiOwners.`,
        );
    }
    const self = identity.ok ? identity.value.account : undefined;
    const byOwner = new Map<string, Image[]>();
    for (const image of images.value) {
        const owner = image.OwnerId === self ? `self (${self})` : image.OwnerId ?? "unknown owner";
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), image]);
    }
    const owners = [...byOwner].map(([owner, owned]) => `${owner}: ${owned.length} (${listed(owned.map((i) => i.Name ?? i.ImageId!))})`);
    return result("golden AMIs", region, "pass", `${images.value.length} found; ${owners.join("; ")}`);
}

/** Why launching `image` would fail on a snapshot's key, or undefined when every key is usable. */
function snapshotKeyProblem(image: Image, snapshots: Snapshot[], granted: string[], keys: KmsKeyAnswer[], account: string | undefined): string | undefined {
    for (const mapping of image.BlockDeviceMappings ?? []) {
        const ebs = mapping.Ebs;
        if (!ebs?.SnapshotId) continue;
        const snapshot = snapshots.find((s) => s.SnapshotId === ebs.SnapshotId);
        if (!snapshot) {
            // Not visible to this account (not shared with it): its key cannot be told. Fail closed unless the AMI says unencrypted.
            if (ebs.Encrypted === false) continue;
            return `snapshot ${ebs.SnapshotId} is not visible to this account, so its key cannot be checked`;
        }
        if (!snapshot.Encrypted || !snapshot.KmsKeyId || granted.includes(snapshot.KmsKeyId)) continue;
        const keyAccount = snapshot.KmsKeyId.split(":")[4];
        // AWS managed keys (aws/ebs) cannot be used across accounts (KMS developer guide, "AWS managed keys"): another account's key is customer managed.
        const key = keys.find((k) => k.keyArn === snapshot.KmsKeyId);
        if (keyAccount === account && key?.keyManager === "AWS") continue;
        const why = keyAccount !== account ? "a customer-managed key of account " + keyAccount : key?.keyManager === "CUSTOMER" ? "a customer-managed key" : `a key the doctor could not describe (${key?.error ?? "not asked"})`;
        return `snapshot ${snapshot.SnapshotId} is encrypted with ${why}, ${snapshot.KmsKeyId}, not in kmsKeyArns`;
    }
    return undefined;
}

export function checkSnapshotKeys(answers: RegionAnswers, settings: DoctorSettings): CheckResult[] {
    const { region, images, snapshots, kmsKeys, identity } = answers;
    if (!images?.ok || images.value.length === 0) return [];
    if (!snapshots) return [];
    if (!snapshots.ok) return [unanswered("AMI snapshot keys", region, "ec2:DescribeSnapshots", snapshots)];
    const granted = kmsKeysInRegion(settings.kmsKeyArns, region);
    const account = identity.ok ? identity.value.account : undefined;
    const problems = images.value.flatMap((image) => {
        const problem = snapshotKeyProblem(image, snapshots.value, granted, kmsKeys ?? [], account);
        return problem
            ? [result("AMI snapshot keys", region, "blocker", `${label(image)}: ${problem}`, "Add the key ARN to golden-ami-assessment:kmsKeyArns (and let this account use it in the key policy), or re-encrypt the AMI's snapshots with a listed key.")]
            : [];
    });
    return problems.length ? problems : [result("AMI snapshot keys", region, "pass", `every snapshot key of the ${images.value.length} AMIs is usable (unencrypted, AWS managed or in kmsKeyArns)`)];
}

/** Per AMI: excluded from scanning by tag, or no configured instance type runs its architecture. */
export function checkAmisLaunchable(answers: RegionAnswers, settings: DoctorSettings): CheckResult[] {
    const { region, images, instanceTypes } = answers;
    if (!images?.ok || images.value.length === 0) return [];
    const types: InstanceTypeInfo[] = instanceTypes?.ok ? instanceTypes.value : [];
    const problems: CheckResult[] = [];
    for (const image of images.value) {
        if (settings.engine === "inspector2" && image.Tags?.some((tag) => tag.Key === EXCLUSION_TAG)) {
            problems.push(result("AMI launchable", region, "blocker", `${label(image)} carries the ${EXCLUSION_TAG} tag: Inspector would skip its instance (EXCLUDED_BY_TAG)`, `Remove the ${EXCLUSION_TAG} tag from the AMI, or its golden tag if it is not to be assessed.`));
        }
        const arch = image.Architecture ?? "unknown";
        const type = settings.instanceTypes[arch];
        const info = types.find((t) => t.InstanceType === type);
        const runs = info?.ProcessorInfo?.SupportedArchitectures?.includes(arch as never);
        if (!type || (info && !runs)) {
            const why = type ? `${type}, configured for ${arch}, does not run ${arch}` : `no instance type is configured for its architecture ${arch}`;
            problems.push(result("AMI launchable", region, "blocker", `${label(image)}: ${why}`, `Set golden-ami-assessment:instanceTypes.${arch} to an instance type of that architecture offered in ${region}, or untag the AMI.`));
        }
    }
    if (instanceTypes && !instanceTypes.ok) problems.push(unanswered("AMI launchable", region, "ec2:DescribeInstanceTypes", instanceTypes));
    return problems.length ? problems : [result("AMI launchable", region, "pass", `every AMI has a configured instance type of its architecture (${listed(Object.entries(settings.instanceTypes).map(([a, t]) => `${a}: ${t}`))})${settings.engine === "inspector2" ? ` and none carries ${EXCLUSION_TAG}` : ""}`)];
}

/**
 * Operating systems Inspector's agent-based (SSM) scanning supports (user guide, "Supported
 * operating systems"; reference §2). Read from the AMI's platform, name and description; an AMI
 * whose OS cannot be told is warned about too (fail closed: UNSUPPORTED_OS would end it NOT ASSESSED).
 */
const SUPPORTED_OS = /\b(amzn|al2|al2023|amazon linux|amazon-linux|rhel|red ?hat|centos|rocky|alma|oracle|ol[789]|sles|suse|debian|ubuntu|fedora|windows|macos)/i;

export function checkPlatforms(answers: RegionAnswers, settings: DoctorSettings): CheckResult | undefined {
    const { region, images } = answers;
    if (settings.engine !== "inspector2" || settings.scanMode === "agentless" || !images?.ok || images.value.length === 0) return undefined;
    const unknown = images.value.filter((image) => image.Platform?.toLowerCase() !== "windows" && !SUPPORTED_OS.test(`${image.PlatformDetails ?? ""} ${image.Name ?? ""} ${image.Description ?? ""}`));
    if (unknown.length === 0) return result("AMI platforms", region, "pass", "every AMI's OS is one Inspector's agent-based scanning supports");
    return result(
        "AMI platforms",
        region,
        "warning",
        `cannot tell that Inspector's agent-based scanning supports ${listed(unknown.map(label))} (${listed([...new Set(unknown.map((i) => i.PlatformDetails ?? "no platform"))])}); an unsupported OS ends NOT ASSESSED (UNSUPPORTED_OS)`,
        "Check the OS against Inspector's supported operating systems, and name the AMI after its distribution so the doctor can tell.",
    );
}
