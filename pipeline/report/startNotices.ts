// What start tells the results topic. Pure: every notice is built from values and tested as text.
import type { AmiRecord } from "../run/manifest";
import type { Notice } from "./notice";
import type { RunCleanup } from "../cleanup/runCleanup";
import { describeAmiTags } from "../launch/goldenAmis";
import { errorText } from "../run/errors";

export function noGoldenAmisNotice(pipelineName: string, amiTags: Record<string, string>, amiOwners: string[]): Notice {
    return {
        subject: `[${pipelineName}] no golden AMIs found; nothing assessed`,
        message: [
            `No available AMI matched the golden AMI query of pipeline ${pipelineName}, so no assessment was started.`,
            "",
            `Tags searched (all required): ${describeAmiTags(amiTags)}`,
            `Owners searched: ${amiOwners.join(", ")}`,
            "",
            "Check that the golden AMIs carry exactly these tags in this region and are in the available state.",
        ].join("\n"),
    };
}

/**
 * How start ended; RUN_STARTED is the only one that leaves instances running (for analyze to
 * clean up). FAILED is only ever a notice: on an unexpected error the handler rethrows.
 */
export type StartOutcome = "NO_AMIS" | "RUN_IN_PROGRESS" | "NOTHING_LAUNCHED" | "NO_HEALTHY_AGENTS" | "RUN_REFUSED" | "RUN_STARTED" | "FAILED";

export interface StartReportInput {
    pipelineName: string;
    runId: string;
    outcome: StartOutcome;
    amis: ReadonlyArray<AmiRecord>;
    assessmentRunArn?: string;
    /** Why the run was not started (refusal text, unexpected error). */
    reason?: string;
    /** Agents an engine found busy in another run (Classic's refusal says which). */
    agentsInOtherRuns?: ReadonlyArray<{ agentId?: string; assessmentRunArn?: string }>;
    agentsTruncated?: boolean;
    canRetry?: boolean;
    /** Instances terminated because their agent never became healthy. */
    unhealthyTermination?: RunCleanup;
    /** Everything the run launched, terminated because the run did not go ahead. */
    cleanup?: RunCleanup;
}

function amiLabel(ami: AmiRecord): string {
    return ami.name ? `${ami.imageId} (${ami.name})` : ami.imageId;
}

function amiLine(ami: AmiRecord, outcome: StartOutcome): string {
    switch (ami.status) {
        case "LAUNCH_FAILED":
            return `- ${amiLabel(ami)}: NOT ASSESSED, launch failed: ${ami.reason ?? "unknown reason"}`;
        case "WAITING":
            return `- ${amiLabel(ami)}: waiting, ${ami.reason ?? "for a later run"}`;
        case "AGENT_UNHEALTHY":
        case "NOT_SCANNED":
            return `- ${amiLabel(ami)}: NOT ASSESSED, instance ${ami.instanceId}: ${ami.reason ?? "agent not healthy"}`;
        case "ASSESSING":
            return outcome === "RUN_STARTED"
                ? `- ${amiLabel(ami)}: assessing on ${ami.instanceId}`
                : `- ${amiLabel(ami)}: NOT ASSESSED, launched ${ami.instanceId} but the run did not start`;
    }
}

function terminationLines(title: string, cleanup: RunCleanup | undefined): string[] {
    if (!cleanup) return [];
    const lines: string[] = [];
    if (cleanup.terminated.length) lines.push(`${title} terminated: ${cleanup.terminated.join(", ")}`);
    for (const failure of cleanup.failed) lines.push(`${title} NOT TERMINATED (terminate by hand): ${failure.instanceId}: ${failure.error}`);
    if (cleanup.lookupError) lines.push(`Looking up this run's instances by tag failed (${cleanup.lookupError}); the hourly reaper will catch any missed.`);
    return lines;
}

const OUTCOME_SUBJECTS: Record<StartOutcome, (notAssessed: number, total: number, reason: string) => string> = {
    NO_AMIS: () => "no golden AMIs found",
    RUN_IN_PROGRESS: () => "previous assessment still running",
    NOTHING_LAUNCHED: (_n, total) => `none of ${total} golden AMIs could be launched; nothing assessed`,
    NO_HEALTHY_AGENTS: (_n, total) => `no Inspector agent became healthy on ${total} golden AMIs; nothing assessed`,
    RUN_REFUSED: (_n, _t, reason) => `assessment run refused, nothing assessed: ${reason}`,
    RUN_STARTED: (notAssessed, total) => `assessment started; ${notAssessed} of ${total} golden AMIs not assessed`,
    FAILED: (_n, _t, reason) => `start failed, nothing assessed: ${reason}`,
};

/**
 * The run report of one start invocation, or undefined when there is nothing to tell: a run
 * that started with every golden AMI is reported by analyze when it completes.
 */
export function startReportNotice(input: StartReportInput): Notice | undefined {
    const notAssessed = input.amis.filter((ami) => ami.status !== "ASSESSING").length;
    if (input.outcome === "RUN_STARTED" && notAssessed === 0) return undefined;
    const reason = input.reason ?? "";
    const subject = `[${input.pipelineName}] ${OUTCOME_SUBJECTS[input.outcome](notAssessed, input.amis.length, reason)}`;
    const refusalLines: string[] = [];
    if (input.agentsInOtherRuns?.length) {
        refusalLines.push("", "Agents already in another assessment run:");
        for (const agent of input.agentsInOtherRuns) refusalLines.push(`- ${agent.agentId ?? "unknown agent"} in ${agent.assessmentRunArn ?? "unknown run"}`);
        if (input.agentsTruncated) refusalLines.push("- (list truncated by Inspector)");
    }
    if (input.canRetry !== undefined) refusalLines.push(`Inspector says the request ${input.canRetry ? "can" : "cannot"} be retried as is.`);
    const message = [
        `Pipeline ${input.pipelineName}, run ${input.runId}: ${input.outcome}.`,
        ...(input.assessmentRunArn ? [`Assessment run: ${input.assessmentRunArn}`] : []),
        ...(reason ? [`Reason: ${reason}`] : []),
        ...refusalLines,
        "",
        "Golden AMIs:",
        ...input.amis.map((ami) => amiLine(ami, input.outcome)),
        ...(input.unhealthyTermination || input.cleanup ? [""] : []),
        ...terminationLines("Instances with unhealthy agents", input.unhealthyTermination),
        ...terminationLines("Instances of this run", input.cleanup),
    ].join("\n");
    return { subject, message };
}

/** For the notice on an unexpected error: the error's name and message, one line. */
export function failureReason(error: unknown): string {
    return errorText(error).replace(/\s+/g, " ").trim();
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
