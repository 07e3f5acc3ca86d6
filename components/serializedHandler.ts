// A handler's Lambda code archive: its serialized closure as __index.js plus the node_modules it
// needs; the layout CallbackFunction builds. CallbackFunction serializes again for every function
// it creates; the handlers capture nothing per region (they read their settings from the
// environment), so each is serialized once per program and its archive shared by every region.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const HANDLER_ENTRY = "__index.handler";

/** This package (package.json "name"): its code is inlined into __index.js, so its folder is never shipped. */
const OWN_PACKAGE = "@golden-ami-assessment/pulumi";
/** Where trimmed copies of bundled packages are staged, under node_modules/.cache. */
const CACHE_FOLDER = "golden-ami-assessment";
/** Not provided by the Lambda runtime, so shipped wherever a handler is not told to leave it out. */
const BUNDLED_PACKAGES = ["@aws-sdk/client-inspector"];

/**
 * Node loads the CommonJS build through each package's main; type definitions, ES-module builds,
 * source maps and docs are two thirds of the SDK's bytes and never load in Lambda.
 */
const UNUSED_AT_RUNTIME = /(^|\/)(dist-types|dist-es)(\/|$)|\.d\.ts$|\.map$|(^|\/)(README|CHANGELOG)(\.[a-z]+)?$/i;

type CodePaths = Map<string, pulumi.asset.Asset | pulumi.asset.Archive>;

const serializedClosures = new Map<Function, Promise<string>>();
const modulePaths = new Map<string, Promise<CodePaths>>();

export function handlerArchive(callbackFactory: Function, excludePackages: readonly string[]): pulumi.asset.AssetArchive {
    let text = serializedClosures.get(callbackFactory);
    if (!text) {
        // allowSecrets false: a captured secret would land in plain text in the archive; fail instead.
        text = pulumi.runtime
            .serializeFunction(callbackFactory, { exportName: "handler", isFactoryFunction: true, allowSecrets: false })
            .then((closure) => closure.text);
        serializedClosures.set(callbackFactory, text);
    }
    // The runtime's own aws-sdk v2 is never bundled (as in CallbackFunction).
    const excluded = [...new Set([...excludePackages, OWN_PACKAGE, "aws-sdk"])].sort();
    const key = excluded.join(",");
    let modules = modulePaths.get(key);
    if (!modules) {
        modules = runtimeModules(excluded);
        modulePaths.set(key, modules);
    }
    return new pulumi.asset.AssetArchive(
        Promise.all([text, modules]).then(([source, paths]) => ({ "__index.js": new pulumi.asset.StringAsset(source), ...Object.fromEntries(paths) })),
    );
}

/**
 * The program's runtime dependencies as Pulumi computes them, trimmed to what Node loads and
 * staged under node_modules/.cache (a stable path, so the archive only changes when its content
 * does). One folder per package keeps the archive to a few dozen entries instead of thousands of
 * files, which the engine would otherwise carry for every function in every region.
 * The bundled packages are named explicitly: a consumer's npm records our package without its
 * "pulumi.runtimeDependencies", so Pulumi alone would ship all of our package instead.
 */
async function runtimeModules(excluded: string[]): Promise<CodePaths> {
    const paths = await pulumi.runtime.computeCodePaths({
        extraExcludePackages: excluded,
        extraIncludePackages: BUNDLED_PACKAGES.filter((name) => !excluded.includes(name)),
    });
    const stage = path.join("node_modules", ".cache", CACHE_FOLDER, createHash("sha1").update(excluded.join(",")).digest("hex").slice(0, 12));
    const folders: string[] = [];
    for (const entry of paths.values()) {
        // computeCodePaths gives a FileArchive per package folder (a FileAsset per lone file).
        if (pulumi.asset.Archive.isInstance(entry) && "path" in entry) folders.push(await (entry as pulumi.asset.FileArchive).path);
    }
    restage(stage, folders);
    const trimmed: CodePaths = new Map();
    for (const [archivePath, entry] of paths) {
        const isFolder = pulumi.asset.Archive.isInstance(entry) && "path" in entry;
        trimmed.set(archivePath, isFolder ? new pulumi.asset.FileArchive(path.join(stage, archivePath)) : entry);
    }
    return trimmed;
}

/** Copies the trimmed folders into `stage`, unless the stage already holds these package versions. */
function restage(stage: string, folders: string[]): void {
    const stamp = createHash("sha1");
    for (const folder of [...folders].sort()) {
        const manifest = path.join(folder, "package.json");
        stamp.update(`${folder}\0${fs.existsSync(manifest) ? fs.readFileSync(manifest) : ""}\0`);
    }
    const stampFile = path.join(stage, ".stamp");
    const wanted = stamp.digest("hex");
    if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === wanted) return;
    fs.rmSync(stage, { recursive: true, force: true });
    fs.mkdirSync(stage, { recursive: true });
    for (const folder of folders) copyRuntimeFiles(folder, path.join(stage, folder));
    fs.writeFileSync(stampFile, wanted);
}

function copyRuntimeFiles(from: string, to: string): void {
    fs.cpSync(from, to, {
        recursive: true,
        force: true,
        filter: (source) => {
            const relative = path.relative(from, source).split(path.sep).join("/");
            // Symlinks in packages are .bin shims, never loaded by require().
            return relative === "" || (!UNUSED_AT_RUNTIME.test(relative) && !fs.lstatSync(source).isSymbolicLink());
        },
    });
}
