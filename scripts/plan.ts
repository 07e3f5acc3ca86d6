// `npm run plan [-- --stack <name>] [--json]`: what `pulumi up` would create, computed offline
// under Pulumi's mock runtime with the stack's Pulumi.<stack>.yaml. No credentials, no CLI.
import { planIndex } from "./mockRuntime";
import { regionPlans, renderText } from "./planReport";
import { readStackFile } from "./stackFile";

function parseArgs(argv: string[]): { stack: string; json: boolean } {
    let stack = "dev";
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--json") json = true;
        else if (argv[i] === "--stack" && argv[i + 1]) stack = argv[++i];
        else if (argv[i].startsWith("--stack=")) stack = argv[i].slice("--stack=".length);
        else throw new Error(`unknown argument ${argv[i]}; usage: npm run plan -- [--stack <name>] [--json]`);
    }
    return { stack, json };
}

async function main(): Promise<void> {
    const { stack, json } = parseArgs(process.argv.slice(2));
    const config = readStackFile(stack);
    const plan = await planIndex({ stack, config });
    const regions = Object.keys(plan.exports.assessments as object);
    const plans = regionPlans(plan, stack, regions);
    process.stdout.write(json ? JSON.stringify({ stack, regions: plans }, null, 2) + "\n" : renderText(stack, plans));
}

main().catch((error) => {
    process.stderr.write(`plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
