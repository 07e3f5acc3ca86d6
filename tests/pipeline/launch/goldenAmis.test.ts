import { DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { describeAmiTags, findGoldenAmis, goldenAmiQuery } from "../../../pipeline/launch/goldenAmis";
import { fakeImage, isolatedMock } from "../../support/launchFixtures";

describe("goldenAmiQuery", () => {
    it("filters by owners, one tag:K filter per tag, and the available state", () => {
        expect(goldenAmiQuery({ Golden: "true", Env: "prod" }, ["self", "123456789012"])).to.deep.equal({
            Owners: ["self", "123456789012"],
            Filters: [
                { Name: "tag:Golden", Values: ["true"] },
                { Name: "tag:Env", Values: ["prod"] },
                { Name: "state", Values: ["available"] },
            ],
            MaxResults: 1000,
        });
    });

    it("refuses no tags or no owners rather than matching every AMI", () => {
        expect(() => goldenAmiQuery({}, ["self"])).to.throw(/no golden AMI tags/);
        expect(() => goldenAmiQuery({ Golden: "true" }, [])).to.throw(/no AMI owners/);
    });

    it("describes the tags for a notice", () => {
        expect(describeAmiTags({ Golden: "true", Env: "prod" })).to.equal("Golden=true, Env=prod");
    });
});

describe("findGoldenAmis", () => {
    it("reads every page, passing each NextToken back, and returns each AMI once in ImageId order", async () => {
        const ec2 = new EC2Client({ region: "us-east-1" });
        const mock = isolatedMock(ec2);
        mock.on(DescribeImagesCommand)
            .resolvesOnce({ Images: [fakeImage("ami-3"), fakeImage("ami-1")], NextToken: "page-2" })
            .resolvesOnce({ Images: [], NextToken: "page-3" })
            .resolvesOnce({ Images: [fakeImage("ami-2"), fakeImage("ami-1"), { Name: "no id" }] });
        const images = await findGoldenAmis(ec2, { Golden: "true" }, ["self"]);
        expect(images.map((image) => image.ImageId)).to.deep.equal(["ami-1", "ami-2", "ami-3"]);
        expect(mock.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input.NextToken)).to.deep.equal([undefined, "page-2", "page-3"]);
    });
});
