// A throw-away project that uses golden-ami-assessment the way a customer would: from the
// tarball `npm pack` builds, with @pulumi/pulumi and @pulumi/aws beside it. Offline.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ArchiveFiles, makeTempDir } from "./archive";
import { PROJECT_NODE_MODULES } from "./freshProcess";

const PROJECT_ROOT = path.resolve(__dirname, "../..");
const PLAN_SCRIPT = path.join(__dirname, "consumer", "planConsumer.js");

export interface ConsumerFunction {
    name: string;
    region: string;
    env: Record<string, string>;
    files: ArchiveFiles;
}

export interface Consumer {
    dir: string;
    tarball: string;
    /** How the dependencies got there, and why. */
    install: { method: "npm install --offline" | "extract + link"; note: string };
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): { ok: boolean; output: string } {
    const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: "false" } });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`;
    return { ok: result.status === 0, output };
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** `npm pack` of this project (prepack builds bin/) into `destination`; returns the tarball's path. */
export function packProject(destination: string): string {
    const packed = run(npm, ["pack", "--pack-destination", destination, "--json"], PROJECT_ROOT, 180_000);
    if (!packed.ok) throw new Error(`npm pack failed:\n${packed.output}`);
    const tarballs = fs.readdirSync(destination).filter((f) => f.endsWith(".tgz"));
    if (tarballs.length !== 1) throw new Error(`expected one tarball in ${destination}, found ${tarballs.join(", ") || "none"}`);
    return path.join(destination, tarballs[0]);
}

function installedVersion(name: string): string {
    return JSON.parse(fs.readFileSync(path.join(PROJECT_NODE_MODULES, ...name.split("/"), "package.json"), "utf8")).version;
}

/**
 * Creates the consumer: package.json depending on the tarball and on the @pulumi packages (the
 * versions installed here), then `npm install --offline` from the npm cache. If the cache cannot
 * serve that (a machine whose cache lacks the registry metadata), falls back to extracting the
 * tarball into node_modules and linking its dependencies and the @pulumi packages.
 */
export function createConsumer(tarball: string, options: { forceFallback?: boolean } = {}): Consumer {
    const dir = makeTempDir("gaa-consumer");
    const ownPackage = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify(
            {
                name: "gaa-consumer",
                version: "1.0.0",
                private: true,
                dependencies: {
                    [ownPackage.name]: `file:${tarball}`,
                    "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
                    "@pulumi/aws": installedVersion("@pulumi/aws"),
                },
            },
            null,
            2,
        ),
    );
    if (!options.forceFallback) {
        const installed = run(npm, ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], dir, 240_000);
        if (installed.ok) return { dir, tarball, install: { method: "npm install --offline", note: "all packages served by the local npm cache" } };
        fs.rmSync(path.join(dir, "node_modules"), { recursive: true, force: true });
        fs.rmSync(path.join(dir, "package-lock.json"), { force: true });
        linkInstall(dir, tarball, ownPackage);
        return { dir, tarball, install: { method: "extract + link", note: `npm install --offline failed: ${lastLines(installed.output, 3)}; ${NO_HIDDEN_LOCKFILE}` } };
    }
    linkInstall(dir, tarball, ownPackage);
    return { dir, tarball, install: { method: "extract + link", note: `forced; ${NO_HIDDEN_LOCKFILE}` } };
}

const NO_HIDDEN_LOCKFILE = "dependencies linked to this project's node_modules";

function lastLines(text: string, count: number): string {
    return text.trim().split("\n").slice(-count).join(" | ");
}

function linkInstall(dir: string, tarball: string, ownPackage: { name: string; dependencies: Record<string, string> }): void {
    const nodeModules = path.join(dir, "node_modules");
    const target = path.join(nodeModules, ...ownPackage.name.split("/"));
    fs.mkdirSync(target, { recursive: true });
    const extracted = run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], dir, 60_000);
    if (!extracted.ok) throw new Error(`tar failed:\n${extracted.output}`);
    // esbuild bundles from wherever Node resolves the packages, so links are enough.
    for (const name of ["@pulumi/pulumi", "@pulumi/aws", ...Object.keys(ownPackage.dependencies)]) {
        const link = path.join(nodeModules, ...name.split("/"));
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(path.join(PROJECT_NODE_MODULES, ...name.split("/")), link, "dir");
    }
}

/** Runs the consumer program under Pulumi mocks in a child node (cwd = consumer); returns its functions. */
export function planConsumer(consumerDir: string): ConsumerFunction[] {
    const script = path.join(consumerDir, "planConsumer.js");
    fs.copyFileSync(PLAN_SCRIPT, script);
    const out = path.join(consumerDir, "functions.json");
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // no ts-node or other hooks from the test process
    const result = spawnSync(process.execPath, [script, out], { cwd: consumerDir, encoding: "utf8", timeout: 180_000, env });
    if (result.status !== 0) throw new Error(`consumer program failed (exit ${result.status}):\n${result.stdout}${result.stderr}${result.error ?? ""}`);
    return JSON.parse(fs.readFileSync(out, "utf8")).functions;
}
