// Capacity: the account's Running On-Demand Standard instances quota (vCPUs) against what one run
// may launch at once. Quota code L-1216C47A covers the A, C, D, H, I, M, R, T and Z families
// (Service Quotas console, EC2 "Running On-Demand Standard ... instances"; EC2 user guide, "On-Demand Instance quotas").
import type { Image, InstanceTypeInfo } from "@aws-sdk/client-ec2";
import { CheckResult, DoctorSettings, RegionAnswers, result, unanswered } from "../types";

export const STANDARD_VCPU_QUOTA = { ServiceCode: "ec2", QuotaCode: "L-1216C47A" } as const;
const STANDARD_FAMILY = /^[acdhimrtz]/;

/** vCPUs a full wave needs: maxConcurrentInstances × the largest type the AMIs' architectures use (all configured types if no AMI is known). */
export function vcpusNeeded(settings: DoctorSettings, types: InstanceTypeInfo[], images: Image[]): { vcpus: number; type?: string } {
    const archs = images.length ? [...new Set(images.map((i) => i.Architecture ?? ""))] : Object.keys(settings.instanceTypes);
    const used = archs.map((arch) => settings.instanceTypes[arch]).filter((t): t is string => !!t);
    let largest: { vcpus: number; type?: string } = { vcpus: 0 };
    for (const type of used) {
        const vcpus = types.find((t) => t.InstanceType === type)?.VCpuInfo?.DefaultVCpus ?? 0;
        if (vcpus > largest.vcpus) largest = { vcpus, type };
    }
    return { vcpus: largest.vcpus * settings.maxConcurrentInstances, type: largest.type };
}

export function checkCapacity(answers: RegionAnswers, settings: DoctorSettings): CheckResult | undefined {
    const { region, vcpuQuota, instanceTypes, images } = answers;
    if (!vcpuQuota || !instanceTypes) return undefined;
    if (!instanceTypes.ok) return unanswered("capacity", region, "ec2:DescribeInstanceTypes", instanceTypes);
    if (!vcpuQuota.ok) return unanswered("capacity", region, "servicequotas:GetServiceQuota", vcpuQuota);
    const needed = vcpusNeeded(settings, instanceTypes.value, images?.ok ? images.value : []);
    const wave = `maxConcurrentInstances ${settings.maxConcurrentInstances} × ${needed.type ?? "?"} (${needed.type ? needed.vcpus / settings.maxConcurrentInstances : "?"} vCPUs) = ${needed.vcpus} vCPUs`;
    const others = Object.values(settings.instanceTypes).filter((t) => !STANDARD_FAMILY.test(t));
    const note = others.length ? `; ${others.join(", ")} count against another family's quota, not checked` : "";
    const quota = vcpuQuota.value;
    if (quota === undefined) {
        return result("capacity", region, "warning", `Service Quotas reports no Running On-Demand Standard instances quota here; a run needs ${wave}${note}`, "Check the EC2 vCPU limit in the Service Quotas console for this region.");
    }
    const fix = `Request a quota increase for Running On-Demand Standard instances (L-1216C47A) in ${region} to at least ${needed.vcpus} vCPUs, or lower golden-ami-assessment:maxConcurrentInstances.`;
    if (quota < needed.vcpus) return result("capacity", region, "warning", `the vCPU quota is ${quota}, a full wave needs ${wave}; launches beyond the quota fail and those AMIs wait for a later run${note}`, fix);
    return result("capacity", region, "pass", `vCPU quota ${quota} covers ${wave} (other running instances share it)${note}`);
}
