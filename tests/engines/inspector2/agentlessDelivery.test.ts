// Agentless results go the launched runs' way: one claim, one delivered marker, verdict tags on
// the AMIs they settle; and an AMI without results is told what the account must do.
import { expect } from "chai";
import { planAssessment } from "../../../engines/inspector2/start";
import { reportWithoutLaunch } from "../../../engines/inspector2/startReport";
import { COUNTS_TAG, VERDICT_TAG } from "../../../pipeline/run/tags";
import { CLEAN, MEDIUM, MINUTE, START, VULN, V2World, keysOf, newV2World, reportOf, start, v2Deps, verdicts } from "../../support/cycles/inspector2/world";
import { s3Error } from "../../support/fakeAws";

function agentlessWorld(): V2World {
    const w = newV2World({ scanMode: "agentless" }, false);
    const fresh = new Date(START.getTime() - 2 * 24 * 60 * MINUTE).toISOString();
    w.aws.addImage(CLEAN, { scanResults: { FindingScanDate: fresh } as any });
    w.aws.addImage(VULN, { scanResults: { FindingScanDate: fresh, HighestFindingSeverityLabel: "critical" } as any });
    w.aws.addImage(MEDIUM);
    w.aws.imageFindings[VULN] = [{ Title: "CVE-2026-3333 - glibc", SeverityLabel: "critical", Score: 9.8 }] as any;
    return w;
}

describe("agentless results, delivered as launched runs are", () => {
    it("writes verdict tags on the AMIs its results settle, none on the NOT ASSESSED one, and marks the run delivered", async () => {
        const w = agentlessWorld();
        const result = await start(w);
        expect(result.outcome).to.equal("REPORTED");
        expect(verdicts(reportOf(w, result.runId))).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "NOT ASSESSED" });
        expect(w.aws.imageTags(CLEAN)[VERDICT_TAG]).to.match(/^PASS \d{4}-/);
        expect(w.aws.imageTags(VULN)[VERDICT_TAG]).to.match(/^FAIL \d{4}-/);
        expect(w.aws.imageTags(VULN)[COUNTS_TAG]).to.equal("C1 H0 M0 L0 I0");
        expect(w.aws.imageTags(MEDIUM)[VERDICT_TAG]).to.equal(undefined);
        expect(w.aws.object(keysOf(result.runId).deliveredMarker)).to.not.equal(undefined);
        expect(w.aws.object(keysOf(result.runId).reportClaim)).to.not.equal(undefined);
    });

    it("publishes a run's report once, however often its delivery is repeated", async () => {
        const w = agentlessWorld();
        const deps = v2Deps(w);
        const plan = await planAssessment(deps, w.aws.images);
        await reportWithoutLaunch(deps, "run-1", plan, "COMPLETED", []);
        await reportWithoutLaunch(deps, "run-1", plan, "COMPLETED", []);
        expect(w.aws.reportMessages()).to.have.length(1);
    });

    it("gives the claim back when publishing fails, so the same run can still be reported", async () => {
        const w = agentlessWorld();
        const deps = v2Deps(w);
        const plan = await planAssessment(deps, w.aws.images);
        w.aws.failNext("PutObject", 1, () => s3Error("InternalError", 500), (input) => String(input.Key).endsWith("report.json"));
        w.aws.failNext("PutObject", 4, () => s3Error("InternalError", 500), (input) => String(input.Key).endsWith("report.json"));
        await reportWithoutLaunch(deps, "run-2", plan, "COMPLETED", []).then(
            () => expect.fail("should throw"),
            () => undefined,
        );
        expect(w.aws.object(keysOf("run-2").reportClaim)).to.equal(undefined);
        w.aws.clearFaults();
        await reportWithoutLaunch(deps, "run-2", plan, "COMPLETED", []);
        expect(w.aws.reportMessages()).to.have.length(1);
        expect(w.aws.imageTags(CLEAN)[VERDICT_TAG]).to.match(/^PASS /);
    });

    it("tells the account what to do for an AMI without results: activate machine image scanning; only owned AMIs", async () => {
        const w = agentlessWorld();
        const { runId } = await start(w);
        const detail = reportOf(w, runId)!.amis.find((ami) => ami.imageId === MEDIUM)!.notAssessed!.detail;
        expect(detail).to.include("activate Amazon Inspector machine image scanning").and.include("only AMIs this account owns").and.include("no StartOnDemandScan");
    });
});

describe("an agentless AMI whose scan summary outranks the findings read", () => {
    function summaryWorld(scanMode: "agentless" | "auto", findings: unknown[], label = "high"): V2World {
        const w = newV2World({ scanMode }, false);
        const fresh = new Date(START.getTime() - 2 * 24 * 60 * MINUTE).toISOString();
        // client-ec2 ScanResults.HighestFindingSeverityLabel: the AMI's highest finding, present when it has one.
        w.aws.addImage(VULN, { scanResults: { FindingScanDate: fresh, HighestFindingSeverityLabel: label } as any });
        w.aws.imageFindings[VULN] = findings as any;
        return w;
    }

    it("is NOT ASSESSED, not PASS, when the summary says high and GetImageFindings returns nothing at the threshold", async () => {
        const w = summaryWorld("agentless", [{ Title: "CVE-2026-1111 - zlib", SeverityLabel: "low", Score: 2.1 }]);
        const result = await start(w);
        const report = reportOf(w, result.runId)!;
        expect(verdicts(report)).to.deep.equal({ [VULN]: "NOT ASSESSED" });
        expect(report.amis[0].notAssessed?.detail).to.include("HighestFindingSeverityLabel high").and.include("incomplete");
        expect(w.aws.imageTags(VULN)[VERDICT_TAG]).to.equal(undefined);
    });

    it("FAILs when the findings read reach the summary's severity, and counts a finding with no severity label at the threshold", async () => {
        const reached = summaryWorld("agentless", [{ Title: "CVE-2026-2222 - openssl", SeverityLabel: "high", Score: 7.5 }]);
        expect(verdicts(reportOf(reached, (await start(reached)).runId))).to.deep.equal({ [VULN]: "FAIL" });
        const unlabelled = summaryWorld("agentless", [{ Title: "CVE-2026-4444 - curl" }]);
        expect(verdicts(reportOf(unlabelled, (await start(unlabelled)).runId)), "a missing SeverityLabel is untriaged, at the threshold").to.deep.equal({ [VULN]: "FAIL" });
    });

    it("in auto mode launches an instance for it instead of trusting the incomplete AMI result", async () => {
        const w = summaryWorld("auto", []);
        const result = await start(w);
        expect(result.outcome).to.equal("RUN_STARTED");
        expect(w.aws.liveInstances().map((i) => i.imageId)).to.deep.equal([VULN]);
    });
});
