// `npm run doctor [-- --stack <name>] [--config-file <file>] [--json]`: what would stop a run,
// asked read-only of AWS with the user's own credentials (default chain, AWS_PROFILE).
// Exit 0 no blocker, 1 a blocker, 2 the doctor could not run (bad config, no credentials).
import { STSClient } from "@aws-sdk/client-sts";
import { CONFIG_NAMESPACE, readStackConfig } from "../components/stackConfig";
import { exitCodeOf, renderJson, renderText } from "../doctor/render";
import { runDoctor } from "../doctor/runDoctor";
import { DoctorCannotRun } from "../doctor/types";
import { parseStackArgs } from "./stackArgs";
import { plannableConfig, readConfigFile, readStackFile } from "./stackFile";

const USAGE = "usage: npm run doctor -- [--stack <name>] [--config-file <Pulumi.<stack>.yaml>] [--json]";

export function parseDoctorArgs(argv: string[]): { stack: string; configFile?: string; json: boolean } {
    // The stack names the deployed topic the doctor looks for.
    const { stack, configFile, flags } = parseStackArgs(argv, ["--json"], (message) => new DoctorCannotRun(`${message}; ${USAGE}`));
    return { stack, configFile, json: flags.has("--json") };
}

/** The stack's config validated by the same functions the plan and the program use. */
function loadSettings(stack: string, configFile: string | undefined) {
    const raw = configFile ? readConfigFile(configFile) : readStackFile(stack);
    const { config, notes } = plannableConfig(raw, CONFIG_NAMESPACE);
    const settings = readStackConfig((key) => config[`${CONFIG_NAMESPACE}:${key}`], config["aws:region"]);
    return { settings, notes };
}

/** Resolves the default credential chain once, so "no credentials" is exit 2 and not a blocker per region. */
async function requireCredentials(region: string): Promise<void> {
    try {
        await new STSClient({ region }).config.credentials();
    } catch (error) {
        throw new DoctorCannotRun(`no AWS credentials (${error instanceof Error ? error.message : String(error)}); set AWS_PROFILE, or log in with \`aws sso login\`, and run again`);
    }
}

async function main(): Promise<number> {
    const { stack, configFile, json } = parseDoctorArgs(process.argv.slice(2));
    let loaded: ReturnType<typeof loadSettings>;
    try {
        loaded = loadSettings(stack, configFile);
    } catch (error) {
        throw new DoctorCannotRun(`bad config: ${error instanceof Error ? error.message : String(error)}`);
    }
    await requireCredentials(loaded.settings.regions[0]);
    const report = { ...(await runDoctor({ settings: loaded.settings, stack })), ...(loaded.notes.length ? { configNotes: loaded.notes } : {}) };
    process.stdout.write(json ? renderJson(report) : renderText(report));
    return exitCodeOf(report);
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (error) => {
            process.stderr.write(`doctor could not run: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exit(2);
        },
    );
}
