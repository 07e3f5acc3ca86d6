// The four invariants of a Classic cycle, read from the fake world's ground truth: the runs
// Inspector started, the instances EC2 holds, the agents that really collected data, and the
// findings Inspector holds for each run.
import { runArnId } from "../../../../engines/classic/manifest";
import { CycleOutcome, ReportException } from "../outcome";
import { ClassicWorld, REAP_AFTER_SECONDS, reap, reportOf } from "./world";

/** Report summaries of one run on the results topic (the summary names the run's short id). */
export function reportMessagesOf(w: ClassicWorld, runArn: string) {
    return w.aws.reportMessages().filter((message) => message.message.includes(`run ${runArnId(runArn)} in `));
}

/** Passes the reaper's deadline for every instance and runs the hourly reaper once. */
export async function pastReaperDeadline(w: ClassicWorld): Promise<void> {
    const newest = Math.max(0, ...w.aws.instances.map((i) => i.launchTime.getTime()));
    const due = newest + (REAP_AFTER_SECONDS + 60) * 1000;
    if (w.aws.now().getTime() < due) w.aws.advance(due - w.aws.now().getTime());
    await reap(w);
}

/** PASS needs an instance of the AMI whose agent collected data through a COMPLETED run. */
function unprovenPasses(w: ClassicWorld, runArn: string): string[] {
    const run = w.classic.run(runArn);
    const report = reportOf(w, runArn);
    if (!report) return [];
    return report.amis
        .filter((ami) => ami.verdict === "PASS")
        .filter((ami) => !(run.state === "COMPLETED" && ami.instanceIds.some((id) => run.collected.has(id) && w.aws.instances.find((i) => i.instanceId === id)?.imageId === ami.imageId)))
        .map((ami) => `${runArn} ${ami.imageId}`);
}

/** Every finding Inspector holds for a reported run must be in the report, on its instance's AMI. */
function lostFindings(w: ClassicWorld, runArn: string): string[] {
    const report = reportOf(w, runArn);
    if (!report) return [];
    const lost: string[] = [];
    for (const finding of w.classic.run(runArn).findings) {
        const agentId = finding.assetAttributes?.agentId;
        const imageId = w.aws.instances.find((i) => i.instanceId === agentId)?.imageId;
        const ami = report.amis.find((a) => a.imageId === imageId);
        if (!ami?.findings.some((f) => f.arn === finding.arn)) lost.push(finding.arn!);
    }
    return lost;
}

/** Ends the scenario: past the reaper's deadline, then every invariant as counts. */
export async function classicOutcome(w: ClassicWorld, exceptions: ReportException[] = []): Promise<CycleOutcome> {
    await pastReaperDeadline(w);
    const runs = w.classic.runs.map((run) => run.arn);
    return {
        runs,
        reportsPerRun: Object.fromEntries(runs.map((arn) => [arn, reportMessagesOf(w, arn).length])),
        exceptions,
        leftRunning: w.aws.liveInstances().map((i) => i.instanceId),
        passWithoutProof: runs.flatMap((arn) => unprovenPasses(w, arn)),
        findingsLost: runs.flatMap((arn) => lostFindings(w, arn)),
    };
}
