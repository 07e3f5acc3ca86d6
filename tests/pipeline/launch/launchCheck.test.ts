import { DescribeInstancesCommand, EC2Client, Instance, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { amiRecord } from "../../../pipeline/launch/amiLaunches";
import { LAUNCH_CHECK_INTERVAL_SECONDS, confirmLaunches, launchDeathReason } from "../../../pipeline/launch/launchCheck";
import type { AmiRecord } from "../../../pipeline/run/manifest";
import { ec2Error, isolatedMock } from "../../support/launchFixtures";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const encryptedImage = {
    ImageId: "ami-cmk",
    BlockDeviceMappings: [
        { DeviceName: "/dev/xvda", Ebs: { SnapshotId: "snap-1", Encrypted: true } },
        { DeviceName: "/dev/xvdb", Ebs: { SnapshotId: "snap-2", Encrypted: false } },
    ],
};
const record = (imageId: string, instanceId: string, extra: Partial<AmiRecord> = {}): AmiRecord => ({ imageId, tags: {}, status: "ASSESSING", instanceId, ...extra });
const instance = (InstanceId: string, state: string, reason?: string): Instance =>
    ({ InstanceId, State: { Name: state }, ...(reason ? { StateReason: { Code: reason, Message: reason } } : {}) }) as Instance;

function setup() {
    const ec2 = new EC2Client({ region: "us-east-1" });
    const sleeps: number[] = [];
    return { ec2, mock: isolatedMock(ec2), sleeps, options: { sleep: async (ms: number) => void sleeps.push(ms), kmsKeyArns: [] as string[] } };
}

describe("launch check", () => {
    it("records which snapshots of an AMI are encrypted", () => {
        expect(amiRecord(encryptedImage).encryptedSnapshotIds).to.deep.equal(["snap-1"]);
        expect(amiRecord({ ImageId: "ami-plain" })).to.not.have.property("encryptedSnapshotIds");
    });

    it("marks an instance that died at launch LAUNCH_FAILED, naming its snapshots and kmsKeyArns", async () => {
        const { ec2, mock, options } = setup();
        mock.on(DescribeInstancesCommand).resolves({
            Reservations: [{ Instances: [instance("i-ok", "running"), instance("i-dead", "terminated", "Client.InternalError")] }],
        });
        const amis = [record("ami-ok", "i-ok"), { ...amiRecord(encryptedImage), status: "ASSESSING" as const, instanceId: "i-dead" }, record("ami-failed", "", { status: "LAUNCH_FAILED", instanceId: undefined, reason: "quota" })];
        const checked = await confirmLaunches(ec2, amis, options);
        expect(checked.map((ami) => ami.status)).to.deep.equal(["ASSESSING", "LAUNCH_FAILED", "LAUNCH_FAILED"]);
        expect(checked[1].reason).to.equal(
            "instance i-dead was terminated right after launch (Client.InternalError); its snapshots (snap-1) are encrypted, and if with a customer-managed KMS key, " +
                "the start role needs that key: add its ARN to kmsKeyArns (kmsKeyArns is empty, so it may use none)",
        );
        expect(checked[2].reason).to.equal("quota");
        expect(mock.commandCalls(DescribeInstancesCommand)[0].args[0].input.InstanceIds).to.deep.equal(["i-ok", "i-dead"]);
        // Already terminated: nothing to terminate.
        expect(mock.commandCalls(TerminateInstancesCommand)).to.have.length(0);
    });

    it("names the configured keys, and gives no KMS hint for an AMI without encrypted snapshots", () => {
        const dead = instance("i-1", "terminated", "Client.InvalidKMSKey.InvalidState");
        expect(launchDeathReason({ ...record("ami-1", "i-1"), encryptedSnapshotIds: ["snap-9"] }, dead, [KEY])).to.contain(`the keys it may use are ${KEY}`);
        expect(launchDeathReason(record("ami-1", "i-1"), dead, [KEY])).to.equal("instance i-1 was terminated right after launch (Client.InvalidKMSKey.InvalidState)");
    });

    it("waits while an instance is pending, and terminates one that stopped instead of running", async () => {
        const { ec2, mock, options, sleeps } = setup();
        mock.on(DescribeInstancesCommand)
            .resolvesOnce({ Reservations: [{ Instances: [instance("i-1", "pending"), instance("i-2", "pending")] }] })
            .resolvesOnce({ Reservations: [{ Instances: [instance("i-1", "running"), instance("i-2", "pending")] }] })
            .resolves({ Reservations: [{ Instances: [instance("i-2", "stopped", "Server.InternalError")] }] });
        mock.on(TerminateInstancesCommand).resolves({});
        const checked = await confirmLaunches(ec2, [record("ami-1", "i-1"), record("ami-2", "i-2")], options);
        expect(checked.map((ami) => ami.status)).to.deep.equal(["ASSESSING", "LAUNCH_FAILED"]);
        expect(sleeps).to.deep.equal([LAUNCH_CHECK_INTERVAL_SECONDS * 1000, LAUNCH_CHECK_INTERVAL_SECONDS * 1000]);
        // Only the instance still pending is asked about again.
        expect(mock.commandCalls(DescribeInstancesCommand).map((call) => call.args[0].input.InstanceIds)).to.deep.equal([["i-1", "i-2"], ["i-1", "i-2"], ["i-2"]]);
        expect(mock.commandCalls(TerminateInstancesCommand)[0].args[0].input.InstanceIds).to.deep.equal(["i-2"]);
    });

    it("asks again after NotFound (eventual consistency) or a throttle, and stops waiting at the limit", async () => {
        const { ec2, mock, options, sleeps } = setup();
        mock.on(DescribeInstancesCommand)
            .rejectsOnce(ec2Error("InvalidInstanceID.NotFound"))
            .rejectsOnce(ec2Error("RequestLimitExceeded"))
            .resolves({ Reservations: [{ Instances: [instance("i-1", "pending")] }] });
        const checked = await confirmLaunches(ec2, [record("ami-1", "i-1")], { ...options, waitSeconds: 30 });
        expect(checked[0].status).to.equal("ASSESSING");
        expect(sleeps).to.have.length(3);
        expect(mock.commandCalls(DescribeInstancesCommand)).to.have.length(4);
    });

    it("trusts the launches when the check itself is refused, and never throws", async () => {
        const { ec2, mock, options } = setup();
        mock.on(DescribeInstancesCommand).rejects(ec2Error("UnauthorizedOperation"));
        const checked = await confirmLaunches(ec2, [record("ami-1", "i-1")], options);
        expect(checked[0].status).to.equal("ASSESSING");
        expect(mock.commandCalls(DescribeInstancesCommand)).to.have.length(1);
    });

    it("makes no call when nothing was launched", async () => {
        const { ec2, mock, options } = setup();
        await confirmLaunches(ec2, [record("ami-1", "", { status: "LAUNCH_FAILED", instanceId: undefined })], options);
        expect(mock.commandCalls(DescribeInstancesCommand)).to.have.length(0);
    });
});
