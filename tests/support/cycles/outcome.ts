// What one whole-cycle scenario ends with, for both engines: the four invariants as counts, so
// that mocha asserts them and `npm run bench` totals them. A scenario's own checks (verdicts,
// tags, lock) are chai assertions inside run(): they throw, and a throw is a failed scenario.

export interface ReportException {
    run: string;
    /** How many reports the code guarantees for this run in this scenario. */
    reports: number;
    why: string;
}

/** What a run under the modelled Inspector timings took (fakeInspector2Timeline.ts), in minutes from the schedule. */
export interface RunTimings {
    ssmOnlineMinutes: number;
    /** Median over the instances: the first agent-based package scan. */
    scanMinutes: number;
    /** Median over the instances whose findings settled. */
    settledMinutes?: number;
    verdictMinutes: number;
    instanceHoursPerAmi: number;
}

export interface CycleOutcome {
    /** Set by the scenarios run under the modelled timings. */
    timings?: RunTimings;
    /** Every run the scenario's world saw started (Classic: every assessment run Inspector started). */
    runs: string[];
    /** run -> report summaries published to the results topic. */
    reportsPerRun: Record<string, number>;
    /** Runs whose report count is documented to differ from one (at-least-once delivery, a lost completion). */
    exceptions: ReportException[];
    /** Instances still pending or running after the reaper ran past its deadline. */
    leftRunning: string[];
    /** "run imageId" of every PASS that nothing in the world proves. */
    passWithoutProof: string[];
    /** ARNs of findings the world holds for a reported run that its report does not carry (on the right AMI). */
    findingsLost: string[];
}

export interface CycleScenario {
    name: string;
    run(): Promise<CycleOutcome>;
}

/** Runs whose report count is neither one nor the documented exception. */
export function wrongReportRuns(outcome: CycleOutcome): string[] {
    return outcome.runs.filter((run) => {
        const expected = outcome.exceptions.find((e) => e.run === run)?.reports ?? 1;
        return (outcome.reportsPerRun[run] ?? 0) !== expected;
    });
}

export interface CycleTotals {
    scenarios: number;
    failed: { name: string; error: string }[];
    runs: number;
    leftRunning: number;
    wrongReports: number;
    documentedExceptions: number;
    passWithoutProof: number;
    findingsLost: number;
    /** The timings of the scenarios run under the modelled Inspector timings, by scenario name. */
    timings: { name: string; timings: RunTimings }[];
}

/** Runs every scenario; a scenario that throws counts as failed and adds nothing else. */
export async function runScenarios(scenarios: ReadonlyArray<CycleScenario>): Promise<CycleTotals> {
    const totals: CycleTotals = { scenarios: scenarios.length, failed: [], runs: 0, leftRunning: 0, wrongReports: 0, documentedExceptions: 0, passWithoutProof: 0, findingsLost: 0, timings: [] };
    for (const scenario of scenarios) {
        let outcome: CycleOutcome;
        try {
            outcome = await scenario.run();
        } catch (error) {
            totals.failed.push({ name: scenario.name, error: error instanceof Error ? error.message : String(error) });
            continue;
        }
        totals.runs += outcome.runs.length;
        totals.leftRunning += outcome.leftRunning.length;
        totals.wrongReports += wrongReportRuns(outcome).length;
        totals.documentedExceptions += outcome.exceptions.length;
        totals.passWithoutProof += outcome.passWithoutProof.length;
        totals.findingsLost += outcome.findingsLost.length;
        if (outcome.timings) totals.timings.push({ name: scenario.name, timings: outcome.timings });
    }
    return totals;
}

export function totalsPass(totals: CycleTotals): boolean {
    return totals.failed.length === 0 && totals.leftRunning === 0 && totals.wrongReports === 0 && totals.passWithoutProof === 0 && totals.findingsLost === 0;
}
