// Plan time with `accounts` (issue 22): N accounts × 14 regions, in process (warm: what each extra
// component costs) and as `npm run plan` in a fresh process (what a user waits for), against the
// targets ≤ 0.1 s per extra component and 10 × 14 under 30 s.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planIndex } from "../scripts/mockRuntime";
import { REGIONS_14, median } from "./common";

export const PER_COMPONENT_TARGET_MS = 100;
export const LARGEST_TARGET_MS = 30_000;

/** Distinct, well-formed account IDs. */
function accountIds(count: number): string[] {
    return Array.from({ length: count }, (_, i) => String(111111111111 + i * 1_000_001));
}

export function accountsConfig(accounts: number, regions: readonly string[]): Record<string, string> {
    return {
        "aws:region": regions[0],
        "golden-ami-assessment:regions": JSON.stringify(regions),
        "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
        "golden-ami-assessment:accounts": JSON.stringify(accountIds(accounts).map((id) => ({ id }))),
        "golden-ami-assessment:roleName": "gaa-deployer",
    };
}

export interface AccountsPlanMeasure {
    accounts: number;
    regions: number;
    components: number;
    resources: number;
    runsMs: number[];
    medianMs: number;
    /** CPU time of this process (all threads, GC helpers included) of the median run: less sensitive to a busy machine than wall time. */
    cpuMs: number;
}

async function measure(accounts: number, regions: readonly string[], runs: number): Promise<AccountsPlanMeasure> {
    const times: number[] = [];
    const cpu: number[] = [];
    let resources = 0;
    for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const usage = process.cpuUsage();
        const plan = await planIndex({ stack: "bench", config: accountsConfig(accounts, regions) });
        times.push(performance.now() - started);
        const used = process.cpuUsage(usage);
        cpu.push((used.user + used.system) / 1000);
        resources = plan.resources.length;
    }
    const medianMs = median(times);
    const cpuMs = Math.round(cpu[times.indexOf(times.find((t) => t >= medianMs) ?? times[0])]);
    return { accounts, regions: regions.length, components: accounts * regions.length, resources, runsMs: times.map(Math.round), medianMs: Math.round(medianMs), cpuMs };
}

/** `npm run plan` on a stack file of `accounts` × `regions`, in a fresh process: its wall time and summary length. */
function planProcess(accounts: number, regions: readonly string[]): { wallMs: number; status: number | null; summaryLines: number; stderr: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gaa-bench-accounts-"));
    const file = path.join(dir, "Pulumi.bench.yaml");
    const config = accountsConfig(accounts, regions);
    fs.writeFileSync(file, ["config:", ...Object.entries(config).map(([key, value]) => `  ${key}: '${value}'`)].join("\n") + "\n");
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("AWS_") || key.startsWith("PULUMI_")) delete env[key];
    const started = performance.now();
    const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", "--config-file", file], {
        cwd: path.resolve(__dirname, ".."),
        env,
        encoding: "utf8",
        timeout: 600_000,
    });
    const wallMs = Math.round(performance.now() - started);
    fs.rmSync(dir, { recursive: true, force: true });
    return { wallMs, status: result.status, summaryLines: result.stdout.trimEnd().split("\n").length, stderr: result.stderr.slice(0, 500) };
}

/**
 * Quick: 1 and 2 accounts × 2 regions, one run each, no process. Full: 1, 5 and 10 accounts × 14
 * regions in process (3 runs of 1 × 14, 1 of the others), and 10 × 14 as `npm run plan`.
 */
export async function benchPlanAccounts(quick: boolean) {
    const regions = quick ? REGIONS_14.slice(0, 2) : REGIONS_14;
    const sizes = quick ? [1, 2] : [1, 5, 10];
    // Warm-up: imports, the handlers' bundles (once per program), JIT.
    await planIndex({ stack: "bench", config: accountsConfig(1, regions.slice(0, 1)) });
    const measures: AccountsPlanMeasure[] = [];
    for (const accounts of sizes) measures.push(await measure(accounts, regions, !quick && accounts === 1 ? 3 : 1));
    const [smallest, largest] = [measures[0], measures[measures.length - 1]];
    const perComponentMs = (largest.medianMs - smallest.medianMs) / (largest.components - smallest.components);
    const process = quick ? undefined : planProcess(largest.accounts, regions);
    return { measures, perComponentMs, process, perComponentTargetMs: PER_COMPONENT_TARGET_MS, largestTargetMs: LARGEST_TARGET_MS };
}
