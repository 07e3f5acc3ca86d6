// Runs a materialized Lambda archive the way the nodejs22.x runtime would, in a fresh `node`
// (no ts-node, no project node_modules, no NODE_PATH, no SDK of the runtime's): cwd = the archive,
// AWS stubbed by a preload script (freshProcess/awsStub.js).
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "./archive";

export const PROJECT_NODE_MODULES = path.resolve(__dirname, "../../node_modules");

const STUB_PRELOAD = path.join(__dirname, "freshProcess", "awsStub.js");
const INVOKE_SCRIPT = path.join(__dirname, "freshProcess", "invokeHandler.js");

/**
 * Node also looks in node_modules of every ancestor of the archive dir; a stray /tmp/node_modules
 * would make the isolation a lie, so refuse to run rather than pass for the wrong reason.
 */
export function assertIsolated(archiveDir: string): void {
    let dir = path.dirname(fs.realpathSync(archiveDir));
    for (;;) {
        const candidate = path.join(dir, "node_modules");
        if (fs.existsSync(candidate)) throw new Error(`${candidate} exists: a fresh process in ${archiveDir} could resolve packages from it`);
        const parent = path.dirname(dir);
        if (parent === dir) return;
        dir = parent;
    }
}

/** Command name (e.g. "DescribeInstancesCommand") -> response, or responses used in turn. */
export type StubScript = Record<string, unknown>;

export interface StubCall {
    client: string;
    command: string;
    input: any;
    /** Set when the stub threw (scripted $error, or no script for the command). */
    error?: string;
    unscripted?: boolean;
}

/** A require of something that is not a Node built-in, made by the archive's code. */
export interface ModuleLoad {
    request: string;
    from?: string;
}

export interface FreshRun {
    ok: boolean;
    phase?: "load" | "invoke";
    result?: any;
    error?: { name?: string; message: string; code?: string; stack?: string };
    calls: StubCall[];
    loads: ModuleLoad[];
    /** The SDK client classes the stub patched, by name. */
    clients: string[];
    /** HTTP(S) requests attempted (all refused). */
    network: unknown[];
    exitCode: number | null;
    stdout: string;
    stderr: string;
}

export interface RunHandlerOptions {
    archiveDir: string;
    /** The function's environment variables, as the component sets them. */
    env: Record<string, string>;
    region: string;
    event: unknown;
    script: StubScript;
    /** What context.getRemainingTimeInMillis() answers. */
    remainingMs?: number;
    timeoutMs?: number;
}

/** Loads the archive's __index.js in a fresh node and invokes its handler once. */
export async function runHandler(options: RunHandlerOptions): Promise<FreshRun> {
    assertIsolated(options.archiveDir);
    const work = makeTempDir("gaa-invoke");
    try {
        const callsFile = path.join(work, "calls.jsonl");
        const resultFile = path.join(work, "result.json");
        const stubConfig = path.join(work, "stub.json");
        const jobFile = path.join(work, "job.json");
        fs.writeFileSync(callsFile, "");
        fs.writeFileSync(stubConfig, JSON.stringify({ script: options.script, callsFile }));
        fs.writeFileSync(jobFile, JSON.stringify({ event: options.event, remainingMs: options.remainingMs ?? 900_000, resultFile }));
        // Only what Lambda would set, plus the stub's config: nothing inherited from this process.
        const env: Record<string, string> = {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: work,
            AWS_REGION: options.region,
            AWS_DEFAULT_REGION: options.region,
            AWS_ACCESS_KEY_ID: "AKIASTUBSTUBSTUBSTUB",
            AWS_SECRET_ACCESS_KEY: "stub-secret",
            AWS_SESSION_TOKEN: "stub-token",
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_LAMBDA_FUNCTION_NAME: "fresh-process",
            GAA_STUB_CONFIG: stubConfig,
            ...options.env,
        };
        const { exitCode, stdout, stderr } = await spawnNode(["-r", STUB_PRELOAD, INVOKE_SCRIPT, jobFile], options.archiveDir, env, options.timeoutMs ?? 60_000);
        const records = fs
            .readFileSync(callsFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line));
        const calls: StubCall[] = records.filter((r) => r.type === "call").map(({ type, ...call }) => call);
        const loads: ModuleLoad[] = records.filter((r) => r.type === "load").map((r) => ({ request: r.request, from: r.from }));
        const clients: string[] = records.filter((r) => r.type === "client").map((r) => r.name);
        const network = records.filter((r) => r.type === "network");
        const seen = { calls, loads, clients, network, exitCode, stdout, stderr };
        if (!fs.existsSync(resultFile)) return { ok: false, error: { message: `no result (exit ${exitCode}): ${stderr}` }, ...seen };
        return { ...JSON.parse(fs.readFileSync(resultFile, "utf8")), ...seen };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

function spawnNode(args: string[], cwd: string, env: Record<string, string>, timeoutMs: number): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (exitCode) => {
            clearTimeout(timer);
            resolve({ exitCode, stdout, stderr });
        });
    });
}

/** "Describe..., Terminate..." for assertion messages. */
export function callNames(run: Pick<FreshRun, "calls">): string[] {
    return run.calls.map((call) => call.command);
}
