import { expect } from "chai";
import { AmiRecord } from "../../../pipeline/run/manifest";
import { noGoldenAmisNotice, startReportNotice } from "../../../pipeline/report/startNotices";
import { runInProgressNotice } from "../../../engines/classic/notices";
import { RUN_ARN, TEMPLATE_ARN } from "../../support/launchFixtures";

const RUN_ID = "2026-11-23T10-00-00Z-abc123";
const assessing: AmiRecord = { imageId: "ami-1", name: "base-linux", tags: {}, status: "ASSESSING", instanceId: "i-1" };
const launchFailed: AmiRecord = { imageId: "ami-2", tags: {}, status: "LAUNCH_FAILED", reason: "InvalidAMIID.NotFound: gone" };
const unhealthy: AmiRecord = { imageId: "ami-3", tags: {}, status: "AGENT_UNHEALTHY", instanceId: "i-3", reason: "Inspector agent UNHEALTHY after 600s" };

describe("start notices", () => {
    it("no golden AMIs: names every tag and owner searched", () => {
        const notice = noGoldenAmisNotice("golden", { Golden: "true", Env: "prod" }, ["self", "123456789012"]);
        expect(notice.subject).to.equal("[golden] no golden AMIs found; nothing assessed");
        expect(notice.message).to.include("Tags searched (all required): Golden=true, Env=prod");
        expect(notice.message).to.include("Owners searched: self, 123456789012");
    });

    it("run in progress: names the unfinished runs and the template", () => {
        const notice = runInProgressNotice("golden", TEMPLATE_ARN, [RUN_ARN]);
        expect(notice.subject).to.include("still running");
        expect(notice.message).to.include(TEMPLATE_ARN).and.include(`- ${RUN_ARN}`);
    });

    it("says nothing for a run that started with every AMI (analyze reports it)", () => {
        expect(startReportNotice({ pipelineName: "golden", runId: RUN_ID, outcome: "RUN_STARTED", amis: [assessing], assessmentRunArn: RUN_ARN })).to.equal(undefined);
    });

    it("a run that started without some AMIs names them and why", () => {
        const notice = startReportNotice({
            pipelineName: "golden",
            runId: RUN_ID,
            outcome: "RUN_STARTED",
            amis: [assessing, launchFailed, unhealthy],
            assessmentRunArn: RUN_ARN,
            unhealthyTermination: { terminated: ["i-3"], failed: [] },
        })!;
        expect(notice.subject).to.equal("[golden] assessment started; 2 of 3 golden AMIs not assessed");
        expect(notice.message).to.include(`Assessment run: ${RUN_ARN}`);
        expect(notice.message).to.include("- ami-1 (base-linux): assessing on i-1");
        expect(notice.message).to.include("- ami-2: NOT ASSESSED, launch failed: InvalidAMIID.NotFound: gone");
        expect(notice.message).to.include("- ami-3: NOT ASSESSED, instance i-3: Inspector agent UNHEALTHY after 600s");
        expect(notice.message).to.include("Instances with unhealthy agents terminated: i-3");
    });

    it("a refusal names the error, the busy agents, whether to retry, and what was terminated or not", () => {
        const notice = startReportNotice({
            pipelineName: "golden",
            runId: RUN_ID,
            outcome: "RUN_REFUSED",
            amis: [assessing],
            reason: "AgentsAlreadyRunningAssessmentException: busy",
            agentsInOtherRuns: [{ agentId: "i-1", assessmentRunArn: "arn:other-run" }],
            agentsTruncated: true,
            canRetry: false,
            cleanup: { terminated: [], failed: [{ instanceId: "i-1", error: "UnauthorizedOperation: no" }], lookupError: "Throttling: slow" },
        })!;
        expect(notice.subject).to.equal("[golden] assessment run refused, nothing assessed: AgentsAlreadyRunningAssessmentException: busy");
        expect(notice.message).to.include("- i-1 in arn:other-run").and.include("(list truncated by Inspector)");
        expect(notice.message).to.include("cannot be retried");
        expect(notice.message).to.include("- ami-1 (base-linux): NOT ASSESSED, launched i-1 but the run did not start");
        expect(notice.message).to.include("Instances of this run NOT TERMINATED (terminate by hand): i-1: UnauthorizedOperation: no");
        expect(notice.message).to.include("Throttling: slow");
    });
});
