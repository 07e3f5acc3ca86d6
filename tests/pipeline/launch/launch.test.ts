import { expect } from "chai";
import {
    CLIENT_TOKEN_MAX,
    EC2_TAG_LIMIT,
    assessmentInstanceTags,
    chooseInstanceType,
    launchClientToken,
    planLaunch,
    runInstancesInput,
} from "../../../pipeline/launch/launch";
import { INSTANCE_TYPE_OVERRIDE_TAG, PIPELINE_TAG, RUN_TAG, SOURCE_AMI_TAG, VERDICT_TAG } from "../../../pipeline/run/tags";
import { LINUX_AGENT_SCRIPT, WINDOWS_AGENT_SCRIPT } from "../../../engines/classic/userData";
import { decodeUserData, fakeImage } from "../../support/launchFixtures";
import { CLASSIC_LAUNCH_PROFILE } from "../../../engines/classic/launchProfile";
import { tagMap } from "../../../pipeline/run/tags";

const INSTANCE_TYPES = { x86_64: "t3.medium", arm64: "t4g.medium" };
const OWN = { [PIPELINE_TAG]: "golden", [RUN_TAG]: "2026-11-23T10-00-00Z-abc123", [SOURCE_AMI_TAG]: "ami-1" };
const CONTEXT = { pipelineName: "golden", runId: "2026-11-23T10-00-00Z-abc123", instanceTypes: INSTANCE_TYPES, profile: CLASSIC_LAUNCH_PROFILE };

function manyTags(count: number): Record<string, string> {
    const tags: Record<string, string> = {};
    for (let i = 0; i < count; i++) tags[`team-tag-${String(i).padStart(2, "0")}`] = `value-${i}`;
    return tags;
}

describe("tagMap", () => {
    it("reads an AMI without any tags (Tags undefined) as no tags", () => {
        expect(tagMap(undefined)).to.deep.equal({});
    });
    it("maps keys to values, a missing value to empty", () => {
        expect(tagMap([{ Key: "a", Value: "1" }, { Key: "b" }, { Value: "orphan" }])).to.deep.equal({ a: "1", b: "" });
    });
});

describe("assessmentInstanceTags", () => {
    it("keeps an AMI with 60 tags to EC2's 50, ours first and in full, the rest in key order", () => {
        const tags = assessmentInstanceTags(OWN, manyTags(60));
        expect(tags).to.have.length(EC2_TAG_LIMIT);
        expect(tags.slice(0, 3)).to.deep.equal(Object.entries(OWN).map(([Key, Value]) => ({ Key, Value })));
        expect(tags.slice(3).map((t) => t.Key)).to.deep.equal(Object.keys(manyTags(47)));
    });

    it("skips aws: keys, which EC2 refuses, whatever their case", () => {
        const tags = assessmentInstanceTags(OWN, { "aws:ec2launchtemplate:id": "lt-1", "AWS:x": "y", Name: "base" });
        expect(tags.map((t) => t.Key)).to.deep.equal([...Object.keys(OWN), "Name"]);
    });

    it("lets our values win over the AMI's tags of the same key, and drops the AMI's own product tags", () => {
        const tags = assessmentInstanceTags(OWN, { [PIPELINE_TAG]: "someone-else", [VERDICT_TAG]: "FAIL", [INSTANCE_TYPE_OVERRIDE_TAG]: "m5.large", Owner: "team" });
        expect(tags).to.deep.equal([...Object.entries(OWN).map(([Key, Value]) => ({ Key, Value })), { Key: "Owner", Value: "team" }]);
    });

    it("never copies Inspector's InspectorEc2Exclusion tag, whatever its case: the instance exists to be scanned", () => {
        const tags = assessmentInstanceTags(OWN, { InspectorEc2Exclusion: "true", inspectorec2exclusion: "", Owner: "team" });
        expect(tags.map((t) => t.Key)).to.deep.equal([...Object.keys(OWN), "Owner"]);
    });

    it("is the same whatever order the AMI's tags come in", () => {
        const forward = manyTags(60);
        const backward = Object.fromEntries(Object.entries(forward).reverse());
        expect(assessmentInstanceTags(OWN, backward)).to.deep.equal(assessmentInstanceTags(OWN, forward));
    });
});

describe("chooseInstanceType", () => {
    it("uses the type configured for the AMI's architecture", () => {
        expect(chooseInstanceType(fakeImage("ami-1", { architecture: "arm64" }), INSTANCE_TYPES)).to.deep.equal({ instanceType: "t4g.medium" });
    });
    it("lets the AMI's override tag win when it names a configured type", () => {
        const image = fakeImage("ami-1", { tags: [{ Key: INSTANCE_TYPE_OVERRIDE_TAG, Value: " m6i.large " }] });
        expect(chooseInstanceType(image, { ...INSTANCE_TYPES, x86_64: "m6i.large" })).to.deep.equal({ instanceType: "m6i.large" });
        const arm = fakeImage("ami-2", { architecture: "arm64", tags: [{ Key: INSTANCE_TYPE_OVERRIDE_TAG, Value: "t3.medium" }] });
        expect(chooseInstanceType(arm, INSTANCE_TYPES)).to.deep.equal({ instanceType: "t3.medium" });
    });
    it("refuses an override the start role may not launch, naming it and the configured types", () => {
        const image = fakeImage("ami-1", { tags: [{ Key: INSTANCE_TYPE_OVERRIDE_TAG, Value: "m5.24xlarge" }] });
        const choice = chooseInstanceType(image, INSTANCE_TYPES);
        expect(choice).to.have.property("error").that.includes("m5.24xlarge").and.includes("t3.medium, t4g.medium").and.includes(INSTANCE_TYPE_OVERRIDE_TAG);
        expect(planLaunch(image, CONTEXT)).to.deep.equal({ error: (choice as { error: string }).error });
    });
    it("ignores an empty override", () => {
        const image = fakeImage("ami-1", { tags: [{ Key: INSTANCE_TYPE_OVERRIDE_TAG, Value: "" }] });
        expect(chooseInstanceType(image, INSTANCE_TYPES)).to.deep.equal({ instanceType: "t3.medium" });
    });
    it("explains an architecture without a configured type", () => {
        const choice = chooseInstanceType(fakeImage("ami-1", { architecture: "i386" }), INSTANCE_TYPES);
        expect(choice).to.have.property("error").that.includes("i386").and.includes(INSTANCE_TYPE_OVERRIDE_TAG);
    });
});

describe("launchClientToken", () => {
    it("is stable for the same run, AMI and subnet attempt and differs otherwise, within 64 characters", () => {
        const token = launchClientToken(CONTEXT.runId, "ami-0123456789abcdef0", 0);
        expect(token).to.equal(launchClientToken(CONTEXT.runId, "ami-0123456789abcdef0", 0));
        expect(token).not.to.equal(launchClientToken(CONTEXT.runId, "ami-0123456789abcdef0", 1));
        expect(token).not.to.equal(launchClientToken(CONTEXT.runId, "ami-0123456789abcdef1", 0));
        expect(token.length).to.be.at.most(CLIENT_TOKEN_MAX);
    });
});

describe("planLaunch", () => {
    it("plans type, root device, platform and tags (ours with the run and source AMI)", () => {
        const result = planLaunch(fakeImage("ami-1", { architecture: "arm64", rootDeviceName: "/dev/sda1" }), CONTEXT);
        expect(result).to.deep.equal({
            plan: {
                imageId: "ami-1",
                instanceType: "t4g.medium",
                rootDeviceName: "/dev/sda1",
                platform: undefined,
                tags: [...Object.entries(OWN).map(([Key, Value]) => ({ Key, Value })), { Key: "Golden", Value: "true" }],
                profile: CLASSIC_LAUNCH_PROFILE,
            },
        });
    });
    it("refuses an instance-store root (no encrypted EBS root possible)", () => {
        const image = { ...fakeImage("ami-1"), RootDeviceType: "instance-store" as const };
        expect(planLaunch(image, CONTEXT)).to.have.property("error").that.includes("instance-store");
    });
    it("refuses an AMI without a root device name", () => {
        expect(planLaunch({ ...fakeImage("ami-1"), RootDeviceName: undefined }, CONTEXT)).to.have.property("error");
    });
});

describe("runInstancesInput", () => {
    const plan = { imageId: "ami-1", instanceType: "t3.medium", rootDeviceName: "/dev/xvda", tags: [{ Key: PIPELINE_TAG, Value: "golden" }], profile: CLASSIC_LAUNCH_PROFILE };
    const placement = { subnetId: "subnet-a", securityGroupId: "sg-1", clientToken: "token-1" };

    it("launches exactly one instance, encrypted, self-terminating, IMDSv1 allowed, tagged with its volume", () => {
        expect(runInstancesInput(plan, placement)).to.deep.equal({
            ImageId: "ami-1",
            InstanceType: "t3.medium",
            MinCount: 1,
            MaxCount: 1,
            ClientToken: "token-1",
            SubnetId: "subnet-a",
            SecurityGroupIds: ["sg-1"],
            UserData: Buffer.from(LINUX_AGENT_SCRIPT).toString("base64"),
            InstanceInitiatedShutdownBehavior: "terminate",
            BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { Encrypted: true, DeleteOnTermination: true } }],
            MetadataOptions: { HttpTokens: "optional", HttpEndpoint: "enabled" },
            TagSpecifications: [
                { ResourceType: "instance", Tags: plan.tags },
                { ResourceType: "volume", Tags: plan.tags },
            ],
        });
    });

    it("launches Inspector v2 instances with the SSM instance profile, IMDSv2 required and no user data", () => {
        const input = runInstancesInput({ ...plan, profile: { httpTokens: "required", instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/p" } }, placement);
        expect(input.MetadataOptions).to.deep.equal({ HttpTokens: "required", HttpEndpoint: "enabled" });
        expect(input.IamInstanceProfile).to.deep.equal({ Arn: "arn:aws:iam::123456789012:instance-profile/p" });
        expect(input).not.to.have.property("UserData");
    });

    it("installs the Windows agent on a Windows AMI", () => {
        expect(decodeUserData(runInstancesInput({ ...plan, platform: "windows" }, placement).UserData)).to.equal(WINDOWS_AGENT_SCRIPT);
    });
});
