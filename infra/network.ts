// Where assessment instances run: the configured subnet, or the region's default VPC's
// default subnets, and a security group with no ingress and HTTPS-only egress.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./configError";
import type { EngineName } from "../pipeline/run/settings";

/**
 * What the instances talk to, per engine, for the security group. Classic's text is unchanged
 * (a new description replaces the group). v2: SSM (ssm, ssmmessages, ec2messages), plus S3 and
 * inspector2 for deep inspection, the Windows plugin and CIS (reference §2, §10; docs/network.md).
 */
export const EGRESS_PURPOSE: Record<EngineName, { group: string; rule: string }> = {
    classic: { group: "Golden AMI assessment instances: no ingress, HTTPS egress for the Inspector agent", rule: "Inspector agent install and reporting" },
    inspector2: {
        group: "Golden AMI assessment instances: no ingress, HTTPS egress to SSM, S3 and Inspector for Inspector v2 scans",
        rule: "SSM, S3 and Inspector endpoints for Inspector v2 scans",
    },
};

export interface AssessmentNetwork {
    subnetIds: pulumi.Output<string[]>;
    vpcId: pulumi.Output<string>;
    securityGroup: aws.ec2.SecurityGroup;
}

export function assessmentNetwork(
    name: string,
    region: string,
    subnetId: pulumi.Input<string> | undefined,
    subnetKey: string,
    engine: EngineName,
    parent: pulumi.Resource,
): AssessmentNetwork {
    const invokeOpts = { parent };
    let subnetIds: pulumi.Output<string[]>;
    let vpcId: pulumi.Output<string>;
    if (subnetId !== undefined) {
        const subnet = aws.ec2.getSubnetOutput({ id: subnetId, region }, invokeOpts);
        subnetIds = subnet.id.apply((id) => [id]);
        vpcId = subnet.vpcId;
    } else {
        const defaultVpcs = aws.ec2.getVpcsOutput({ region, filters: [{ name: "is-default", values: ["true"] }] }, invokeOpts);
        vpcId = defaultVpcs.ids.apply((ids) => {
            if (ids.length === 0) {
                throw new ConfigError(subnetKey, undefined, `${region} has no default VPC; set a subnet for it (stack config golden-ami-assessment:subnets.${region}, or the component's subnetId argument)`);
            }
            return ids[0];
        });
        const defaultSubnets = aws.ec2.getSubnetsOutput(
            { region, filters: [{ name: "vpc-id", values: [vpcId] }, { name: "default-for-az", values: ["true"] }] },
            invokeOpts,
        );
        subnetIds = defaultSubnets.ids.apply((ids) => {
            if (ids.length === 0) {
                throw new ConfigError(subnetKey, undefined, `the default VPC in ${region} has no default subnets; set a subnet for it (stack config golden-ami-assessment:subnets.${region}, or the component's subnetId argument)`);
            }
            return [...ids].sort();
        });
    }

    // No ingress: nothing needs to reach the instance. Egress is HTTPS only: the AWS endpoints of
    // EGRESS_PURPOSE are all it talks to. DNS, NTP and the instance metadata service use
    // link-local addresses that security groups do not filter.
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-instances`,
        {
            region,
            vpcId,
            description: EGRESS_PURPOSE[engine].group,
            egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"], description: EGRESS_PURPOSE[engine].rule }],
            tags: { Name: `${name}-instances` },
        },
        { parent },
    );
    return { subnetIds, vpcId, securityGroup };
}
