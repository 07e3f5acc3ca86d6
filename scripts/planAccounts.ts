// The plan of a stack with `accounts`: its targets (from the exports, keyed by account then region),
// each target's plan, and the summary grouped by account, then region, where the components
// configured alike share one block and each account lists its regions in one line per block.
import { regionCode, targetComponentName, targetProviderName } from "../components/stackTargets";
import { bucketPrefixFor } from "../infra/reporting";
import { Plan } from "./mockRuntime";
import { PlanReportOptions, RegionGroup, RegionPlan, SUMMARY_WIDTH, differences, fold, header, normalized, regionLines, regionPlan, wrap } from "./planReport";

export interface PlanTarget {
    /** Undefined without `accounts`. */
    account?: string;
    region: string;
    component: string;
    /** The key of its plan: the region, or "<account>/<region>". */
    key: string;
}

const ACCOUNT_ID = /^\d{12}$/;

/** The targets of a plan, from its `assessments` export: by region, or by account then region. */
export function planTargets(exports: Record<string, unknown>, stack: string): PlanTarget[] {
    const assessments = (exports.assessments ?? {}) as Record<string, object>;
    return Object.entries(assessments).flatMap(([key, value]) =>
        ACCOUNT_ID.test(key)
            ? Object.keys(value).map((region) => ({ account: key, region, component: targetComponentName(stack, region, key), key: `${key}/${region}` }))
            : [{ region: key, component: targetComponentName(stack, key), key }],
    );
}

export function hasAccounts(targets: readonly PlanTarget[]): boolean {
    return targets.some((target) => target.account !== undefined);
}

/** Each target's plan, keyed by PlanTarget.key; an account's configured subnets (accounts[i].subnets) are its own. */
export function targetPlans(plan: Plan, targets: readonly PlanTarget[], options: PlanReportOptions = {}, subnetsByAccount: Record<string, Record<string, string>> = {}): Record<string, RegionPlan> {
    return Object.fromEntries(
        targets.map((t) => {
            const mine = t.account === undefined ? options : { ...options, subnets: subnetsByAccount[t.account] ?? {} };
            return [t.key, regionPlan(plan, t.component, t.region, mine, targetProviderName(t.region, t.account))];
        }),
    );
}

/** accounts[i].subnets by account, read leniently from the raw config (the program validates it). */
export function configuredAccountSubnets(accountsJson: string | undefined): Record<string, Record<string, string>> {
    try {
        const accounts = JSON.parse(accountsJson ?? "[]");
        return Array.isArray(accounts) ? Object.fromEntries(accounts.filter((a) => a?.subnets && typeof a.subnets === "object").map((a) => [String(a.id), a.subnets])) : {};
    } catch {
        return {};
    }
}

/** A target's lines with its account and region (also in short form, inside names) replaced, so that targets alike compare equal. */
function normalizedTarget(lines: string[], target: PlanTarget): string[] {
    if (target.account === undefined) return normalized(lines, target.region);
    // A bucket name keeps only the first 28 characters of the component's (infra/reporting.ts).
    const bucketStem = bucketPrefixFor(target.component).replace(/-reports-$/, "");
    const named = lines.map((line) =>
        line
            .split(`${bucketStem}-reports`)
            .join(`${target.component}-reports`)
            .split(target.account!)
            .join("<account>")
            .replace(new RegExp(`-${regionCode(target.region)}(?=-|\\b)`, "g"), "-<region>"),
    );
    return normalized(named, target.region);
}

/** Targets whose normalized summaries are identical, in plan order (accounts, then regions). */
export function targetGroups(plans: Record<string, RegionPlan>, targets: readonly PlanTarget[]): (RegionGroup & { targets: PlanTarget[] })[] {
    const groups = new Map<string, RegionGroup & { targets: PlanTarget[] }>();
    for (const target of targets) {
        const lines = regionLines(plans[target.key]);
        const same = normalizedTarget(lines, target);
        const key = same.join("\n");
        const group = groups.get(key);
        if (group) {
            group.regions.push(target.key);
            group.targets.push(target);
        } else groups.set(key, { regions: [target.key], targets: [target], lines, normalized: same });
    }
    for (const group of groups.values()) group.lines = group.regions.length > 1 ? group.normalized : group.lines;
    return [...groups.values()];
}

/** The role each account's providers assume, from the plan's providers. */
function rolesByAccount(plan: Plan): Map<string, string> {
    const roles = new Map<string, string>();
    for (const provider of plan.resources.filter((r) => r.type === "pulumi:providers:aws" && /^aws-\d{12}-/.test(r.name))) {
        const assumed = typeof provider.inputs.assumeRoles === "string" ? JSON.parse(provider.inputs.assumeRoles) : provider.inputs.assumeRoles;
        roles.set(provider.name.split("-")[1], assumed?.[0]?.roleArn ?? "(no role)");
    }
    return roles;
}

/** The account the hub provider admits (allowedAccountIds), when the plan has one. */
function hubAccount(plan: Plan): string | undefined {
    const hub = plan.resources.find((r) => r.type === "pulumi:providers:aws" && r.name === "aws-hub");
    const allowed = typeof hub?.inputs.allowedAccountIds === "string" ? JSON.parse(hub.inputs.allowedAccountIds) : hub?.inputs.allowedAccountIds;
    return allowed?.[0];
}

/**
 * The summary with accounts: per account its role and one line per block of regions configured alike,
 * then each block once (its lines with <account> and <region> standing for what differs).
 */
export function renderAccountsSummary(stack: string, plan: Plan, targets: readonly PlanTarget[], plans: Record<string, RegionPlan>, configNotes: string[] = []): string {
    const lines = header(stack, plan.warnings, configNotes).flatMap((line) => wrap(line.split(" "), SUMMARY_WIDTH, " "));
    lines.push("Summary: by account, then region; components configured alike share one block (A, B, ...); ARNs without partition,");
    lines.push("region and account; long lines folded. `npm run plan -- --details` prints every resource and policy document in full.");
    const groups = targetGroups(plans, targets);
    const label = (group: (typeof groups)[number]) => String.fromCharCode(65 + (groups.indexOf(group) % 26)) + (groups.indexOf(group) >= 26 ? String(Math.floor(groups.indexOf(group) / 26)) : "");
    const accounts = [...new Set(targets.map((t) => t.account!))];
    const regions = new Set(targets.map((t) => t.region)).size;
    const hub = hubAccount(plan);
    lines.push("", `=== ${accounts.length} accounts × ${regions} regions = ${targets.length} components${hub ? `; hub in account ${hub}` : ""}`);
    const roles = rolesByAccount(plan);
    for (const account of accounts) {
        lines.push(...fold(`  ${account} as ${roles.get(account) ?? "(no role)"}`));
        for (const group of groups) {
            const mine = group.targets.filter((t) => t.account === account).map((t) => t.region);
            if (mine.length) wrap(mine, SUMMARY_WIDTH - 16).forEach((line, i) => lines.push(`    ${i === 0 ? `block ${label(group)}`.padEnd(10) : "".padEnd(10)}  ${line}`));
        }
    }
    for (const group of groups) {
        const first = groups[0];
        const resources = plans[group.regions[0]].resources.length;
        const where = group.targets.length > 1 ? `${group.targets.length} components alike` : `${group.targets[0].account} ${group.targets[0].region}`;
        lines.push("", `=== block ${label(group)}: ${where}, ${resources} resources each`);
        if (group.targets.length > 1) lines.push(`  component   gaa-${stack}-<account>-<region> (<account>, <region>, IDs and name suffixes differ)`);
        const changed = group === first ? undefined : differences(group, first);
        if (changed) lines.push(`  as block ${label(first)} above, except (- there, + here):`, ...changed);
        else lines.push(...group.lines.flatMap(fold));
    }
    lines.push("");
    return lines.join("\n");
}
