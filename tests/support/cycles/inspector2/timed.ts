// Inspector v2 cycles under the modelled timings (fakeInspector2Timeline.ts): nothing is scanned
// by hand; the clock moves a minute at a time, Inspector scans when its model says so, its events
// arrive (or are lost) at their time, and the sweep runs every five minutes. Each scenario fails
// without the fix it names; each also measures its timings for `npm run bench`.
import { expect } from "chai";
import { median } from "../../../../bench/common";
import { v2RunKeys } from "../../../../engines/inspector2/run";
import { INSPECTOR2_TIMINGS, Inspector2Timeline, Inspector2Timings, ModelFinding } from "../../fakeInspector2Timeline";
import { EXCLUSION_TAG, FakeInstance } from "../../fakeAws";
import { CycleScenario, RunTimings } from "../outcome";
import { amiOf, expectReported, started } from "./basic";
import { v2Outcome } from "./measure";
import { CLEAN, EXPECTED, MEDIUM, MINUTE, PREFIX, START, VULN, V2World, analyze, newV2World, reportOf } from "./world";

interface TimedWorld extends V2World {
    timeline: Inspector2Timeline;
}

const DEFAULT_FINDINGS: Record<string, ModelFinding[]> = { [VULN]: [{ severity: "HIGH" }, { severity: "LOW" }], [MEDIUM]: [{ severity: "MEDIUM" }] };

function timedWorld(options: { timings?: Partial<Inspector2Timings>; findings?: Record<string, ModelFinding[]>; deepInspection?: "ACTIVATED" | "DEACTIVATED"; unmanaged?: (i: FakeInstance) => boolean; images?: boolean } = {}): TimedWorld {
    const w = newV2World({}, options.images ?? true);
    w.aws.deepInspectionStatus = options.deepInspection ?? "DEACTIVATED";
    const timeline = new Inspector2Timeline(w.aws, { ...INSPECTOR2_TIMINGS, ...options.timings }, options.findings ?? DEFAULT_FINDINGS, options.unmanaged);
    return { ...w, timeline };
}

/**
 * Minute by minute until the run is reported and closed: Inspector's events delivered at their
 * time unless `deliver` drops them, the sweep every five minutes. The minutes it took.
 */
async function runUntilReported(w: TimedWorld, runId: string, deliver: (index: number) => boolean = () => true, maxMinutes = 240): Promise<number> {
    let sent = 0;
    for (let minute = 1; minute <= maxMinutes; minute++) {
        w.aws.advance(MINUTE);
        w.timeline.tick();
        for (const { event } of w.timeline.takeEvents()) if (deliver(sent++)) await analyze(w, event);
        if (minute % 5 === 0) await analyze(w);
        if (reportOf(w, runId) && !w.aws.object(v2RunKeys(PREFIX, runId).openMarker)) return minute;
    }
    throw new Error(`run ${runId} not reported after ${maxMinutes} minutes`);
}

const minutesFromStart = (ms: number) => (ms - START.getTime()) / MINUTE;

/** The run's timings from the world's ground truth (launches, scans, settled markers, report, terminations). */
function measureRun(w: TimedWorld, runId: string): RunTimings {
    const instances = w.aws.instances.filter((i) => i.tags.some((t) => t.Value === runId));
    const scans = instances.map((i) => w.timeline.firstScans.get(i.instanceId)).filter((at): at is number => at !== undefined);
    const settledPrefix = v2RunKeys(PREFIX, runId).settledPrefix;
    const settled = w.aws.keys(settledPrefix).map((key) => Date.parse(w.aws.json<{ settledAt: string }>(key)!.settledAt));
    const hours = instances.reduce((sum, i) => sum + ((i.terminatedAt ?? w.aws.now()).getTime() - i.launchTime.getTime()) / (60 * MINUTE), 0);
    return {
        ssmOnlineMinutes: w.timeline.timings.ssmOnlineMs / MINUTE,
        scanMinutes: scans.length ? median(scans.map(minutesFromStart)) : NaN,
        ...(settled.length ? { settledMinutes: median(settled.map(minutesFromStart)) } : {}),
        verdictMinutes: minutesFromStart(Date.parse(reportOf(w, runId)!.generatedAt)),
        instanceHoursPerAmi: hours / Math.max(1, new Set(instances.map((i) => i.imageId)).size),
    };
}

/** A timed scenario: run it, check its verdicts, then the invariants with the timings measured before the reaper's hour. */
function timedScenario(name: string, setup: () => TimedWorld, check: (w: TimedWorld, runId: string) => void, deliver?: (index: number) => boolean): CycleScenario {
    return {
        name,
        async run() {
            const w = setup();
            const runId = await started(w);
            await runUntilReported(w, runId, deliver);
            check(w, runId);
            const timings = measureRun(w, runId);
            return { ...(await v2Outcome(w)), timings };
        },
    };
}

const allDelivered = timedScenario(
    "modelled timings, every scan event delivered: each verdict waits until ListFindings returns the event's count (findings lag behind coverage)",
    () => timedWorld(),
    (w, runId) => expectReported(w, runId, EXPECTED),
);

const allLost = timedScenario(
    "modelled timings, every scan event lost, a sweep inside the findings lag: two identical reads FINDINGS_SETTLE_SECONDS apart, no PASS from the early empty read",
    // Inventory at minute 12, the scan at 14, its findings listed at 17: the sweep at 15 reads none.
    () => timedWorld({ timings: { inventoryOnDetectionMs: 9 * MINUTE } }),
    (w, runId) => expectReported(w, runId, EXPECTED),
    () => false,
);

const halfLost = timedScenario(
    "modelled timings, every other scan event lost: delivered counts settle some instances, two identical reads the rest",
    () => timedWorld({ timings: { inventoryOnDetectionMs: 9 * MINUTE } }),
    (w, runId) => expectReported(w, runId, EXPECTED),
    (index) => index % 2 === 0,
);

const LANGUAGE_FINDINGS: Record<string, ModelFinding[]> = { ...DEFAULT_FINDINGS, [CLEAN]: [{ severity: "HIGH", language: true }] };

const deepPending = timedScenario(
    "deep inspection active, not collected within the run: a FAIL stands on the OS findings; no PASS without language packages",
    () => timedWorld({ deepInspection: "ACTIVATED", findings: LANGUAGE_FINDINGS }),
    (w, runId) => {
        const report = expectReported(w, runId, { [CLEAN]: "NOT ASSESSED", [VULN]: "FAIL", [MEDIUM]: "NOT ASSESSED" });
        expect(amiOf(report, CLEAN).notAssessed?.detail).to.include("language packages not inventoried").and.include("DEEP_INSPECTION_NO_INVENTORY");
        expect(report.outcome).to.equal("DEADLINE_REACHED");
    },
);

const deepCollected = timedScenario(
    "deep inspection active and collected within the run: the language-package finding FAILs its AMI",
    // The account's 6-hour collection cycle happens to run 20 minutes after the schedule.
    () => timedWorld({ deepInspection: "ACTIVATED", findings: LANGUAGE_FINDINGS, timings: { deepInspectionPhaseMs: 20 * MINUTE } }),
    (w, runId) => {
        const report = expectReported(w, runId, { [CLEAN]: "FAIL", [VULN]: "FAIL", [MEDIUM]: "PASS" });
        expect(report.outcome).to.equal("COMPLETED");
    },
);

const deepLagging = timedScenario(
    "deep inspection active: the first scan is OS-only with its INITIAL_SCAN_COMPLETE event; the later SUCCESSFUL scan sends none and its language-package findings lag: no PASS before they are read",
    // Deep inspection collects at minute 23, its finding shows at 26; the sweep at 25 reads none.
    // The OS scan's event (minute 15) counted 0 findings for CLEAN: those counts must not settle it.
    () => timedWorld({ deepInspection: "ACTIVATED", findings: LANGUAGE_FINDINGS, timings: { deepInspectionPhaseMs: 21 * MINUTE } }),
    (w, runId) => {
        const report = expectReported(w, runId, { [CLEAN]: "FAIL", [VULN]: "FAIL", [MEDIUM]: "PASS" });
        expect(amiOf(report, CLEAN).counts).to.deep.include({ High: 1 });
        expect(w.timeline.firstScans.size, "one INITIAL_SCAN_COMPLETE per instance").to.equal(w.aws.initialScanSent.size);
    },
);

const HYBRID = { agentlessIntervalMs: 60 * MINUTE, agentlessPhaseMs: MINUTE, agentlessScanMs: MINUTE, ssmOnlineMs: 5 * MINUTE };

const hybridEarlyRow = timedScenario(
    "hybrid mode: an agentless row before SSM registers the instance does not end it; the SSM scan decides",
    () => timedWorld({ timings: HYBRID }),
    (w, runId) => {
        expect(w.aws.calls.filter((c) => c.startsWith("ListCoverage")).length, "the early rows were seen").to.be.greaterThan(0);
        expectReported(w, runId, EXPECTED);
    },
);

const hybridOnly = timedScenario(
    "hybrid mode, SSM never registers the instances: at the deadline a FAIL stands on the agentless findings, the rest say only an agentless scan was seen",
    () => timedWorld({ timings: HYBRID, unmanaged: () => true }),
    (w, runId) => {
        const report = expectReported(w, runId, { [CLEAN]: "NOT ASSESSED", [VULN]: "FAIL", [MEDIUM]: "NOT ASSESSED" });
        expect(amiOf(report, MEDIUM).notAssessed?.detail).to.include("only an agentless scan was seen");
    },
);

const hybridOnlyNoScanMode = timedScenario(
    "hybrid mode, SSM never registers the instances, coverage rows without scanMode (optional in the SDK): an agentless SUCCESSFUL row is not taken for an agent-based scan; no PASS",
    () => {
        const w = timedWorld({ timings: HYBRID, unmanaged: () => true });
        w.aws.coverageOmitsScanMode = true;
        return w;
    },
    (w, runId) => {
        const report = expectReported(w, runId, { [CLEAN]: "NOT ASSESSED", [VULN]: "FAIL", [MEDIUM]: "NOT ASSESSED" });
        expect(amiOf(report, MEDIUM).notAssessed?.detail).to.include("not known to be agent-based");
    },
);

const untriaged = timedScenario(
    "UNTRIAGED findings: counted at the vendor's severity, else at the threshold, and shown untriaged",
    () => timedWorld({ findings: { [CLEAN]: [{ severity: "UNTRIAGED", vendorSeverity: "low" }], [VULN]: [{ severity: "UNTRIAGED", vendorSeverity: "Important" }], [MEDIUM]: [{ severity: "UNTRIAGED" }] } }),
    (w, runId) => {
        const report = expectReported(w, runId, { [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "FAIL" });
        expect(amiOf(report, VULN).findings[0]).to.deep.include({ severity: "High", untriaged: true });
        expect(amiOf(report, MEDIUM).findings[0], "no vendor severity: at the High threshold").to.deep.include({ severity: "High", untriaged: true });
        expect(w.aws.object(v2RunKeys(PREFIX, runId).reportMarkdown)!.body).to.include("(untriaged)");
    },
);

const suppressed = timedScenario(
    "an account suppression rule suppresses the only High finding: still read, it FAILs its AMI and is shown as suppressed by an Inspector rule",
    () => timedWorld({ findings: { ...DEFAULT_FINDINGS, [VULN]: [{ severity: "HIGH", suppressed: true }, { severity: "LOW" }] } }),
    (w, runId) => {
        const report = expectReported(w, runId, EXPECTED);
        expect(amiOf(report, VULN).findings.find((f) => f.severity === "High")).to.deep.include({ suppressed: true });
        expect(w.aws.object(v2RunKeys(PREFIX, runId).reportMarkdown)!.body).to.include("High (suppressed by an Inspector rule)");
    },
);

const exclusionTag = timedScenario(
    "an AMI tagged InspectorEc2Exclusion: the tag is not copied to its instance, which Inspector scans",
    () => {
        const w = timedWorld({ images: false });
        w.aws.addImage(CLEAN, { name: "clean", tags: { Golden: "true", [EXCLUSION_TAG]: "true" } });
        w.aws.addImage(VULN, { name: "vulnerable" });
        w.aws.addImage(MEDIUM, { name: "medium-only", architecture: "arm64" });
        return w;
    },
    (w, runId) => {
        expect(w.aws.instanceFor(CLEAN).tags.map((t) => t.Key)).to.not.include(EXCLUSION_TAG);
        expectReported(w, runId, EXPECTED);
    },
);

export const timedScenarios: CycleScenario[] = [allDelivered, allLost, halfLost, deepPending, deepCollected, deepLagging, hybridEarlyRow, hybridOnly, hybridOnlyNoScanMode, untriaged, suppressed, exclusionTag];
