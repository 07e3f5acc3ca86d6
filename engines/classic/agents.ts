// Waiting for the Inspector Classic agents on freshly launched instances to report HEALTHY.
// An instance whose agent is not healthy cannot be assessed, so it must not hold up the run.
import { InspectorClient, PreviewAgentsCommand } from "@aws-sdk/client-inspector";
import { errorText } from "../../pipeline/run/errors";
import { isTransientError } from "../../pipeline/run/retryable";

export const PREVIEW_AGENTS_PAGE_SIZE = 500;
/** Agents take minutes to install and register; polling faster only spends API quota. */
export const AGENT_POLL_INTERVAL_MS = 15_000;
export const HEALTHY = "HEALTHY";

/** agentId (the instance ID) -> agentHealth, over every page of the target's agents. */
export async function previewAgentHealth(inspector: InspectorClient, assessmentTargetArn: string): Promise<Record<string, string>> {
    const health: Record<string, string> = {};
    let nextToken: string | undefined;
    do {
        const page = await inspector.send(
            new PreviewAgentsCommand({ previewAgentsArn: assessmentTargetArn, maxResults: PREVIEW_AGENTS_PAGE_SIZE, nextToken }),
        );
        for (const agent of page.agentPreviews ?? []) {
            if (agent.agentId) health[agent.agentId] = agent.agentHealth ?? "UNKNOWN";
        }
        nextToken = page.nextToken;
    } while (nextToken);
    return health;
}

export interface UnhealthyAgent {
    instanceId: string;
    /** Last health PreviewAgents gave, or undefined if the agent never showed up. */
    health?: string;
    reason: string;
}

export interface AgentWaitResult {
    healthy: string[];
    unhealthy: UnhealthyAgent[];
    polls: number;
    waitedSeconds: number;
}

/** Splits instances by their last known agent health, with a reason for each one left out. */
export function agentVerdicts(
    instanceIds: ReadonlyArray<string>,
    health: Record<string, string>,
    waitedSeconds: number,
    lastPollError?: string,
): { healthy: string[]; unhealthy: UnhealthyAgent[] } {
    const healthy: string[] = [];
    const unhealthy: UnhealthyAgent[] = [];
    const pollNote = lastPollError ? `; last PreviewAgents error: ${lastPollError}` : "";
    for (const instanceId of instanceIds) {
        const state = health[instanceId];
        if (state === HEALTHY) {
            healthy.push(instanceId);
        } else if (state === undefined) {
            unhealthy.push({ instanceId, reason: `no Inspector agent reported within ${waitedSeconds}s (agent install failed or no outbound HTTPS?)${pollNote}` });
        } else {
            const hint = state === "UNHEALTHY" ? " (IMDSv2 required, or the agent cannot reach Inspector?)" : "";
            unhealthy.push({ instanceId, health: state, reason: `Inspector agent ${state} after ${waitedSeconds}s${hint}${pollNote}` });
        }
    }
    return { healthy, unhealthy };
}

export interface AgentWaitOptions {
    assessmentTargetArn: string;
    instanceIds: ReadonlyArray<string>;
    /** Epoch milliseconds after which no more polls start. */
    deadlineMs: number;
    now: () => Date;
    sleep: (ms: number) => Promise<void>;
    pollIntervalMs?: number;
    log?: (...args: unknown[]) => void;
}

/**
 * Polls until every instance's agent is HEALTHY or the deadline passes; the last poll happens at
 * the deadline. A throttled or failed poll counts as "no news" and the next round tries again;
 * an error that will not pass (access denied, no such target) is thrown.
 */
export async function waitForHealthyAgents(inspector: InspectorClient, options: AgentWaitOptions): Promise<AgentWaitResult> {
    const interval = options.pollIntervalMs ?? AGENT_POLL_INTERVAL_MS;
    const startedMs = options.now().getTime();
    let health: Record<string, string> = {};
    let lastPollError: string | undefined;
    let polls = 0;
    for (;;) {
        polls++;
        try {
            health = await previewAgentHealth(inspector, options.assessmentTargetArn);
            lastPollError = undefined;
        } catch (error) {
            if (!isTransientError(error)) throw error;
            lastPollError = errorText(error);
            options.log?.("PreviewAgents failed, will poll again", lastPollError);
        }
        if (options.instanceIds.every((id) => health[id] === HEALTHY)) break;
        const remainingMs = options.deadlineMs - options.now().getTime();
        if (remainingMs <= 0) break;
        await options.sleep(Math.min(interval, remainingMs));
    }
    const waitedSeconds = Math.round((options.now().getTime() - startedMs) / 1000);
    return { ...agentVerdicts(options.instanceIds, health, waitedSeconds, lastPollError), polls, waitedSeconds };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
