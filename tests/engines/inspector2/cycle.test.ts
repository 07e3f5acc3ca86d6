// Whole-cycle tests of the Inspector v2 engine: the real start and analyze handlers against a
// stateful fake of AWS (tests/support/fakeAws.ts), with lost, duplicated and concurrent events,
// throttling, launch failures and crashes at every step of finalize.
import { expect } from "chai";
import { makeAnalyzeHandler, visitRun, V2AnalyzeDeps, V2AnalyzeResult } from "../../../engines/inspector2/analyze";
import { REPORT_CLAIM_SECONDS } from "../../../engines/inspector2/finalize";
import { makeStartHandler, V2StartDeps, V2StartResult, V2StartSettings } from "../../../engines/inspector2/start";
import { startLockKey, v2RunKeys } from "../../../engines/inspector2/run";
import { consolidate } from "../../../pipeline/consolidate";
import { reapStaleInstances } from "../../../pipeline/reap";
import { AssessmentReport, buildReport } from "../../../pipeline/report";
import { VERDICT_TAG, COUNTS_TAG, LAST_ASSESSED_TAG } from "../../../pipeline/tags";
import { crashError, FakeAws, FAKE_REGION, s3Error } from "../../support/fakeAws";

const START = new Date("2026-11-23T10:00:00.000Z");
const TOPIC = "arn:aws:sns:us-east-1:111122223333:golden-results";
const BUCKET = "golden-reports";
const PREFIX = "reports/";
const DURATION = 3600;
const MINUTE = 60_000;

const SETTINGS: V2StartSettings = {
    engine: "inspector2",
    pipelineName: "golden",
    amiTags: { Golden: "true" },
    amiOwners: ["self"],
    durationSeconds: DURATION,
    severityThreshold: "High",
    resultsTopicArn: TOPIC,
    reportBucket: BUCKET,
    reportPrefix: PREFIX,
    rulesPackages: ["cve"],
    scanMode: "instance",
    amiScanMaxAgeDays: 7,
    instanceTypes: { x86_64: "t3.micro", arm64: "t4g.micro" },
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-0123",
    instanceProfileArn: "arn:aws:iam::111122223333:instance-profile/golden-ssm",
    agentWaitSeconds: 600,
    reapGraceSeconds: 1800,
};

const SWEEP = { source: "aws.events", "detail-type": "Scheduled Event", detail: {} };

function scanEvent(instanceId: string, counts: Record<string, number> = {}) {
    return {
        source: "aws.inspector2",
        "detail-type": "Inspector2 Scan",
        resources: [instanceId],
        detail: { "scan-status": "INITIAL_SCAN_COMPLETE", "instance-id": instanceId, version: "1.0", "finding-severity-counts": counts },
    };
}

let seed = 1;
function random(): number {
    // Deterministic but distinct per call: run ids and claim holders differ.
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
}

function startDeps(world: FakeAws, settings: Partial<V2StartSettings> = {}): V2StartDeps {
    return {
        ec2: world.ec2,
        inspector2: world.inspector2,
        s3: world.s3,
        sns: world.sns,
        settings: { ...SETTINGS, ...settings },
        region: FAKE_REGION,
        now: world.now,
        sleep: world.sleep,
        log: () => undefined,
        random,
    };
}

function analyzeDeps(world: FakeAws, settings: Partial<V2StartSettings> = {}): V2AnalyzeDeps {
    return {
        ec2: world.ec2,
        inspector2: world.inspector2,
        s3: world.s3,
        sns: world.sns,
        settings: { ...SETTINGS, ...settings },
        region: FAKE_REGION,
        now: world.now,
        sleep: world.sleep,
        log: () => undefined,
        random,
    };
}

const start = (world: FakeAws, settings: Partial<V2StartSettings> = {}): Promise<V2StartResult> => makeStartHandler(startDeps(world, settings))({});
const analyze = (world: FakeAws, event: unknown, settings: Partial<V2StartSettings> = {}): Promise<V2AnalyzeResult> => makeAnalyzeHandler(analyzeDeps(world, settings))(event);

function newWorld(): FakeAws {
    const world = new FakeAws(START);
    world.addImage("ami-0aaa0000000000001", { name: "clean" });
    world.addImage("ami-0bbb0000000000002", { name: "vulnerable" });
    world.addImage("ami-0ccc0000000000003", { name: "medium-only", architecture: "arm64" });
    world.addImage("ami-0ddd0000000000004", { name: "not-golden", tags: { Team: "x" } });
    return world;
}
const CLEAN = "ami-0aaa0000000000001";
const VULN = "ami-0bbb0000000000002";
const MEDIUM = "ami-0ccc0000000000003";
const UNTAGGED = "ami-0ddd0000000000004";

function reportOf(world: FakeAws, runId: string): AssessmentReport {
    const report = world.json<AssessmentReport>(v2RunKeys(PREFIX, runId).reportJson);
    expect(report, `report.json of ${runId}`).to.not.equal(undefined);
    return report!;
}

function verdicts(report: AssessmentReport): Record<string, string> {
    return Object.fromEntries(report.amis.map((ami) => [ami.imageId, ami.verdict]));
}

function ami(report: AssessmentReport, imageId: string) {
    const found = report.amis.find((a) => a.imageId === imageId);
    expect(found, `${imageId} in the report`).to.not.equal(undefined);
    return found!;
}

/** The report summaries of one run that went to the topic. */
function reportMessagesOf(world: FakeAws, runId: string) {
    return world.reportMessages().filter((message) => message.message.includes(`run ${runId} `));
}

/**
 * What every scenario must hold: nothing left running, one report (one SNS summary and one
 * report.json write), no PASS without proof, and no finding of a scanned instance lost.
 */
function assertCycleInvariants(world: FakeAws, runId: string, options: { reports?: number } = {}): AssessmentReport {
    const keys = v2RunKeys(PREFIX, runId);
    expect(world.liveInstances().map((i) => i.instanceId), "instances left running").to.deep.equal([]);
    expect(reportMessagesOf(world, runId), "SNS report summaries").to.have.length(options.reports ?? 1);
    expect(world.putsOf(keys.reportJson), "report.json writes").to.equal(options.reports ?? 1);
    expect(world.object(keys.deliveredMarker), "delivered marker").to.not.equal(undefined);
    expect(world.object(keys.openMarker), "open marker").to.equal(undefined);
    const report = reportOf(world, runId);
    expect(report.engine).to.equal("inspector2");
    const manifest = world.json(keys.manifest);
    const scanned = new Set(world.keys(keys.scannedPrefix).map((key) => key.slice(keys.scannedPrefix.length).replace(/\.json$/, "")));
    for (const assessment of report.amis) {
        if (assessment.verdict !== "PASS") continue;
        // PASS needs proof: a scan of its instance confirmed after launch, or a fresh Inspector AMI scan.
        const instanceScanned = assessment.instanceIds.some((id) => scanned.has(id));
        const image = world.images.find((i) => i.ImageId === assessment.imageId);
        const scanDate = image?.ScanResults?.FindingScanDate ? new Date(image.ScanResults.FindingScanDate).getTime() : NaN;
        const freshAmiScan = world.now().getTime() - scanDate <= SETTINGS.amiScanMaxAgeDays * 24 * 60 * MINUTE;
        expect(instanceScanned || freshAmiScan, `PASS of ${assessment.imageId} without proof`).to.equal(true);
    }
    // Every finding of a scanned instance that was ACTIVE (now CLOSED because the instance is gone) is in the report,
    // and the report holds nothing else of the run's instances.
    const reported = new Set(report.amis.flatMap((a) => a.findings.map((f) => f.arn)));
    for (const finding of world.findings) {
        const instanceId = finding.resources?.[0]?.id ?? "";
        if (!scanned.has(instanceId)) continue;
        if (finding.status !== "ACTIVE" && !world.closedByTermination.has(finding.findingArn!)) continue;
        expect(reported.has(finding.findingArn!), `finding ${finding.findingArn} of ${instanceId} lost`).to.equal(true);
    }
    return report;
}

describe("Inspector v2 whole cycle (real handlers, stateful fake AWS)", () => {
    it("1. happy path: scans confirmed (duplicated, out of order, concurrent), one report, verdicts, tags, lock released", async () => {
        const world = newWorld();
        const started = await start(world);
        expect(started.outcome).to.equal("RUN_STARTED");
        const runId = started.runId;
        expect(world.instances.map((i) => i.imageId).sort()).to.deep.equal([CLEAN, VULN, MEDIUM].sort());
        expect(world.instances.some((i) => i.imageId === UNTAGGED)).to.equal(false);
        for (const instance of world.instances) {
            expect(instance.input.IamInstanceProfile).to.deep.equal({ Arn: SETTINGS.instanceProfileArn });
            expect(instance.input.MetadataOptions?.HttpTokens).to.equal("required");
        }
        expect(world.object(v2RunKeys(PREFIX, runId).manifest)).to.not.equal(undefined);
        expect(world.object(v2RunKeys(PREFIX, runId).openMarker)).to.not.equal(undefined);
        expect(world.json(startLockKey(PREFIX))?.holder).to.equal(runId);

        const clean = world.instanceFor(CLEAN).instanceId;
        const vuln = world.instanceFor(VULN).instanceId;
        const medium = world.instanceFor(MEDIUM).instanceId;
        world.advance(10 * MINUTE);
        world.addFinding(vuln, "HIGH", "CVE-2026-0001");
        world.addFinding(vuln, "CRITICAL", "CVE-2026-0002");
        for (let i = 0; i < 4; i++) world.addFinding(vuln, "LOW");
        world.addFinding(medium, "MEDIUM", "CVE-2026-0100");
        world.addFinding(medium, "LOW", "CVE-2026-0101");
        // A finding that is no longer ACTIVE is not the AMI's.
        world.addFinding(medium, "CRITICAL", "CVE-2026-0999").status = "SUPPRESSED";

        // The event for medium arrives before its coverage says so: not recorded, still waiting.
        const early = await analyze(world, scanEvent(medium));
        expect(early.runs[0]).to.deep.include({ status: "waiting", scanned: 0, total: 3 });

        world.scan(vuln);
        world.scan(medium);
        // Out of order, duplicated: vuln twice.
        const first = await analyze(world, scanEvent(vuln, { HIGH: 1, CRITICAL: 1 }));
        expect(first.runs[0]).to.deep.include({ status: "waiting", scanned: 2, total: 3 });
        const dup = await analyze(world, scanEvent(vuln));
        expect(dup.runs[0]).to.deep.include({ status: "waiting", scanned: 2 });
        expect(world.reportMessages()).to.have.length(0);

        world.advance(3 * MINUTE);
        world.scan(clean);
        // The last one confirmed by two concurrent invocations: exactly one reports.
        const results = await Promise.all([analyze(world, scanEvent(clean)), analyze(world, scanEvent(medium))]);
        const statuses = results.map((r) => r.runs[0].status).sort();
        expect(statuses).to.include("reported");
        expect(statuses.filter((s) => s === "reported")).to.have.length(1);

        const report = assertCycleInvariants(world, runId);
        expect(report.outcome).to.equal("COMPLETED");
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "PASS" });
        expect(ami(report, VULN).counts).to.deep.include({ Critical: 1, High: 1, Low: 4, Medium: 0 });
        expect(ami(report, VULN).failingCounts).to.deep.equal({ Critical: 1, High: 1 });
        expect(ami(report, MEDIUM).counts).to.deep.include({ Critical: 0, Medium: 1, Low: 1 });
        expect(ami(report, MEDIUM).cveIds).to.deep.equal(["CVE-2026-0100", "CVE-2026-0101"]);
        expect(ami(report, CLEAN).counts).to.deep.include({ Critical: 0, High: 0, Medium: 0, Low: 0 });
        expect(report.findings.listed).to.equal(8);
        expect(report.instances.terminated.sort()).to.deep.equal([clean, vuln, medium].sort());
        expect(report.amis.some((a) => a.imageId === UNTAGGED)).to.equal(false);

        expect(world.imageTags(VULN)[VERDICT_TAG]).to.match(/^FAIL \d{4}-\d{2}-\d{2}T/);
        expect(world.imageTags(VULN)[COUNTS_TAG]).to.equal("C1 H1 M0 L4 I0");
        expect(world.imageTags(CLEAN)[VERDICT_TAG]).to.match(/^PASS \d{4}-\d{2}-\d{2}T/);
        expect(world.imageTags(CLEAN)[LAST_ASSESSED_TAG]).to.be.a("string");
        expect(world.imageTags(UNTAGGED)[VERDICT_TAG]).to.equal(undefined);

        // Report JSON: the v2 engine, and the same top-level keys as a Classic report.
        const raw = JSON.parse(world.object(v2RunKeys(PREFIX, runId).reportJson)!.body);
        expect(raw.engine).to.equal("inspector2");
        expect(Object.keys(raw).sort()).to.deep.equal(classicReportKeys().filter((key) => key !== "templateArn"));
        // templateArn is Classic's assessment template: optional, and absent for v2 (no templates).
        expect(raw).to.not.have.property("templateArn");
        expect(world.object(v2RunKeys(PREFIX, runId).reportMarkdown)).to.not.equal(undefined);

        // The lock was released: the next start launches again.
        expect(world.object(startLockKey(PREFIX))).to.equal(undefined);
        world.advance(MINUTE);
        const again = await start(world);
        expect(again.outcome).to.equal("RUN_STARTED");
        expect(world.liveInstances()).to.have.length(3);
    });

    it("2. the schedule delivered twice, sequentially and concurrently: one fleet, the others RUN_IN_PROGRESS", async () => {
        const world = newWorld();
        const [a, b] = await Promise.all([start(world), start(world)]);
        expect([a.outcome, b.outcome].sort()).to.deep.equal(["RUN_IN_PROGRESS", "RUN_STARTED"]);
        world.advance(MINUTE);
        const c = await start(world);
        expect(c.outcome).to.equal("RUN_IN_PROGRESS");
        expect(world.published.filter((m) => m.subject?.includes("previous assessment still running"))).to.have.length(2);
        expect(world.callCount("RunInstances")).to.equal(3);
        expect(world.instances).to.have.length(3);
        const runId = (a.outcome === "RUN_STARTED" ? a : b).runId;
        expect(world.keys(`${PREFIX}open/`)).to.deep.equal([`${PREFIX}open/${runId}`]);
        for (const instance of world.instances) world.scan(instance.instanceId);
        await analyze(world, SWEEP);
        assertCycleInvariants(world, runId);
        expect(world.reportMessages()).to.have.length(1);
    });

    it("3. events lost: sweeps alone confirm through coverage and report", async () => {
        const world = newWorld();
        const { runId } = await start(world);
        world.advance(5 * MINUTE);
        expect((await analyze(world, SWEEP)).runs[0]).to.deep.include({ status: "waiting", scanned: 0 });
        world.scan(world.instanceFor(CLEAN).instanceId);
        world.advance(5 * MINUTE);
        expect((await analyze(world, SWEEP)).runs[0]).to.deep.include({ status: "waiting", scanned: 1 });
        world.addFinding(world.instanceFor(VULN).instanceId, "HIGH");
        world.scan(world.instanceFor(VULN).instanceId);
        world.scan(world.instanceFor(MEDIUM).instanceId);
        world.advance(5 * MINUTE);
        expect((await analyze(world, SWEEP)).runs[0]).to.deep.include({ status: "reported", outcome: "COMPLETED" });
        const report = assertCycleInvariants(world, runId);
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "PASS" });
        // A sweep after the report finds no open run.
        expect((await analyze(world, SWEEP)).runs).to.deep.equal([]);
    });

    it("4. an instance never SSM-managed: at the deadline the sweep reports it NOT ASSESSED with the SSM reason", async () => {
        const world = newWorld();
        const { runId } = await start(world);
        const unmanaged = world.instanceFor(MEDIUM).instanceId;
        world.scan(unmanaged, { reason: "UNMANAGED_EC2_INSTANCE" });
        world.advance(10 * MINUTE);
        world.scan(world.instanceFor(CLEAN).instanceId);
        world.scan(world.instanceFor(VULN).instanceId);
        await analyze(world, scanEvent(world.instanceFor(CLEAN).instanceId));
        await analyze(world, scanEvent(world.instanceFor(VULN).instanceId));
        world.advance(30 * MINUTE);
        expect((await analyze(world, SWEEP)).runs[0].status).to.equal("waiting");
        expect(world.liveInstances()).to.have.length(3);
        world.advance(25 * MINUTE); // past startedAt + duration
        const visit = (await analyze(world, SWEEP)).runs[0];
        expect(visit).to.deep.include({ status: "reported", outcome: "DEADLINE_REACHED" });
        const report = assertCycleInvariants(world, runId);
        expect(report.outcome).to.equal("DEADLINE_REACHED");
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "PASS", [MEDIUM]: "NOT ASSESSED" });
        expect(ami(report, MEDIUM).notAssessed?.code).to.equal("NOT_SCANNED");
        expect(ami(report, MEDIUM).notAssessed?.detail).to.include("not managed by SSM").and.include("UNMANAGED_EC2_INSTANCE").and.include(unmanaged);
        expect(world.reportMessages()[0].subject).to.match(/^Golden AMI assessment run DEADLINE_REACHED/);
    });

    it("5. unsupported OS: reported NOT ASSESSED before the deadline", async () => {
        const world = newWorld();
        const { runId } = await start(world);
        world.advance(8 * MINUTE);
        world.scan(world.instanceFor(CLEAN).instanceId);
        world.scan(world.instanceFor(VULN).instanceId);
        world.scan(world.instanceFor(MEDIUM).instanceId, { reason: "UNSUPPORTED_OS" });
        const visit = (await analyze(world, scanEvent(world.instanceFor(CLEAN).instanceId))).runs[0];
        expect(visit).to.deep.include({ status: "reported", outcome: "COMPLETED" });
        const report = assertCycleInvariants(world, runId);
        expect(ami(report, MEDIUM).verdict).to.equal("NOT ASSESSED");
        expect(ami(report, MEDIUM).notAssessed?.detail).to.include("unsupported OS").and.include("UNSUPPORTED_OS");
        expect(new Date(report.generatedAt).getTime()).to.be.lessThan(START.getTime() + DURATION * 1000);
    });

    it("6. coverage SUCCESSFUL but scanned before the launch is no PASS", async () => {
        const world = newWorld();
        const { runId } = await start(world);
        world.advance(5 * MINUTE);
        world.scan(world.instanceFor(CLEAN).instanceId, { at: new Date(START.getTime() - 24 * 60 * MINUTE) });
        world.scan(world.instanceFor(VULN).instanceId);
        world.scan(world.instanceFor(MEDIUM).instanceId);
        expect((await analyze(world, scanEvent(world.instanceFor(CLEAN).instanceId))).runs[0].status).to.equal("waiting");
        world.advance(DURATION * 1000);
        await analyze(world, SWEEP);
        const report = assertCycleInvariants(world, runId);
        expect(ami(report, CLEAN).verdict).to.equal("NOT ASSESSED");
        expect(ami(report, CLEAN).notAssessed?.detail).to.include("predates the launch");
    });

    it("7. Inspector v2 not enabled: nothing launched, one report saying how to enable it", async () => {
        const world = newWorld();
        world.accountEc2Status = "DISABLED";
        const result = await start(world);
        expect(result.outcome).to.equal("REPORTED");
        expect(result.reportOutcome).to.equal("INSPECTOR_NOT_ENABLED");
        expect(world.callCount("RunInstances")).to.equal(0);
        expect(world.object(startLockKey(PREFIX))).to.equal(undefined);
        const report = assertCycleInvariants(world, result.runId);
        expect(report.outcome).to.equal("INSPECTOR_NOT_ENABLED");
        expect(report.amis.map((a) => a.verdict)).to.deep.equal(["NOT ASSESSED", "NOT ASSESSED", "NOT ASSESSED"]);
        for (const assessment of report.amis) expect(assessment.notAssessed?.detail).to.include("aws inspector2 enable --resource-types EC2 --region us-east-1");
    });

    it("8a. agentless mode: no launch; fresh AMI results give PASS/FAIL, a never-scanned AMI is NOT ASSESSED", async () => {
        const world = new FakeAws(START);
        const fresh = { FindingScanDate: new Date(START.getTime() - 2 * 24 * 60 * MINUTE).toISOString(), HighestFindingSeverityLabel: "high" } as any;
        world.addImage(CLEAN, { scanResults: { FindingScanDate: fresh.FindingScanDate } as any });
        world.addImage(VULN, { scanResults: fresh });
        world.addImage(MEDIUM);
        world.imageFindings[VULN] = [
            { Title: "CVE-2026-1111 - openssl", SeverityLabel: "high", Score: 7.5, FixAvailable: true },
            { Title: "CVE-2026-2222 - zlib", SeverityLabel: "low", Score: 3 },
            { Title: "CVE-2026-3333 - glibc", SeverityLabel: "critical", Score: 9.8 },
        ] as any;
        const result = await start(world, { scanMode: "agentless" });
        expect(result.outcome).to.equal("REPORTED");
        expect(world.callCount("RunInstances")).to.equal(0);
        const report = assertCycleInvariants(world, result.runId);
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "NOT ASSESSED" });
        expect(ami(report, VULN).cveIds).to.deep.equal(["CVE-2026-1111", "CVE-2026-2222", "CVE-2026-3333"]);
        expect(ami(report, MEDIUM).notAssessed?.detail).to.include("no scan results");
    });

    it("8b. auto mode: AMIs with fresh results are not launched, the rest are", async () => {
        const world = new FakeAws(START);
        world.addImage(CLEAN, { scanResults: { FindingScanDate: new Date(START.getTime() - 60 * MINUTE).toISOString() } as any });
        world.addImage(VULN, { scanResults: { FindingScanDate: new Date(START.getTime() - 30 * 24 * 60 * MINUTE).toISOString() } as any }); // stale
        world.addImage(MEDIUM);
        const result = await start(world, { scanMode: "auto" });
        expect(result.outcome).to.equal("RUN_STARTED");
        expect(world.instances.map((i) => i.imageId).sort()).to.deep.equal([VULN, MEDIUM].sort());
        for (const instance of world.instances) world.scan(instance.instanceId);
        world.addFinding(world.instanceFor(VULN).instanceId, "CRITICAL");
        await analyze(world, SWEEP);
        const report = assertCycleInvariants(world, result.runId);
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "PASS" });
        expect(ami(report, CLEAN).instanceIds).to.deep.equal([]);
    });

    it("9. throttling on ListCoverage, ListFindings and RunInstances: the cycle still completes correctly", async () => {
        const world = newWorld();
        const runThrottle = world.throttle("RunInstances", 2);
        const { runId, outcome, amis } = await start(world);
        expect(outcome).to.equal("RUN_STARTED");
        expect(runThrottle.fired).to.equal(2);
        expect(world.instances).to.have.length(3);
        expect(amis.every((a) => a.status === "ASSESSING")).to.equal(true);
        world.advance(10 * MINUTE);
        for (const instance of world.instances) world.scan(instance.instanceId);
        for (let i = 0; i < 7; i++) world.addFinding(world.instanceFor(VULN).instanceId, i === 0 ? "HIGH" : "LOW");
        const coverageThrottle = world.throttle("ListCoverage", 3);
        const findingsThrottle = world.throttle("ListFindings", 3);
        const visit = (await analyze(world, SWEEP)).runs[0];
        expect(visit).to.deep.include({ status: "reported" });
        expect([coverageThrottle.fired, findingsThrottle.fired]).to.deep.equal([3, 3]);
        const report = assertCycleInvariants(world, runId);
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "PASS" });
        expect(ami(report, VULN).findings).to.have.length(7);
    });

    it("9b. throttling that outlasts the retries: analyze throws, and the next sweep reports at once", async () => {
        const world = newWorld();
        const { runId } = await start(world);
        world.advance(10 * MINUTE);
        for (const instance of world.instances) world.scan(instance.instanceId);
        world.addFinding(world.instanceFor(VULN).instanceId, "HIGH");
        world.throttle("ListFindings", 20);
        let thrown: unknown;
        await analyze(world, SWEEP).catch((error) => (thrown = error));
        expect((thrown as Error)?.name).to.equal("ThrottlingException");
        expect(world.reportMessages()).to.have.length(0);
        expect(world.liveInstances()).to.have.length(3); // findings not read: not terminated either
        world.clearFaults();
        world.advance(MINUTE);
        // No wait for the claim to expire: the failed reporter gave it back.
        expect((await analyze(world, SWEEP)).runs[0].status).to.equal("reported");
        assertCycleInvariants(world, runId);
    });

    it("10. one AMI fails to launch: NOT ASSESSED with the launch error, the rest assessed", async () => {
        const world = newWorld();
        world.failNext("RunInstances", 2, () => Object.assign(new Error("Not authorized for images: [ami-0bbb0000000000002]"), { name: "AuthFailure" }), (input) => input.ImageId === VULN);
        const { runId, amis } = await start(world);
        expect(amis.find((a) => a.imageId === VULN)?.status).to.equal("LAUNCH_FAILED");
        expect(world.instances.map((i) => i.imageId).sort()).to.deep.equal([CLEAN, MEDIUM].sort());
        for (const instance of world.instances) world.scan(instance.instanceId);
        await analyze(world, SWEEP);
        const report = assertCycleInvariants(world, runId);
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "PASS", [VULN]: "NOT ASSESSED", [MEDIUM]: "PASS" });
        expect(ami(report, VULN).notAssessed).to.deep.include({ code: "LAUNCH_FAILED" });
        expect(ami(report, VULN).notAssessed?.detail).to.include("AuthFailure").and.include("Not authorized");
    });

    describe("11. a crash at each step of finalize", () => {
        async function readyRun(world: FakeAws): Promise<string> {
            const { runId } = await start(world);
            world.advance(10 * MINUTE);
            for (const instance of world.instances) world.scan(instance.instanceId);
            world.addFinding(world.instanceFor(VULN).instanceId, "HIGH", "CVE-2026-0001");
            world.addFinding(world.instanceFor(VULN).instanceId, "LOW", "CVE-2026-0002");
            world.addFinding(world.instanceFor(MEDIUM).instanceId, "MEDIUM", "CVE-2026-0003");
            return runId;
        }

        /** The dead invocation never returns; the next ones run after the claim has expired. */
        async function crashThenRecover(world: FakeAws, runId: string): Promise<void> {
            void analyze(world, SWEEP);
            // Let the dead invocation get as far as it can.
            for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
            world.clearFaults();
            world.advance(MINUTE);
            // While the dead reporter's claim stands, nobody else reports.
            const during = (await analyze(world, SWEEP)).runs;
            if (during.length > 0) expect(during[0].status).to.be.oneOf(["reporting-elsewhere", "already-reported"]);
            world.advanceSeconds(REPORT_CLAIM_SECONDS + 60);
            const after = await analyze(world, SWEEP);
            if (after.runs.length > 0) expect(after.runs[0].status).to.be.oneOf(["reported", "already-reported"]);
            expect(world.keys(`${PREFIX}open/`)).to.deep.equal([]);
            void runId;
        }

        const expected = { [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "PASS" };

        it("after the findings are read (before terminate): one report, nothing lost", async () => {
            const world = newWorld();
            const runId = await readyRun(world);
            let listed = false;
            world.hangAt("DescribeInstances", () => {
                listed = world.callCount("ListFindings") > 0;
                return listed;
            });
            await crashThenRecover(world, runId);
            expect(listed).to.equal(true);
            const report = assertCycleInvariants(world, runId);
            expect(verdicts(report)).to.deep.equal(expected);
            expect(world.object(startLockKey(PREFIX))).to.equal(undefined);
        });

        it("after terminate (before publish): one report, the findings of the terminated instances not lost", async () => {
            const world = newWorld();
            const runId = await readyRun(world);
            world.hangAt("PutObject", (input) => input.Key === v2RunKeys(PREFIX, runId).reportJson);
            await crashThenRecover(world, runId);
            expect(world.findings.every((f) => f.status === "CLOSED")).to.equal(true);
            const report = assertCycleInvariants(world, runId);
            expect(verdicts(report)).to.deep.equal(expected);
            expect(ami(report, VULN).findings.map((f) => f.cveId)).to.deep.equal(["CVE-2026-0001", "CVE-2026-0002"]);
            expect(world.object(startLockKey(PREFIX))).to.equal(undefined);
        });

        it("after publish, before the delivered marker: at-least-once, at most 2 reports with identical verdicts", async () => {
            // Documented behaviour: the summary went out but the dead reporter never recorded it. Once
            // its claim expires the next reporter cannot know, and publishes again: at-least-once
            // delivery, never zero. The second report is built from the same evidence (the findings
            // snapshot taken before terminate), so its verdicts and findings are identical.
            const world = newWorld();
            const runId = await readyRun(world);
            world.hangAt("PutObject", (input) => input.Key === v2RunKeys(PREFIX, runId).deliveredMarker);
            void analyze(world, SWEEP);
            for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
            expect(reportMessagesOf(world, runId)).to.have.length(1);
            const firstReport = reportOf(world, runId);
            world.clearFaults();
            world.advanceSeconds(REPORT_CLAIM_SECONDS + 60);
            await analyze(world, SWEEP);
            const messages = reportMessagesOf(world, runId);
            // At most two, and here exactly two: the dead reporter's and its successor's.
            expect(messages.length).to.be.at.most(2);
            expect(messages).to.have.length(2);
            expect(messages[1].subject).to.equal(messages[0].subject);
            const report = assertCycleInvariants(world, runId, { reports: messages.length });
            expect(verdicts(report)).to.deep.equal(verdicts(firstReport));
            expect(verdicts(report)).to.deep.equal(expected);
            expect(report.amis.map((a) => a.findings.map((f) => f.arn))).to.deep.equal(firstReport.amis.map((a) => a.findings.map((f) => f.arn)));
            expect(world.object(startLockKey(PREFIX))).to.equal(undefined);
        });

        it("after the delivered marker, before the open marker is removed: no second report, housekeeping completes", async () => {
            const world = newWorld();
            const runId = await readyRun(world);
            world.hangAt("CreateTags");
            await crashThenRecover(world, runId);
            assertCycleInvariants(world, runId);
            expect(world.imageTags(VULN)[VERDICT_TAG]).to.match(/^FAIL \d{4}-\d{2}-\d{2}T/);
            // The start lock does not outlive a delivered run.
            expect(world.object(startLockKey(PREFIX))).to.equal(undefined);
            expect((await start(world)).outcome).to.equal("RUN_STARTED");
        });

        it("an error (not a death) before publish gives the claim back: the next invocation reports without waiting", async () => {
            const world = newWorld();
            const runId = await readyRun(world);
            world.failNext("PutObject", 1, () => crashError("report.json"), (input) => input.Key === v2RunKeys(PREFIX, runId).reportJson);
            let thrown: unknown;
            await analyze(world, SWEEP).catch((error) => (thrown = error));
            expect((thrown as Error)?.name).to.equal("InjectedCrash");
            expect((await analyze(world, SWEEP)).runs[0].status).to.equal("reported");
            const report = assertCycleInvariants(world, runId);
            expect(verdicts(report)).to.deep.equal(expected);
        });
    });

    it("12. start crashes after launching, before the manifest: throws, terminates what it launched, frees the lock", async () => {
        const world = newWorld();
        world.failNext("PutObject", 100, () => s3Error("InternalError", 500, "We encountered an internal error."), (input) => String(input.Key).endsWith("/manifest.json"));
        let thrown: unknown;
        await start(world).catch((error) => (thrown = error));
        expect((thrown as Error)?.name).to.equal("InternalError");
        expect(world.instances).to.have.length(3);
        expect(world.liveInstances()).to.deep.equal([]);
        expect(world.object(startLockKey(PREFIX))).to.equal(undefined);
        expect(world.keys(`${PREFIX}open/`)).to.deep.equal([]);
        expect(world.reportMessages()).to.have.length(0);
        world.clearFaults();
        expect((await start(world)).outcome).to.equal("RUN_STARTED");
    });

    it("13. duplicate completion after delivery: already-reported, no second SNS message", async () => {
        const world = newWorld();
        const { runId } = await start(world);
        for (const instance of world.instances) world.scan(instance.instanceId);
        await analyze(world, SWEEP);
        assertCycleInvariants(world, runId);
        const published = world.published.length;
        // A late duplicate event finds no open run.
        const late = await analyze(world, scanEvent(world.instanceFor(CLEAN).instanceId));
        expect(late.runs).to.deep.equal([]);
        // A visit that raced the report (it listed the run while it was still open) is already-reported.
        expect(await visitRun(analyzeDeps(world), runId, world.instanceFor(CLEAN).instanceId)).to.deep.equal({ runId, status: "already-reported" });
        world.advanceSeconds(REPORT_CLAIM_SECONDS * 3);
        expect(await visitRun(analyzeDeps(world), runId)).to.deep.equal({ runId, status: "already-reported" });
        expect(world.published.length).to.equal(published);
        assertCycleInvariants(world, runId);
    });

    it("instances reaped before the findings were read: no PASS from findings Inspector has closed", async () => {
        const world = newWorld();
        const { runId } = await start(world);
        world.advance(10 * MINUTE);
        world.scan(world.instanceFor(CLEAN).instanceId);
        world.scan(world.instanceFor(VULN).instanceId);
        world.scan(world.instanceFor(MEDIUM).instanceId, { reason: "UNMANAGED_EC2_INSTANCE" });
        world.addFinding(world.instanceFor(VULN).instanceId, "CRITICAL");
        expect((await analyze(world, SWEEP)).runs[0]).to.deep.include({ status: "waiting", scanned: 2 });
        // analyze is broken for hours (say, throttled on every call); the reaper meanwhile terminates the fleet.
        world.advanceSeconds(DURATION + 600 + 1800 + 60);
        const reaped = await reapStaleInstances(world.ec2, world.sns, { ...SETTINGS, agentWaitSeconds: 600, reapGraceSeconds: 1800 }, world.now());
        expect(reaped.stale).to.have.length(3);
        expect(world.findings.every((f) => f.status === "CLOSED")).to.equal(true);
        await analyze(world, SWEEP);
        const report = reportOf(world, runId);
        expect(reportMessagesOf(world, runId)).to.have.length(1);
        expect(verdicts(report)).to.deep.equal({ [CLEAN]: "NOT ASSESSED", [VULN]: "NOT ASSESSED", [MEDIUM]: "NOT ASSESSED" });
        expect(ami(report, VULN).notAssessed?.detail).to.include("terminated before its findings were read");
        expect(world.liveInstances()).to.deep.equal([]);
    });

    it("the reaper terminates what a dead run left behind", async () => {
        const world = newWorld();
        // A start that dies (hangs) after the manifest leaves its instances running ...
        world.hangAt("PutObject", (input) => String(input.Key).startsWith(`${PREFIX}open/`));
        void start(world);
        for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
        expect(world.liveInstances()).to.have.length(3);
        // ... until the next start, past duration + agent wait + grace, reaps them.
        world.clearFaults();
        world.advanceSeconds(DURATION + 600 + 1800 + 60);
        const next = await start(world);
        expect(next.outcome).to.equal("RUN_STARTED");
        expect(next.reaped && "stale" in next.reaped ? next.reaped.stale.length : -1).to.equal(3);
        expect(world.liveInstances()).to.have.length(3);
        expect(world.liveInstances().every((i) => i.launchTime.getTime() > START.getTime())).to.equal(true);
    });
});

/** The top-level keys of a Classic report, as buildReport produces them (JSON, as written to S3). */
function classicReportKeys(): string[] {
    const consolidation = consolidate({ findings: [], amiByInstance: {}, manifest: { amis: [] }, severityThreshold: "High", unreadFindings: 0 });
    const report = buildReport({
        engine: "classic",
        pipelineName: "golden",
        region: FAKE_REGION,
        runArn: "arn:aws:inspector:us-east-1:111122223333:target/0-a/template/0-b/run/0-c",
        runArnId: "0-c",
        templateArn: "arn:aws:inspector:us-east-1:111122223333:target/0-a/template/0-b",
        outcome: "COMPLETED",
        completedAt: START.toISOString(),
        generatedAt: START,
        severityThreshold: "High",
        manifest: { runId: "r", startedAt: START.toISOString(), amis: [] },
        findingsCount: {},
        listed: 0,
        read: 0,
        unread: [],
        consolidation,
        terminated: [],
        terminationFailed: [],
        problems: [],
        location: { bucket: BUCKET, jsonKey: "k.json", markdownKey: "k.md" },
    });
    return Object.keys(JSON.parse(JSON.stringify(report))).sort();
}
