// The sweep's pure decisions: what to do with one open run given
// what DescribeAssessmentRuns says of it. A run that has ended is handed to analyze as the
// completion message would have described it; anything else is left for a later sweep.
import { FAILED_RUN_STATES, FailedRunState, InspectorNotice, templateOfRunArn } from "./inspectorMessage";

/** Run states after which Inspector publishes nothing more (../shared/reference/inspector-classic.md). */
export const TERMINAL_RUN_STATES = ["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "ERROR", "CANCELED"] as const;

/**
 * How long after a run ended the sweep leaves it to its completion message. Longer than SNS
 * delivery plus a usual analyze, so the two rarely race; the report claim makes a race harmless.
 */
export const SWEEP_GRACE_SECONDS = 10 * 60;

/** The key the sweep's announced count is filed under: DescribeAssessmentRuns counts by severity, not by rules package. */
export const SWEEP_COUNT_KEY = "all rules packages (DescribeAssessmentRuns findingCounts)";

export type EndedRunNotice = Extract<InspectorNotice, { kind: "completed" | "run-failed" }>;

/** The part of DescribeAssessmentRuns' AssessmentRun the sweep reads. */
export interface DescribedRun {
    arn?: string;
    assessmentTemplateArn?: string;
    state?: string;
    completedAt?: Date;
    stateChangedAt?: Date;
    findingCounts?: Partial<Record<string, number>>;
}

export type SweepDecision =
    | { action: "report"; runArn: string; state: string; notice: EndedRunNotice }
    | { action: "wait"; runArn: string; reason: string };

/** The total of findingCounts, filed as one announced count; undefined when absent or not counts (then PASS lacks its proof). */
export function announcedCounts(findingCounts: DescribedRun["findingCounts"]): Record<string, number> | undefined {
    if (typeof findingCounts !== "object" || findingCounts === null) return undefined;
    let total = 0;
    for (const value of Object.values(findingCounts)) {
        if (!Number.isInteger(value) || (value as number) < 0) return undefined;
        total += value as number;
    }
    return { [SWEEP_COUNT_KEY]: total };
}

/** What the completion message (or the failed state change) of this ended run would have said. */
export function noticeOfEndedRun(runArn: string, run: DescribedRun): EndedRunNotice | undefined {
    const templateArn = run.assessmentTemplateArn ?? templateOfRunArn(runArn);
    if (!templateArn) return undefined;
    const time = (run.completedAt ?? run.stateChangedAt)?.toISOString();
    if (run.state === "COMPLETED" || run.state === "COMPLETED_WITH_ERRORS") {
        return { kind: "completed", runArn, templateArn, time, findingsCount: announcedCounts(run.findingCounts) };
    }
    if ((FAILED_RUN_STATES as readonly string[]).includes(run.state ?? "")) {
        return { kind: "run-failed", runArn, templateArn, state: run.state as FailedRunState, time };
    }
    return undefined;
}

/** One open run: report it when it ended at least `graceSeconds` ago, else wait. */
export function decideSweepRun(
    runArn: string,
    run: DescribedRun | undefined,
    failureCode: string | undefined,
    now: Date,
    graceSeconds = SWEEP_GRACE_SECONDS,
): SweepDecision {
    if (!run) {
        // Left alone: the bucket's lifecycle expires a marker nobody closes.
        return { action: "wait", runArn, reason: `DescribeAssessmentRuns did not describe it (${failureCode ?? "not returned"})` };
    }
    if (!(TERMINAL_RUN_STATES as readonly string[]).includes(run.state ?? "")) return { action: "wait", runArn, reason: `still ${run.state ?? "in an unknown state"}` };
    const notice = noticeOfEndedRun(runArn, run);
    if (!notice) return { action: "wait", runArn, reason: `ended ${run.state} but its template is unknown` };
    const endedAt = run.completedAt ?? run.stateChangedAt;
    const sinceEndMs = endedAt ? now.getTime() - endedAt.getTime() : Infinity;
    if (sinceEndMs < graceSeconds * 1000) {
        return { action: "wait", runArn, reason: `ended ${run.state} at ${endedAt!.toISOString()}; its completion message has until ${new Date(endedAt!.getTime() + graceSeconds * 1000).toISOString()}` };
    }
    return { action: "report", runArn, state: run.state!, notice };
}

/** The report's note on a run the sweep reported. */
export function sweepNote(state: string): string {
    return (
        `Reported by the scheduled sweep: DescribeAssessmentRuns showed the run ${state} and its completion message had not been processed; ` +
        "the announced finding count is DescribeAssessmentRuns' findingCounts."
    );
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
