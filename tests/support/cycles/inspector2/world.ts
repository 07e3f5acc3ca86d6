// The Inspector v2 engine's whole-cycle world: FakeAws (EC2, inspector2, S3, SNS), the real start,
// analyze and reaper handlers wired to it, and how they are invoked in production: start by the
// schedule (no retry), analyze by scan events and the sweep schedule (two async retries).
import { makeReaperHandler } from "../../../../callbacks/reaper";
import { makeAnalyzeHandler, V2AnalyzeDeps, V2AnalyzeResult } from "../../../../engines/inspector2/analyze";
import { startLockKey, v2RunKeys } from "../../../../engines/inspector2/run";
import { makeStartHandler, V2StartDeps, V2StartResult, V2StartSettings } from "../../../../engines/inspector2/start";
import { AssessmentReport } from "../../../../pipeline/report/report";
import { maxInstanceAgeSeconds } from "../../../../pipeline/cleanup/stale";
import { settle } from "../settle";
import type { HubTarget } from "../../../../pipeline/hub/sendSummary";
import { FakeAws, FakeSeverity, FAKE_REGION } from "../../fakeAws";
import type { FakeVerdictSinks } from "../../fakeVerdictSinks";

export const START = new Date("2026-11-23T10:00:00.000Z");
export const TOPIC = "arn:aws:sns:us-east-1:111122223333:golden-results";
export const PREFIX = "reports/";
export const DURATION = 3600;
export const MINUTE = 60_000;
export { startLockKey };

export const CLEAN = "ami-0aaa0000000000001";
export const VULN = "ami-0bbb0000000000002";
export const MEDIUM = "ami-0ccc0000000000003";
export const UNTAGGED = "ami-0ddd0000000000004";
export const EXPECTED = { [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "PASS" };
export const NONE_ASSESSED = { [CLEAN]: "NOT ASSESSED", [VULN]: "NOT ASSESSED", [MEDIUM]: "NOT ASSESSED" };

/** The reaper needs both waits: the cycles set them. */
export type CycleSettings = V2StartSettings & Required<Pick<V2StartSettings, "agentWaitSeconds" | "reapGraceSeconds">>;

export const SETTINGS: CycleSettings = {
    engine: "inspector2",
    pipelineName: "golden",
    amiTags: { Golden: "true" },
    amiOwners: ["self"],
    durationSeconds: DURATION,
    severityThreshold: "High",
    resultsTopicArn: TOPIC,
    reportBucket: "golden-reports",
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
/** The reaper's deadline: no instance of any run may live longer. */
export const REAP_AFTER_SECONDS = maxInstanceAgeSeconds(SETTINGS);

export const SWEEP = { source: "aws.events", "detail-type": "Scheduled Event", detail: {} };

/**
 * An `Inspector2 Scan` event (reference section 3, the docs' example shape); without `counts`, one that carries
 * no finding-severity-counts (reference section 3: "Count keys may be missing").
 */
export function scanEvent(instanceId: string, counts?: Record<string, number>) {
    return {
        source: "aws.inspector2",
        "detail-type": "Inspector2 Scan",
        resources: [instanceId],
        detail: { "scan-status": "INITIAL_SCAN_COMPLETE", "instance-id": instanceId, version: "1.0", ...(counts ? { "finding-severity-counts": counts } : {}) },
    };
}

export interface V2World {
    aws: FakeAws;
    settings: CycleSettings;
    /** Deterministic but distinct per call: run ids and claim holders differ. */
    random: () => number;
    /** EventBridge and Security Hub, when a scenario watches where verdicts go (policyWorld.ts). */
    sinks?: FakeVerdictSinks;
    /** Where analyze sends run summaries (docs/hub.md); unset: no hub. */
    hub?: HubTarget;
    /** The region the handlers run in (AWS_REGION); default FAKE_REGION. */
    region?: string;
}

/** Three golden AMIs (one arm64) and one untagged; `settings` override the defaults. */
export function newV2World(settings: Partial<V2StartSettings> = {}, images = true): V2World {
    const aws = new FakeAws(START);
    if (images) {
        aws.addImage(CLEAN, { name: "clean" });
        aws.addImage(VULN, { name: "vulnerable" });
        aws.addImage(MEDIUM, { name: "medium-only", architecture: "arm64" });
        aws.addImage(UNTAGGED, { name: "not-golden", tags: { Team: "x" } });
    }
    let seed = 1;
    const random = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
    };
    return { aws, settings: { ...SETTINGS, ...settings }, random };
}

export function v2Deps(w: V2World): V2StartDeps & V2AnalyzeDeps {
    const { aws } = w;
    const sinks = w.sinks ? { events: w.sinks.events, securityHub: w.sinks.securityHub } : {};
    return { ec2: aws.ec2, inspector2: aws.inspector2, s3: aws.s3, sns: aws.sns, ...sinks, settings: w.settings, region: w.region ?? FAKE_REGION, now: aws.now, sleep: aws.sleep, log: () => undefined, random: w.random, hub: w.hub };
}

export const start = (w: V2World): Promise<V2StartResult> => makeStartHandler(v2Deps(w))({});
/** One invocation of analyze (no retry). */
export const analyze = (w: V2World, event: unknown = SWEEP): Promise<V2AnalyzeResult> => makeAnalyzeHandler(v2Deps(w))(event);
/** The hourly reaper, invoked as EventBridge does. */
export const reap = (w: V2World) => makeReaperHandler({ ec2: w.aws.ec2, sns: w.aws.sns, settings: w.settings, now: w.aws.now, sleep: w.aws.sleep })({});
/** The drain at `pulumi destroy`: the reaper's CRUD-scoped delete invocation. */
export const drain = (w: V2World) => makeReaperHandler({ ec2: w.aws.ec2, sns: w.aws.sns, settings: w.settings, now: w.aws.now, sleep: w.aws.sleep })({ tf: { action: "delete" } });

export { settle };

/** Starts a run from a dead process's point of view: whatever it got done before it hung or failed. */
export async function startDetached(w: V2World): Promise<void> {
    start(w).catch(() => undefined);
    await settle();
}

export function keysOf(runId: string) {
    return v2RunKeys(PREFIX, runId);
}

export function reportOf(w: V2World, runId: string): AssessmentReport | undefined {
    return w.aws.json<AssessmentReport>(keysOf(runId).reportJson);
}

export function verdicts(report: AssessmentReport | undefined): Record<string, string> {
    return Object.fromEntries((report?.amis ?? []).map((ami) => [ami.imageId, ami.verdict]));
}

/**
 * Every live instance scanned successfully now, with `findings` (severity) on the given AMIs; then
 * the findings lag passes, so ListFindings shows them all. The scan events Inspector sent (the
 * scenario decides whether they arrive).
 */
export function scanAll(w: V2World, findings: Partial<Record<string, ReadonlyArray<FakeSeverity>>> = { [VULN]: ["HIGH", "LOW"], [MEDIUM]: ["MEDIUM"] }) {
    const events = [];
    for (const instance of w.aws.liveInstances()) {
        for (const severity of findings[instance.imageId] ?? []) w.aws.addFinding(instance.instanceId, severity);
        const event = w.aws.scan(instance.instanceId);
        if (event) events.push(event);
    }
    w.aws.advance(w.aws.findingsLagMs);
    return events;
}

/**
 * The sweep schedule (every 5 minutes) until the run is reported and closed; the sweeps it took.
 * A sweep that dies (hangs) is left behind, as Lambda leaves a timed-out invocation.
 */
export async function sweepUntilReported(w: V2World, runId: string, maxSweeps = 12): Promise<number> {
    for (let sweep = 1; sweep <= maxSweeps; sweep++) {
        analyze(w).catch(() => undefined);
        await settle();
        if (reportOf(w, runId) && !w.aws.object(keysOf(runId).openMarker)) return sweep;
        w.aws.advance(5 * MINUTE);
    }
    throw new Error(`run ${runId} not reported after ${maxSweeps} sweeps`);
}
