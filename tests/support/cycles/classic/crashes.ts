// A crash (the invocation dies: a Lambda timeout, the process killed) at each step of start and
// of analyze, then what follows in production: for start the next schedule (it has no retries),
// for analyze Lambda's two async retries (and the sweep when all three die). Each checks the calls
// before the crash are the declared ones.
import { expect } from "chai";
import { startLockKey } from "../../../../engines/classic/runControl";
import { CycleScenario } from "../outcome";
import { classicOutcome, reportMessagesOf } from "./measure";
import { Step, atLeastOnceExceptions, crashAt, stepsOf } from "../steps";
import { ANALYZE_CALLS, START_CALLS } from "./steps";
import { DURATION, EXPECTED, PREFIX, REAP_AFTER_SECONDS, START, ClassicWorld, completionOf, deliver, finishRun, keysOf, newClassicWorld, reportOf, settle, start, sweep, verdicts } from "./world";

const ALL_CALLS = [...START_CALLS, ...ANALYZE_CALLS];

function expectCrashedAt(w: ClassicWorld, step: Step, fired: number) {
    expect(fired, `the crash at ${step.call} fired`).to.equal(1);
    expect(w.aws.calls.slice(0, step.index), "the calls before the crash").to.deep.equal(ALL_CALLS.slice(0, step.index));
}

/** The next schedule after the dead start's lock expired: a new run, reported with the usual verdicts. */
async function nextScheduleRuns(w: ClassicWorld): Promise<void> {
    w.aws.advance(Math.max(0, START.getTime() + (REAP_AFTER_SECONDS + 120) * 1000 - w.aws.now().getTime()));
    const next = await start(w);
    expect(next.outcome, JSON.stringify(next.reason)).to.equal("RUN_STARTED");
    await finishRun(w);
    expect(verdicts(reportOf(w, next.assessmentRunArn!))).to.deep.equal(EXPECTED);
}

function startCrash(step: Step): CycleScenario {
    return {
        name: `start dies at step ${step.index + 1} (${step.call}); the next schedule recovers`,
        async run() {
            const w = newClassicWorld();
            const fault = crashAt(w.aws, step);
            void start(w);
            await settle();
            expectCrashedAt(w, step, fault.fired);
            // A run that started before the crash still ends, and analyze reports it (without a manifest if none was written).
            const crashedRun = w.classic.runs[0]?.arn;
            if (crashedRun) {
                for (const delivery of await finishRun(w)) expect(delivery.status).to.equal("ok");
                expect(reportOf(w, crashedRun), "the crashed start's run is reported").to.not.equal(undefined);
            }
            await nextScheduleRuns(w);
            return classicOutcome(w);
        },
    };
}

/** A run started and completed, its completion message taken from Inspector, not yet delivered. */
async function completedRun(w: ClassicWorld) {
    await start(w);
    const runArn = w.classic.runs[0].arn;
    w.aws.advanceSeconds(DURATION + 120);
    w.classic.complete(runArn);
    return { runArn, completion: completionOf(w, runArn) };
}

function analyzeCrash(step: Step): CycleScenario {
    return {
        name: `analyze dies at step ${step.index - START_CALLS.length + 1} (${step.call}); Lambda's retry reports`,
        async run() {
            const w = newClassicWorld();
            const { runArn, completion } = await completedRun(w);
            const fault = crashAt(w.aws, step);
            const delivery = await deliver(w, completion);
            expectCrashedAt(w, step, fault.fired);
            expect(delivery, JSON.stringify(delivery)).to.deep.include({ status: "ok", attempts: 2 });
            expect(verdicts(reportOf(w, runArn))).to.deep.equal(EXPECTED);
            expect(w.aws.object(startLockKey(PREFIX)), "the start lock is released").to.equal(undefined);
            await nextScheduleRuns(w);
            return classicOutcome(w, atLeastOnceExceptions(ALL_CALLS, step, runArn));
        },
    };
}

const analyzeDiesThrice: CycleScenario = {
    name: "analyze dies at publishing on all three attempts: the sweep reports once the last claim has expired",
    async run() {
        const w = newClassicWorld();
        const { runArn, completion } = await completedRun(w);
        const faults = [1, 2, 3].map(() => w.aws.hangAt("Publish", (input) => String(input.Subject).startsWith("Golden AMI assessment")));
        const delivery = await deliver(w, completion);
        expect(delivery).to.deep.include({ status: "gave-up", attempts: 3 });
        expect(faults.map((fault) => fault.fired)).to.deep.equal([1, 1, 1]);
        expect(w.aws.object(keysOf(runArn).deliveredMarker), "nothing delivered").to.equal(undefined);
        expect(reportMessagesOf(w, runArn)).to.have.length(0);
        // The third attempt's claim is still live: the sweep leaves the run to it.
        const early = await sweep(w);
        expect(early.records.map((r) => r.status)).to.deep.equal(["held"]);
        w.aws.advanceSeconds(5 * 60);
        const swept = await sweep(w);
        expect(swept.records.map((r) => r.status)).to.deep.equal(["processed"]);
        expect(verdicts(reportOf(w, runArn))).to.deep.equal(EXPECTED);
        expect(reportMessagesOf(w, runArn)).to.have.length(1);
        expect(w.aws.object(startLockKey(PREFIX)), "the start lock is released").to.equal(undefined);
        await nextScheduleRuns(w);
        return classicOutcome(w);
    },
};

export const crashScenarios: CycleScenario[] = [
    ...stepsOf(START_CALLS).map(startCrash),
    ...stepsOf(ALL_CALLS, START_CALLS.length).map(analyzeCrash),
    analyzeDiesThrice,
];
