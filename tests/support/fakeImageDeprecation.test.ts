// The fake's deprecation calls behave as EC2 documents them, so the cycles that use them prove something.
import { CreateTagsCommand, DeleteTagsCommand, DescribeImagesCommand, DisableImageDeprecationCommand, EnableImageDeprecationCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { FakeAws } from "./fakeAws";

const NOW = new Date("2026-12-02T10:15:42.000Z");
const OTHER = "999988887777";

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected a rejection");
}

describe("FakeAws image deprecation", () => {
    it("deprecates an owned AMI at the nearest minute, shows it in DescribeImages, and cancels it", async () => {
        const world = new FakeAws(NOW);
        world.addImage("ami-own");
        await world.ec2.send(new EnableImageDeprecationCommand({ ImageId: "ami-own", DeprecateAt: new Date("2026-12-02T10:17:31.000Z") }));
        const described = await world.ec2.send(new DescribeImagesCommand({ Owners: ["self"] }));
        expect(described.Images?.[0].DeprecationTime).to.equal("2026-12-02T10:18:00.000Z");
        // A described image is a copy: changing it changes nothing in the fake.
        described.Images![0].DeprecationTime = "changed";
        expect(world.images[0].DeprecationTime).to.equal("2026-12-02T10:18:00.000Z");
        await world.ec2.send(new DisableImageDeprecationCommand({ ImageId: "ami-own" }));
        expect(world.images[0]).to.not.have.property("DeprecationTime");
        // Cancelling again is no error.
        await world.ec2.send(new DisableImageDeprecationCommand({ ImageId: "ami-own" }));
        expect(world.calls).to.deep.equal(["EnableImageDeprecation ami-own", "DescribeImages", "DisableImageDeprecation ami-own", "DisableImageDeprecation ami-own"]);
    });

    it("refuses another owner's AMI, an unknown AMI and a time in the past", async () => {
        const world = new FakeAws(NOW);
        world.addImage("ami-own");
        world.addImage("ami-shared", { ownerId: OTHER });
        const future = new Date(NOW.getTime() + 120_000);
        expect((await rejection(world.ec2.send(new EnableImageDeprecationCommand({ ImageId: "ami-shared", DeprecateAt: future })))).name).to.equal("AuthFailure");
        expect((await rejection(world.ec2.send(new DisableImageDeprecationCommand({ ImageId: "ami-shared" })))).name).to.equal("AuthFailure");
        expect((await rejection(world.ec2.send(new EnableImageDeprecationCommand({ ImageId: "ami-gone", DeprecateAt: future })))).name).to.equal("InvalidAMIID.NotFound");
        const past = new Date(NOW.getTime() - 60_000);
        expect((await rejection(world.ec2.send(new EnableImageDeprecationCommand({ ImageId: "ami-own", DeprecateAt: past })))).name).to.equal("InvalidParameterValue");
        expect(world.images.map((image) => image.DeprecationTime)).to.deep.equal([undefined, undefined]);
    });

    it("DeleteTags: a key alone whatever its value, a key with a value only if it matches, a missing key is no error", async () => {
        const world = new FakeAws(NOW);
        world.addImage("ami-own", { tags: { Golden: "true", marker: "FAIL x", keep: "1" } });
        await world.ec2.send(new DeleteTagsCommand({ Resources: ["ami-own"], Tags: [{ Key: "keep", Value: "2" }, { Key: "absent" }] }));
        expect(world.imageTags("ami-own")).to.deep.equal({ Golden: "true", marker: "FAIL x", keep: "1" });
        await world.ec2.send(new DeleteTagsCommand({ Resources: ["ami-own"], Tags: [{ Key: "marker" }, { Key: "keep", Value: "1" }] }));
        expect(world.imageTags("ami-own")).to.deep.equal({ Golden: "true" });
        expect((await rejection(world.ec2.send(new DeleteTagsCommand({ Resources: ["ami-gone"], Tags: [{ Key: "x" }] })))).name).to.equal("InvalidAMIID.NotFound");
    });

    it("DescribeImages: self is the caller's AMIs; another owner's deprecated AMI only with IncludeDeprecated", async () => {
        const world = new FakeAws(NOW);
        world.addImage("ami-own", { deprecationTime: "2026-01-01T00:00:00.000Z" });
        world.addImage("ami-shared", { ownerId: OTHER });
        world.addImage("ami-shared-old", { ownerId: OTHER, deprecationTime: "2026-01-01T00:00:00.000Z" });
        world.addImage("ami-shared-later", { ownerId: OTHER, deprecationTime: "2027-01-01T00:00:00.000Z" });
        world.imagePageSize = 10;
        const ids = async (input: object) => ((await world.ec2.send(new DescribeImagesCommand(input))).Images ?? []).map((image) => image.ImageId);
        expect(await ids({ Owners: ["self"] })).to.deep.equal(["ami-own"]);
        expect(await ids({ Owners: ["self", OTHER] })).to.deep.equal(["ami-own", "ami-shared", "ami-shared-later"]);
        expect(await ids({ Owners: [OTHER], IncludeDeprecated: true })).to.deep.equal(["ami-shared", "ami-shared-old", "ami-shared-later"]);
        // Tagging a shared AMI is allowed: the tags are the caller's own.
        await world.ec2.send(new CreateTagsCommand({ Resources: ["ami-shared"], Tags: [{ Key: "seen", Value: "yes" }] }));
        expect(world.imageTags("ami-shared").seen).to.equal("yes");
    });
});
