// `npm run bench`: planning time (1 region and all 14), each Lambda's zipped code archive, and
// the analyze handler's API calls and wall time against their lower bounds. Prints a table and
// writes .bench/results.json. Targets print PASS/FAIL; the exit code is 0 unless the bench crashes.
// Never part of `npm test`.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { Plan, planIndex } from "../scripts/mockRuntime";
import { archiveEntries, listFiles, listPackages, materializeArchive, removeDir, zippedSize } from "../tests/support/archive";
import { benchAnalyze } from "./analyze";
import { REGIONS_14, Row, median, printTable, status } from "./common";

const RESULTS = path.resolve(__dirname, "..", ".bench", "results.json");
const PLAN_RUNS = 3;
const PLAN_TARGET_MS = 10_000;
/** Per-region cost at 14 regions over the cost of 1 region: 1.0 is linear; 10% allowance for timing noise. */
const GROWTH_TARGET = 1.1;
const SIZE_TARGETS: Record<string, number> = { start: 3 * 1024 * 1024, analyze: 3 * 1024 * 1024, reaper: 100 * 1024 };

/** Counts (and times) closure serialization and code-path computation, however the component calls them. */
function instrumentSerialization() {
    const counters = { serializeFunction: 0, computeCodePaths: 0, computeCodePathsMs: 0 };
    const runtime = pulumi.runtime as any;
    const serializeFunction = runtime.serializeFunction;
    runtime.serializeFunction = (...args: unknown[]) => {
        counters.serializeFunction++;
        return serializeFunction(...args);
    };
    const computeCodePaths = runtime.computeCodePaths;
    runtime.computeCodePaths = async (...args: unknown[]) => {
        counters.computeCodePaths++;
        const started = performance.now();
        try {
            return await computeCodePaths(...args);
        } finally {
            counters.computeCodePathsMs += performance.now() - started;
        }
    };
    return counters;
}
type Counters = ReturnType<typeof instrumentSerialization>;

function planConfig(regions: string[]): Record<string, string> {
    return {
        "aws:region": regions[0],
        "golden-ami-assessment:regions": JSON.stringify(regions),
        "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
    };
}

const PROJECT_ROOT = path.resolve(__dirname, "..");
const PROGRAM_DIRS = ["components", "callbacks", "pipeline", "engines"].map((dir) => path.join(PROJECT_ROOT, dir) + path.sep);

/**
 * Forgets the program's own modules (index.ts, components/, callbacks/) so the next plan is what a
 * `pulumi preview` process does once: a fresh program, its closures serialized and code paths
 * computed anew. @pulumi/* and the SDK stay loaded (that is the warm-up).
 */
function forgetProgram(): void {
    for (const key of Object.keys(require.cache)) {
        if (key === path.join(PROJECT_ROOT, "index.ts") || PROGRAM_DIRS.some((dir) => key.startsWith(dir))) delete require.cache[key];
    }
}

interface PlanMeasure {
    regions: number;
    runsMs: number[];
    medianMs: number;
    resources: number;
    functions: number;
    /** Per run (the last one): closures serialized, as the component counts them and as seen at pulumi.runtime. */
    serializationCount: number;
    serializeFunction: number;
    computeCodePaths: number;
    computeCodePathsMs: number;
}

async function measurePlan(regions: string[], counters: Counters, fresh: boolean): Promise<{ measure: PlanMeasure; plan: Plan }> {
    const times: number[] = [];
    let plan: Plan | undefined;
    let last = { serializationCount: 0, serializeFunction: 0, computeCodePaths: 0, computeCodePathsMs: 0 };
    for (let i = 0; i < PLAN_RUNS; i++) {
        if (fresh) forgetProgram();
        const before = { ...counters };
        const started = performance.now();
        plan = await planIndex({ stack: "bench", config: planConfig(regions) });
        times.push(performance.now() - started);
        last = {
            serializationCount: require("../components/serializedHandler").serializationCount(),
            serializeFunction: counters.serializeFunction - before.serializeFunction,
            computeCodePaths: counters.computeCodePaths - before.computeCodePaths,
            computeCodePathsMs: Math.round(counters.computeCodePathsMs - before.computeCodePathsMs),
        };
    }
    const measure = {
        regions: regions.length,
        runsMs: times.map(Math.round),
        medianMs: Math.round(median(times)),
        resources: plan!.resources.length,
        functions: plan!.resources.filter((r) => r.type === "aws:lambda/function:Function").length,
        ...last,
    };
    return { measure, plan: plan! };
}

async function benchPlan(counters: Counters) {
    // Warm-up: imports, JIT, the first arborist walk of node_modules.
    await planIndex({ stack: "bench", config: planConfig(REGIONS_14.slice(0, 1)) });
    const one = await measurePlan(REGIONS_14.slice(0, 1), counters, true);
    const all = await measurePlan(REGIONS_14, counters, true);
    // The same program planned again in one process: closures and code paths already cached.
    const oneCached = await measurePlan(REGIONS_14.slice(0, 1), counters, false);
    const allCached = await measurePlan(REGIONS_14, counters, false);
    const growth = all.measure.medianMs / all.measure.regions / one.measure.medianMs;
    const cachedGrowth = allCached.measure.medianMs / allCached.measure.regions / oneCached.measure.medianMs;
    return { one: one.measure, all: all.measure, oneCached: oneCached.measure, allCached: allCached.measure, growth, cachedGrowth, onePlan: one.plan };
}

async function benchSizes(plan: Plan) {
    const sizes = [];
    for (const resource of plan.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
        const role = Object.keys(SIZE_TARGETS).find((r) => resource.name.endsWith(`-${r}`))!;
        const dir = materializeArchive(await archiveEntries(resource.inputs.code));
        try {
            const files = listFiles(dir);
            const unzipped = files.reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);
            const packages = listPackages(dir);
            const largest = packages
                .filter((p) => !p.path.slice("node_modules/".length).includes("/node_modules/"))
                .map((p) => ({ name: p.name, bytes: listFiles(path.join(dir, p.path)).reduce((sum, f) => sum + fs.statSync(path.join(dir, p.path, f)).size, 0) }))
                .sort((a, b) => b.bytes - a.bytes)
                .slice(0, 5);
            sizes.push({ role, function: resource.name, files: files.length, packages: packages.length, unzippedBytes: unzipped, zippedBytes: zippedSize(dir), targetBytes: SIZE_TARGETS[role], largestPackages: largest });
        } finally {
            removeDir(dir);
        }
    }
    return sizes.sort((a, b) => Object.keys(SIZE_TARGETS).indexOf(a.role) - Object.keys(SIZE_TARGETS).indexOf(b.role));
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : kb(bytes));

/** The SDK's "node >= 22 from 2027" notice would land in the middle of a table; the bench is about timing. */
function quietSdkNodeVersionWarning(): void {
    const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
    process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
        if (String(warning).includes("NodeVersionSupportWarning")) return;
        emitWarning(warning, ...rest);
    }) as typeof process.emitWarning;
}

async function main() {
    quietSdkNodeVersionWarning();
    const counters = instrumentSerialization();
    console.log("golden-ami-assessment benchmarks\n");

    console.log(`Planning (index.ts under mocks, default rules packages; median of ${PLAN_RUNS} after a warm-up)...`);
    const plan = await benchPlan(counters);
    const detail = (m: PlanMeasure) =>
        `runs ${m.runsMs.join(", ")} ms; ${m.resources} resources; closures serialized ${m.serializationCount} (serializeFunction ×${m.serializeFunction}), computeCodePaths ×${m.computeCodePaths} (${m.computeCodePathsMs} ms)`;
    const planRows: Row[] = [
        ["1 region, fresh program", `${plan.one.medianMs} ms`, detail(plan.one), ""],
        ["14 regions, fresh program", `${plan.all.medianMs} ms`, detail(plan.all), status(plan.all.medianMs <= PLAN_TARGET_MS, `≤ ${PLAN_TARGET_MS / 1000} s`)],
        [
            "per region: 14 vs 1",
            plan.growth.toFixed(2),
            `${Math.round(plan.all.medianMs / 14)} ms per region at 14, ${plan.one.medianMs} ms at 1`,
            status(plan.growth <= GROWTH_TARGET, `≤ ${GROWTH_TARGET.toFixed(2)}: no worse than linear (10% noise allowance)`),
        ],
        ["1 region, re-planned", `${plan.oneCached.medianMs} ms`, detail(plan.oneCached), "(info: same program again, closures cached)"],
        ["14 regions, re-planned", `${plan.allCached.medianMs} ms`, detail(plan.allCached), `(info: per region 14 vs 1 = ${plan.cachedGrowth.toFixed(2)})`],
    ];
    printTable(["plan", "time", "detail", "target"], planRows);

    console.log("\nCode archives (1 region; zipped with deflate level 6, deterministic)...");
    const sizes = await benchSizes(plan.onePlan);
    printTable(
        ["function", "zipped", "unzipped", "files", "packages", "largest packages (unzipped)", "target"],
        sizes.map((s) => [
            s.role,
            mb(s.zippedBytes),
            mb(s.unzippedBytes),
            String(s.files),
            String(s.packages),
            s.largestPackages.map((p) => `${p.name} ${mb(p.bytes)}`).join(", ") || "-",
            status(s.zippedBytes <= s.targetBytes, `≤ ${mb(s.targetBytes)}`),
        ]),
    );

    console.log("\nAnalyze: 10,000 findings over 20 instances, 20 ms per mocked AWS call...");
    const analyze = await benchAnalyze({ findings: 10_000, instances: 20, latencyMs: 20 });
    printTable(
        ["call", "made", "minimum", "why", "max in flight"],
        analyze.calls.map((c) => [c.call, String(c.made), String(c.minimum), c.why, String(c.maxInFlight)]),
    );
    printTable(
        ["analyze", "value", "bound", "ratio", "target"],
        [
            ["API calls", String(analyze.totalMade), `${analyze.totalMinimum} (minimum)`, (analyze.totalMade / analyze.totalMinimum).toFixed(3), status(analyze.totalMade === analyze.totalMinimum, "= minimum")],
            [
                "wall time",
                `${Math.round(analyze.wallMs)} ms`,
                `${Math.round(analyze.boundMs)} ms = ${analyze.totalMinimum} calls × ${analyze.latencyMs} ms ÷ ${analyze.concurrency}`,
                (analyze.wallMs / analyze.boundMs).toFixed(2),
                status(analyze.wallMs <= 1.5 * analyze.boundMs, "≤ 1.5× bound"),
            ],
            [
                "wall time vs critical path",
                `${Math.round(analyze.wallMs)} ms`,
                `${Math.round(analyze.criticalPathMs)} ms = ${analyze.criticalPathDetail}`,
                (analyze.wallMs / analyze.criticalPathMs).toFixed(2),
                "(info)",
            ],
        ],
    );
    console.log(`analyze result: ${analyze.summary}`);

    const { onePlan: _plan, ...planResults } = plan;
    const results = {
        generatedAt: new Date().toISOString(),
        node: process.version,
        plan: { ...planResults, targetMs: PLAN_TARGET_MS, growthTarget: GROWTH_TARGET, pass: plan.all.medianMs <= PLAN_TARGET_MS && plan.growth <= GROWTH_TARGET },
        archives: sizes.map((s) => ({ ...s, pass: s.zippedBytes <= s.targetBytes })),
        analyze: { ...analyze, pass: { calls: analyze.totalMade === analyze.totalMinimum, time: analyze.wallMs <= 1.5 * analyze.boundMs } },
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
    console.log(`\nResults written to ${path.relative(process.cwd(), RESULTS)}`);
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error("bench crashed:", error);
        process.exit(1);
    },
);
