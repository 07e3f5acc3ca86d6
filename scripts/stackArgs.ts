// The command line both `npm run plan` and `npm run doctor` take: a stack (by name, or by a
// Pulumi.<stack>.yaml file) and boolean flags. One parser, so both read a stack the same way.
import * as path from "path";

export interface StackArgs {
    stack: string;
    /** Where the stack name came from, said in the output when it is not obvious. */
    stackSource: "default" | "--stack" | "file name";
    configFile?: string;
    /** The boolean flags given, by their long name ("--json"). */
    flags: Set<string>;
}

/**
 * `--stack NAME`, `--config-file FILE` (also as `--flag=value`) and the given boolean flags
 * (`aliases` maps a short form to its flag). Anything else is an error made by `fail`, with the usage.
 */
export function parseStackArgs(argv: string[], booleanFlags: readonly string[], fail: (message: string) => Error, aliases: Record<string, string> = {}): StackArgs {
    let stack: string | undefined;
    let configFile: string | undefined;
    const flags = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const [given, inline] = argv[i].split(/=(.*)/s, 2);
        const flag = aliases[given] ?? given;
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw fail(`${flag} needs a value`);
            return v;
        };
        if (booleanFlags.includes(flag)) flags.add(flag);
        else if (flag === "--stack") stack = value();
        else if (flag === "--config-file") configFile = value();
        else throw fail(`unknown argument ${argv[i]}`);
    }
    // A config file named Pulumi.<stack>.yaml names its stack.
    const fromFile = configFile ? /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(configFile))?.[1] : undefined;
    const stackSource = stack ? "--stack" : fromFile ? "file name" : "default";
    return { stack: stack ?? fromFile ?? "dev", stackSource, configFile, flags };
}
