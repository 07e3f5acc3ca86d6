// Whole cycles with faults through the real handlers (the scenarios of the test suite), as
// totals: scenario count, runs, and the four invariants, each of which must be 0.
import { CycleTotals, runScenarios, totalsPass } from "../tests/support/cycles/outcome";
import { classicScenarios } from "../tests/support/cycles/classic";
import { inspector2Scenarios } from "../tests/support/cycles/inspector2";
import { Row } from "./common";

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
