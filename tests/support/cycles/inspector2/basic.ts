// Inspector v2 cycles without injected faults, or with faults Inspector or EC2 produce themselves:
// the happy path, the schedule delivered twice, lost, early and duplicated scan events, instances
// never scanned, a failed launch, Inspector off, agentless and auto modes, and a destroy during a run.
import { expect } from "chai";
import { visitRun } from "../../../../engines/inspector2/analyze";
import { REPORT_CLAIM_SECONDS } from "../../../../engines/inspector2/finalize";
import { AssessmentReport } from "../../../../pipeline/report/report";
import { COUNTS_TAG, LAST_ASSESSED_TAG, VERDICT_TAG } from "../../../../pipeline/run/tags";
import { CycleScenario } from "../outcome";
import { reportMessagesOf, v2Outcome } from "./measure";
import {
    CLEAN, DURATION, EXPECTED, MEDIUM, MINUTE, NONE_ASSESSED, PREFIX, REAP_AFTER_SECONDS, START, SETTINGS, UNTAGGED, VULN,
    V2World, analyze, drain, keysOf, newV2World, reap, reportOf, scanAll, scanEvent, start, startLockKey, sweepUntilReported, v2Deps, verdicts,
} from "./world";
import { FINDINGS_SETTLE_SECONDS } from "../../../../engines/inspector2/settle";

/** Starts a run and expects it started; its id. */
export async function started(w: V2World): Promise<string> {
    const result = await start(w);
    expect(result.outcome, JSON.stringify(result)).to.equal("RUN_STARTED");
    return result.runId;
}

/** The run's report with these verdicts, written once, delivered, and the run no longer open. */
export function expectReported(w: V2World, runId: string, expected: Record<string, string> = EXPECTED): AssessmentReport {
    const report = reportOf(w, runId);
    expect(report, `report.json of ${runId}`).to.not.equal(undefined);
    expect(verdicts(report)).to.deep.equal(expected);
    expect(report!.engine).to.equal("inspector2");
    expect(w.aws.object(keysOf(runId).deliveredMarker), "delivered marker").to.not.equal(undefined);
    expect(w.aws.object(keysOf(runId).openMarker), "open marker").to.equal(undefined);
    return report!;
}

export function amiOf(report: AssessmentReport, imageId: string) {
    const found = report.amis.find((a) => a.imageId === imageId);
    expect(found, `${imageId} in the report`).to.not.equal(undefined);
    return found!;
}

const happyPath: CycleScenario = {
    name: "happy path: scan events early, duplicated and concurrent; the untagged AMI never launched; tags; lock released",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        const { aws } = w;
        expect(aws.instances.map((i) => i.imageId).sort()).to.deep.equal([CLEAN, VULN, MEDIUM].sort());
        for (const instance of aws.instances) {
            expect(instance.input.IamInstanceProfile).to.deep.equal({ Arn: SETTINGS.instanceProfileArn });
            expect(instance.input.MetadataOptions?.HttpTokens).to.equal("required");
        }
        expect(aws.json(startLockKey(PREFIX))?.holder).to.equal(runId);
        const [clean, vuln, medium] = [CLEAN, VULN, MEDIUM].map((imageId) => aws.instanceFor(imageId).instanceId);
        aws.advance(10 * MINUTE);
        aws.addFinding(vuln, "HIGH", "CVE-2026-0001");
        aws.addFinding(vuln, "CRITICAL", "CVE-2026-0002");
        for (let i = 0; i < 4; i++) aws.addFinding(vuln, "LOW");
        aws.addFinding(medium, "MEDIUM", "CVE-2026-0100");
        aws.addFinding(medium, "LOW", "CVE-2026-0101");
        // An account suppression rule: still read, counted and shown as suppressed (findings.ts).
        aws.suppressFinding(aws.addFinding(medium, "LOW", "CVE-2026-0999"));
        // An event before coverage says so: not recorded, still waiting; its counts are kept.
        expect((await analyze(w, aws.scanEvent(medium))).runs[0]).to.deep.include({ status: "waiting", scanned: 0, total: 3 });
        const vulnEvent = aws.scan(vuln);
        aws.scan(medium);
        // Coverage confirms both, but ListFindings lags: fewer findings than the events counted, not settled.
        expect((await analyze(w, vulnEvent)).runs[0]).to.deep.include({ status: "waiting", scanned: 0, total: 3 });
        expect(aws.json(keysOf(runId).scanned(vuln))?.eventCounts).to.deep.include({ TOTAL: 6 });
        expect(aws.json(keysOf(runId).scanned(medium))?.eventCounts, "the early event's counts").to.deep.include({ TOTAL: 3 });
        aws.advance(3 * MINUTE);
        // vuln settles on its count; medium's count (3) is reached only with its SUPPRESSED finding: two identical reads decide.
        expect((await analyze(w, vulnEvent)).runs[0], "duplicate event, findings now all listed").to.deep.include({ status: "waiting", scanned: 1, total: 3 });
        aws.advance(10 * MINUTE);
        const cleanEvent = aws.scan(clean);
        // The last one confirmed by two concurrent invocations: exactly one reports.
        const results = await Promise.all([analyze(w, cleanEvent), analyze(w, scanEvent(medium))]);
        expect(results.map((r) => r.runs[0].status).filter((s) => s === "reported")).to.have.length(1);
        const report = expectReported(w, runId);
        expect(report.outcome).to.equal("COMPLETED");
        expect(amiOf(report, VULN).counts).to.deep.include({ Critical: 1, High: 1, Low: 4, Medium: 0 });
        expect(amiOf(report, MEDIUM).cveIds).to.deep.equal(["CVE-2026-0100", "CVE-2026-0101", "CVE-2026-0999"]);
        expect(amiOf(report, MEDIUM).findings.find((f) => f.cveId === "CVE-2026-0999")).to.deep.include({ severity: "Low", suppressed: true });
        expect(aws.object(keysOf(runId).reportMarkdown)!.body).to.include("(suppressed by an Inspector rule)");
        expect(report.findings.listed).to.equal(9);
        expect(report.amis.some((a) => a.imageId === UNTAGGED)).to.equal(false);
        expect(aws.imageTags(VULN)[VERDICT_TAG]).to.match(/^FAIL \d{4}-\d{2}-\d{2}T/);
        expect(aws.imageTags(VULN)[COUNTS_TAG]).to.equal("C1 H1 M0 L4 I0");
        expect(aws.imageTags(CLEAN)[VERDICT_TAG]).to.match(/^PASS \d{4}-\d{2}-\d{2}T/);
        expect(aws.imageTags(CLEAN)[LAST_ASSESSED_TAG]).to.be.a("string");
        expect(aws.imageTags(UNTAGGED)[VERDICT_TAG]).to.equal(undefined);
        expect(aws.object(startLockKey(PREFIX))).to.equal(undefined);
        // The next schedule launches again, and its run is reported on its own.
        aws.advance(MINUTE);
        const next = await started(w);
        aws.advance(10 * MINUTE);
        for (const event of scanAll(w, {})) await analyze(w, event);
        expectReported(w, next, { [CLEAN]: "PASS", [VULN]: "PASS", [MEDIUM]: "PASS" });
        return v2Outcome(w);
    },
};

const scheduleTwice: CycleScenario = {
    name: "the schedule delivered twice, concurrently and then again: one fleet, the others RUN_IN_PROGRESS",
    async run() {
        const w = newV2World();
        const [a, b] = await Promise.all([start(w), start(w)]);
        expect([a.outcome, b.outcome].sort()).to.deep.equal(["RUN_IN_PROGRESS", "RUN_STARTED"]);
        w.aws.advance(MINUTE);
        expect((await start(w)).outcome).to.equal("RUN_IN_PROGRESS");
        expect(w.aws.callCount("RunInstances")).to.equal(3);
        const runId = (a.outcome === "RUN_STARTED" ? a : b).runId;
        expect(w.aws.keys(`${PREFIX}open/`)).to.deep.equal([`${PREFIX}open/${runId}`]);
        scanAll(w);
        await sweepUntilReported(w, runId);
        expectReported(w, runId);
        return v2Outcome(w);
    },
};

const eventsLost: CycleScenario = {
    name: "every scan event lost, findings lagging behind coverage: the sweeps confirm through coverage, wait for two identical reads, and report the FAIL",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        w.aws.advance(5 * MINUTE);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "waiting", scanned: 0 });
        w.aws.scan(w.aws.instanceFor(CLEAN).instanceId);
        w.aws.addFinding(w.aws.instanceFor(VULN).instanceId, "HIGH");
        w.aws.scan(w.aws.instanceFor(VULN).instanceId);
        w.aws.scan(w.aws.instanceFor(MEDIUM).instanceId);
        // Coverage says SUCCESSFUL for all three; the HIGH finding is not listed yet. Reading it now would PASS VULN.
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "waiting", scanned: 0 });
        w.aws.advance(5 * MINUTE);
        expect((await analyze(w)).runs[0], "the finding shows: VULN's read changed").to.deep.include({ status: "waiting", scanned: 0 });
        w.aws.advanceSeconds(FINDINGS_SETTLE_SECONDS - 5 * 60);
        expect((await analyze(w)).runs[0], "CLEAN and MEDIUM read the same twice, FINDINGS_SETTLE_SECONDS apart").to.deep.include({ status: "waiting", scanned: 2 });
        w.aws.advance(5 * MINUTE);
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "reported", outcome: "COMPLETED" });
        expectReported(w, runId);
        expect((await analyze(w)).runs, "a sweep after the report finds no open run").to.deep.equal([]);
        return v2Outcome(w);
    },
};

const duplicateAfterDelivery: CycleScenario = {
    name: "a scan event duplicated after delivery, and a visit that raced the report: already-reported, no second summary",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        scanAll(w);
        await sweepUntilReported(w, runId);
        const published = w.aws.published.length;
        expect((await analyze(w, scanEvent(w.aws.instanceFor(CLEAN).instanceId))).runs).to.deep.equal([]);
        expect(await visitRun(v2Deps(w), runId, { instanceId: w.aws.instanceFor(CLEAN).instanceId })).to.deep.equal({ runId, status: "already-reported" });
        w.aws.advanceSeconds(REPORT_CLAIM_SECONDS * 3);
        expect(await visitRun(v2Deps(w), runId)).to.deep.equal({ runId, status: "already-reported" });
        expect(w.aws.published.length).to.equal(published);
        expectReported(w, runId);
        return v2Outcome(w);
    },
};

const neverManaged: CycleScenario = {
    name: "an instance never SSM-managed: at the deadline the sweep reports it NOT ASSESSED with the SSM reason",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        const unmanaged = w.aws.instanceFor(MEDIUM).instanceId;
        w.aws.scan(unmanaged, { reason: "UNMANAGED_EC2_INSTANCE" });
        w.aws.advance(10 * MINUTE);
        for (const imageId of [CLEAN, VULN]) {
            w.aws.scan(w.aws.instanceFor(imageId).instanceId);
            await analyze(w, scanEvent(w.aws.instanceFor(imageId).instanceId));
        }
        w.aws.advance(30 * MINUTE);
        expect((await analyze(w)).runs[0].status).to.equal("waiting");
        expect(w.aws.liveInstances()).to.have.length(3);
        w.aws.advance(25 * MINUTE); // past startedAt + duration
        expect((await analyze(w)).runs[0]).to.deep.include({ status: "reported", outcome: "DEADLINE_REACHED" });
        const report = expectReported(w, runId, { [CLEAN]: "PASS", [VULN]: "PASS", [MEDIUM]: "NOT ASSESSED" });
        expect(amiOf(report, MEDIUM).notAssessed?.code).to.equal("NOT_SCANNED");
        expect(amiOf(report, MEDIUM).notAssessed?.detail).to.include("not managed by SSM").and.include("UNMANAGED_EC2_INSTANCE").and.include(unmanaged);
        return v2Outcome(w);
    },
};

const neverSettled: CycleScenario = {
    name: "findings that never settle: the deadline waits FINDINGS_SETTLE_SECONDS more, then NOT ASSESSED saying so; a FAIL found so far stands",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        const [clean, vuln, medium] = [CLEAN, VULN, MEDIUM].map((imageId) => w.aws.instanceFor(imageId).instanceId);
        w.aws.advance(10 * MINUTE);
        w.aws.addFinding(medium, "MEDIUM");
        w.aws.scan(medium);
        w.aws.scan(clean);
        // Every scan event is lost. CLEAN gains a LOW finding before every sweep: no two reads match.
        // VULN is scanned late and its list still changes at the end.
        let minutes = 10;
        for (; !reportOf(w, runId); minutes += 5, w.aws.advance(5 * MINUTE)) {
            expect(minutes, "reported by deadline + settle time").to.be.at.most(DURATION / 60 + FINDINGS_SETTLE_SECONDS / 60);
            w.aws.addFinding(clean, "LOW");
            if (minutes === 55) w.aws.addFinding(vuln, "HIGH"), w.aws.scan(vuln);
            if (minutes === 65) w.aws.addFinding(vuln, "LOW");
            await analyze(w);
        }
        const report = expectReported(w, runId, { [CLEAN]: "NOT ASSESSED", [VULN]: "FAIL", [MEDIUM]: "PASS" });
        expect(new Date(report.generatedAt).getTime(), "the deadline, plus the settle time for scans confirmed in time").to.equal(START.getTime() + (DURATION + FINDINGS_SETTLE_SECONDS) * 1000);
        expect(report.outcome).to.equal("DEADLINE_REACHED");
        expect(amiOf(report, CLEAN).notAssessed?.detail).to.include("findings had not settled by the deadline");
        expect(amiOf(report, VULN).counts).to.deep.include({ High: 1, Low: 1 });
        return v2Outcome(w);
    },
};

const unsupportedOs: CycleScenario = {
    name: "unsupported OS: NOT ASSESSED with the reason, reported before the deadline",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        w.aws.advance(8 * MINUTE);
        const events = [CLEAN, VULN].map((imageId) => w.aws.scan(w.aws.instanceFor(imageId).instanceId)!);
        w.aws.scan(w.aws.instanceFor(MEDIUM).instanceId, { reason: "UNSUPPORTED_OS" });
        expect((await analyze(w, events[0])).runs[0]).to.deep.include({ status: "waiting", scanned: 1 });
        // The events' counts (zero findings) settle both at once.
        expect((await analyze(w, events[1])).runs[0]).to.deep.include({ status: "reported", outcome: "COMPLETED" });
        const report = expectReported(w, runId, { [CLEAN]: "PASS", [VULN]: "PASS", [MEDIUM]: "NOT ASSESSED" });
        expect(amiOf(report, MEDIUM).notAssessed?.detail).to.include("unsupported OS").and.include("UNSUPPORTED_OS");
        expect(new Date(report.generatedAt).getTime()).to.be.lessThan(START.getTime() + DURATION * 1000);
        return v2Outcome(w);
    },
};

const scannedBeforeLaunch: CycleScenario = {
    name: "coverage SUCCESSFUL but scanned before the launch: no PASS",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        w.aws.advance(5 * MINUTE);
        w.aws.scan(w.aws.instanceFor(CLEAN).instanceId, { at: new Date(START.getTime() - 24 * 60 * MINUTE) });
        w.aws.scan(w.aws.instanceFor(VULN).instanceId);
        w.aws.scan(w.aws.instanceFor(MEDIUM).instanceId);
        expect((await analyze(w, scanEvent(w.aws.instanceFor(CLEAN).instanceId))).runs[0].status).to.equal("waiting");
        w.aws.advance(DURATION * 1000);
        await analyze(w);
        const report = expectReported(w, runId, { [CLEAN]: "NOT ASSESSED", [VULN]: "PASS", [MEDIUM]: "PASS" });
        expect(amiOf(report, CLEAN).notAssessed?.detail).to.include("predates the launch");
        return v2Outcome(w);
    },
};

const inspectorOff: CycleScenario = {
    name: "Inspector v2 not enabled: nothing launched, one report saying how to enable it",
    async run() {
        const w = newV2World();
        w.aws.accountEc2Status = "DISABLED";
        const result = await start(w);
        expect(result).to.deep.include({ outcome: "REPORTED", reportOutcome: "INSPECTOR_NOT_ENABLED" });
        expect(w.aws.callCount("RunInstances")).to.equal(0);
        expect(w.aws.object(startLockKey(PREFIX))).to.equal(undefined);
        const report = expectReported(w, result.runId, NONE_ASSESSED);
        for (const ami of report.amis) expect(ami.notAssessed?.detail).to.include("aws inspector2 enable --resource-types EC2 --region us-east-1");
        return v2Outcome(w);
    },
};

const launchFails: CycleScenario = {
    name: "one AMI fails to launch: NOT ASSESSED with the launch error, the rest assessed",
    async run() {
        const w = newV2World();
        const denied = () => Object.assign(new Error(`Not authorized for images: [${VULN}]`), { name: "AuthFailure" });
        w.aws.failNext("RunInstances", 2, denied, (input) => input.ImageId === VULN);
        const result = await start(w);
        expect(result.amis.find((a) => a.imageId === VULN)?.status).to.equal("LAUNCH_FAILED");
        expect(w.aws.instances.map((i) => i.imageId).sort()).to.deep.equal([CLEAN, MEDIUM].sort());
        scanAll(w);
        await sweepUntilReported(w, result.runId);
        const report = expectReported(w, result.runId, { [CLEAN]: "PASS", [VULN]: "NOT ASSESSED", [MEDIUM]: "PASS" });
        expect(amiOf(report, VULN).notAssessed).to.deep.include({ code: "LAUNCH_FAILED" });
        expect(amiOf(report, VULN).notAssessed?.detail).to.include("AuthFailure").and.include("Not authorized");
        return v2Outcome(w);
    },
};

const agentless: CycleScenario = {
    name: "agentless mode: no launch; fresh AMI results give PASS or FAIL with their findings, a never-scanned AMI NOT ASSESSED",
    async run() {
        const w = newV2World({ scanMode: "agentless" }, false);
        const fresh = new Date(START.getTime() - 2 * 24 * 60 * MINUTE).toISOString();
        w.aws.addImage(CLEAN, { scanResults: { FindingScanDate: fresh } as any });
        w.aws.addImage(VULN, { scanResults: { FindingScanDate: fresh, HighestFindingSeverityLabel: "high" } as any });
        w.aws.addImage(MEDIUM);
        w.aws.imageFindings[VULN] = [
            { Title: "CVE-2026-1111 - openssl", SeverityLabel: "high", Score: 7.5, FixAvailable: true },
            { Title: "CVE-2026-2222 - zlib", SeverityLabel: "low", Score: 3 },
            { Title: "CVE-2026-3333 - glibc", SeverityLabel: "critical", Score: 9.8 },
        ] as any;
        const result = await start(w);
        expect(result.outcome).to.equal("REPORTED");
        expect(w.aws.callCount("RunInstances")).to.equal(0);
        const report = expectReported(w, result.runId, { [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "NOT ASSESSED" });
        expect(amiOf(report, VULN).cveIds, "no AMI finding lost").to.deep.equal(["CVE-2026-1111", "CVE-2026-2222", "CVE-2026-3333"]);
        expect(amiOf(report, MEDIUM).notAssessed?.detail).to.include("no scan results");
        return v2Outcome(w);
    },
};

const autoMode: CycleScenario = {
    name: "auto mode: AMIs with fresh results are not launched, the rest are",
    async run() {
        const w = newV2World({ scanMode: "auto" }, false);
        w.aws.addImage(CLEAN, { scanResults: { FindingScanDate: new Date(START.getTime() - 60 * MINUTE).toISOString() } as any });
        w.aws.addImage(VULN, { scanResults: { FindingScanDate: new Date(START.getTime() - 30 * 24 * 60 * MINUTE).toISOString() } as any });
        w.aws.addImage(MEDIUM);
        const runId = await started(w);
        expect(w.aws.instances.map((i) => i.imageId).sort()).to.deep.equal([VULN, MEDIUM].sort());
        scanAll(w, { [VULN]: ["CRITICAL"] });
        await sweepUntilReported(w, runId);
        const report = expectReported(w, runId, EXPECTED);
        expect(amiOf(report, CLEAN).instanceIds).to.deep.equal([]);
        return v2Outcome(w);
    },
};

const reapedBeforeRead: CycleScenario = {
    name: "instances reaped before the findings were read: no PASS from findings Inspector has closed",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        w.aws.advance(10 * MINUTE);
        w.aws.scan(w.aws.instanceFor(CLEAN).instanceId);
        w.aws.scan(w.aws.instanceFor(VULN).instanceId);
        w.aws.scan(w.aws.instanceFor(MEDIUM).instanceId, { reason: "UNMANAGED_EC2_INSTANCE" });
        w.aws.addFinding(w.aws.instanceFor(VULN).instanceId, "CRITICAL");
        expect((await analyze(w)).runs[0], "confirmed, findings not settled yet").to.deep.include({ status: "waiting", scanned: 0 });
        // analyze is broken for hours; the reaper meanwhile terminates the fleet.
        w.aws.advanceSeconds(REAP_AFTER_SECONDS + 60);
        expect(await reap(w)).to.have.nested.property("stale.length", 3);
        await analyze(w);
        const report = expectReported(w, runId, NONE_ASSESSED);
        expect(amiOf(report, VULN).notAssessed?.detail).to.include("terminated before its findings were read");
        return v2Outcome(w);
    },
};

const destroyDuringRun: CycleScenario = {
    name: "destroy during a run: the drain terminates everything; the sweep reports the run without a PASS",
    async run() {
        const w = newV2World();
        const runId = await started(w);
        w.aws.advance(10 * MINUTE);
        expect(await drain(w)).to.deep.include({ lifecycle: "delete", stillLive: [] });
        expect(w.aws.liveInstances()).to.deep.equal([]);
        // Until Pulumi deletes it, the sweep still runs: the run is reported, nothing proven.
        w.aws.advanceSeconds(DURATION);
        await analyze(w);
        expectReported(w, runId, NONE_ASSESSED);
        expect(reportMessagesOf(w, runId)).to.have.length(1);
        return v2Outcome(w);
    },
};

export const basicScenarios: CycleScenario[] = [
    happyPath,
    scheduleTwice,
    eventsLost,
    duplicateAfterDelivery,
    neverManaged,
    neverSettled,
    unsupportedOs,
    scannedBeforeLaunch,
    inspectorOff,
    launchFails,
    agentless,
    autoMode,
    reapedBeforeRead,
    destroyDuringRun,
];
