import { expect } from "chai";
import { amiRecord, markUnhealthyAgents } from "../../../pipeline/launch/amiLaunches";
import { AmiRecord } from "../../../pipeline/run/manifest";
import { fakeImage } from "../../support/launchFixtures";

describe("amiRecord", () => {
    it("keeps id, name, architecture, platform and tags; an untagged AMI has {}", () => {
        expect(amiRecord(fakeImage("ami-1", { platform: "windows", tags: null }))).to.deep.equal({
            imageId: "ami-1",
            name: "golden-ami-1",
            architecture: "x86_64",
            platform: "Windows",
            tags: {},
        });
    });
});

describe("markUnhealthyAgents", () => {
    it("marks only the instances named, with their reason, leaving failed launches as they are", () => {
        const amis: AmiRecord[] = [
            { imageId: "ami-1", tags: {}, status: "ASSESSING", instanceId: "i-1" },
            { imageId: "ami-2", tags: {}, status: "ASSESSING", instanceId: "i-2" },
            { imageId: "ami-3", tags: {}, status: "LAUNCH_FAILED", reason: "capacity" },
        ];
        expect(markUnhealthyAgents(amis, [{ instanceId: "i-2", reason: "agent UNHEALTHY" }])).to.deep.equal([
            amis[0],
            { imageId: "ami-2", tags: {}, status: "AGENT_UNHEALTHY", instanceId: "i-2", reason: "agent UNHEALTHY" },
            amis[2],
        ]);
    });
});
