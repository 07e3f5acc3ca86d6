// The Classic sweep: its pure decisions (which event, which run to report, with what announced
// count), and its shell against mocked Inspector and S3 (batches of 10, retries, one run's error
// not stopping the others).
import * as inspectorSdk from "@aws-sdk/client-inspector";
import { InspectorClient } from "@aws-sdk/client-inspector";
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { ACTIVE_RUN_STATES } from "../../../engines/classic/assessmentRuns";
import { classicOpenRunsPrefix, openRunKey } from "../../../engines/classic/openRuns";
import { DESCRIBE_RUNS_BATCH, describeRuns, sweepOpenRuns } from "../../../engines/classic/sweep";
import {
    SWEEP_COUNT_KEY,
    SWEEP_GRACE_SECONDS,
    TERMINAL_RUN_STATES,
    announcedCounts,
    decideSweepRun,
    noticeOfEndedRun,
} from "../../../engines/classic/sweepDecision";
import { RUN_ARN, TEMPLATE_ARN } from "../../support/fixtures";
import { inspectorError, isolatedMock } from "../../support/launchFixtures";

// client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match.
const DescribeAssessmentRunsCommand = inspectorSdk.DescribeAssessmentRunsCommand as any;

const ENDED_AT = new Date("2026-03-30T13:20:45.050Z");
const afterGrace = new Date(ENDED_AT.getTime() + SWEEP_GRACE_SECONDS * 1000);
const runArn = (n: number) => `${TEMPLATE_ARN}/run/0-run${String(n).padStart(5, "0")}`;

describe("Classic sweep: the pure decisions", () => {
    it("files findingCounts (by severity) as one announced total; anything unreadable gives none, so no PASS", () => {
        expect(announcedCounts({ High: 1, Medium: 1, Low: 2, Informational: 1, Undefined: 0 })).to.deep.equal({ [SWEEP_COUNT_KEY]: 5 });
        expect(announcedCounts({})).to.deep.equal({ [SWEEP_COUNT_KEY]: 0 });
        expect(announcedCounts(undefined)).to.equal(undefined);
        expect(announcedCounts({ High: -1 })).to.equal(undefined);
        expect(announcedCounts({ High: 1.5 })).to.equal(undefined);
        expect(announcedCounts({ High: "2" as unknown as number })).to.equal(undefined);
    });

    it("describes an ended run as its completion message would have", () => {
        for (const state of ["COMPLETED", "COMPLETED_WITH_ERRORS"]) {
            expect(noticeOfEndedRun(RUN_ARN, { state, assessmentTemplateArn: TEMPLATE_ARN, completedAt: ENDED_AT, findingCounts: { High: 2, Low: 1 } })).to.deep.equal({
                kind: "completed",
                runArn: RUN_ARN,
                templateArn: TEMPLATE_ARN,
                time: ENDED_AT.toISOString(),
                findingsCount: { [SWEEP_COUNT_KEY]: 3 },
            });
        }
        for (const state of ["FAILED", "ERROR", "CANCELED"]) {
            // No template in the answer: the run ARN embeds it.
            expect(noticeOfEndedRun(RUN_ARN, { state, stateChangedAt: ENDED_AT })).to.deep.equal({ kind: "run-failed", runArn: RUN_ARN, templateArn: TEMPLATE_ARN, state, time: ENDED_AT.toISOString() });
        }
        expect(noticeOfEndedRun(RUN_ARN, { state: "COLLECTING_DATA" })).to.equal(undefined);
        expect(noticeOfEndedRun("arn:aws:inspector:us-east-1:111122223333:nothing", { state: "COMPLETED" })).to.equal(undefined);
    });

    it("reports a terminal run once the grace for its completion message has passed, and leaves the rest", () => {
        expect([...TERMINAL_RUN_STATES, ...ACTIVE_RUN_STATES]).to.have.length(13);
        for (const state of TERMINAL_RUN_STATES) {
            const run = { state, assessmentTemplateArn: TEMPLATE_ARN, completedAt: state.startsWith("COMPLETED") ? ENDED_AT : undefined, stateChangedAt: ENDED_AT, findingCounts: {} };
            const decision = decideSweepRun(RUN_ARN, run, undefined, afterGrace);
            expect(decision, state).to.deep.include({ action: "report", runArn: RUN_ARN, state });
            const early = decideSweepRun(RUN_ARN, run, undefined, new Date(afterGrace.getTime() - 1));
            expect(early).to.deep.equal({
                action: "wait",
                runArn: RUN_ARN,
                reason: `ended ${state} at ${ENDED_AT.toISOString()}; its completion message has until ${afterGrace.toISOString()}`,
            });
        }
        for (const state of ACTIVE_RUN_STATES) {
            expect(decideSweepRun(RUN_ARN, { state, stateChangedAt: ENDED_AT }, undefined, afterGrace)).to.deep.equal({ action: "wait", runArn: RUN_ARN, reason: `still ${state}` });
        }
        // No end time at all: nothing to wait for.
        expect(decideSweepRun(RUN_ARN, { state: "CANCELED" }, undefined, ENDED_AT).action).to.equal("report");
        expect(decideSweepRun(RUN_ARN, { state: "COMPLETED", completedAt: ENDED_AT }, undefined, ENDED_AT, 0).action).to.equal("report");
    });

    it("leaves a run Inspector did not describe, naming the failure code", () => {
        expect(decideSweepRun(RUN_ARN, undefined, "ITEM_DOES_NOT_EXIST", afterGrace)).to.deep.equal({ action: "wait", runArn: RUN_ARN, reason: "DescribeAssessmentRuns did not describe it (ITEM_DOES_NOT_EXIST)" });
        expect(decideSweepRun(RUN_ARN, undefined, undefined, afterGrace)).to.deep.include({ action: "wait", reason: "DescribeAssessmentRuns did not describe it (not returned)" });
    });
});

describe("Classic sweep: the shell", () => {
    const inspector = new InspectorClient({ region: "us-east-1" });
    const s3 = new S3Client({ region: "us-east-1" });
    const inspectorMock = isolatedMock(inspector);
    const s3Mock = isolatedMock(s3);
    const BUCKET = "reports-bucket";
    const PREFIX = "golden-ami/";
    let sleeps: number[];
    const sleep = async (ms: number) => void sleeps.push(ms);

    /** Inspector describes every run it is asked for in `states` (others fail as unknown). */
    function serveRuns(states: Record<string, string>) {
        inspectorMock.on(DescribeAssessmentRunsCommand).callsFake(async (input: { assessmentRunArns: string[] }) => {
            const arns = input.assessmentRunArns;
            if (arns.length < 1 || arns.length > 10) throw new Error(`DescribeAssessmentRuns with ${arns.length} ARNs`);
            return {
                assessmentRuns: arns.filter((arn) => arn in states).map((arn) => ({ arn, state: states[arn], assessmentTemplateArn: TEMPLATE_ARN, completedAt: ENDED_AT, stateChangedAt: ENDED_AT, findingCounts: { High: 1 } })),
                failedItems: Object.fromEntries(arns.filter((arn) => !(arn in states)).map((arn) => [arn, { failureCode: "ITEM_DOES_NOT_EXIST", retryable: false }])),
            };
        });
    }

    /** The bucket holds these open markers. */
    function serveMarkers(arns: string[]) {
        const objects = new Map(arns.map((arn, i) => [openRunKey(PREFIX, arn), JSON.stringify({ assessmentRunArn: arn, runId: `run-${i}`, startedAt: "2026-03-30T12:00:00.000Z" })]));
        s3Mock.on(ListObjectsV2Command).callsFake(async (input) => {
            expect(input.Prefix).to.equal(classicOpenRunsPrefix(PREFIX));
            return { Contents: [...objects.keys()].map((Key) => ({ Key })), IsTruncated: false };
        });
        s3Mock.on(GetObjectCommand).callsFake(async (input) => {
            const body = objects.get(input.Key);
            if (!body) throw new NoSuchKey({ message: "no such key", $metadata: { httpStatusCode: 404 } });
            return { Body: { transformToString: async () => body }, ETag: '"e"' };
        });
    }

    beforeEach(() => {
        inspectorMock.reset();
        s3Mock.reset();
        sleeps = [];
    });

    it("describes runs at most 10 ARNs per call, maps failed items, and retries throttling", async () => {
        const arns = Array.from({ length: 23 }, (_, i) => runArn(i + 1));
        inspectorMock.on(DescribeAssessmentRunsCommand).rejectsOnce(inspectorError("ThrottlingException", "Rate exceeded")).callsFake(async (input: { assessmentRunArns: string[] }) => ({
            assessmentRuns: input.assessmentRunArns.filter((arn) => arns.indexOf(arn) < 20).map((arn) => ({ arn, state: "COMPLETED" })),
            failedItems: Object.fromEntries(input.assessmentRunArns.filter((arn) => arns.indexOf(arn) >= 20).map((arn) => [arn, { failureCode: "ITEM_DOES_NOT_EXIST", retryable: false }])),
        }));
        const described = await describeRuns(inspector, arns, sleep);
        const calls = inspectorMock.commandCalls(DescribeAssessmentRunsCommand).map((call: any) => call.args[0].input.assessmentRunArns.length);
        expect(calls).to.deep.equal([10, 10, 10, 3]); // the first, throttled, then 10, 10, 3
        expect(calls.every((n: number) => n <= DESCRIBE_RUNS_BATCH)).to.equal(true);
        expect(sleeps).to.have.length(1);
        expect(described.runs.size).to.equal(20);
        expect(described.failed).to.deep.equal(Object.fromEntries(arns.slice(20).map((arn) => [arn, "ITEM_DOES_NOT_EXIST"])));
    });

    it("hands only the ended runs to analyze, leaves the others, and makes no Inspector call with nothing open", async () => {
        const [ended, running, failed, unknown] = [1, 2, 3, 4].map(runArn);
        serveMarkers([ended, running, failed, unknown]);
        serveRuns({ [ended]: "COMPLETED", [running]: "EVALUATING_RULES", [failed]: "FAILED" });
        const reported: string[] = [];
        const deps = { inspector, s3, bucket: BUCKET, reportPrefix: PREFIX, now: () => afterGrace, sleep, log: () => undefined };
        const visits = await sweepOpenRuns(deps, async (notice, state) => {
            reported.push(`${notice.kind} ${state} ${notice.runArn}`);
            return state;
        });
        expect(reported).to.deep.equal([`completed COMPLETED ${ended}`, `run-failed FAILED ${failed}`]);
        expect(visits).to.deep.equal([
            { action: "report", runArn: ended, result: "COMPLETED" },
            { action: "wait", runArn: running, reason: "still EVALUATING_RULES" },
            { action: "report", runArn: failed, result: "FAILED" },
            { action: "wait", runArn: unknown, reason: "DescribeAssessmentRuns did not describe it (ITEM_DOES_NOT_EXIST)" },
        ]);
        expect(inspectorMock.commandCalls(DescribeAssessmentRunsCommand)).to.have.length(1);

        inspectorMock.reset();
        serveMarkers([]);
        expect(await sweepOpenRuns(deps, async () => "never")).to.deep.equal([]);
        expect(inspectorMock.calls()).to.have.length(0);
    });

    it("gives every ended run its turn when one fails, then throws", async () => {
        const [first, second] = [1, 2].map(runArn);
        serveMarkers([first, second]);
        serveRuns({ [first]: "COMPLETED", [second]: "COMPLETED" });
        const reported: string[] = [];
        const deps = { inspector, s3, bucket: BUCKET, reportPrefix: PREFIX, now: () => afterGrace, sleep, log: () => undefined };
        let thrown: unknown;
        await sweepOpenRuns(deps, async (notice) => {
            reported.push(notice.runArn);
            if (notice.runArn === first) throw new Error("S3 is down");
            return "ok";
        }).catch((error) => (thrown = error));
        expect(reported).to.deep.equal([first, second]);
        expect((thrown as Error)?.message).to.equal("S3 is down");
    });
});
