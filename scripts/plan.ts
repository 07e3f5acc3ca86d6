// `npm run plan [-- --stack <name>] [--config-file <file>] [--details] [--json]`: what `pulumi up`
// would create, computed offline under Pulumi's mock runtime with the stack's Pulumi.<stack>.yaml.
// No credentials, no CLI. A summary by default; --details prints everything in full.
import { CONFIG_NAMESPACE } from "../components/stackConfig";
import { planIndex } from "./mockRuntime";
import { regionPlans, renderDetails, renderSummary } from "./planReport";
import { renderHubSummary } from "./planHub";
import { PlanTarget, configuredAccountSubnets, hasAccounts, planTargets, renderAccountsSummary, targetPlans } from "./planAccounts";
import { StackArgs, parseStackArgs } from "./stackArgs";
import { maskSecretStandIns, plannableConfig, readConfigFile, readStackFile } from "./stackFile";

const USAGE = [
    "usage: npm run plan -- [--stack <name>] [--config-file <Pulumi.<stack>.yaml>] [--details] [--json] [--help]",
    "  --stack <name>        plan Pulumi.<name>.yaml of this project (default dev)",
    "  --config-file <file>  plan that stack file; the stack is named after Pulumi.<stack>.yaml unless --stack is given",
    "  --details             every resource and policy document in full, instead of the summary",
    "  --json                the summary and the details as JSON",
    "  --help                this text",
].join("\n");

export interface PlanArgs extends Omit<StackArgs, "flags"> {
    json: boolean;
    details: boolean;
    help: boolean;
}

export function parseArgs(argv: string[]): PlanArgs {
    const { flags, ...stackArgs } = parseStackArgs(argv, ["--json", "--details", "--help"], (message) => new Error(`${message}; ${USAGE}`), { "-h": "--help" });
    return { ...stackArgs, json: flags.has("--json"), details: flags.has("--details"), help: flags.has("--help") };
}

/** The subnet configured per region, read leniently (the program validates it). */
function configuredSubnets(config: Record<string, string>): Record<string, string> {
    try {
        const subnets = JSON.parse(config[`${CONFIG_NAMESPACE}:subnets`] ?? "{}");
        return subnets && typeof subnets === "object" ? subnets : {};
    } catch {
        return {};
    }
}

/** account -> region -> what `pick` gives for that target. */
function byAccount<T>(targets: readonly PlanTarget[], pick: (target: PlanTarget) => T): Record<string, Record<string, T>> {
    const result: Record<string, Record<string, T>> = {};
    for (const target of targets) (result[target.account!] ??= {})[target.region] = pick(target);
    return result;
}

async function main(): Promise<void> {
    const { stack, stackSource, configFile, json, details, help } = parseArgs(process.argv.slice(2));
    if (help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    const raw = configFile ? readConfigFile(configFile) : readStackFile(stack, undefined, stackSource === "--stack");
    const planned = plannableConfig(raw, CONFIG_NAMESPACE);
    const { config } = planned;
    const notes = configFile && stackSource === "default" ? [`stack "${stack}" (the file is not named Pulumi.<stack>.yaml; pass --stack to name it)`, ...planned.notes] : planned.notes;
    const plan = await planIndex({ stack, config });
    const targets = planTargets(plan.exports, stack);
    if (hasAccounts(targets)) {
        const plans = targetPlans(plan, targets, { configNotes: notes }, configuredAccountSubnets(config[`${CONFIG_NAMESPACE}:accounts`]));
        const summary = { configNotes: notes, warnings: plan.warnings, accounts: byAccount(targets, (t) => plans[t.key].summary) };
        const text = json ? JSON.stringify({ stack, summary, accounts: byAccount(targets, (t) => plans[t.key]) }, null, 2) + "\n" : (details ? renderDetails(stack, plans, plan.warnings, notes) : renderAccountsSummary(stack, plan, targets, plans, notes)) + renderHubSummary(plan, details);
        process.stdout.write(maskSecretStandIns(text));
        return;
    }
    const regions = targets.map((target) => target.region);
    const plans = regionPlans(plan, stack, regions, { subnets: configuredSubnets(config), configNotes: notes });
    if (json) {
        const summary = { configNotes: notes, warnings: plan.warnings, regions: Object.fromEntries(Object.entries(plans).map(([r, p]) => [r, p.summary])) };
        process.stdout.write(maskSecretStandIns(JSON.stringify({ stack, summary, regions: plans }, null, 2)) + "\n");
    } else {
        process.stdout.write(maskSecretStandIns((details ? renderDetails : renderSummary)(stack, plans, plan.warnings, notes) + renderHubSummary(plan, details)));
    }
}

if (require.main === module) main().catch((error) => {
    process.stderr.write(`plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
