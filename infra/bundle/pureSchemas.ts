// The SDK's generated schema modules (dist-es/schemas/*.js) describe every shape of the service
// as plain arrays, with traits keyed by top-level string constants: `{ [_xN]: _PEA }`. esbuild
// must assume a computed key may run code, so it keeps every schema and everything it refers to
// (the EC2 client alone stays at 1 MB). Replacing those keys by the constants' literal values
// changes nothing at run time and lets esbuild drop the shapes a handler never sends or reads.
import type { Plugin } from "esbuild";
import { promises as fs } from "fs";

const STRING_CONSTANT = /^const (_[\w$]+) = ("[^"\\\n]*");$/gm;
const COMPUTED_KEY = /\[(_[\w$]+)\]:/g;

export function inlineSchemaKeys(source: string): string {
    const constants = new Map<string, string>();
    for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) constants.set(name, literal);
    return source.replace(COMPUTED_KEY, (key, name: string) => (constants.has(name) ? `[${constants.get(name)}]:` : key));
}

export const pureSchemasPlugin: Plugin = {
    name: "pure-schemas",
    setup(build) {
        build.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/ }, async (args) => ({
            contents: inlineSchemaKeys(await fs.readFile(args.path, "utf8")),
            loader: "js",
        }));
    },
};
