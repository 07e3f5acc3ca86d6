// Assess on publish (issue 20): the publish scenarios' invariants, the time from a publish event to
// the verdict under the modelled Inspector v2 timings (target: median <= 20 minutes), and the
// instance-hours of a 40-AMI burst against the same AMIs on the schedule.
import { CycleTotals, runScenarios, totalsPass } from "../tests/support/cycles/outcome";
import { publishScenarios } from "../tests/support/cycles/inspector2/publish";
import { BurstCost, PublishTiming, burstOnPublish, burstOnSchedule, publishTimedScenarios, publishTimings } from "../tests/support/cycles/inspector2/publishTimed";
import { printTable, status } from "./common";

export const PUBLISH_TO_VERDICT_TARGET_MINUTES = 20;

export interface PublishBench {
    totals: CycleTotals;
    invariantsPass: boolean;
    timings: PublishTiming[];
    medianDeliveredMinutes: number;
    medianLostMinutes: number;
    targetMinutes: number;
    pass: boolean;
    burst: { onPublish: BurstCost; onSchedule: BurstCost };
}

export async function benchPublish(): Promise<PublishBench> {
    const totals = await runScenarios([...publishScenarios, ...publishTimedScenarios]);
    const { timings, delivered, lost } = await publishTimings();
    const onPublish = (await burstOnPublish()).cost;
    const onSchedule = (await burstOnSchedule()).cost;
    return {
        totals,
        invariantsPass: totalsPass(totals),
        timings,
        medianDeliveredMinutes: delivered,
        medianLostMinutes: lost,
        targetMinutes: PUBLISH_TO_VERDICT_TARGET_MINUTES,
        pass: delivered <= PUBLISH_TO_VERDICT_TARGET_MINUTES,
        burst: { onPublish, onSchedule },
    };
}

export function printPublish(bench: PublishBench, judged: (pass: boolean, target: string) => string): void {
    const t = bench.totals;
    printTable(
        ["assess on publish", "scenarios", "failed", "runs", "left running", "runs without exactly one report", "PASS without proof", "findings lost", "target"],
        [["inspector2", String(t.scenarios), String(t.failed.length), String(t.runs), String(t.leftRunning), String(t.wrongReports), String(t.passWithoutProof), String(t.findingsLost), status(bench.invariantsPass, "all 0")]],
    );
    for (const failure of t.failed) console.log(`  publish scenario failed: ${failure.name}: ${failure.error}`);
    console.log("\nPublish event to verdict (report), modelled v2 timings, minutes; one AMI at a time:");
    const row = (delivered: boolean) => bench.timings.filter((x) => x.eventsDelivered === delivered).map((x) => `${x.imageId.slice(0, 8)}… ${x.verdict} ${x.publishToVerdictMinutes}`).join(", ");
    printTable(
        ["scan events", "per AMI", "median", "target"],
        [
            ["delivered", row(true), String(bench.medianDeliveredMinutes), judged(bench.pass, `median <= ${bench.targetMinutes} min`)],
            ["all lost", row(false), String(bench.medianLostMinutes), "(info: two identical reads 10 min apart)"],
        ],
    );
    const { onPublish: p, onSchedule: s } = bench.burst;
    console.log(`\n${p.amis} AMIs, maxConcurrentInstances ${p.maxConcurrentInstances}: published at once vs on the schedule (runs back to back here; a week apart by default):`);
    printTable(
        ["trigger", "peak instances", "instance-hours", "last verdict after", "target"],
        [
            ["on publish (queue, drained every 5 min)", String(p.peakInstances), p.instanceHours.toFixed(2), `${p.lastVerdictMinutes} min`, "(info)"],
            [`on the schedule (${s.scheduledRuns} runs)`, String(s.peakInstances), s.instanceHours.toFixed(2), `${s.lastVerdictMinutes} min of runs = ${s.scheduledRuns} schedules`, "(info)"],
        ],
    );
}
