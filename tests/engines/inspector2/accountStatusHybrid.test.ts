// The account's EC2 scan mode in the run report: start reads it (GetConfiguration, now granted)
// and says when the account is hybrid, where Inspector may scan new instances agentlessly first.
import { expect } from "chai";
import { GetConfigurationCommand } from "@aws-sdk/client-inspector2";
import { AwsStub } from "aws-sdk-client-mock";
import { scanModeNotes } from "../../../engines/inspector2/start";
import { MINUTE, newV2World, reportOf, scanAll, start, sweepUntilReported } from "../../support/cycles/inspector2/world";

describe("scanModeNotes (pure)", () => {
    it("says so for a hybrid account, and nothing for an agent-based one or an unknown mode", () => {
        expect(scanModeNotes("EC2_HYBRID")).to.have.length(1);
        expect(scanModeNotes("EC2_HYBRID")[0]).to.include("hybrid (EC2_HYBRID)").and.include("agentlessly");
        expect(scanModeNotes("EC2_SSM_AGENT_BASED")).to.deep.equal([]);
        expect(scanModeNotes(undefined)).to.deep.equal([]);
    });
});

describe("the run report names the account's scan mode", () => {
    async function reportNotes(scanMode: string): Promise<string[]> {
        const w = newV2World();
        // GetConfiguration as the account answers it (SDK GetConfigurationResponse.ec2Configuration.scanModeState).
        new AwsStub<any, any, any>(w.aws.inspector2, w.aws.inspector2.send as any).on(GetConfigurationCommand).callsFake(async (input) => {
            await w.aws.enter("GetConfiguration", input);
            return { ec2Configuration: { scanModeState: { scanMode, scanModeStatus: "SUCCESS" } } };
        });
        const { runId } = await start(w);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, runId);
        return reportOf(w, runId)!.notes;
    }

    it("hybrid: the report says Inspector may scan the instances agentlessly first", async () => {
        expect((await reportNotes("EC2_HYBRID")).join("\n")).to.include("hybrid (EC2_HYBRID)");
    });

    it("agent-based: no such note", async () => {
        expect((await reportNotes("EC2_SSM_AGENT_BASED")).join("\n")).not.to.include("hybrid");
    });
});
