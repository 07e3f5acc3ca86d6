// Whole cycles with faults through the real handlers (the scenarios of the test suite), as
// totals: scenario count, runs, and the four invariants, each of which must be 0.
import { FINDINGS_SETTLE_SECONDS } from "../pipeline/cleanup/stale";
import { FINDINGS_LAG_MS } from "../tests/support/fakeAws";
import { CycleTotals, runScenarios, totalsPass } from "../tests/support/cycles/outcome";
import { classicScenarios } from "../tests/support/cycles/classic";
import { inspector2Scenarios } from "../tests/support/cycles/inspector2";
import { INSPECTOR2_TIMINGS } from "../tests/support/fakeInspector2Timeline";
import { Row, median, printTable } from "./common";

export interface CycleBench {
    engine: string;
    totals: CycleTotals;
    pass: boolean;
}

export async function benchCycles(): Promise<CycleBench[]> {
    const benches: CycleBench[] = [];
    for (const [engine, scenarios] of [["inspector2", inspector2Scenarios], ["classic", classicScenarios]] as const) {
        const totals = await runScenarios(scenarios);
        benches.push({ engine, totals, pass: totalsPass(totals) });
    }
    return benches;
}

export function cycleRows(benches: ReadonlyArray<CycleBench>, judged: (pass: boolean, target: string) => string): Row[] {
    return benches.map(({ engine, totals, pass }) => [
        engine,
        String(totals.scenarios),
        String(totals.failed.length),
        String(totals.runs),
        String(totals.leftRunning),
        String(totals.wrongReports),
        String(totals.documentedExceptions),
        String(totals.passWithoutProof),
        String(totals.findingsLost),
        judged(pass, "all 0"),
    ]);
}

/** Medians over the scenarios run under the modelled Inspector v2 timings (fakeInspector2Timeline.ts). */
export function timingSummary(benches: ReadonlyArray<CycleBench>) {
    const runs = benches.flatMap((bench) => bench.totals.timings.map((t) => t.timings));
    const of = (pick: (t: (typeof runs)[number]) => number | undefined) => {
        const values = runs.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
        return values.length ? median(values) : NaN;
    };
    return {
        scenarios: runs.length,
        ssmOnlineMinutes: of((t) => t.ssmOnlineMinutes),
        scanMinutes: of((t) => t.scanMinutes),
        settledMinutes: of((t) => t.settledMinutes),
        verdictMinutes: of((t) => t.verdictMinutes),
        instanceHoursPerAmi: of((t) => t.instanceHoursPerAmi),
        settleSeconds: FINDINGS_SETTLE_SECONDS,
        findingsLagMinutes: FINDINGS_LAG_MS / 60_000,
        inventoryIntervalMinutes: INSPECTOR2_TIMINGS.inventoryIntervalMs / 60_000,
    };
}

/** Prints the modelled v2 timings table (informational: the model's numbers, not a target). */
export function printTimings(benches: ReadonlyArray<CycleBench>): ReturnType<typeof timingSummary> {
    const summary = timingSummary(benches);
    console.log(
        `\nInspector v2 under the modelled timings (${summary.scenarios} scenarios; SSM inventory every ${summary.inventoryIntervalMinutes} min, ` +
            `findings lag ${summary.findingsLagMinutes} min, settle ${summary.settleSeconds / 60} min; docs/inspector2-timings.md), medians, minutes from the schedule:`,
    );
    const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "-");
    printTable(
        ["SSM online", "first package scan", "findings settled", "verdict (report)", "instance-hours per AMI", "target"],
        [[fixed(summary.ssmOnlineMinutes), fixed(summary.scanMinutes), fixed(summary.settledMinutes), fixed(summary.verdictMinutes), fixed(summary.instanceHoursPerAmi, 2), "(info)"]],
    );
    return summary;
}
