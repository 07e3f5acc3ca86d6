// Each Lambda's code archive: its zipped size, and the cold load time of its __index.js in a fresh
// node (median of several runs) against loading the same SDK clients from a node_modules tree.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Plan } from "../scripts/mockRuntime";
import { archiveFiles, removeDir, writeArchive, zipArchive } from "../tests/support/archive";
import { median } from "./common";

const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface ArchiveMeasure {
    role: string;
    function: string;
    files: string[];
    zippedBytes: number;
    unzippedBytes: number;
    clients: string[];
    coldLoadMs: number;
    nodeModulesLoadMs: number;
}

/** Client class name -> its package, for every @aws-sdk/client-* this package depends on. */
function sdkClients(): Map<string, string> {
    const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    const clients = new Map<string, string>();
    for (const name of Object.keys(manifest.dependencies).filter((n) => n.startsWith("@aws-sdk/client-"))) {
        const exported = Object.keys(require(name)).filter((key) => /Client$/.test(key) && key !== "__Client");
        for (const key of exported) clients.set(key, name);
    }
    return clients;
}

/** Milliseconds a fresh node takes to run `code` (which prints its own measurement), median of `runs`. */
function timeInFreshNode(code: string, cwd: string, env: Record<string, string>, runs: number): number {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const out = spawnSync(process.execPath, ["-e", code], { cwd, env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1", ...env }, encoding: "utf8" });
        if (out.status !== 0) throw new Error(`fresh node failed in ${cwd}: ${out.stderr}`);
        times.push(Number(out.stdout.trim().split("\n").pop()));
    }
    return median(times);
}

const TIMED = (body: string) => `const t = process.hrtime.bigint(); ${body}; console.log(Number(process.hrtime.bigint() - t) / 1e6);`;

export async function benchArchives(plan: Plan, roleOf: (name: string) => string, runs: number): Promise<ArchiveMeasure[]> {
    const clients = sdkClients();
    const measures: ArchiveMeasure[] = [];
    for (const resource of plan.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
        const files = await archiveFiles(resource.inputs.code);
        const text = Object.values(files).join("");
        const used = [...clients.keys()].filter((name) => text.includes(`"${name}"`));
        const dir = writeArchive(files);
        try {
            const env = resource.inputs.environment.variables;
            measures.push({
                role: roleOf(resource.name),
                function: resource.name,
                files: Object.keys(files),
                zippedBytes: zipArchive(files).length,
                unzippedBytes: Buffer.byteLength(text),
                clients: used,
                coldLoadMs: timeInFreshNode(TIMED(`require("./__index")`), dir, env, runs),
                nodeModulesLoadMs: timeInFreshNode(TIMED(used.map((c) => `require(${JSON.stringify(clients.get(c))})`).join("; ")), PROJECT_ROOT, env, runs),
            });
        } finally {
            removeDir(dir);
        }
    }
    return measures;
}
