// The scheduled sweep: the safety net behind the completion topic. It visits the runs this
// pipeline started and has not reported (their open markers), asks Inspector which have ended
// (DescribeAssessmentRuns, 10 per call) and hands each ended run to analyze as if its completion
// message had arrived; analyze's report claim and delivered marker keep it to one report.
import { AssessmentRun, DescribeAssessmentRunsCommand, FailedItemDetails, InspectorClient } from "@aws-sdk/client-inspector";
import type { S3Client } from "@aws-sdk/client-s3";
import { errorText } from "../../pipeline/run/errors";
import { withRetry } from "../../pipeline/run/retryable";
import { listOpenRuns } from "./openRuns";
import { chunk } from "../../pipeline/run/paging";
import { EndedRunNotice, SweepDecision, decideSweepRun } from "./sweepDecision";

/** DescribeAssessmentRuns takes 1-10 run ARNs per call. */
export const DESCRIBE_RUNS_BATCH = 10;

export interface DescribedRuns {
    runs: Map<string, AssessmentRun>;
    /** run ARN -> Inspector's failure code (ITEM_DOES_NOT_EXIST, ACCESS_DENIED, ...). */
    failed: Record<string, string>;
}

export async function describeRuns(inspector: InspectorClient, runArns: ReadonlyArray<string>, sleep: (ms: number) => Promise<void>): Promise<DescribedRuns> {
    const described: DescribedRuns = { runs: new Map(), failed: {} };
    for (const batch of chunk(runArns, DESCRIBE_RUNS_BATCH)) {
        const answer = await withRetry(() => inspector.send(new DescribeAssessmentRunsCommand({ assessmentRunArns: batch })), { sleep });
        for (const run of answer.assessmentRuns ?? []) if (run.arn) described.runs.set(run.arn, run);
        for (const [arn, item] of Object.entries(answer.failedItems ?? {}) as [string, FailedItemDetails][]) described.failed[arn] = item.failureCode ?? "unknown failure";
    }
    return described;
}

export interface SweepDeps {
    inspector: InspectorClient;
    s3: S3Client;
    bucket: string;
    reportPrefix: string;
    now: () => Date;
    sleep: (ms: number) => Promise<void>;
    log: (message: string, detail?: Record<string, unknown>) => void;
}

/** What the sweep did with one open run: left it, or what analyze made of it. */
export type SweepVisit<R> = Extract<SweepDecision, { action: "wait" }> | { action: "report"; runArn: string; result: R };

/**
 * One sweep. `report` is analyze's own path for an ended run. Every run gets its turn; errors are
 * rethrown at the end (the next sweep tries again in any case).
 */
export async function sweepOpenRuns<R>(deps: SweepDeps, report: (notice: EndedRunNotice, state: string) => Promise<R>): Promise<SweepVisit<R>[]> {
    const open = await listOpenRuns(deps.s3, deps.bucket, deps.reportPrefix);
    if (open.length === 0) return [];
    const described = await describeRuns(deps.inspector, open.map((marker) => marker.assessmentRunArn), deps.sleep);
    const visits: SweepVisit<R>[] = [];
    const errors: unknown[] = [];
    for (const { assessmentRunArn: runArn } of open) {
        const decision = decideSweepRun(runArn, described.runs.get(runArn), described.failed[runArn], deps.now());
        if (decision.action === "wait") {
            deps.log("analyze sweep: waiting", { ...decision });
            visits.push(decision);
            continue;
        }
        try {
            visits.push({ action: "report", runArn, result: await report(decision.notice, decision.state) });
        } catch (error) {
            deps.log("analyze sweep: run failed", { runArn, error: errorText(error) });
            errors.push(error);
        }
    }
    if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors, `sweep failed for ${errors.length} runs: ${errors.map(errorText).join("; ")}`);
    return visits;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
