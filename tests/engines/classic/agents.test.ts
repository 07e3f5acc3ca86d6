import * as inspectorSdk from "@aws-sdk/client-inspector";
import { InspectorClient } from "@aws-sdk/client-inspector";
import { expect } from "chai";
import { AGENT_POLL_INTERVAL_MS, agentVerdicts, previewAgentHealth, waitForHealthyAgents } from "../../../engines/classic/agents";
import { TARGET_ARN, fakeClock, inspectorError, isolatedMock } from "../../support/launchFixtures";

// client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match.
const PreviewAgentsCommand = inspectorSdk.PreviewAgentsCommand as any;

function setup() {
    const inspector = new InspectorClient({ region: "us-east-1" });
    const mock = isolatedMock(inspector);
    const clock = fakeClock();
    return { inspector, mock, clock };
}

describe("previewAgentHealth", () => {
    it("asks for the target's agents 500 at a time and reads every page", async () => {
        const { inspector, mock } = setup();
        mock.on(PreviewAgentsCommand)
            .resolvesOnce({ agentPreviews: [{ agentId: "i-1", agentHealth: "HEALTHY" }], nextToken: "t2" })
            .resolvesOnce({ agentPreviews: [{ agentId: "i-2", agentHealth: "UNHEALTHY" }, { agentId: "i-3" }] });
        expect(await previewAgentHealth(inspector, TARGET_ARN)).to.deep.equal({ "i-1": "HEALTHY", "i-2": "UNHEALTHY", "i-3": "UNKNOWN" });
        expect(mock.commandCalls(PreviewAgentsCommand).map((call) => call.args[0].input)).to.deep.equal([
            { previewAgentsArn: TARGET_ARN, maxResults: 500, nextToken: undefined },
            { previewAgentsArn: TARGET_ARN, maxResults: 500, nextToken: "t2" },
        ]);
    });
});

describe("agentVerdicts", () => {
    it("gives a reason for every instance that is not HEALTHY", () => {
        const verdicts = agentVerdicts(["i-1", "i-2", "i-3"], { "i-1": "HEALTHY", "i-2": "UNHEALTHY" }, 600);
        expect(verdicts.healthy).to.deep.equal(["i-1"]);
        expect(verdicts.unhealthy.map((agent) => [agent.instanceId, agent.health])).to.deep.equal([
            ["i-2", "UNHEALTHY"],
            ["i-3", undefined],
        ]);
        expect(verdicts.unhealthy[0].reason).to.include("UNHEALTHY after 600s").and.include("IMDSv2");
        expect(verdicts.unhealthy[1].reason).to.include("no Inspector agent reported within 600s");
    });
    it("mentions the last polling error", () => {
        expect(agentVerdicts(["i-1"], {}, 30, "ThrottlingException: slow down").unhealthy[0].reason).to.include("ThrottlingException: slow down");
    });
});

describe("waitForHealthyAgents", () => {
    it("returns after one poll, without sleeping, when every agent is already healthy", async () => {
        const { inspector, mock, clock } = setup();
        mock.on(PreviewAgentsCommand).resolves({ agentPreviews: [{ agentId: "i-1", agentHealth: "HEALTHY" }, { agentId: "i-other", agentHealth: "UNHEALTHY" }] });
        const result = await waitForHealthyAgents(inspector, { assessmentTargetArn: TARGET_ARN, instanceIds: ["i-1"], deadlineMs: clock.ms + 600_000, now: clock.now, sleep: clock.sleep });
        expect(result).to.deep.include({ healthy: ["i-1"], unhealthy: [], polls: 1, waitedSeconds: 0 });
        expect(clock.sleeps).to.deep.equal([]);
    });

    it("polls every 15 s until the last agent turns healthy", async () => {
        const { inspector, mock, clock } = setup();
        mock.on(PreviewAgentsCommand)
            .resolvesOnce({ agentPreviews: [] })
            .resolvesOnce({ agentPreviews: [{ agentId: "i-1", agentHealth: "HEALTHY" }, { agentId: "i-2", agentHealth: "UNKNOWN" }] })
            .resolves({ agentPreviews: [{ agentId: "i-1", agentHealth: "HEALTHY" }, { agentId: "i-2", agentHealth: "HEALTHY" }] });
        const result = await waitForHealthyAgents(inspector, { assessmentTargetArn: TARGET_ARN, instanceIds: ["i-1", "i-2"], deadlineMs: clock.ms + 600_000, now: clock.now, sleep: clock.sleep });
        expect(result.healthy).to.deep.equal(["i-1", "i-2"]);
        expect(result.polls).to.equal(3);
        expect(clock.sleeps).to.deep.equal([AGENT_POLL_INTERVAL_MS, AGENT_POLL_INTERVAL_MS]);
    });

    it("gives up at the deadline, polling one last time there, and never sleeps past it", async () => {
        const { inspector, mock, clock } = setup();
        mock.on(PreviewAgentsCommand).resolves({ agentPreviews: [{ agentId: "i-1", agentHealth: "HEALTHY" }, { agentId: "i-2", agentHealth: "UNHEALTHY" }] });
        const result = await waitForHealthyAgents(inspector, { assessmentTargetArn: TARGET_ARN, instanceIds: ["i-1", "i-2"], deadlineMs: clock.ms + 40_000, now: clock.now, sleep: clock.sleep });
        expect(clock.sleeps).to.deep.equal([15_000, 15_000, 10_000]);
        expect(result.polls).to.equal(4);
        expect(result.waitedSeconds).to.equal(40);
        expect(result.healthy).to.deep.equal(["i-1"]);
        expect(result.unhealthy).to.have.length(1);
        expect(result.unhealthy[0]).to.include({ instanceId: "i-2", health: "UNHEALTHY" });
    });

    it("counts a throttled poll as no news and tries again next round", async () => {
        const { inspector, mock, clock } = setup();
        mock.on(PreviewAgentsCommand)
            .rejectsOnce(inspectorError("ThrottlingException", "Rate exceeded"))
            .resolves({ agentPreviews: [{ agentId: "i-1", agentHealth: "HEALTHY" }] });
        const logged: unknown[][] = [];
        const result = await waitForHealthyAgents(inspector, {
            assessmentTargetArn: TARGET_ARN,
            instanceIds: ["i-1"],
            deadlineMs: clock.ms + 600_000,
            now: clock.now,
            sleep: clock.sleep,
            log: (...args) => logged.push(args),
        });
        expect(result.healthy).to.deep.equal(["i-1"]);
        expect(mock.commandCalls(PreviewAgentsCommand)).to.have.length(2);
        expect(clock.sleeps).to.deep.equal([15_000]);
        expect(JSON.stringify(logged)).to.include("ThrottlingException");
    });

    it("keeps the last known health when a poll fails, and names the error if it was the last word", async () => {
        const { inspector, mock, clock } = setup();
        mock.on(PreviewAgentsCommand)
            .resolvesOnce({ agentPreviews: [{ agentId: "i-1", agentHealth: "UNKNOWN" }] })
            .rejects(inspectorError("ThrottlingException", "Rate exceeded"));
        const result = await waitForHealthyAgents(inspector, { assessmentTargetArn: TARGET_ARN, instanceIds: ["i-1"], deadlineMs: clock.ms + 30_000, now: clock.now, sleep: clock.sleep });
        expect(result.unhealthy[0].health).to.equal("UNKNOWN");
        expect(result.unhealthy[0].reason).to.include("ThrottlingException: Rate exceeded");
    });

    it("throws an error that will not pass (access denied) instead of waiting it out", async () => {
        const { inspector, mock, clock } = setup();
        mock.on(PreviewAgentsCommand).rejects(inspectorError("AccessDeniedException", "not allowed"));
        const error = await waitForHealthyAgents(inspector, { assessmentTargetArn: TARGET_ARN, instanceIds: ["i-1"], deadlineMs: clock.ms + 600_000, now: clock.now, sleep: clock.sleep }).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(error?.name).to.equal("AccessDeniedException");
        expect(clock.sleeps).to.deep.equal([]);
    });
});
