// Where the stack deploys (pure): one target per account and region, each with its component's
// name, its provider's name and the role that provider assumes. index.ts loops over them.
import { EngineName, ScanMode } from "../pipeline/run/settings";
import { AccountTarget } from "./accountsConfig";
import { ConfigError, validateComponentName } from "./config";

export interface StackTarget {
    /** Undefined: the stack's own account (no `accounts` configured), no role assumed. */
    account?: string;
    region: string;
    /** The GoldenAmiAssessment's name: unique per stack, account and region. */
    component: string;
    /** The aws.Provider's name. */
    provider: string;
    roleArn?: string;
    /** The account's own subnet in this region (accounts[i].subnets), if configured. */
    subnetId?: string;
}

/**
 * The component of a stack in a region (and account, when `accounts` is configured). The stack is part
 * of it so that two stacks never reap each other's instances; the account, so that two accounts'
 * components differ in every name the plan and the reports show.
 */
export function targetComponentName(stack: string, region: string, account?: string): string {
    return account === undefined ? `gaa-${stack}-${region}` : `gaa-${stack}-${account}-${regionCode(region)}`;
}

const DIRECTIONS: Record<string, string> = { north: "n", south: "s", east: "e", west: "w", central: "c", northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw", gov: "g" };

/**
 * The short form of a region in names with an account ("ap-southeast-2" -> "apse2", "us-gov-west-1"
 * -> "usgw1"): the 12-digit account leaves too little of the 64 characters of an EventBridge rule or
 * Lambda name for the full region; with it, stack names up to 17 characters fit.
 */
export function regionCode(region: string): string {
    const [area, ...rest] = region.split("-");
    return area + rest.map((part) => DIRECTIONS[part] ?? part).join("");
}

/** The provider of a target; `aws-<region>` without accounts, as before accounts existed. */
export function targetProviderName(region: string, account?: string): string {
    return account === undefined ? `aws-${region}` : `aws-${account}-${region}`;
}

/** STS session names: 2-64 of [\w+=,.@-] (STS API reference, AssumeRole: RoleSessionName). */
export function roleSessionName(stack: string): string {
    return `gaa-${stack}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}

/** Accounts first, then regions: every region of the first account, then the next account. */
export function stackTargets(stack: string, regions: readonly string[], accounts?: readonly AccountTarget[]): StackTarget[] {
    if (!accounts) return regions.map((region) => ({ region, component: targetComponentName(stack, region), provider: targetProviderName(region) }));
    return accounts.flatMap(({ id, roleArn, subnets }) =>
        regions.map((region) => ({
            account: id,
            region,
            roleArn,
            component: targetComponentName(stack, region, id),
            provider: targetProviderName(region, id),
            ...(subnets?.[region] ? { subnetId: subnets[region] } : {}),
        })),
    );
}

/**
 * Fails before anything is created when a target's component name would make a child's physical name
 * exceed its service's limit (the account adds 13 characters), naming the stack as what to shorten.
 */
export function validateTargetNames(targets: readonly StackTarget[], engine: EngineName, scanMode: ScanMode): void {
    const longest = [...targets].sort((a, b) => b.component.length - a.component.length)[0];
    if (longest) validateComponentName("stack name", longest.component, engine, scanMode);
    // Fails closed should two regions ever share a short form.
    const seen = new Map<string, StackTarget>();
    for (const target of targets) {
        const other = seen.get(target.component);
        if (other) throw new ConfigError("golden-ami-assessment:regions", [other.region, target.region], `both would be named ${target.component}; report this as a bug`);
        seen.set(target.component, target);
    }
}

/** The provider arguments of a target: its region, and the role it assumes when it has one. */
export function targetProviderArgs(stack: string, target: StackTarget): { region: string; assumeRoles?: { roleArn: string; sessionName: string }[] } {
    if (!target.roleArn) return { region: target.region };
    return { region: target.region, assumeRoles: [{ roleArn: target.roleArn, sessionName: roleSessionName(stack) }] };
}

/** Outputs keyed by region without accounts (as before), by account then region with them. */
export function placeOutputs(outputs: Record<string, object>, target: StackTarget, value: object): void {
    if (target.account === undefined) {
        outputs[target.region] = value;
        return;
    }
    const byRegion = (outputs[target.account] ??= {}) as Record<string, object>;
    byRegion[target.region] = value;
}
