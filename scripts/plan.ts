// `npm run plan [-- --stack <name>] [--config-file <file>] [--details] [--json]`: what `pulumi up`
// would create, computed offline under Pulumi's mock runtime with the stack's Pulumi.<stack>.yaml.
// No credentials, no CLI. A summary by default; --details prints everything in full.
import { CONFIG_NAMESPACE } from "../components/stackConfig";
import { planIndex } from "./mockRuntime";
import { regionPlans, renderDetails, renderSummary } from "./planReport";
import { plannableConfig, readConfigFile, readStackFile } from "./stackFile";

const USAGE = "usage: npm run plan -- [--stack <name>] [--config-file <Pulumi.<stack>.yaml>] [--details] [--json]";

function parseArgs(argv: string[]): { stack: string; configFile?: string; json: boolean; details: boolean } {
    let stack = "dev";
    let configFile: string | undefined;
    let json = false;
    let details = false;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
            return v;
        };
        if (flag === "--json") json = true;
        else if (flag === "--details") details = true;
        else if (flag === "--stack") stack = value();
        else if (flag === "--config-file") configFile = value();
        else throw new Error(`unknown argument ${argv[i]}; ${USAGE}`);
    }
    return { stack, configFile, json, details };
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

async function main(): Promise<void> {
    const { stack, configFile, json, details } = parseArgs(process.argv.slice(2));
    const raw = configFile ? readConfigFile(configFile) : readStackFile(stack);
    const { config, notes } = plannableConfig(raw, CONFIG_NAMESPACE);
    const plan = await planIndex({ stack, config });
    const regions = Object.keys(plan.exports.assessments as object);
    const plans = regionPlans(plan, stack, regions, { subnets: configuredSubnets(config), configNotes: notes });
    if (json) {
        const summary = { configNotes: notes, warnings: plan.warnings, regions: Object.fromEntries(Object.entries(plans).map(([r, p]) => [r, p.summary])) };
        process.stdout.write(JSON.stringify({ stack, summary, regions: plans }, null, 2) + "\n");
    } else {
        process.stdout.write((details ? renderDetails : renderSummary)(stack, plans, plan.warnings, notes));
    }
}

main().catch((error) => {
    process.stderr.write(`plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
