import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { launchInstance } from "../../../pipeline/launch/launchInstance";
import { CLASSIC_LAUNCH_PROFILE } from "../../../engines/classic/launchProfile";
import { ec2Error, isolatedMock } from "../../support/launchFixtures";

const plan = { imageId: "ami-1", instanceType: "t3.medium", rootDeviceName: "/dev/xvda", tags: [], profile: CLASSIC_LAUNCH_PROFILE };
const options = { runId: "run-1", subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupId: "sg-1" };

function setup() {
    const ec2 = new EC2Client({ region: "us-east-1" });
    return { ec2, mock: isolatedMock(ec2) };
}

describe("launchInstance", () => {
    it("launches in the first subnet", async () => {
        const { ec2, mock } = setup();
        mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: "i-1" }] });
        expect(await launchInstance(ec2, plan, options)).to.deep.equal({ instanceId: "i-1", subnetId: "subnet-a" });
        expect(mock.commandCalls(RunInstancesCommand)).to.have.length(1);
    });

    it("moves to the next subnet on InsufficientInstanceCapacity or an AZ without the type, with a new client token", async () => {
        const { ec2, mock } = setup();
        mock.on(RunInstancesCommand)
            .rejectsOnce(ec2Error("InsufficientInstanceCapacity"))
            .rejectsOnce(ec2Error("Unsupported", "Your requested instance type (t3.medium) is not supported in your requested Availability Zone"))
            .resolves({ Instances: [{ InstanceId: "i-1" }] });
        expect(await launchInstance(ec2, plan, options)).to.deep.equal({ instanceId: "i-1", subnetId: "subnet-c" });
        const inputs = mock.commandCalls(RunInstancesCommand).map((call) => call.args[0].input);
        expect(inputs.map((input) => input.SubnetId)).to.deep.equal(["subnet-a", "subnet-b", "subnet-c"]);
        expect(new Set(inputs.map((input) => input.ClientToken)).size).to.equal(3);
    });

    it("reports every subnet tried when none has capacity", async () => {
        const { ec2, mock } = setup();
        mock.on(RunInstancesCommand).rejects(ec2Error("InsufficientInstanceCapacity", "no t3.medium"));
        const result = await launchInstance(ec2, plan, { ...options, subnetIds: ["subnet-a", "subnet-b"] });
        expect(result).to.deep.equal({ error: "subnet-a: InsufficientInstanceCapacity: no t3.medium; subnet-b: InsufficientInstanceCapacity: no t3.medium" });
    });

    it("does not try other subnets for an error that would repeat there", async () => {
        const { ec2, mock } = setup();
        mock.on(RunInstancesCommand).rejects(ec2Error("InvalidAMIID.NotFound", "The image id '[ami-1]' does not exist"));
        expect(await launchInstance(ec2, plan, options)).to.deep.equal({ error: "subnet-a: InvalidAMIID.NotFound: The image id '[ami-1]' does not exist" });
        expect(mock.commandCalls(RunInstancesCommand)).to.have.length(1);
    });

    it("turns a thrown non-SDK error or an empty answer into a failed launch, never a throw", async () => {
        const { ec2, mock } = setup();
        mock.on(RunInstancesCommand).rejectsOnce(new TypeError("bad")).resolvesOnce({ Instances: [] });
        expect(await launchInstance(ec2, plan, options)).to.deep.equal({ error: "subnet-a: TypeError: bad" });
        expect(await launchInstance(ec2, plan, options)).to.deep.equal({ error: "RunInstances in subnet-a returned no instance" });
        expect(await launchInstance(ec2, plan, { ...options, subnetIds: [] })).to.deep.equal({ error: "no subnets configured" });
    });
});
