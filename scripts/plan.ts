// `npm run plan [-- --stack <name>] [--json]`: what `pulumi up` would create, computed offline
// under Pulumi's mock runtime with the stack's Pulumi.<stack>.yaml. No credentials, no CLI.
import { planIndex } from "./mockRuntime";
import { regionPlans, renderText } from "./planReport";
import { readConfigFile, readStackFile } from "./stackFile";

const USAGE = "usage: npm run plan -- [--stack <name>] [--config-file <Pulumi.<stack>.yaml>] [--json]";

function parseArgs(argv: string[]): { stack: string; configFile?: string; json: boolean } {
    let stack = "dev";
    let configFile: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split(/=(.*)/s, 2);
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
            return v;
        };
        if (flag === "--json") json = true;
        else if (flag === "--stack") stack = value();
        else if (flag === "--config-file") configFile = value();
        else throw new Error(`unknown argument ${argv[i]}; ${USAGE}`);
    }
    return { stack, configFile, json };
}

async function main(): Promise<void> {
    const { stack, configFile, json } = parseArgs(process.argv.slice(2));
    const config = configFile ? readConfigFile(configFile) : readStackFile(stack);
    const plan = await planIndex({ stack, config });
    const regions = Object.keys(plan.exports.assessments as object);
    const plans = regionPlans(plan, stack, regions);
    process.stdout.write(json ? JSON.stringify({ stack, regions: plans }, null, 2) + "\n" : renderText(stack, plans));
}

main().catch((error) => {
    process.stderr.write(`plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
