// The AWS partition of a region: ARNs and managed policy names depend on it.
export type Partition = "aws" | "aws-us-gov";

export function partitionOf(regionName: string): Partition {
    return regionName.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}
