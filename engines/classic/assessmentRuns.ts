// Inspector Classic assessment runs: is one still going, and starting one.
import { InspectorClient, ListAssessmentRunsCommand, StartAssessmentRunCommand } from "@aws-sdk/client-inspector";
import { errorText } from "../../pipeline/run/errors";

/** Every run state except the terminal FAILED, ERROR, COMPLETED, COMPLETED_WITH_ERRORS, CANCELED. */
export const ACTIVE_RUN_STATES = [
    "CREATED",
    "START_DATA_COLLECTION_PENDING",
    "START_DATA_COLLECTION_IN_PROGRESS",
    "COLLECTING_DATA",
    "STOP_DATA_COLLECTION_PENDING",
    "DATA_COLLECTED",
    "START_EVALUATING_RULES_PENDING",
    "EVALUATING_RULES",
] as const;

/** Inspector limits run names to 140 characters. */
export const RUN_NAME_MAX = 140;

/** ARNs of the template's runs that have not finished (a filtered page may be empty yet have a next page). */
export async function findActiveRuns(inspector: InspectorClient, assessmentTemplateArn: string): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
        const page = await inspector.send(
            new ListAssessmentRunsCommand({
                assessmentTemplateArns: [assessmentTemplateArn],
                filter: { states: [...ACTIVE_RUN_STATES] },
                maxResults: 100,
                nextToken,
            }),
        );
        arns.push(...(page.assessmentRunArns ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    return arns;
}

export function assessmentRunName(pipelineName: string, runId: string): string {
    const name = `${pipelineName}-${runId}`;
    // Keep the run id (the unique part) when a long pipeline name has to be cut.
    return name.length <= RUN_NAME_MAX ? name : `${pipelineName.slice(0, RUN_NAME_MAX - runId.length - 1)}-${runId}`;
}

export interface AgentInOtherRun {
    agentId?: string;
    assessmentRunArn?: string;
}

export type StartRunResult =
    | { started: true; assessmentRunArn: string }
    | { started: false; reason: string; errorName: string; agentsInOtherRuns?: AgentInOtherRun[]; agentsTruncated?: boolean; canRetry?: boolean };

/** An error the service answered with, as opposed to a network failure or a bug of ours. */
function isServiceRefusal(error: unknown): boolean {
    return typeof error === "object" && error !== null && ("$fault" in error || "$metadata" in error);
}

/**
 * Starts the run. A refusal by Inspector (agents busy in another run, limits, access) comes back
 * as a value so the caller can report it and clean up; anything else is thrown.
 */
export async function startAssessmentRun(
    inspector: InspectorClient,
    assessmentTemplateArn: string,
    runName: string,
): Promise<StartRunResult> {
    try {
        const response = await inspector.send(new StartAssessmentRunCommand({ assessmentTemplateArn, assessmentRunName: runName }));
        if (!response.assessmentRunArn) throw new Error("StartAssessmentRun returned no assessmentRunArn");
        return { started: true, assessmentRunArn: response.assessmentRunArn };
    } catch (error) {
        if (!isServiceRefusal(error)) throw error;
        const errorName = (error as { name?: string }).name ?? "Error";
        if (errorName === "AgentsAlreadyRunningAssessmentException") {
            const busy = error as { agents?: AgentInOtherRun[]; agentsTruncated?: boolean; canRetry?: boolean };
            return {
                started: false,
                errorName,
                reason: `${errorText(error)}: agents of this target are already in another assessment run`,
                agentsInOtherRuns: busy.agents ?? [],
                agentsTruncated: busy.agentsTruncated,
                canRetry: busy.canRetry,
            };
        }
        return { started: false, errorName, reason: errorText(error) };
    }
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
