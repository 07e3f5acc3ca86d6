import { expect } from "chai";
import { agentProblem, assessmentProof } from "../../../engines/classic/proof";

const agent = (agentId: string, fields: Record<string, unknown> = {}) => ({
    agentId,
    assessmentRunArn: "arn:run",
    agentHealth: "HEALTHY",
    agentHealthCode: "IDLE",
    telemetryMetadata: [{ messageType: "InspectorTelemetry", count: 3 }],
    ...fields,
}) as any;

describe("Classic proof of assessment", () => {
    it("proves an agent that took part, stayed healthy and sent telemetry, when the counts match", () => {
        const proof = assessmentProof(["i-a", "i-b"], [agent("i-a"), agent("i-b", { agentHealthCode: "SHUTDOWN" })], 4, 4);
        expect([...proof.assessed]).to.deep.equal(["i-a", "i-b"]);
        expect(proof.reasons).to.deep.equal({});
    });

    it("names what is missing for each agent", () => {
        expect(agentProblem(undefined)).to.include("not among the run's agents");
        expect(agentProblem(agent("i", { agentHealthCode: "UNHEALTHY", agentHealthDetails: "no IMDSv1" }))).to.equal("its agent's health code was UNHEALTHY: no IMDSv1");
        expect(agentProblem(agent("i", { agentHealthCode: "UNKNOWN" }))).to.include("UNKNOWN");
        expect(agentProblem(agent("i", { agentHealth: "UNHEALTHY", agentHealthCode: "RUNNING" }))).to.equal("its agent was UNHEALTHY");
        expect(agentProblem(agent("i", { telemetryMetadata: [{ messageType: "x", count: 0 }] }))).to.include("no telemetry");
    });

    it("proves nothing when the listed findings differ from the announced count, or it is unknown", () => {
        expect(assessmentProof(["i-a"], [agent("i-a")], 5, 4).reasons).to.deep.equal({ "i-a": "i-a: Inspector announced 5 finding(s) but ListFindings returned 4" });
        expect(assessmentProof(["i-a"], [agent("i-a")], undefined, 4).assessed.size).to.equal(0);
    });
});
