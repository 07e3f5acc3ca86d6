// Which golden AMI an assessment instance came from, for agents the manifest does not name.
import { DescribeInstancesCommand, EC2Client, Instance } from "@aws-sdk/client-ec2";
import { errorText } from "../run/errors";
import { SOURCE_AMI_TAG } from "../run/tags";

/** EC2 accepts at most 200 values per filter; a filter (unlike InstanceIds) does not fail on a vanished ID. */
export const INSTANCE_LOOKUP_BATCH_SIZE = 200;

/** The AMI an instance was launched from: our tag first, the instance's own ImageId otherwise. */
export function sourceAmiOfInstance(instance: Instance): string | undefined {
    const tagged = instance.Tags?.find((tag) => tag.Key === SOURCE_AMI_TAG)?.Value;
    return tagged || instance.ImageId || undefined;
}

export interface SourceAmiLookup {
    /** instance ID -> source AMI ID, for the instances EC2 still knows. */
    amiByInstance: Record<string, string>;
    /** One entry per failed DescribeInstances batch. */
    errors: string[];
}

/** Looks instances up in batches; terminated instances stay visible for a while, which is all we need. */
export async function lookUpSourceAmis(ec2: EC2Client, instanceIds: string[]): Promise<SourceAmiLookup> {
    const lookup: SourceAmiLookup = { amiByInstance: {}, errors: [] };
    const unique = [...new Set(instanceIds)];
    for (let i = 0; i < unique.length; i += INSTANCE_LOOKUP_BATCH_SIZE) {
        const batch = unique.slice(i, i + INSTANCE_LOOKUP_BATCH_SIZE);
        try {
            let nextToken: string | undefined;
            do {
                const page = await ec2.send(
                    new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: batch }], NextToken: nextToken, MaxResults: 1000 }),
                );
                for (const reservation of page.Reservations ?? []) {
                    for (const instance of reservation.Instances ?? []) {
                        const ami = sourceAmiOfInstance(instance);
                        if (instance.InstanceId && ami) lookup.amiByInstance[instance.InstanceId] = ami;
                    }
                }
                nextToken = page.NextToken;
            } while (nextToken);
        } catch (error) {
            lookup.errors.push(`DescribeInstances for ${batch.length} instance(s) failed: ${errorText(error)}`);
        }
    }
    return lookup;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
