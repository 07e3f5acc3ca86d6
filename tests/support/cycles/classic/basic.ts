// Classic cycles without injected faults, or with faults Inspector itself produces: the happy
// path, the schedule delivered twice, launch and agent failures, failed runs, lost, late and
// duplicated completion messages (the sweep), and a destroy during a run.
import { expect } from "chai";
import { startLockKey } from "../../../../engines/classic/runControl";
import { SWEEP_GRACE_SECONDS } from "../../../../engines/classic/sweepDecision";
import { COUNTS_TAG, VERDICT_TAG } from "../../../../pipeline/run/tags";
import { CycleScenario } from "../outcome";
import { classicOutcome, reportMessagesOf } from "./measure";
import {
    CLEAN, DURATION, EXPECTED, MEDIUM, MINUTE, PREFIX, UNTAGGED, VULN,
    ClassicWorld, analyze, completionOf, deliver, drain, finishRun, keysOf, newClassicWorld, reportOf, settle, start, sweep, verdicts,
} from "./world";

/** Starts a run and expects it started; its ARN. */
async function started(w: ClassicWorld): Promise<string> {
    const result = await start(w);
    expect(result.outcome, JSON.stringify(result.reason)).to.equal("RUN_STARTED");
    return result.assessmentRunArn!;
}

function expectReport(w: ClassicWorld, runArn: string, expected: Record<string, string> = EXPECTED) {
    const report = reportOf(w, runArn);
    expect(report, `report.json of ${runArn}`).to.not.equal(undefined);
    expect(verdicts(report)).to.deep.equal(expected);
    return report!;
}

const happyPath: CycleScenario = {
    name: "happy path: tagged AMIs assessed, the untagged one never launched; other messages ignored; lock released",
    async run() {
        const w = newClassicWorld();
        const runArn = await started(w);
        expect(w.aws.instances.map((i) => i.imageId).sort()).to.deep.equal([CLEAN, VULN, MEDIUM].sort());
        for (const instance of w.aws.instances) expect(instance.input.MetadataOptions?.HttpTokens).to.equal("optional");
        expect(w.classic.run(runArn).agentIds).to.have.length(3);
        expect(w.aws.json(startLockKey(PREFIX))).to.not.equal(undefined);
        // ASSESSMENT_RUN_STARTED and a non-terminal state change: nothing to do.
        w.classic.announce(runArn, { event: "ASSESSMENT_RUN_STATE_CHANGED", newstate: "COLLECTING_DATA" });
        const early = await analyze(w, ...w.classic.takeMessages());
        expect(early.records.map((r) => r.status)).to.deep.equal(["ignored", "ignored"]);
        expect(w.aws.liveInstances()).to.have.length(3);
        const [delivery] = await finishRun(w);
        expect(delivery.status).to.equal("ok");
        const report = expectReport(w, runArn);
        expect(report.outcome).to.equal("COMPLETED");
        expect(report.findings).to.deep.include({ announced: 5, listed: 5, read: 5 });
        expect(report.amis.find((a) => a.imageId === VULN)!.cveIds).to.deep.equal(["CVE-2026-0001", "CVE-2026-0002", "CVE-2026-0003"]);
        expect(report.amis.some((a) => a.imageId === UNTAGGED)).to.equal(false);
        expect(w.aws.liveInstances()).to.deep.equal([]);
        expect(w.aws.imageTags(VULN)[VERDICT_TAG]).to.match(/^FAIL \d{4}-\d{2}-\d{2}T/);
        expect(w.aws.imageTags(VULN)[COUNTS_TAG]).to.equal("H1 M0 L2 I0");
        expect(w.aws.imageTags(CLEAN)[VERDICT_TAG]).to.match(/^PASS \d{4}-\d{2}-\d{2}T/);
        expect(w.aws.imageTags(UNTAGGED)[VERDICT_TAG]).to.equal(undefined);
        expect(w.aws.object(startLockKey(PREFIX))).to.equal(undefined);
        // The next schedule launches again and its run is reported on its own.
        w.aws.advance(MINUTE);
        const next = await started(w);
        await finishRun(w);
        expectReport(w, next);
        return classicOutcome(w);
    },
};

const scheduleTwiceSequential: CycleScenario = {
    name: "the schedule delivered twice, one after the other: the second is RUN_IN_PROGRESS, one fleet",
    async run() {
        const w = newClassicWorld();
        const runArn = await started(w);
        w.aws.advance(MINUTE);
        const second = await start(w);
        expect(second.outcome).to.equal("RUN_IN_PROGRESS");
        expect(second.activeRunArns).to.deep.equal([runArn]);
        expect(w.aws.callCount("RunInstances")).to.equal(3);
        await finishRun(w);
        expectReport(w, runArn);
        return classicOutcome(w);
    },
};

const scheduleTwiceConcurrent: CycleScenario = {
    name: "the schedule delivered twice at once: the start lock lets one launch",
    async run() {
        const w = newClassicWorld();
        const results = await Promise.all([start(w), start(w)]);
        expect(results.map((r) => r.outcome).sort()).to.deep.equal(["RUN_IN_PROGRESS", "RUN_STARTED"]);
        expect(w.aws.instances).to.have.length(3);
        expect(w.classic.runs).to.have.length(1);
        await finishRun(w);
        expectReport(w, w.classic.runs[0].arn);
        return classicOutcome(w);
    },
};

const launchFails: CycleScenario = {
    name: "one AMI fails to launch: NOT ASSESSED with the launch error, the others assessed",
    async run() {
        const w = newClassicWorld();
        const authFailure = () => Object.assign(new Error(`Not authorized for images: [${VULN}]`), { name: "AuthFailure" });
        w.aws.failNext("RunInstances", 2, authFailure, (input) => input.ImageId === VULN);
        const runArn = await started(w);
        expect(w.aws.instances.map((i) => i.imageId).sort()).to.deep.equal([CLEAN, MEDIUM].sort());
        await finishRun(w);
        const report = expectReport(w, runArn, { [CLEAN]: "PASS", [VULN]: "NOT ASSESSED", [MEDIUM]: "PASS" });
        expect(report.amis.find((a) => a.imageId === VULN)!.notAssessed).to.deep.include({ code: "LAUNCH_FAILED" });
        return classicOutcome(w);
    },
};

const agentUnhealthy: CycleScenario = {
    name: "one agent never HEALTHY: terminated before the run, NOT ASSESSED with the agent's health",
    async run() {
        const w = newClassicWorld();
        w.classic.unhealthyImages.add(MEDIUM);
        const result = await start(w);
        expect(result.outcome).to.equal("RUN_STARTED");
        expect(result.unhealthyTermination?.terminated).to.have.length(1);
        expect(w.aws.liveInstances().map((i) => i.imageId).sort()).to.deep.equal([CLEAN, VULN].sort());
        await finishRun(w);
        const report = expectReport(w, result.assessmentRunArn!, { [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "NOT ASSESSED" });
        expect(report.amis.find((a) => a.imageId === MEDIUM)!.notAssessed?.code).to.equal("AGENT_UNHEALTHY");
        return classicOutcome(w);
    },
};

function runFails(state: "FAILED" | "ERROR"): CycleScenario {
    return {
        name: `the run ends ${state}: one report, every AMI NOT ASSESSED (RUN_FAILED), instances terminated`,
        async run() {
            const w = newClassicWorld();
            const runArn = await started(w);
            w.aws.advance(20 * MINUTE);
            w.classic.fail(runArn, state);
            const [delivery] = await Promise.all(w.classic.takeMessages().map((m) => deliver(w, m)));
            expect(delivery.status).to.equal("ok");
            expect(w.aws.liveInstances()).to.deep.equal([]);
            const report = expectReport(w, runArn, { [CLEAN]: "NOT ASSESSED", [VULN]: "NOT ASSESSED", [MEDIUM]: "NOT ASSESSED" });
            expect(report.outcome).to.equal(state);
            for (const ami of report.amis) expect(ami.notAssessed?.code).to.equal("RUN_FAILED");
            return classicOutcome(w);
        },
    };
}


/** Lets concurrent invocations run until `done` holds. */
async function until(what: string, done: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
    expect(done(), what).to.equal(true);
}

const completionLost: CycleScenario = {
    name: "the completion message is lost: the sweep reports the ended run once, with its verdicts; the next run unaffected",
    async run() {
        const w = newClassicWorld();
        const runArn = await started(w);
        w.aws.advance(20 * MINUTE);
        const during = await sweep(w);
        expect(during.records).to.deep.equal([]);
        expect(during.sweep?.waiting).to.deep.equal([{ runArn, reason: "still COLLECTING_DATA" }]);
        w.aws.advanceSeconds(DURATION + 120 - 20 * 60);
        w.classic.complete(runArn);
        completionOf(w, runArn); // lost on the way to analyze
        // Just ended: left to its completion message for the grace period.
        const justEnded = await sweep(w);
        expect(justEnded.records).to.deep.equal([]);
        expect(justEnded.sweep?.waiting[0].reason).to.match(/^ended COMPLETED at .*; its completion message has until /);
        expect(w.aws.liveInstances()).to.have.length(3);
        w.aws.advanceSeconds(SWEEP_GRACE_SECONDS);
        const swept = await sweep(w);
        expect(swept.records.map((r) => r.status)).to.deep.equal(["processed"]);
        expect(swept.records[0]).to.deep.include({ runArn, sweptState: "COMPLETED", verdicts: { FAIL: 1, PASS: 2, "NOT ASSESSED": 0 } });
        const report = expectReport(w, runArn);
        // findingCounts of DescribeAssessmentRuns is the announced count that PASS needs.
        expect(report.findings).to.deep.include({ announced: 5, listed: 5, read: 5 });
        expect(report.notes.some((note) => note.startsWith("Reported by the scheduled sweep"))).to.equal(true);
        expect(w.aws.liveInstances()).to.deep.equal([]);
        expect(w.aws.object(startLockKey(PREFIX)), "the start lock is released").to.equal(undefined);
        expect(w.aws.imageTags(VULN)[VERDICT_TAG]).to.match(/^FAIL /);
        // Nothing open any more: later sweeps do nothing, and the next schedule launches at once.
        expect(await sweep(w)).to.deep.equal({ records: [], sweep: { waiting: [] } });
        w.aws.advance(MINUTE);
        const next = await started(w);
        await finishRun(w);
        expectReport(w, next);
        expect(await sweep(w)).to.deep.equal({ records: [], sweep: { waiting: [] } });
        expect(reportMessagesOf(w, runArn)).to.have.length(1);
        return classicOutcome(w);
    },
};

const sweepRacesLateCompletion: CycleScenario = {
    name: "the sweep and a late completion race: one report, whichever claims first",
    async run() {
        const w = newClassicWorld();
        // The message claims first: the sweep finds the claim held (or the report delivered) and leaves it.
        const first = await started(w);
        w.aws.advanceSeconds(DURATION + 120);
        w.classic.complete(first);
        const late = completionOf(w, first);
        w.aws.advanceSeconds(SWEEP_GRACE_SECONDS);
        const delivering = deliver(w, late);
        await until("the message's analyze claimed the report", () => w.aws.object(keysOf(first).reportClaim) !== undefined);
        const swept = await sweep(w);
        const delivery = await delivering;
        expect(delivery.status === "ok" && delivery.result.records.map((r) => r.status)).to.deep.equal(["processed"]);
        expect(swept.records).to.have.length(1);
        expect(swept.records[0].status).to.be.oneOf(["held", "duplicate"]);
        expect(await sweep(w)).to.deep.equal({ records: [], sweep: { waiting: [] } });
        expect(reportMessagesOf(w, first)).to.have.length(1);
        expectReport(w, first);

        // The sweep claims first: the message's analyze is thrown back, and Lambda's retry finds it delivered.
        w.aws.advance(MINUTE);
        const second = await started(w);
        w.aws.advanceSeconds(DURATION + 120);
        w.classic.complete(second);
        const later = completionOf(w, second);
        w.aws.advanceSeconds(SWEEP_GRACE_SECONDS);
        const sweeping = sweep(w);
        await until("the sweep claimed the report", () => w.aws.object(keysOf(second).reportClaim) !== undefined);
        const redelivery = await deliver(w, later);
        const sweptSecond = await sweeping;
        expect(sweptSecond.records.map((r) => [r.status, "sweptState" in r && r.sweptState])).to.deep.equal([["processed", "COMPLETED"]]);
        expect(redelivery).to.deep.include({ status: "ok", attempts: 2 });
        expect(redelivery.status === "ok" && redelivery.result.records.map((r) => r.status)).to.deep.equal(["duplicate"]);
        expect(reportMessagesOf(w, second)).to.have.length(1);
        expectReport(w, second);
        expect(w.aws.liveInstances()).to.deep.equal([]);
        return classicOutcome(w);
    },
};

const duplicateCompletion: CycleScenario = {
    name: "duplicate completion, after delivery and concurrently: one report, the rest duplicate",
    async run() {
        const w = newClassicWorld();
        const runArn = await started(w);
        w.aws.advanceSeconds(DURATION + 120);
        w.classic.complete(runArn);
        const completion = completionOf(w, runArn);
        const first = await Promise.all([deliver(w, completion), deliver(w, completion)]);
        expect(first.map((d) => d.status)).to.deep.equal(["ok", "ok"]);
        const statuses = first.map((d) => (d.status === "ok" ? d.result.records[0].status : "gave-up")).sort();
        expect(statuses).to.deep.equal(["duplicate", "processed"]);
        w.aws.advance(30 * MINUTE);
        const late = await deliver(w, completion);
        expect(late.status === "ok" && late.result.records[0].status).to.equal("duplicate");
        expect(reportMessagesOf(w, runArn)).to.have.length(1);
        expectReport(w, runArn);
        return classicOutcome(w);
    },
};

const destroyDuringRun: CycleScenario = {
    name: "destroy during a run: the drain terminates everything; the run's completion gives no PASS",
    async run() {
        const w = newClassicWorld();
        const runArn = await started(w);
        w.aws.advance(10 * MINUTE);
        const drained = await drain(w);
        expect(drained).to.deep.include({ lifecycle: "delete", stillLive: [] });
        expect(w.aws.liveInstances()).to.deep.equal([]);
        await settle();
        // Inspector finishes the run without its agents; analyze still exists when the completion arrives.
        await finishRun(w);
        expectReport(w, runArn, { [CLEAN]: "NOT ASSESSED", [VULN]: "NOT ASSESSED", [MEDIUM]: "NOT ASSESSED" });
        return classicOutcome(w);
    },
};

export const basicScenarios: CycleScenario[] = [
    happyPath,
    scheduleTwiceSequential,
    scheduleTwiceConcurrent,
    launchFails,
    agentUnhealthy,
    runFails("FAILED"),
    runFails("ERROR"),
    completionLost,
    sweepRacesLateCompletion,
    duplicateCompletion,
    destroyDuringRun,
];
