// The mock harness itself: public Pulumi API only, parents and URNs, unknown data sources.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runUnderMocks } from "../../scripts/mockRuntime";

class Box extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Box", name, {}, {});
        new aws.sns.Topic(`${name}-topic`, { region: "eu-west-1" }, { parent: this });
        this.registerOutputs({});
    }
}

describe("mock runtime harness", () => {
    it("uses only Pulumi's public API (no deep imports of @pulumi/pulumi internals)", () => {
        const source = fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "mockRuntime.ts"), "utf8");
        expect(source).to.not.match(/@pulumi\/pulumi\//);
        expect(source).to.not.match(/getMonitor|leakCandidates|waitForRPCs|registerResource\b/);
    });

    it("records parents and URNs: the stack for top-level resources, the component for its children", async () => {
        const plan = await runUnderMocks(
            () => {
                new Box("a");
                new Box("b");
                return { ok: pulumi.output("yes") };
            },
            { project: "p", stack: "s", config: {} },
        );
        expect(plan.exports).to.deep.equal({ ok: "yes" });
        const box = plan.resources.find((r) => r.name === "a")!;
        expect(box.type).to.equal("test:index:Box");
        expect(box.parent).to.equal("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s");
        expect(box.urn).to.equal("urn:pulumi:s::p::pulumi:pulumi:Stack$test:index:Box::a");
        const topic = plan.resources.find((r) => r.name === "a-topic")!;
        expect(topic.parent).to.equal(box.urn);
        expect(topic.urn).to.contain("test:index:Box$aws:sns/topic:Topic::a-topic");
        expect(plan.resources.find((r) => r.name === "b-topic")!.parent).to.equal(plan.resources.find((r) => r.name === "b")!.urn);
        expect(plan.resources.map((r) => r.type)).to.not.include("pulumi:pulumi:Stack");
    });

    it("answers getPartition and getRegion, and an unknown data source with {} and a warning", async () => {
        const plan = await runUnderMocks(
            () => ({
                partition: aws.getPartitionOutput({}).partition,
                dnsSuffix: aws.getPartitionOutput({}).dnsSuffix,
                region: aws.getRegionOutput({ region: "eu-west-1" } as any).region,
                unknown: aws.ec2.getAmiIdsOutput({ owners: ["self"], filters: [] }).apply((r) => r.ids ?? "none"),
            }),
            { project: "p", stack: "s", config: {} },
        );
        expect(plan.exports).to.deep.include({ partition: "aws", dnsSuffix: "amazonaws.com", region: "eu-west-1" });
        expect(plan.warnings.join("\n")).to.contain("no mock for aws:ec2/getAmiIds:getAmiIds");
    });

    it("rejects with the program's error, also from inside apply()", async () => {
        let message = "";
        try {
            await runUnderMocks(
                () => {
                    const bad = pulumi.output("x").apply((v): string => {
                        throw new Error(`Invalid test:key = "${v}": must be y`);
                    });
                    new aws.sns.Topic("t", { region: "eu-west-1", displayName: bad });
                    return {};
                },
                { project: "p", stack: "s", config: {} },
            );
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).to.equal('Invalid test:key = "x": must be y');
    });
});
