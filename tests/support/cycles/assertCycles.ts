// The mocha side of the cycle scenarios: one test per scenario, asserting the four invariants.
import { expect } from "chai";
import { CycleScenario, wrongReportRuns } from "./outcome";

export function describeCycles(title: string, scenarios: ReadonlyArray<CycleScenario>): void {
    describe(title, () => {
        for (const scenario of scenarios) {
            it(scenario.name, async () => {
                const outcome = await scenario.run();
                expect(outcome.runs.length, "runs the scenario started").to.be.greaterThan(0);
                expect(outcome.leftRunning, "instances left running after the reaper's deadline").to.deep.equal([]);
                const wrong = wrongReportRuns(outcome).map((run) => `${run}: ${outcome.reportsPerRun[run] ?? 0} reports`);
                expect(wrong, "runs with other than exactly one report (or their documented exception)").to.deep.equal([]);
                expect(outcome.passWithoutProof, "PASS without proof").to.deep.equal([]);
                expect(outcome.findingsLost, "findings lost").to.deep.equal([]);
            });
        }
    });
}
