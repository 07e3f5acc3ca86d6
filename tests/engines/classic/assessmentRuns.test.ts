import * as inspectorSdk from "@aws-sdk/client-inspector";
import { AgentsAlreadyRunningAssessmentException, InspectorClient } from "@aws-sdk/client-inspector";
import { expect } from "chai";
import { ACTIVE_RUN_STATES, RUN_NAME_MAX, assessmentRunName, findActiveRuns, startAssessmentRun } from "../../../engines/classic/assessmentRuns";
import { RUN_ARN, TEMPLATE_ARN, inspectorError, isolatedMock } from "../../support/launchFixtures";

// client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match.
const ListAssessmentRunsCommand = inspectorSdk.ListAssessmentRunsCommand as any;
const StartAssessmentRunCommand = inspectorSdk.StartAssessmentRunCommand as any;

function setup() {
    const inspector = new InspectorClient({ region: "us-east-1" });
    return { inspector, mock: isolatedMock(inspector) };
}

describe("ACTIVE_RUN_STATES", () => {
    it("is every run state except the five terminal ones", () => {
        expect([...ACTIVE_RUN_STATES]).to.deep.equal([
            "CREATED",
            "START_DATA_COLLECTION_PENDING",
            "START_DATA_COLLECTION_IN_PROGRESS",
            "COLLECTING_DATA",
            "STOP_DATA_COLLECTION_PENDING",
            "DATA_COLLECTED",
            "START_EVALUATING_RULES_PENDING",
            "EVALUATING_RULES",
        ]);
        for (const terminal of ["FAILED", "ERROR", "COMPLETED", "COMPLETED_WITH_ERRORS", "CANCELED"]) expect(ACTIVE_RUN_STATES).not.to.include(terminal);
    });
});

describe("findActiveRuns", () => {
    it("asks for this template's unfinished runs and reads past an empty filtered page", async () => {
        const { inspector, mock } = setup();
        mock.on(ListAssessmentRunsCommand).resolvesOnce({ assessmentRunArns: [], nextToken: "t2" }).resolvesOnce({ assessmentRunArns: [RUN_ARN] });
        expect(await findActiveRuns(inspector, TEMPLATE_ARN)).to.deep.equal([RUN_ARN]);
        const inputs = mock.commandCalls(ListAssessmentRunsCommand).map((call) => call.args[0].input);
        expect(inputs[0]).to.deep.equal({ assessmentTemplateArns: [TEMPLATE_ARN], filter: { states: [...ACTIVE_RUN_STATES] }, maxResults: 100, nextToken: undefined });
        expect(inputs[1].nextToken).to.equal("t2");
    });
});

describe("assessmentRunName", () => {
    it("is pipeline-runId", () => {
        expect(assessmentRunName("golden", "2026-11-23T10-00-00Z-abc123")).to.equal("golden-2026-11-23T10-00-00Z-abc123");
    });
    it("cuts a long pipeline name, never the run id", () => {
        const name = assessmentRunName("p".repeat(200), "2026-11-23T10-00-00Z-abc123");
        expect(name).to.have.length(RUN_NAME_MAX);
        expect(name.endsWith("-2026-11-23T10-00-00Z-abc123")).to.equal(true);
    });
});

describe("startAssessmentRun", () => {
    it("returns the run ARN and sends the template and name", async () => {
        const { inspector, mock } = setup();
        mock.on(StartAssessmentRunCommand).resolves({ assessmentRunArn: RUN_ARN });
        expect(await startAssessmentRun(inspector, TEMPLATE_ARN, "golden-run")).to.deep.equal({ started: true, assessmentRunArn: RUN_ARN });
        expect(mock.commandCalls(StartAssessmentRunCommand)[0].args[0].input).to.deep.equal({ assessmentTemplateArn: TEMPLATE_ARN, assessmentRunName: "golden-run" });
    });

    it("returns AgentsAlreadyRunningAssessmentException as a refusal naming the busy agents", async () => {
        const { inspector, mock } = setup();
        const otherRun = `${TEMPLATE_ARN}/run/0-Other`;
        mock.on(StartAssessmentRunCommand).rejects(
            new AgentsAlreadyRunningAssessmentException({
                message: "agents busy",
                $metadata: { httpStatusCode: 400 },
                agents: [{ agentId: "i-1", assessmentRunArn: otherRun }],
                agentsTruncated: false,
                canRetry: true,
            }),
        );
        const result = await startAssessmentRun(inspector, TEMPLATE_ARN, "golden-run");
        expect(result).to.deep.include({
            started: false,
            errorName: "AgentsAlreadyRunningAssessmentException",
            agentsInOtherRuns: [{ agentId: "i-1", assessmentRunArn: otherRun }],
            agentsTruncated: false,
            canRetry: true,
        });
        expect(result).to.have.property("reason").that.includes("agents busy");
    });

    it("returns any other service refusal with its name", async () => {
        const { inspector, mock } = setup();
        mock.on(StartAssessmentRunCommand).rejects(inspectorError("LimitExceededException", "too many runs"));
        expect(await startAssessmentRun(inspector, TEMPLATE_ARN, "golden-run")).to.deep.equal({
            started: false,
            errorName: "LimitExceededException",
            reason: "LimitExceededException: too many runs",
        });
    });

    it("throws what is not a service answer (network failure, missing ARN)", async () => {
        const { inspector, mock } = setup();
        mock.on(StartAssessmentRunCommand).rejectsOnce(new Error("socket hang up")).resolvesOnce({});
        await startAssessmentRun(inspector, TEMPLATE_ARN, "x").then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.message).to.equal("socket hang up"),
        );
        await startAssessmentRun(inspector, TEMPLATE_ARN, "x").then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.message).to.include("no assessmentRunArn"),
        );
    });
});
