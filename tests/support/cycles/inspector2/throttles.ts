// Throttling that outlasted the SDK's own retries (the fake answers below the SDK's retry layer),
// once on each call start or analyze makes, and throttling that outlasts our own retries too.
// Start has no Lambda retries: what it gives up on waits for the next schedule; analyze has the
// sweep every five minutes.
import { expect } from "chai";
import { FINDINGS_SETTLE_SECONDS } from "../../../../engines/inspector2/settle";
import { V2StartResult } from "../../../../engines/inspector2/start";
import { Fault, s3Error } from "../../fakeAws";
import { CycleScenario } from "../outcome";
import { expectReported, started } from "./basic";
import { v2Outcome } from "./measure";
import { EXPECTED, MINUTE, V2World, analyze, newV2World, scanAll, start, sweepUntilReported } from "./world";

const HOUR_MS = 60 * MINUTE;

/** One throttle on the next call of `command`, with the error its service really sends. */
function throttleOnce(w: V2World, command: string): Fault {
    if (["GetObject", "PutObject", "DeleteObject", "ListObjectsV2"].includes(command)) return w.aws.failNext(command, 1, () => s3Error("SlowDown", 503, "Please reduce your request rate."));
    return w.aws.throttle(command, 1);
}

/** The scheduled start, again an hour later while no run has started (at most three). */
async function scheduleUntilStarted(w: V2World): Promise<(V2StartResult | Error)[]> {
    const results: (V2StartResult | Error)[] = [];
    for (let i = 0; i < 3 && !results.some((r) => !(r instanceof Error) && r.outcome === "RUN_STARTED"); i++) {
        if (i > 0) w.aws.advance(HOUR_MS);
        results.push(await start(w).catch((error: Error) => error));
    }
    return results;
}

const START_COMMANDS = ["DescribeInstances", "DescribeImages", "BatchGetAccountStatus", "GetConfiguration", "PutObject", "RunInstances"];
const ANALYZE_COMMANDS = ["ListObjectsV2", "GetObject", "ListCoverage", "PutObject", "DescribeInstances", "ListFindings", "TerminateInstances", "Publish", "CreateTags", "DeleteObject"];

function throttledInStart(command: string): CycleScenario {
    return {
        name: `throttled once in start: ${command}`,
        async run() {
            const w = newV2World();
            const fault = throttleOnce(w, command);
            const results = await scheduleUntilStarted(w);
            expect(fault.fired).to.equal(1);
            // Our own retries absorb it, before the launch as after: the first schedule starts the run.
            expect(results.map((r) => (r instanceof Error ? `threw ${r.name}` : r.outcome))).to.deep.equal(["RUN_STARTED"]);
            const runId = (results[0] as V2StartResult).runId;
            expect(w.aws.instances, "one fleet").to.have.length(3);
            w.aws.advance(10 * MINUTE);
            scanAll(w);
            // No scan events: the third sweep finds the findings settled (two identical reads FINDINGS_SETTLE_SECONDS apart).
            expect(await sweepUntilReported(w, runId)).to.equal(3);
            expectReported(w, runId, EXPECTED);
            return v2Outcome(w);
        },
    };
}

function throttledInAnalyze(command: string): CycleScenario {
    return {
        name: `throttled once in analyze: ${command}`,
        async run() {
            const w = newV2World();
            const runId = await started(w);
            w.aws.advance(10 * MINUTE);
            scanAll(w);
            const fault = throttleOnce(w, command);
            const sweeps = await sweepUntilReported(w, runId);
            expect(fault.fired).to.equal(1);
            expect(sweeps, "reported by the sweep that finds the findings settled, or the next").to.be.at.most(4);
            const report = expectReported(w, runId, EXPECTED);
            expect(report.instances.terminationFailed).to.deep.equal([]);
            expect(report.instances.terminated).to.have.length(3);
            return v2Outcome(w);
        },
    };
}

const throttledPastRetries: CycleScenario = {
    name: "ListFindings throttled past our own retries: analyze throws, nothing terminated; the next sweep reports at once",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        expect((await analyze(w)).runs[0].status, "the first read of the findings").to.equal("waiting");
        w.aws.advanceSeconds(FINDINGS_SETTLE_SECONDS);
        // The settle read goes through; the report's read (the next ListFindings) is throttled.
        const settleRead = w.aws.callCount("ListFindings");
        w.aws.throttle("ListFindings", 20, () => w.aws.callCount("ListFindings") > settleRead);
        const thrown = await analyze(w).then(() => undefined, (error: Error) => error);
        expect(thrown?.name).to.equal("ThrottlingException");
        expect(w.aws.reportMessages()).to.have.length(0);
        expect(w.aws.liveInstances(), "findings not read: not terminated either").to.have.length(3);
        w.aws.clearFaults();
        w.aws.advance(MINUTE);
        // No wait for the claim to expire: the failed reporter gave it back.
        expect((await analyze(w)).runs[0].status).to.equal("reported");
        expectReported(w, runId, EXPECTED);
        return v2Outcome(w);
    },
};

export const throttleScenarios: CycleScenario[] = [...START_COMMANDS.map(throttledInStart), ...ANALYZE_COMMANDS.map(throttledInAnalyze), throttledPastRetries];
