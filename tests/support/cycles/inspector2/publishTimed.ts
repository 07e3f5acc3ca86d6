// Assess on publish under the modelled Inspector v2 timings (fakeInspector2Timeline.ts): the clock
// moves a minute at a time, Inspector scans when its model says so, its scan events arrive (or are
// lost), analyze sweeps and the publish function drains every five minutes. Measured from the
// publish event to the report (the verdict), and the instance-hours of a 40-AMI burst against the
// same AMIs on the schedule. Nothing is relaxed for speed: the settle rules are analyze's own.
import { expect } from "chai";
import { median } from "../../../../bench/common";
import { v2RunKeys } from "../../../../engines/inspector2/run";
import { INSPECTOR2_TIMINGS, Inspector2Timeline, ModelFinding } from "../../fakeInspector2Timeline";
import { publishImage } from "../../fakeAmiEvents";
import { CycleOutcome, CycleScenario } from "../outcome";
import { recordedRuns, v2Outcome } from "./measure";
import { BURST, publish, publishWorld } from "./publish";
import { CLEAN, MEDIUM, MINUTE, PREFIX, VULN, V2World, analyze, newV2World, reportOf, start } from "./world";

const FINDINGS: Record<string, ModelFinding[]> = { [VULN]: [{ severity: "HIGH" }, { severity: "LOW" }], [MEDIUM]: [{ severity: "MEDIUM" }] };

interface TimedPublish extends V2World {
    timeline: Inspector2Timeline;
}

function timed(w: V2World, findings: Record<string, ModelFinding[]> = FINDINGS): TimedPublish {
    w.aws.deepInspectionStatus = "DEACTIVATED";
    return { ...w, timeline: new Inspector2Timeline(w.aws, INSPECTOR2_TIMINGS, findings) };
}

/** Every run recorded so far is reported and closed. */
function allClosed(w: V2World): boolean {
    return recordedRuns(w).every((runId) => reportOf(w, runId) && !w.aws.object(v2RunKeys(PREFIX, runId).openMarker));
}

/**
 * Minute by minute until `done`: scan events delivered unless `deliver` drops them, the analyze
 * sweep and the publish drain every five minutes. The peak of live instances.
 */
async function runMinutes(w: TimedPublish, done: () => boolean, deliver: () => boolean, maxMinutes = 600): Promise<number> {
    let peak = w.aws.liveInstances().length;
    for (let minute = 1; minute <= maxMinutes && !done(); minute++) {
        w.aws.advance(MINUTE);
        w.timeline.tick();
        for (const { event } of w.timeline.takeEvents()) if (deliver()) await analyze(w, event);
        if (minute % 5 === 0) {
            await analyze(w);
            await publish(w);
        }
        peak = Math.max(peak, w.aws.liveInstances().length);
    }
    expect(done(), `done within ${maxMinutes} minutes`).to.equal(true);
    return peak;
}

/** Instance-hours of every instance launched so far (terminated or, failing that, up to now). */
function instanceHours(w: V2World): number {
    return w.aws.instances.reduce((sum, i) => sum + ((i.terminatedAt ?? w.aws.now()).getTime() - i.launchTime.getTime()) / (60 * MINUTE), 0);
}

export interface PublishTiming {
    imageId: string;
    eventsDelivered: boolean;
    /** Publish event to the report, minutes. */
    publishToVerdictMinutes: number;
    verdict: string;
}

/** One AMI published at a time: minutes from its publish event to its report. */
export async function publishToVerdict(imageId: string, eventsDelivered: boolean): Promise<{ timing: PublishTiming; outcome: CycleOutcome }> {
    const w = timed(publishWorld());
    const publishedAt = w.aws.now().getTime();
    const result = await publish(w, publishImage(w.aws, imageId));
    const started = result.amis.find((a) => a.status === "started");
    expect(started, JSON.stringify(result)).to.not.equal(undefined);
    await runMinutes(w, () => allClosed(w), () => eventsDelivered);
    const report = reportOf(w, (started as { runId: string }).runId)!;
    const timing = { imageId, eventsDelivered, publishToVerdictMinutes: (Date.parse(report.generatedAt) - publishedAt) / MINUTE, verdict: report.amis[0].verdict };
    return { timing, outcome: await v2Outcome(w) };
}

export interface BurstCost {
    amis: number;
    maxConcurrentInstances: number;
    peakInstances: number;
    instanceHours: number;
    /** From the first event (or the first schedule) to the last verdict, minutes of the clock. */
    lastVerdictMinutes: number;
    /** Scheduled starts needed (each a week apart by default; the clock here runs them back to back). */
    scheduledRuns?: number;
}

const burstWorld = (w: V2World) => {
    for (const imageId of BURST) publishImage(w.aws, imageId);
    return w;
};

/** 40 AMIs published at once with maxConcurrentInstances 10: queued, drained as slots free. */
export async function burstOnPublish(): Promise<{ cost: BurstCost; outcome: CycleOutcome }> {
    const w = timed(publishWorld({ maxConcurrentInstances: 10 }));
    const t0 = w.aws.now().getTime();
    const events = BURST.map((imageId) => publishImage(w.aws, imageId));
    await Promise.all(events.map((event) => publish(w, event)));
    const peak = await runMinutes(w, () => recordedRuns(w).length === BURST.length && allClosed(w), () => true);
    const cost = { amis: BURST.length, maxConcurrentInstances: 10, peakInstances: peak, instanceHours: instanceHours(w), lastVerdictMinutes: (w.aws.now().getTime() - t0) / MINUTE };
    return { cost, outcome: await v2Outcome(w) };
}

/** The same 40 AMIs on the schedule: each scheduled run launches 10; runs back to back until every AMI has a verdict. */
export async function burstOnSchedule(): Promise<{ cost: BurstCost; outcome: CycleOutcome }> {
    const w = timed(burstWorld(newV2World({ maxConcurrentInstances: 10 }, false)));
    const t0 = w.aws.now().getTime();
    let runs = 0;
    let peak = 0;
    const assessed = () => new Set(recordedRuns(w).flatMap((runId) => (reportOf(w, runId)?.amis ?? []).filter((a) => a.verdict !== "NOT ASSESSED").map((a) => a.imageId)));
    while (assessed().size < BURST.length && runs < 10) {
        const result = await start(w);
        expect(result.outcome, JSON.stringify(result.reason)).to.equal("RUN_STARTED");
        runs++;
        peak = Math.max(peak, await runMinutes(w, () => allClosed(w), () => true));
    }
    const cost = { amis: BURST.length, maxConcurrentInstances: 10, peakInstances: peak, instanceHours: instanceHours(w), lastVerdictMinutes: (w.aws.now().getTime() - t0) / MINUTE, scheduledRuns: runs };
    return { cost, outcome: await v2Outcome(w) };
}

/** The modelled publish-to-verdict median over the three kinds of AMI (clean, High, Medium), events delivered or all lost. */
export async function publishTimings(): Promise<{ timings: PublishTiming[]; delivered: number; lost: number }> {
    const timings: PublishTiming[] = [];
    for (const eventsDelivered of [true, false]) for (const imageId of [CLEAN, VULN, MEDIUM]) timings.push((await publishToVerdict(imageId, eventsDelivered)).timing);
    const of = (delivered: boolean) => median(timings.filter((t) => t.eventsDelivered === delivered).map((t) => t.publishToVerdictMinutes));
    return { timings, delivered: of(true), lost: of(false) };
}

export const publishTimedScenarios: CycleScenario[] = [
    {
        name: "publish, modelled timings, scan events delivered: the verdict (no PASS before findings settle) and its time from the publish event",
        async run() {
            const { timing, outcome } = await publishToVerdict(VULN, true);
            expect(timing.verdict).to.equal("FAIL");
            return outcome;
        },
    },
    {
        name: "publish, modelled timings, every scan event lost: the sweeps' two identical reads decide; a clean AMI PASSes only then",
        async run() {
            const { timing, outcome } = await publishToVerdict(CLEAN, false);
            expect(timing.verdict).to.equal("PASS");
            return outcome;
        },
    },
    {
        name: "publish, modelled timings, a 40-AMI burst under maxConcurrentInstances 10: at most 10 instances at once, all 40 reported",
        async run() {
            const { cost, outcome } = await burstOnPublish();
            expect(cost.peakInstances).to.be.at.most(10);
            return outcome;
        },
    },
];
