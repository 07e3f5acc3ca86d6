// What proves that Inspector Classic assessed an instance: its agent took part in the run,
// stayed healthy and sent its telemetry (data collection completed), and the run's findings as
// listed match what the completion message announced. Without it a quiet AMI is not a PASS.
import { AssessmentRunAgent, InspectorClient, ListAssessmentRunAgentsCommand } from "@aws-sdk/client-inspector";
import { pageAll } from "../../pipeline/run/paging";
import { withRetry } from "../../pipeline/run/retryable";

/** ListAssessmentRunAgents maxResults is at most 500. */
export const RUN_AGENTS_PAGE_SIZE = 500;
const NO_PROOF_HEALTH = ["UNHEALTHY", "UNKNOWN"];

export async function listRunAgents(inspector: InspectorClient, assessmentRunArn: string, sleep: (ms: number) => Promise<void>): Promise<AssessmentRunAgent[]> {
    return pageAll("ListAssessmentRunAgents", async (nextToken) => {
        const page = await withRetry(() => inspector.send(new ListAssessmentRunAgentsCommand({ assessmentRunArn, maxResults: RUN_AGENTS_PAGE_SIZE, nextToken })), { sleep });
        return { items: page.assessmentRunAgents, nextToken: page.nextToken };
    });
}

export interface AssessmentProof {
    assessed: Set<string>;
    /** instance ID -> why its assessment is not proven. */
    reasons: Record<string, string>;
}

/** Why one agent's data collection is not proven, or undefined when it is. */
export function agentProblem(agent: AssessmentRunAgent | undefined): string | undefined {
    if (!agent) return "its agent is not among the run's agents (ListAssessmentRunAgents)";
    const details = agent.agentHealthDetails ? `: ${agent.agentHealthDetails}` : "";
    if (NO_PROOF_HEALTH.includes(agent.agentHealthCode ?? "UNKNOWN")) return `its agent's health code was ${agent.agentHealthCode ?? "missing"}${details}`;
    if (agent.agentHealth && agent.agentHealth !== "HEALTHY") return `its agent was ${agent.agentHealth}${details}`;
    const telemetry = (agent.telemetryMetadata ?? []).reduce((sum, t) => sum + (t.count ?? 0), 0);
    if (telemetry === 0) return "its agent sent no telemetry, so data collection did not complete";
    return undefined;
}

export function assessmentProof(
    instanceIds: Iterable<string>,
    agents: ReadonlyArray<AssessmentRunAgent>,
    announced: number | undefined,
    listed: number,
): AssessmentProof {
    const byId = new Map(agents.filter((agent) => agent.agentId).map((agent) => [agent.agentId!, agent]));
    const countProblem =
        announced === undefined
            ? "the completion message's findingsCount could not be read, so the listed findings cannot be checked against it"
            : announced !== listed
              ? `Inspector announced ${announced} finding(s) but ListFindings returned ${listed}`
              : undefined;
    const proof: AssessmentProof = { assessed: new Set(), reasons: {} };
    for (const instanceId of instanceIds) {
        const problem = countProblem ?? agentProblem(byId.get(instanceId));
        if (problem) proof.reasons[instanceId] = `${instanceId}: ${problem}`;
        else proof.assessed.add(instanceId);
    }
    return proof;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
