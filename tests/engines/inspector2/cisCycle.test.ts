// The run's CIS scan through the real start and analyze handlers and the CIS fake: created by
// analyze once SSM manages the instances (not by start, before SSM knows them), once per run under
// duplicate deliveries and a creator that dies, given its own wait bound, and deleted by analyze.
import { expect } from "chai";
import { CIS_CREATE_CLAIM_SECONDS, CIS_SCAN_WAIT_SECONDS, cisKeys, planCisScan } from "../../../engines/inspector2/cisScan";
import { createRunCisScan, readCisResults } from "../../../engines/inspector2/cis";
import type { V2RunManifest } from "../../../engines/inspector2/run";
import { RUN_TAG } from "../../../pipeline/run/tags";
import { CLEAN, DURATION, MEDIUM, MINUTE, PREFIX, START, VULN, V2World, analyze, keysOf, newV2World, reportOf, scanAll, settle, start, verdicts } from "../../support/cycles/inspector2/world";
import { CIS_START_LAG_MS, FakeInspectorCis } from "../../support/fakeInspectorCis";

function cisWorld(): { w: V2World; cis: FakeInspectorCis } {
    const w = newV2World({ rulesPackages: ["cve", "cis"] });
    return { w, cis: new FakeInspectorCis(w.aws) };
}

async function startedRun(w: V2World): Promise<string> {
    const result = await start(w);
    expect(result.outcome).to.equal("RUN_STARTED");
    return result.runId;
}

/** The instances are scanned, and the analyze that creates the CIS scan dies before recording it. */
async function creatorDiedUnrecorded(): Promise<{ w: V2World; cis: FakeInspectorCis; runId: string }> {
    const { w, cis } = cisWorld();
    const runId = await startedRun(w);
    w.aws.advance(5 * MINUTE);
    scanAll(w, {});
    w.aws.hangAt("PutObject", (input) => input.Key === cisKeys(PREFIX, runId).marker);
    analyze(w).catch(() => undefined);
    await settle();
    return { w, cis, runId };
}

const ALL_PASS = { [CLEAN]: "PASS", [VULN]: "PASS", [MEDIUM]: "PASS" };
const NONE_ASSESSED = { [CLEAN]: "NOT ASSESSED", [VULN]: "NOT ASSESSED", [MEDIUM]: "NOT ASSESSED" };

describe("FakeInspectorCis (the model)", () => {
    it("a configuration created before SSM manages the instances scans none of them: SSM_UNMANAGED, no checks", async () => {
        const { w } = cisWorld();
        const runId = await startedRun(w);
        // What start used to do: create the scan seconds after launch.
        const arn = await createRunCisScan(w.aws.inspector2, { scanName: "early", tagKey: RUN_TAG, tagValue: runId });
        w.aws.advance(CIS_START_LAG_MS);
        scanAll(w, {}); // SSM manages them now, too late for this scan
        w.aws.advance(30 * MINUTE);
        const results = await readCisResults(w.aws.inspector2, arn);
        expect(results.scanStatus).to.equal("COMPLETED");
        expect(Object.values(results.instances).map((r) => [r.status, r.passed + r.failed])).to.deep.equal([
            ["FAILED", 0],
            ["FAILED", 0],
            ["FAILED", 0],
        ]);
        expect(Object.values(results.instances)[0].reason).to.include("SSM_UNMANAGED");
    });

    it("without the CIS managed policy on the instance role the session is refused: TIMED_OUT with no checks", async () => {
        const { w, cis } = cisWorld();
        cis.instanceRoleHasCisPolicy = false;
        const runId = await startedRun(w);
        scanAll(w, {});
        const arn = await createRunCisScan(w.aws.inspector2, { scanName: "no-policy", tagKey: RUN_TAG, tagValue: runId });
        w.aws.advance(CIS_START_LAG_MS + 20 * MINUTE);
        expect((await readCisResults(w.aws.inspector2, arn)).scanStatus).to.equal("IN_PROGRESS");
        w.aws.advance(20 * MINUTE);
        const results = await readCisResults(w.aws.inspector2, arn);
        expect(results.scanStatus).to.equal("COMPLETED");
        for (const result of Object.values(results.instances)) expect(result).to.deep.include({ status: "FAILED", passed: 0, failed: 0 });
    });
});

describe("planCisScan (pure)", () => {
    const manifest = (deadlineMinutes: number): V2RunManifest =>
        ({
            runId: "r",
            engine: "inspector2",
            startedAt: START.toISOString(),
            deadline: new Date(START.getTime() + deadlineMinutes * MINUTE).toISOString(),
            rulesPackages: ["cve", "cis"],
            amis: [],
            instances: ["i-1", "i-2"].map((instanceId) => ({ instanceId, imageId: "ami-1", launchedAt: START.toISOString() })),
            agentless: [],
            notes: [],
        }) as V2RunManifest;
    const at = (minutes: number) => new Date(START.getTime() + minutes * MINUTE);
    const pending = (instanceId: string, reason: string, scanMode = "EC2_SSM_AGENT_BASED") => ({ instanceId, state: "PENDING" as const, reason, detail: "", scanMode });

    it("waits while an instance is not in coverage, unmanaged or only agentlessly covered; creates when all are managed", () => {
        expect(planCisScan(manifest(60), new Set(["i-1"]), { "i-2": pending("i-2", "NOT_IN_COVERAGE") }, at(5))).to.deep.equal({ action: "wait" });
        expect(planCisScan(manifest(60), new Set(["i-1"]), { "i-2": pending("i-2", "UNMANAGED_EC2_INSTANCE") }, at(5))).to.deep.equal({ action: "wait" });
        expect(planCisScan(manifest(60), new Set(["i-1"]), { "i-2": pending("i-2", "SCAN_IN_PROGRESS", "EC2_AGENTLESS") }, at(5))).to.deep.equal({ action: "wait" });
        expect(planCisScan(manifest(60), new Set(["i-1"]), { "i-2": pending("i-2", "PENDING_INITIAL_SCAN") }, at(5))).to.deep.equal({ action: "create", targets: ["i-1", "i-2"] });
    });

    it("creates for the managed ones when only the CIS wait is left before the deadline, and skips at the deadline", () => {
        const waitMinutes = CIS_SCAN_WAIT_SECONDS / 60;
        const stuck = { "i-2": pending("i-2", "UNMANAGED_EC2_INSTANCE") };
        expect(planCisScan(manifest(120), new Set(["i-1"]), stuck, at(120 - waitMinutes - 1))).to.deep.equal({ action: "wait" });
        expect(planCisScan(manifest(120), new Set(["i-1"]), stuck, at(120 - waitMinutes))).to.deep.equal({ action: "create", targets: ["i-1"] });
        expect(planCisScan(manifest(120), new Set(), { ...stuck, "i-1": pending("i-1", "NOT_IN_COVERAGE") }, at(110))).to.deep.equal({ action: "wait" });
        expect(planCisScan(manifest(120), new Set(["i-1"]), stuck, at(120))).to.deep.include({ action: "skip" });
    });

    it("skips when no instance can be scanned at all", () => {
        const failed = (instanceId: string) => ({ instanceId, state: "FAILED" as const, reason: "UNSUPPORTED_OS", detail: "" });
        expect(planCisScan(manifest(60), new Set(), { "i-1": failed("i-1"), "i-2": failed("i-2") }, at(5))).to.deep.include({ action: "skip" });
    });
});

describe("the run's CIS scan, whole cycle", () => {
    it("is created by analyze once SSM manages every instance, completes with checks, and is deleted after the report", async () => {
        const { w, cis } = cisWorld();
        cis.failedChecksByImage = { [VULN]: ["1.1.1", "5.2.1"] };
        const runId = await startedRun(w);
        expect(w.aws.callCount("CreateCisScanConfiguration"), "start creates no CIS scan").to.equal(0);
        w.aws.advance(5 * MINUTE);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "waiting", cis: "NOT_STARTED" });
        expect(w.aws.callCount("CreateCisScanConfiguration"), "not before SSM manages the instances").to.equal(0);
        scanAll(w, {});
        // Every instance scanned, but the CIS scan has only now been created (and the findings have
        // not settled yet: no scan event was delivered, so two reads apart are needed): the run waits.
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "waiting" });
        expect(w.aws.callCount("CreateCisScanConfiguration")).to.equal(1);
        expect(w.aws.json(cisKeys(PREFIX, runId).marker).scanConfigurationArn).to.equal(cis.configurations[0].arn);
        w.aws.advance(15 * MINUTE);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "reported", outcome: "COMPLETED" });
        const report = reportOf(w, runId)!;
        expect(verdicts(report)).to.deep.equal(ALL_PASS); // CIS checks are Medium; the threshold is High
        const vuln = report.amis.find((ami) => ami.imageId === VULN)!;
        expect(vuln.counts.Medium).to.equal(2);
        expect(report.notes.filter((p) => /CIS/.test(p))).to.deep.equal([]);
        expect(cis.live(), "deleted by the analyze that reported").to.deep.equal([]);
        expect(w.aws.liveInstances()).to.have.length(0);
    });

    it("is created once when two invocations find the instances ready at the same moment", async () => {
        const { w, cis } = cisWorld();
        await startedRun(w);
        w.aws.advance(5 * MINUTE);
        scanAll(w, {});
        await Promise.all([analyze(w), analyze(w), analyze(w)]);
        expect(w.aws.callCount("CreateCisScanConfiguration")).to.equal(1);
        expect(cis.live()).to.have.length(1);
    });

    it("is created once when the creator dies before recording it: the next takes over and finds it by name", async () => {
        const { w, cis, runId } = await creatorDiedUnrecorded();
        expect(w.aws.callCount("CreateCisScanConfiguration")).to.equal(1);
        // Within the claim the others wait; after it, one takes over and adopts the configuration.
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "waiting" });
        w.aws.advanceSeconds(CIS_CREATE_CLAIM_SECONDS + 1);
        await analyze(w);
        expect(w.aws.callCount("CreateCisScanConfiguration")).to.equal(1);
        expect(w.aws.callCount("ListCisScanConfigurations")).to.equal(1);
        expect(w.aws.json(cisKeys(PREFIX, runId).marker).scanConfigurationArn).to.equal(cis.configurations[0].arn);
        w.aws.advance(15 * MINUTE);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "reported", outcome: "COMPLETED" });
        expect(cis.live()).to.deep.equal([]);
    });

    it("a creator that died unrecorded and no visit until the deadline: the scan it made is found and deleted, not left behind", async () => {
        const { w, cis, runId } = await creatorDiedUnrecorded();
        expect(cis.live()).to.have.length(1);
        w.aws.advanceSeconds(DURATION);
        const reads = w.aws.callCount("ListCisScanResultsAggregatedByTargetResource");
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "reported" });
        expect(w.aws.callCount("ListCisScanResultsAggregatedByTargetResource"), "its results are read before the delete").to.equal(reads + 1);
        expect(cis.live(), "deleted by the analyze that reported").to.deep.equal([]);
        expect(reportOf(w, runId)!.notes.join("\n")).not.to.include("No CIS scan");
    });

    it("without the CIS policy on the instance role: the report says the CIS scan timed out, with no checks", async () => {
        const { w, cis } = cisWorld();
        cis.instanceRoleHasCisPolicy = false;
        const runId = await startedRun(w);
        w.aws.advance(5 * MINUTE);
        scanAll(w, {});
        await analyze(w);
        w.aws.advance(35 * MINUTE);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "reported" });
        const report = reportOf(w, runId)!;
        const problems = report.notes.join("\n");
        expect(problems).to.include("TIMED_OUT");
        // CIS was asked for and gave no result: no AMI may PASS on the CVE scan alone.
        expect(verdicts(report)).to.deep.equal(NONE_ASSESSED);
        for (const ami of report.amis) expect(ami.notAssessed?.detail, ami.imageId).to.include("CIS").and.include("TIMED_OUT");
        expect(cis.live()).to.deep.equal([]);
    });

    it("gives a scan that does not finish CIS_SCAN_WAIT_SECONDS, then reports without it, before the run's deadline", async () => {
        const { w, cis } = cisWorld();
        cis.checkMs = 3 * 60 * MINUTE;
        const runId = await startedRun(w);
        w.aws.advance(5 * MINUTE);
        scanAll(w, {});
        await analyze(w);
        w.aws.advanceSeconds(CIS_SCAN_WAIT_SECONDS - 60);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "waiting", cis: "IN_PROGRESS" });
        w.aws.advance(MINUTE);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "reported", outcome: "COMPLETED" });
        const report = reportOf(w, runId)!;
        expect(new Date(report.generatedAt).getTime()).to.be.lessThan(START.getTime() + DURATION * 1000);
        expect(report.notes.join("\n")).to.include(`did not finish within ${CIS_SCAN_WAIT_SECONDS / 60} minutes`);
        expect(verdicts(report), "a CIS scan that never completed for an instance: NOT ASSESSED, not PASS").to.deep.equal(NONE_ASSESSED);
        for (const ami of report.amis) expect(ami.notAssessed?.detail, ami.imageId).to.include("CIS");
        expect(w.aws.object(keysOf(runId).deliveredMarker)).to.not.equal(undefined);
        expect(cis.live()).to.deep.equal([]);
    });
});
