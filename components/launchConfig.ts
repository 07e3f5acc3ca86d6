// Validators for what bounds a run's launches: how many instances at once, which KMS keys the
// start role may use, and the opt-in switches (deprecation, reserved concurrency).
import { ConfigError } from "./config";
import type { Partition } from "../infra/partition";

/** At least one instance per run; at most what one start can launch and check inside its Lambda time. */
export const MAX_CONCURRENT_INSTANCES_BOUNDS = { min: 1, max: 500 };

export function validateMaxConcurrentInstances(key: string, value: unknown): number {
    const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    const { min, max } = MAX_CONCURRENT_INSTANCES_BOUNDS;
    if (typeof n === "number" && Number.isInteger(n) && n >= min && n <= max) return n;
    throw new ConfigError(key, value, `must be a whole number of instances from ${min} to ${max} (each run launches at most this many; keep it within the account's vCPU quota)`);
}

const KEY_ARN = /^arn:(aws|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/;

/** Key ARNs (not aliases, which IAM cannot scope by), in the stack's partition. */
export function validateKmsKeyArns(key: string, value: unknown, partition: Partition): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ConfigError(key, value, "must be a list of KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)");
    for (const arn of value) {
        const match = typeof arn === "string" ? KEY_ARN.exec(arn) : null;
        if (!match) throw new ConfigError(key, arn, "each entry must be a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/KEY-ID (an alias cannot scope an IAM grant)");
        if (match[1] !== partition) throw new ConfigError(key, arn, `must be a key of partition ${partition}, the partition of this stack's regions`);
    }
    return [...new Set(value as string[])].sort();
}

/** A stack grants each region's component only that region's keys: a key of a region the stack does not deploy would be dropped unused. */
export function validateKmsKeysInRegions(key: string, arns: readonly string[], regions: readonly string[]): string[] {
    const elsewhere = arns.filter((arn) => !regions.includes(arn.split(":")[3]));
    if (elsewhere.length > 0) {
        throw new ConfigError(
            key,
            elsewhere,
            `a KMS key works only in its own region, and ${elsewhere.map((arn) => arn.split(":")[3]).join(", ")} is not one of the configured regions ` +
                `(${regions.join(", ")}); add the region to golden-ami-assessment:regions, or list the key's replica ARN in a configured region`,
        );
    }
    return [...arns];
}

/** The keys of one region: a KMS key works only in its own region (a multi-Region replica has its own ARN). */
export function kmsKeysInRegion(arns: ReadonlyArray<string>, region: string): string[] {
    return arns.filter((arn) => arn.split(":")[3] === region);
}

/** true/false, also as the strings `pulumi config set` stores. */
export function validateFlag(key: string, value: unknown): boolean {
    const flag = value === "true" ? true : value === "false" ? false : value;
    if (typeof flag !== "boolean") throw new ConfigError(key, value, "must be true or false");
    return flag;
}
