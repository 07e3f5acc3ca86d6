// Validation of the rollout keys: `accounts` (where the stack deploys a component per region),
// `roleName` (the role assumed in each, when an entry gives no roleArn) and `hub` (the account
// hosting the hub). Each check names the key, the bad value and what is allowed.
import { ConfigError } from "../infra/configError";
import { validateSubnets } from "./config";
import { Partition } from "../infra/partition";

/** An account the stack deploys to, with the role its provider assumes there. */
export interface AccountTarget {
    id: string;
    roleArn: string;
    /** Region -> subnet ID in this account (subnet IDs belong to one account); default: its default VPC. */
    subnets?: Record<string, string>;
}

const ACCOUNT_ID = /^\d{12}$/;
// IAM role names: 1-64 of [\w+=,.@-]; a path is /segments/ of printable ASCII 0x21-0x7E, at most 512
// (IAM API reference, CreateRole: RoleName and Path patterns).
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role\/((?:[\x21-\x2e\x30-\x7e]+\/)*)([\w+=,.@-]{1,64})$/;
const MAX_ACCOUNTS = 100;

export function validateRoleName(key: string, value: unknown): string {
    if (typeof value === "string" && ROLE_NAME.test(value)) return value;
    throw new ConfigError(key, value, "an IAM role name: 1 to 64 letters, digits or +=,.@_- (no path, no ARN), the same in every account");
}

/** The role ARN of an `accounts` entry (roleArn, or roleName in its account), checked against its id and the regions' partition. */
function entryRoleArn(where: string, entry: { id: string; roleArn?: unknown }, roleName: string | undefined, partition: Partition): string {
    if (entry.roleArn === undefined) {
        if (roleName === undefined) throw new ConfigError(where, entry, "gives no roleArn and golden-ami-assessment:roleName is not set: give one of them");
        return `arn:${partition}:iam::${entry.id}:role/${roleName}`;
    }
    const match = typeof entry.roleArn === "string" ? ROLE_ARN.exec(entry.roleArn) : null;
    if (!match) throw new ConfigError(`${where}.roleArn`, entry.roleArn, "an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>");
    if (match[1] !== partition) {
        throw new ConfigError(`${where}.roleArn`, entry.roleArn, `is in partition ${match[1]}, but the regions are in ${partition}: a stack holds one partition (one stack per partition)`);
    }
    if (match[2] !== entry.id) throw new ConfigError(`${where}.roleArn`, entry.roleArn, `is a role of account ${match[2]}, not of the entry's id ${entry.id}`);
    return match[0];
}

/**
 * `accounts`: a non-empty list of { id, roleArn } or { id } (with `roleName`), each id 12 digits
 * and listed once, optionally with its own `subnets`. Undefined when unset: the stack's own account,
 * no role assumed.
 */
export function validateAccounts(key: string, value: unknown, roleName: string | undefined, partition: Partition, regions: readonly string[] = []): AccountTarget[] | undefined {
    if (value === undefined) return undefined;
    const shape = `a list of { "id": "<12-digit account ID>", "roleArn": "<role ARN>" } or { "id": ... } with golden-ami-assessment:roleName, at most ${MAX_ACCOUNTS}`;
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ACCOUNTS) throw new ConfigError(key, value, shape);
    const seen = new Set<string>();
    return value.map((entry, index) => {
        const where = `${key}[${index}]`;
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new ConfigError(where, entry, shape);
        const unknown = Object.keys(entry).filter((field) => !["id", "roleArn", "subnets"].includes(field));
        if (unknown.length > 0) throw new ConfigError(where, entry, `unknown field(s) ${unknown.join(", ")}; an entry has id and, optionally, roleArn and subnets`);
        const id = (entry as { id?: unknown }).id;
        // A number loses leading zeros (and precision) in YAML: only a string is an account ID.
        if (typeof id !== "string" || !ACCOUNT_ID.test(id)) throw new ConfigError(`${where}.id`, id, 'a 12-digit AWS account ID as a string (quoted in YAML: "012345678901")');
        if (seen.has(id)) throw new ConfigError(`${where}.id`, id, "is listed twice; each account once");
        seen.add(id);
        const roleArn = entryRoleArn(where, entry as { id: string; roleArn?: unknown }, roleName, partition);
        const subnets = (entry as { subnets?: unknown }).subnets;
        return { id, roleArn, ...(subnets === undefined ? {} : { subnets: validateSubnets(`${where}.subnets`, subnets, regions) }) };
    });
}

/** `hub`: a 12-digit account ID. Which accounts it may be is checked by validateHubAccount once they are known. */
export function validateHub(key: string, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "string" && ACCOUNT_ID.test(value)) return value;
    throw new ConfigError(key, value, 'a 12-digit AWS account ID as a string: one of golden-ami-assessment:accounts, or the deploying account');
}

/**
 * The hub must be an account the stack reaches: one of `accounts`, or the deploying account
 * (known only at deployment, from the caller identity). Returns the hub's account.
 */
export function validateHubAccount(key: string, hub: string | undefined, accounts: readonly AccountTarget[] | undefined, deployingAccount: string): string {
    if (hub === undefined || hub === deployingAccount || accounts?.some((account) => account.id === hub)) return hub ?? deployingAccount;
    const allowed = [...(accounts ?? []).map((account) => account.id), `${deployingAccount} (the deploying account)`];
    throw new ConfigError(key, hub, `is not an account this stack deploys to; allowed: ${allowed.join(", ")}`);
}

/** A subnet ID belongs to one account: with `accounts`, subnets are given per account. */
export function validateNoSharedSubnets(key: string, subnets: Record<string, string>, accounts: readonly AccountTarget[] | undefined): void {
    if (accounts && Object.keys(subnets).length > 0) {
        throw new ConfigError(key, subnets, 'a subnet ID belongs to one account: with accounts, give each account its own, e.g. accounts: [{ "id": "...", "subnets": { "us-east-1": "subnet-..." } }]');
    }
}
