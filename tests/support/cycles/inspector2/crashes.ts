// A crash (the invocation dies: a Lambda timeout, the process killed) at each step of start and of
// analyze, then what follows in production: for start the next schedule (it has no retries), for
// analyze the sweep every five minutes. Each checks the calls before the crash are the declared ones.
import { expect } from "chai";
import { s3Error } from "../../fakeAws";
import { CycleScenario } from "../outcome";
import { Step, atLeastOnceExceptions, crashAt, stepsOf } from "../steps";
import { expectReported, started } from "./basic";
import { v2Outcome } from "./measure";
import { ANALYZE_CALLS, START_CALLS, normalizedCalls } from "./steps";
import { EXPECTED, MINUTE, PREFIX, REAP_AFTER_SECONDS, START, V2World, analyze, newV2World, scanAll, start, startDetached, startLockKey, sweepUntilReported } from "./world";

const ALL_CALLS = [...START_CALLS, ...ANALYZE_CALLS];

function expectCrashedAt(w: V2World, step: Step, fired: number) {
    expect(fired, `the crash at ${step.call} fired`).to.equal(1);
    expect(normalizedCalls(w).slice(0, step.index), "the calls before the crash").to.deep.equal(ALL_CALLS.slice(0, step.index));
}

/** The next schedule after the dead start's lock expired: a new run, reported with the usual verdicts. */
async function nextScheduleRuns(w: V2World): Promise<void> {
    w.aws.advance(Math.max(0, START.getTime() + (REAP_AFTER_SECONDS + 120) * 1000 - w.aws.now().getTime()));
    const runId = await started(w);
    w.aws.advance(10 * MINUTE);
    scanAll(w);
    await sweepUntilReported(w, runId);
    expectReported(w, runId, EXPECTED);
}

const COMMIT = START_CALLS.indexOf("PutObject reports/runs/<run>/manifest.json");

/** Start died after its manifest (dropping queue markers): the run is committed and reported as usual. */
function startCrashAfterCommit(step: Step): CycleScenario {
    return {
        name: `start dies at step ${step.index + 1} (${step.call}), after its commit; the run is reported`,
        async run() {
            const w = newV2World();
            const fault = crashAt(w.aws, step);
            await startDetached(w);
            expectCrashedAt(w, step, fault.fired);
            const [runId] = w.aws.keys(`${PREFIX}open/`).map((key) => key.slice(`${PREFIX}open/`.length));
            w.aws.advance(10 * MINUTE);
            scanAll(w);
            await sweepUntilReported(w, runId);
            expectReported(w, runId, EXPECTED);
            await nextScheduleRuns(w);
            return v2Outcome(w);
        },
    };
}

function startCrash(step: Step): CycleScenario {
    if (step.index > COMMIT) return startCrashAfterCommit(step);
    return {
        name: `start dies at step ${step.index + 1} (${step.call}); the next schedule recovers`,
        async run() {
            const w = newV2World();
            const fault = crashAt(w.aws, step);
            await startDetached(w);
            expectCrashedAt(w, step, fault.fired);
            // The dead start committed no run. A marker it left stays until its deadline (it might still be
            // writing the manifest), then the sweep drops it.
            const early = (await analyze(w)).runs;
            expect(early.every((visit) => visit.status === "no-manifest"), JSON.stringify(early)).to.equal(true);
            w.aws.advance(61 * MINUTE);
            const visits = (await analyze(w)).runs;
            expect(visits.every((visit) => visit.status === "abandoned"), JSON.stringify(visits)).to.equal(true);
            expect(w.aws.keys(`${PREFIX}open/`)).to.deep.equal([]);
            await nextScheduleRuns(w);
            return v2Outcome(w);
        },
    };
}

function analyzeCrash(step: Step): CycleScenario {
    return {
        name: `analyze dies at step ${step.index - START_CALLS.length + 1} (${step.call}); a later sweep reports`,
        async run() {
            const w = newV2World();
            const runId = await started(w);
            w.aws.advance(10 * MINUTE);
            scanAll(w);
            const fault = crashAt(w.aws, step);
            await sweepUntilReported(w, runId);
            expectCrashedAt(w, step, fault.fired);
            expectReported(w, runId, EXPECTED);
            expect(w.aws.object(startLockKey(PREFIX)), "the start lock is released").to.equal(undefined);
            await nextScheduleRuns(w);
            return v2Outcome(w, atLeastOnceExceptions(ALL_CALLS, step, runId));
        },
    };
}

const manifestUnwritable: CycleScenario = {
    name: "the manifest cannot be written: start throws, terminates what it launched, drops the open marker and frees the lock",
    async run() {
        const w = newV2World();
        w.aws.failNext("PutObject", 100, () => s3Error("InternalError", 500, "We encountered an internal error."), (input) => String(input.Key).endsWith("/manifest.json"));
        const thrown = await start(w).then(() => undefined, (error: Error) => error);
        expect(thrown?.name).to.equal("InternalError");
        expect(w.aws.instances).to.have.length(3);
        expect(w.aws.liveInstances()).to.deep.equal([]);
        expect(w.aws.object(startLockKey(PREFIX))).to.equal(undefined);
        expect(w.aws.keys(`${PREFIX}open/`)).to.deep.equal([]);
        w.aws.clearFaults();
        const runId = await started(w);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, runId);
        expectReported(w, runId, EXPECTED);
        return v2Outcome(w);
    },
};

export const crashScenarios: CycleScenario[] = [
    ...stepsOf(START_CALLS).map(startCrash),
    ...stepsOf(ALL_CALLS, START_CALLS.length).map(analyzeCrash),
    manifestUnwritable,
];
