// One handler's Lambda code: its serialized closure bundled by esbuild, with every package it
// requires (the AWS SDK clients at the versions installed, i.e. the lockfile's), into one minified
// CommonJS file. Nothing is left to the runtime's own SDK, so the code that runs is the code tested.
// In memory only (write: false): concurrent programs in one checkout share no files.
import type { BuildOptions, Message, Metafile, Plugin } from "esbuild";
import { requiredNames, vendorModule } from "./namedRequires";
import { pureSchemasPlugin } from "./pureSchemas";

export interface HandlerBundle {
    /** The bundled __index.js. */
    text: string;
    /** Bytes of output per input file (paths relative to resolveDir), for the bench. */
    inputs: Record<string, number>;
}

const COMMON: BuildOptions = {
    bundle: true,
    write: false,
    metafile: true,
    format: "cjs",
    platform: "node",
    target: "node22",
    minify: true,
    // Readable stack traces: function and class names survive minification.
    keepNames: true,
    // The SDK's ES builds tree-shake; its dist-cjs builds do not.
    mainFields: ["module", "main"],
    logLevel: "silent",
};

/** A module whose source is given, for an entry point or a require. */
function virtualModules(name: string, modules: Map<string, string>, resolveDir: string): Plugin {
    // An exact filter: a catch-all would call into JavaScript for every import of every SDK file.
    const escape = (path: string) => path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    const filter = new RegExp(`^(${[...modules.keys()].map(escape).join("|")})$`);
    return {
        name,
        setup(build) {
            build.onResolve({ filter }, (args) => (modules.has(args.path) ? { path: args.path, namespace: name } : undefined));
            build.onLoad({ filter: /.*/, namespace: name }, (args) => ({ contents: modules.get(args.path), resolveDir, loader: "js" }));
        },
    };
}

/**
 * Bundles `code` (a serialized closure, CommonJS) resolving its requires from `resolveDir`, as
 * Node would from there. Fails naming `handler` and what could not be resolved.
 */
export async function bundleHandler(handler: string, code: string, resolveDir: string): Promise<HandlerBundle> {
    // Loaded on first use: a program that creates no function never pays for it.
    const esbuild = await import("esbuild");
    const vendor = vendorModule(requiredNames(code));
    const build = async (entry: string, source: string, plugins: Plugin[]) => {
        try {
            const entryModule = virtualModules(`${entry}-entry`, new Map([[entry, source]]), resolveDir);
            return await esbuild.build({ ...COMMON, absWorkingDir: resolveDir, entryPoints: [entry], plugins: [entryModule, ...plugins] });
        } catch (error) {
            throw new Error(describeFailure(handler, resolveDir, error));
        }
    };
    // 1. The packages, shaken down to the names the closure reads.
    const packages = await build("vendor.mjs", vendor.source, [pureSchemasPlugin]);
    const vendorText = packages.outputFiles![0].text;
    // 2. The closure, each of its requires served by the vendor module's export for it.
    const served = new Map([["vendor.cjs", vendorText]]);
    for (const [specifier, name] of vendor.exportOf) served.set(specifier, `module.exports = require("vendor.cjs").${name};`);
    const handlerBuild = await build("__index.js", code, [virtualModules("required", served, resolveDir)]);
    return { text: handlerBuild.outputFiles![0].text, inputs: inputBytes(packages.metafile!) };
}

function describeFailure(handler: string, resolveDir: string, error: unknown): string {
    const messages: Message[] = (error as { errors?: Message[] }).errors ?? [];
    const what = messages.map((m) => m.text);
    return `cannot bundle the Lambda code of handler ${handler} (resolving from ${resolveDir}): ${what.length > 0 ? what.join("; ") : String(error)}`;
}

function inputBytes(metafile: Metafile): Record<string, number> {
    const inputs: Record<string, number> = {};
    for (const output of Object.values(metafile.outputs)) {
        for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) inputs[file] = (inputs[file] ?? 0) + bytesInOutput;
    }
    return inputs;
}
