// The four invariants of an Inspector v2 cycle, read from the fake world's ground truth: the runs
// the pipeline recorded, the instances EC2 holds, the scans Inspector really completed and the
// findings it holds for each run's instances.
import { AssessmentReport } from "../../../../pipeline/report/report";
import { RUN_TAG } from "../../../../pipeline/run/tags";
import { FakeInstance } from "../../fakeAws";
import { CycleOutcome, ReportException } from "../outcome";
import { PREFIX, REAP_AFTER_SECONDS, SWEEP, V2World, analyze, reap, reportOf } from "./world";

const DAY_MS = 24 * 3600 * 1000;

/** Report summaries of one run on the results topic (the summary names the run id). */
export function reportMessagesOf(w: V2World, runId: string) {
    return w.aws.reportMessages().filter((message) => message.message.includes(`run ${runId} `));
}

/**
 * Every run the pipeline recorded: a manifest or a report in S3. A start that died between its
 * launches and its manifest recorded no run; its instances count only in `leftRunning`.
 */
export function recordedRuns(w: V2World): string[] {
    const runsPrefix = `${PREFIX}runs/`;
    const ids = w.aws
        .keys(runsPrefix)
        .filter((key) => key.endsWith("/manifest.json") || key.endsWith("/report.json"))
        .map((key) => key.slice(runsPrefix.length).split("/")[0]);
    return [...new Set(ids)].sort();
}

const runOf = (instance: FakeInstance) => instance.tags.find((tag) => tag.Key === RUN_TAG)?.Value;

/** The sweep as its schedule runs it, then the reaper, once every instance is past its deadline. */
export async function pastReaperDeadline(w: V2World): Promise<void> {
    const newest = Math.max(0, ...w.aws.instances.map((i) => i.launchTime.getTime()));
    const due = newest + (REAP_AFTER_SECONDS + 60) * 1000;
    if (w.aws.now().getTime() < due) w.aws.advance(due - w.aws.now().getTime());
    await analyze(w, SWEEP).catch(() => undefined);
    await reap(w);
}

/** An instance of the run from this AMI that Inspector scanned successfully after its launch. */
function scannedInstances(w: V2World, runId: string, imageId?: string): FakeInstance[] {
    return w.aws.instances.filter((instance) => {
        const scannedAt = w.aws.successfulScans.get(instance.instanceId);
        return runOf(instance) === runId && (!imageId || instance.imageId === imageId) && scannedAt !== undefined && scannedAt >= instance.launchTime;
    });
}

/** Inspector's own AMI scan, fresh when the report was made (agentless and auto modes). */
function freshAmiScan(w: V2World, imageId: string, report: AssessmentReport): boolean {
    const scanDate = w.aws.images.find((image) => image.ImageId === imageId)?.ScanResults?.FindingScanDate;
    const age = new Date(report.generatedAt).getTime() - new Date(scanDate ?? NaN).getTime();
    return age >= 0 && age <= w.settings.amiScanMaxAgeDays! * DAY_MS;
}

function unprovenPasses(w: V2World, runId: string): string[] {
    const report = reportOf(w, runId);
    return (report?.amis ?? [])
        .filter((ami) => ami.verdict === "PASS")
        .filter((ami) => scannedInstances(w, runId, ami.imageId).length === 0 && !freshAmiScan(w, ami.imageId, report!))
        .map((ami) => `${runId} ${ami.imageId}`);
}

/**
 * Every finding Inspector held for a scanned instance of a reported run (still ACTIVE or SUPPRESSED, or closed
 * only because the pipeline terminated the instance) is in the report, on the instance's AMI. An
 * AMI reported NOT ASSESSED claims nothing; its scenario checks the reason.
 */
function lostFindings(w: V2World, runId: string): string[] {
    const report = reportOf(w, runId);
    if (!report) return [];
    const lost: string[] = [];
    for (const instance of scannedInstances(w, runId)) {
        const ami = report.amis.find((a) => a.imageId === instance.imageId);
        if (ami?.verdict === "NOT ASSESSED") continue;
        for (const finding of w.aws.findings) {
            if (finding.resources?.[0]?.id !== instance.instanceId) continue;
            const held = finding.status === "ACTIVE" || finding.status === "SUPPRESSED" || w.aws.closedByTermination.has(finding.findingArn!);
            if (!held) continue;
            // An accepted risk's finding is in the report too, listed apart (pipeline/verdict/policy.ts).
            const inReport = ami?.findings.some((f) => f.arn === finding.findingArn) || ami?.accepted?.some((a) => a.finding.arn === finding.findingArn);
            if (!inReport) lost.push(finding.findingArn!);
        }
    }
    return lost;
}

/** Ends the scenario: past the reaper's deadline, then every invariant as counts. */
export async function v2Outcome(w: V2World, exceptions: ReportException[] = []): Promise<CycleOutcome> {
    await pastReaperDeadline(w);
    const runs = recordedRuns(w);
    return {
        runs,
        reportsPerRun: Object.fromEntries(runs.map((runId) => [runId, reportMessagesOf(w, runId).length])),
        exceptions,
        leftRunning: w.aws.liveInstances().map((i) => i.instanceId),
        passWithoutProof: runs.flatMap((runId) => unprovenPasses(w, runId)),
        findingsLost: runs.flatMap((runId) => lostFindings(w, runId)),
    };
}
