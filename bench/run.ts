// `npm run bench`: planning time (1 region and all 14; 1, 5 and 10 accounts × 14 regions), each Lambda's zipped code archive and its
// cold load time, the analyze handlers' API calls and time against their lower bounds, and the whole-cycle
// scenarios of both engines as totals, and the doctor over 14 regions.
// Prints tables and writes .bench/results.json. Targets print PASS/FAIL; the exit code is 0 unless
// the bench crashes. Never part of `npm test`. `--quick` (or BENCH_QUICK=1), run by CI after the
// tests: small sizes, one run each, targets shown but not judged; every path still runs.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, planIndex } from "../scripts/mockRuntime";
import { benchAnalyze } from "./analyze";
import { benchAnalyzeV2 } from "./analyzeV2";
import { benchArchives } from "./archives";
import { benchPlanAccounts } from "./planAccounts";
import { benchCycles, cycleRows, printTimings } from "./cycles";
import { DOCTOR_TARGET_MS, benchDoctor } from "./doctor";
import { benchPublish, printPublish } from "./publish";
import { reportHub } from "./hubReport";
import { REGIONS_14, Row, median, printTable, status } from "./common";

const RESULTS = path.resolve(__dirname, "..", ".bench", "results.json");
const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
const PLAN_RUNS = QUICK ? 1 : 3;
const LOAD_RUNS = QUICK ? 1 : 7;
/** Quick mode plans 3 regions instead of 14: the same paths, a third of the time. */
const MANY_REGIONS = QUICK ? REGIONS_14.slice(0, 3) : REGIONS_14;
const PLAN_TARGET_MS = 10_000;
/** Per-region cost at 14 regions over the cost of 1 region: 1.0 is linear; 10% allowance for timing noise. */
const GROWTH_TARGET = 1.1;
const SIZE_TARGET = 400 * 1024;
const SIZE_TARGETS: Record<string, number> = { reaper: 250 * 1024 };
const judged = (pass: boolean, target: string) => (QUICK ? `(quick: not judged; ${target})` : status(pass, target));

/** Counts closure serialization and bundling (and its time), however the component calls them. */
function instrumentSerialization() {
    const counters = { serializeFunction: 0, bundles: 0, bundleMs: 0 };
    const runtime = pulumi.runtime as any;
    const serializeFunction = runtime.serializeFunction;
    runtime.serializeFunction = (...args: unknown[]) => {
        counters.serializeFunction++;
        return serializeFunction(...args);
    };
    // esbuild's exports are getters; the component's bundling step is patched instead (stateless, kept across plans).
    const bundling = require("../infra/bundle/bundleHandler");
    const bundleHandler = bundling.bundleHandler;
    bundling.bundleHandler = async (...args: unknown[]) => {
        counters.bundles++;
        const started = performance.now();
        try {
            return await bundleHandler(...args);
        } finally {
            counters.bundleMs += performance.now() - started;
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
const BUNDLING_DIR = path.join(PROJECT_ROOT, "components", "bundle") + path.sep;
const PROGRAM_DIRS = ["components", "callbacks", "pipeline", "engines"].map((dir) => path.join(PROJECT_ROOT, dir) + path.sep);

/**
 * Forgets the program's own modules (index.ts, components/, callbacks/) so the next plan is what a
 * `pulumi preview` process does once: a fresh program, its closures serialized and bundled anew. @pulumi/* and the SDK stay loaded (that is the warm-up).
 */
function forgetProgram(): void {
    for (const key of Object.keys(require.cache)) {
        if (key.startsWith(BUNDLING_DIR)) continue;
        if (key === path.join(PROJECT_ROOT, "index.ts") || PROGRAM_DIRS.some((dir) => key.startsWith(dir))) delete require.cache[key];
    }
}

interface PlanMeasure {
    regions: number;
    runsMs: number[];
    medianMs: number;
    resources: number;
    functions: number;
    /** Per run (the last one): closures serialized, handlers bundled and the bundling time (concurrent, summed). */
    serializeFunction: number;
    bundles: number;
    bundleMs: number;
}

async function measurePlan(regions: string[], counters: Counters, fresh: boolean): Promise<{ measure: PlanMeasure; plan: Plan }> {
    const times: number[] = [];
    let plan: Plan | undefined;
    let last = { serializeFunction: 0, bundles: 0, bundleMs: 0 };
    for (let i = 0; i < PLAN_RUNS; i++) {
        if (fresh) forgetProgram();
        const before = { ...counters };
        const started = performance.now();
        plan = await planIndex({ stack: "bench", config: planConfig(regions) });
        times.push(performance.now() - started);
        last = {
            serializeFunction: counters.serializeFunction - before.serializeFunction,
            bundles: counters.bundles - before.bundles,
            bundleMs: Math.round(counters.bundleMs - before.bundleMs),
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
    const all = await measurePlan(MANY_REGIONS, counters, true);
    // The same program planned again in one process: closures and code paths already cached.
    const oneCached = await measurePlan(REGIONS_14.slice(0, 1), counters, false);
    const allCached = await measurePlan(MANY_REGIONS, counters, false);
    const growth = all.measure.medianMs / all.measure.regions / one.measure.medianMs;
    const cachedGrowth = allCached.measure.medianMs / allCached.measure.regions / oneCached.measure.medianMs;
    return { one: one.measure, all: all.measure, oneCached: oneCached.measure, allCached: allCached.measure, growth, cachedGrowth, onePlan: one.plan };
}

const roleOf = (name: string) => name.split("-").pop() ?? name;
const targetOf = (role: string) => SIZE_TARGETS[role] ?? SIZE_TARGET;

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

async function reportPlan(counters: Counters) {
    console.log(`Planning (index.ts under mocks, default rules packages; median of ${PLAN_RUNS} after a warm-up)...`);
    const plan = await benchPlan(counters);
    const detail = (m: PlanMeasure) =>
        `runs ${m.runsMs.join(", ")} ms; ${m.resources} resources; closures serialized ×${m.serializeFunction}, handlers bundled ×${m.bundles} (${m.bundleMs} ms summed)`;
    const planRows: Row[] = [
        ["1 region, fresh program", `${plan.one.medianMs} ms`, detail(plan.one), ""],
        [`${MANY_REGIONS.length} regions, fresh program`, `${plan.all.medianMs} ms`, detail(plan.all), judged(plan.all.medianMs <= PLAN_TARGET_MS, `≤ ${PLAN_TARGET_MS / 1000} s`)],
        [
            `per region: ${MANY_REGIONS.length} vs 1`,
            plan.growth.toFixed(2),
            `${Math.round(plan.all.medianMs / MANY_REGIONS.length)} ms per region at ${MANY_REGIONS.length}, ${plan.one.medianMs} ms at 1`,
            judged(plan.growth <= GROWTH_TARGET, `≤ ${GROWTH_TARGET.toFixed(2)}: no worse than linear (10% noise allowance)`),
        ],
        ["1 region, re-planned", `${plan.oneCached.medianMs} ms`, detail(plan.oneCached), "(info: same program again, bundles cached)"],
        [`${MANY_REGIONS.length} regions, re-planned`, `${plan.allCached.medianMs} ms`, detail(plan.allCached), `(info: per region ${MANY_REGIONS.length} vs 1 = ${plan.cachedGrowth.toFixed(2)})`],
    ];
    printTable(["plan", "time", "detail", "target"], planRows);

    return plan;
}

async function reportPlanAccounts() {
    console.log(`\nPlanning with accounts (${QUICK ? "1 and 2 accounts × 2 regions" : "1, 5 and 10 accounts × 14 regions"}; in process after a warm-up, bundles cached)...`);
    const result = await benchPlanAccounts(QUICK);
    const rows: Row[] = result.measures.map((m) => [`${m.accounts} × ${m.regions} = ${m.components} components`, `${m.medianMs} ms`, `runs ${m.runsMs.join(", ")} ms; CPU ${m.cpuMs} ms; ${m.resources} resources; load ${os.loadavg()[0].toFixed(1)}`, ""]);
    rows.push(["per extra component", `${result.perComponentMs.toFixed(0)} ms`, "(largest − smallest) ÷ (their difference in components)", judged(result.perComponentMs <= result.perComponentTargetMs, `≤ ${result.perComponentTargetMs} ms`)]);
    if (result.process) {
        const p = result.process;
        const last = result.measures[result.measures.length - 1];
        rows.push([`npm run plan, ${last.accounts} × ${last.regions}`, `${p.wallMs} ms`, `fresh process (ts-node, bundling, plan, summary of ${p.summaryLines} lines); exit ${p.status}${p.stderr ? `; ${p.stderr}` : ""}`, judged(p.status === 0 && p.wallMs < result.largestTargetMs, `< ${result.largestTargetMs / 1000} s`)]);
    }
    printTable(["plan with accounts", "time", "detail", "target"], rows);
    return result;
}

async function reportArchives(onePlan: Plan) {
    console.log(`\nCode archives (1 region; zipped with deflate level 6; cold load: median of ${LOAD_RUNS} fresh node processes)...`);
    const sizes = await benchArchives(onePlan, roleOf, LOAD_RUNS);
    printTable(
        ["function", "zipped", "unzipped", "files", "clients bundled", "cold load", "same clients from node_modules", "target"],
        sizes.map((s) => [
            s.role,
            mb(s.zippedBytes),
            mb(s.unzippedBytes),
            s.files.join(", "),
            s.clients.join(", "),
            `${s.coldLoadMs.toFixed(0)} ms`,
            `${s.nodeModulesLoadMs.toFixed(0)} ms`,
            judged(s.zippedBytes <= targetOf(s.role) && s.files.length === 1, `one file, ≤ ${mb(targetOf(s.role))} zipped`),
        ]),
    );

    return sizes;
}

async function reportAnalyzeV2() {
    console.log(`\nAnalyze, Inspector v2: ${QUICK ? "300 findings over 5 instances, 1" : "10,000 findings over 20 instances, 5"} ms per faked AWS call...`);
    const v2 = await benchAnalyzeV2(QUICK ? { findings: 300, instances: 5, latencyMs: 1 } : { findings: 10_000, instances: 20, latencyMs: 5 });
    printTable(
        ["analyze (v2)", "made", "least the API allows", "ratio", "target"],
        [
            ["ListCoverage calls", String(v2.made.ListCoverage), `${v2.minimum.ListCoverage} (${v2.options.instances} instances / 10 IDs per filter)`, (v2.made.ListCoverage / v2.minimum.ListCoverage).toFixed(3), judged(v2.made.ListCoverage === v2.minimum.ListCoverage, "= least")],
            ["ListFindings calls", String(v2.made.ListFindings), `${v2.minimum.ListFindings} (two settle reads; 10 IDs per filter, 100 per page)`, (v2.made.ListFindings / v2.minimum.ListFindings).toFixed(3), judged(v2.made.ListFindings <= v2.minimum.ListFindings + Math.ceil(v2.options.instances / 10), "≤ least + one partial page per batch of 10")],
            ["wall time (the fake's own work included)", `${Math.round(v2.wallMs)} ms`, `${Math.round(v2.boundMs)} ms = ${v2.totalCalls} sequential calls × ${v2.options.latencyMs} ms`, (v2.wallMs / v2.boundMs).toFixed(2), "(shown)"],
            ["bound + the handler's own time", `${Math.round(v2.boundMs + v2.ownMs)} ms (own ${Math.round(v2.ownMs)} ms)`, `${Math.round(v2.boundMs)} ms`, ((v2.boundMs + v2.ownMs) / v2.boundMs).toFixed(2), judged(v2.boundMs + v2.ownMs <= 1.5 * v2.boundMs, "≤ 1.5× bound")],
            ["findings reported", String(v2.reported), String(v2.options.findings), "", judged(v2.reported === v2.options.findings, "none lost")],
        ],
    );

    return v2;
}

async function reportAnalyzeClassic() {
    console.log(`\nAnalyze: ${QUICK ? "500 findings over 5 instances, 2" : "10,000 findings over 20 instances, 20"} ms per mocked AWS call...`);
    const analyze = await benchAnalyze(QUICK ? { findings: 500, instances: 5, latencyMs: 2 } : { findings: 10_000, instances: 20, latencyMs: 20 });
    printTable(
        ["call", "made", "minimum", "why", "max in flight"],
        analyze.calls.map((c) => [c.call, String(c.made), String(c.minimum), c.why, String(c.maxInFlight)]),
    );
    printTable(
        ["analyze", "value", "bound", "ratio", "target"],
        [
            ["API calls", String(analyze.totalMade), `${analyze.totalMinimum} (minimum)`, (analyze.totalMade / analyze.totalMinimum).toFixed(3), judged(analyze.totalMade === analyze.totalMinimum, "= minimum")],
            [
                "wall time",
                `${Math.round(analyze.wallMs)} ms`,
                `${Math.round(analyze.boundMs)} ms = ${analyze.totalMinimum} calls × ${analyze.latencyMs} ms ÷ ${analyze.concurrency}`,
                (analyze.wallMs / analyze.boundMs).toFixed(2),
                judged(analyze.wallMs <= 1.5 * analyze.boundMs, "≤ 1.5× bound"),
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

    return analyze;
}

async function reportCycles() {
    console.log("\nWhole cycles with faults (the test suite's scenarios, real handlers, stateful fake AWS)...");
    const cycles = await benchCycles();
    printTable(
        ["engine", "scenarios", "failed", "runs", "left running", "runs without exactly one report", "documented exceptions (at-least-once)", "PASS without proof", "findings lost", "target"],
        // Judged in quick mode too: these are correctness counts, not timings.
        cycleRows(cycles, status),
    );
    for (const bench of cycles) for (const failure of bench.totals.failed) console.log(`  ${bench.engine} scenario failed: ${failure.name}: ${failure.error}`);
    printTimings(cycles);

    return cycles;
}

async function reportDoctor() {
    console.log("\nDoctor: 14 regions against the fake account, 5 ms per faked AWS call (one run, clients created cold)...");
    const doctor = await benchDoctor({ latencyMs: 5 });
    const row = [`${doctor.regions} regions`, `${Math.round(doctor.wallMs)} ms`, `${doctor.calls} calls, ${doctor.sequentialMs} ms one after another; ${doctor.results} results`, judged(doctor.wallMs < DOCTOR_TARGET_MS, `< ${DOCTOR_TARGET_MS / 1000} s`)];
    printTable(["doctor", "wall time", "detail", "target"], [row]);
    return { ...doctor, targetMs: DOCTOR_TARGET_MS, pass: doctor.wallMs < DOCTOR_TARGET_MS };
}

async function main() {
    quietSdkNodeVersionWarning();
    const counters = instrumentSerialization();
    console.log(`golden-ami-assessment benchmarks${QUICK ? " (quick: small sizes, targets not judged)" : ""}\n`.trimEnd());
    const plan = await reportPlan(counters);
    const planAccounts = await reportPlanAccounts();
    const sizes = await reportArchives(plan.onePlan);
    const v2 = await reportAnalyzeV2();
    const analyze = await reportAnalyzeClassic();
    const cycles = await reportCycles();
    console.log("\nAssess on publish (issue 20): its whole cycles, publish to verdict, a 40-AMI burst...");
    const publish = await benchPublish();
    printPublish(publish, judged);
    const doctor = await reportDoctor();
    const hub = await reportHub(QUICK, judged);

    const { onePlan: _plan, ...planResults } = plan;
    const results = {
        generatedAt: new Date().toISOString(),
        node: process.version,
        plan: { ...planResults, targetMs: PLAN_TARGET_MS, growthTarget: GROWTH_TARGET, pass: plan.all.medianMs <= PLAN_TARGET_MS && plan.growth <= GROWTH_TARGET },
        planAccounts,
        quick: QUICK,
        analyzeV2: v2,
        archives: sizes.map((s) => ({ ...s, targetBytes: targetOf(s.role), pass: s.zippedBytes <= targetOf(s.role) && s.files.length === 1 })),
        analyze: { ...analyze, pass: { calls: analyze.totalMade === analyze.totalMinimum, time: analyze.wallMs <= 1.5 * analyze.boundMs } },
        cycles,
        publish,
        doctor,
        hub,
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
