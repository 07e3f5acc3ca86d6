// The component imported into another stack: arguments are Inputs, validated with their names.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { GoldenAmiAssessment, GoldenAmiAssessmentArgs } from "../../components/goldenAmiAssessment";
import { runUnderMocks } from "../../scripts/mockRuntime";

async function planComponent(args: Partial<GoldenAmiAssessmentArgs>) {
    return runUnderMocks(
        () => {
            const assessment = new GoldenAmiAssessment("golden-amis", { region: "eu-west-1", amiTags: { golden: "true" }, ...args });
            return { templateArn: assessment.templateArn, bucketName: assessment.bucketName };
        },
        { project: "consumer", stack: "prod", config: {} },
    );
}

async function errorOf(args: Partial<GoldenAmiAssessmentArgs>): Promise<string> {
    try {
        await planComponent(args);
    } catch (error) {
        return (error as Error).message;
    }
    return "";
}

describe("GoldenAmiAssessment arguments", () => {
    it("accepts Inputs and applies secure defaults", async () => {
        const plan = await planComponent({ engine: "classic", amiTags: pulumi.output({ golden: "true" }), duration: pulumi.output("15m"), severityThreshold: "Low" });
        const template = plan.resources.find((r) => r.type === "aws:inspector/assessmentTemplate:AssessmentTemplate")!;
        expect(template.inputs.duration).to.equal(900);
        expect(template.inputs.rulesPackageArns).to.have.length(3);
        const start = plan.resources.find((r) => r.name === "golden-amis-start")!;
        expect(JSON.parse(start.inputs.environment.variables.AMI_OWNERS)).to.deep.equal(["self"]);
        const schedule = plan.resources.find((r) => r.name === "golden-amis-schedule")!;
        expect(schedule.inputs.scheduleExpression).to.equal("rate(7 days)");
        const analyze = plan.resources.find((r) => r.name === "golden-amis-analyze")!;
        expect(analyze.inputs.environment.variables.SEVERITY_THRESHOLD).to.equal("Low");
        expect(plan.exports.bucketName).to.match(/^golden-amis-reports-/);
    });

    it("defaults to Inspector v2: no Classic resources, the v2 settings in the environment", async () => {
        const plan = await planComponent({});
        expect(plan.resources.filter((r) => r.type.startsWith("aws:inspector/"))).to.deep.equal([]);
        const start = plan.resources.find((r) => r.name === "golden-amis-start")!;
        expect(start.inputs.environment.variables).to.include({ ENGINE: "inspector2", SCAN_MODE: "instance", RULES_PACKAGES: '["cve"]' });
        expect(plan.resources.some((r) => r.type === "aws:inspector2/enabler:Enabler"), "no Enabler unless opted in").to.equal(false);
        expect(plan.exports.templateArn).to.equal(undefined);
    });

    it("enables Inspector v2 for EC2 only when asked", async () => {
        const plan = await planComponent({ enableInspector: true });
        const enabler = plan.resources.find((r) => r.type === "aws:inspector2/enabler:Enabler")!;
        expect(enabler.inputs.resourceTypes).to.deep.equal(["EC2"]);
    });

    it("rejects a package Inspector v2 cannot serve, naming package and engine", async () => {
        const message = await errorOf({ rulesPackages: ["cve", "security-best-practices"] });
        expect(message).to.contain("argument rulesPackages").and.contain('"security-best-practices"').and.contain("engine inspector2");
    });

    it("rejects an unknown engine at once", async () => {
        const message = await errorOf({ engine: "v3" as any });
        expect(message).to.contain('argument engine = "v3"').and.contain("inspector2, classic");
    });

    it("rejects a region without Inspector Classic at once", async () => {
        const message = await errorOf({ engine: "classic", region: "ca-central-1" });
        expect(message).to.contain('GoldenAmiAssessment "golden-amis" argument region = "ca-central-1"').and.contain("eu-west-1");
    });

    it("rejects an empty amiTags output when it resolves", async () => {
        const message = await errorOf({ amiTags: pulumi.output({}) });
        expect(message).to.contain('argument amiTags = {}').and.contain("every AMI");
    });

    it("rejects a bad duration, naming the argument", async () => {
        const message = await errorOf({ duration: "90m" });
        expect(message).to.contain('argument duration = "90m"').and.contain("15m, 1h, 8h, 12h, 24h");
    });

    it("rejects a rules package the region lacks", async () => {
        const message = await errorOf({ engine: "classic", region: "us-gov-west-1", rulesPackages: ["network-reachability"] });
        expect(message).to.contain("argument rulesPackages").and.contain("not available in us-gov-west-1");
    });

    it("refuses a bad plain argument before any child resource, as a ResourceError naming it (issue 19)", async () => {
        let created = 0;
        let thrown: unknown;
        await runUnderMocks(
            () => {
                pulumi.runtime.registerStackTransformation((args) => {
                    if (args.type !== "golden-ami-assessment:index:GoldenAmiAssessment") created++;
                    return undefined;
                });
                try {
                    new GoldenAmiAssessment("golden-amis", { region: "eu-west-1", amiTags: { golden: "true" }, duration: "2h" });
                } catch (error) {
                    thrown = error;
                }
                return {};
            },
            { project: "consumer", stack: "prod", config: {} },
        );
        expect(thrown).to.be.instanceOf(pulumi.ResourceError);
        expect((thrown as Error).message).to.contain('GoldenAmiAssessment "golden-amis" argument duration = "2h"').and.contain("15m, 1h, 8h, 12h, 24h");
        expect(created, "child resources registered before the error").to.equal(0);
    });

    it("refuses a bad Output argument when it resolves, as a ResourceError naming it", async () => {
        const message = await errorOf({ duration: pulumi.output("2h") });
        expect(message).to.contain('argument duration = "2h"').and.not.contain("serializing");
    });

    it("refuses 15m and network-reachability on inspector2, keeps them on classic (issue 17)", async () => {
        expect(await errorOf({ duration: "15m" })).to.contain('argument duration = "15m"').and.contain("3600 s minimum with engine inspector2");
        expect(await errorOf({ rulesPackages: ["network-reachability"] })).to.contain("argument rulesPackages").and.contain("refused with engine inspector2");
        // cis alone proves nothing about vulnerabilities on v2: refused at preview, as in stack config.
        expect(await errorOf({ rulesPackages: ["cis"] })).to.contain("argument rulesPackages").and.contain('must include "cve" with engine inspector2');
        expect(await errorOf({ rulesPackages: ["cve", "cis"] })).to.equal("");
        expect(await errorOf({ engine: "classic", duration: "15m", rulesPackages: ["cis"] }), "Classic judges CIS findings by their own severity").to.equal("");
        expect(await errorOf({ engine: "classic", duration: "15m", rulesPackages: ["network-reachability"] })).to.equal("");
    });
});
