// Throttling that outlasted the SDK's own retries (the fake answers below the SDK's retry layer),
// once on each call start or analyze makes, and a manifest that cannot be written after the run
// started. Start has no Lambda retries, so it retries throttling itself before and after launching.
import { expect } from "chai";
import { StartResult } from "../../../../engines/classic/start";
import { Fault, s3Error } from "../../fakeAws";
import { CycleScenario } from "../outcome";
import { classicOutcome } from "./measure";
import { CLEAN, EXPECTED, ClassicWorld, deliver, finishRun, newClassicWorld, reportOf, start, verdicts } from "./world";

const HOUR = 3600;

/** One throttle on the next call of `command`, with the error its service really sends. */
function throttleOnce(w: ClassicWorld, command: string): Fault {
    if (command.startsWith("Classic.")) return w.classic.throttle(command.slice("Classic.".length), 1);
    if (["GetObject", "PutObject", "DeleteObject"].includes(command)) return w.aws.failNext(command, 1, () => s3Error("SlowDown", 503, "Please reduce your request rate."));
    return w.aws.throttle(command, 1);
}

/** The scheduled start, again an hour later while no run has started (at most three). */
async function scheduleUntilStarted(w: ClassicWorld): Promise<(StartResult | Error)[]> {
    const results: (StartResult | Error)[] = [];
    for (let i = 0; i < 3 && w.classic.activeRuns().length === 0; i++) {
        if (i > 0) w.aws.advanceSeconds(HOUR);
        results.push(await start(w).catch((error: Error) => error));
    }
    return results;
}

const START_COMMANDS = ["DescribeInstances", "DescribeImages", "Classic.ListAssessmentRuns", "PutObject", "RunInstances", "Classic.PreviewAgents", "Classic.StartAssessmentRun"];
const ANALYZE_COMMANDS = ["GetObject", "DescribeInstances", "TerminateInstances", "PutObject", "Classic.ListFindings", "Classic.DescribeFindings", "Classic.ListAssessmentRunAgents", "Publish", "CreateTags", "DeleteObject"];

/** Every throttled start call is retried by our own retries: the first schedule starts the run, with every AMI. */
function expectStartHandled(command: string, results: (StartResult | Error)[], w: ClassicWorld): Record<string, string> {
    expect(results.map((r) => (r instanceof Error ? `threw ${r.name}` : r.outcome)), command).to.deep.equal(["RUN_STARTED"]);
    expect(w.aws.liveInstances()).to.have.length(3);
    if (command === "RunInstances") expect(w.aws.callCount("RunInstances"), "the throttled launch again, with its ClientToken").to.equal(4);
    return EXPECTED;
}

function throttledInStart(command: string): CycleScenario {
    return {
        name: `throttled once in start: ${command}`,
        async run() {
            const w = newClassicWorld();
            const fault = throttleOnce(w, command);
            const results = await scheduleUntilStarted(w);
            expect(fault.fired).to.equal(1);
            const expected = expectStartHandled(command, results, w);
            for (const delivery of await finishRun(w)) expect(delivery.status).to.equal("ok");
            expect(verdicts(reportOf(w, w.classic.runs[0].arn))).to.deep.equal(expected);
            return classicOutcome(w);
        },
    };
}

function throttledInAnalyze(command: string): CycleScenario {
    return {
        name: `throttled once in analyze: ${command}`,
        async run() {
            const w = newClassicWorld();
            expect((await start(w)).outcome).to.equal("RUN_STARTED");
            const fault = throttleOnce(w, command);
            const deliveries = await finishRun(w);
            expect(fault.fired).to.equal(1);
            for (const delivery of deliveries) expect(delivery.status, JSON.stringify(delivery)).to.equal("ok");
            const report = reportOf(w, w.classic.runs[0].arn);
            expect(verdicts(report)).to.deep.equal(EXPECTED);
            if (command === "TerminateInstances") {
                // The failed batch is retried one instance at a time.
                expect(report!.instances.terminationFailed).to.deep.equal([]);
                expect(report!.instances.terminated).to.have.length(3);
            }
            return classicOutcome(w);
        },
    };
}

const manifestUnwritable: CycleScenario = {
    name: "the manifest cannot be written after the run started: the run is stopped, its instances terminated, the CANCELED run reported (without AMIs)",
    async run() {
        const w = newClassicWorld();
        w.aws.failNext("PutObject", 100, () => s3Error("InternalError", 500, "We encountered an internal error."), (input) => String(input.Key).endsWith("/manifest.json"));
        const thrown = await start(w).then(() => undefined, (error: Error) => error);
        expect(thrown?.name).to.equal("InternalError");
        const runArn = w.classic.runs[0].arn;
        expect(w.classic.run(runArn).state).to.equal("CANCELED");
        expect(w.aws.liveInstances()).to.deep.equal([]);
        for (const message of w.classic.takeMessages()) expect((await deliver(w, message)).status).to.equal("ok");
        const report = reportOf(w, runArn);
        expect(report?.outcome).to.equal("CANCELED");
        expect(report?.manifest.found).to.equal(false);
        // Without a manifest and with the instances gone, nothing ties the run to its AMIs: the report lists none
        // (start's failure notice named them), and certainly no PASS.
        expect(report?.amis).to.deep.equal([]);
        return classicOutcome(w);
    },
};

export const throttleScenarios: CycleScenario[] = [...START_COMMANDS.map(throttledInStart), ...ANALYZE_COMMANDS.map(throttledInAnalyze), manifestUnwritable];
