// Assess on publish in config and in the resource graph: on by default with Inspector v2 (the AMI
// rule, the publish function with its own role, the drain schedule), refused on Classic with the
// reason, the CloudTrail CreateTags rule only with assessOnTag, and the plan summary naming it.
import { expect } from "chai";
import { readStackConfig } from "../../components/stackConfig";
import { AMI_AVAILABLE_PATTERN, AMI_TAGGED_PATTERN } from "../../engines/inspector2/publishEvent";
import { PolicyDocument } from "../../infra/policies";
import { Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";
import { regionPlans, renderSummary } from "../../scripts/planReport";

const NAME = "gaa-pub-us-east-1";

function read(config: Record<string, string>) {
    const all: Record<string, string> = { amiTags: JSON.stringify({ golden: "true" }), ...config };
    return readStackConfig((key) => all[key], "us-east-1");
}

function errorOf(config: Record<string, string>): string {
    try {
        read(config);
    } catch (error) {
        return (error as Error).message;
    }
    return "";
}

const plan = (config: Record<string, string> = {}) =>
    planIndex({ stack: "pub", config: { "aws:region": "us-east-1", "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }), ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`golden-ami-assessment:${k}`, v])) } });

function find(p: Plan, type: string, name: string): PlannedResource | undefined {
    return p.resources.find((r) => r.type === type && r.name === name);
}

describe("assess on publish: config", () => {
    it("is on by default with inspector2, off with classic; assessOnTag off", () => {
        expect(read({})).to.deep.include({ assessOnPublish: true, assessOnTag: false });
        expect(read({ engine: "classic" })).to.deep.include({ assessOnPublish: false, assessOnTag: false });
    });

    it("refuses assessOnPublish true on classic, naming the key, the value and why", () => {
        const message = errorOf({ engine: "classic", assessOnPublish: "true" });
        expect(message).to.contain("golden-ami-assessment:assessOnPublish = true").and.contain("engine classic keeps the schedule only").and.contain("end of support");
    });

    it("refuses assessOnTag without assessOnPublish, saying it needs a trail too", () => {
        expect(errorOf({ assessOnPublish: "false", assessOnTag: "true" })).to.contain("golden-ami-assessment:assessOnTag = true").and.contain("needs assessOnPublish true").and.contain("CloudTrail trail");
        expect(errorOf({ assessOnPublish: "maybe" })).to.contain("must be true or false");
    });
});

describe("assess on publish: resource graph", () => {
    let byDefault: Plan;
    before(async () => {
        byDefault = await plan();
    });

    it("by default: the AMI-available rule invokes the publish function (permission scoped to the rule), a drain schedule, no CreateTags rule", () => {
        const rule = find(byDefault, "aws:cloudwatch/eventRule:EventRule", `${NAME}-ami-published`)!;
        expect(JSON.parse(rule.inputs.eventPattern)).to.deep.equal(AMI_AVAILABLE_PATTERN);
        const fn = find(byDefault, "aws:lambda/function:Function", `${NAME}-publish`)!;
        expect(find(byDefault, "aws:cloudwatch/eventTarget:EventTarget", `${NAME}-ami-published-target`)!.inputs.arn).to.equal(fn.state.arn);
        expect(find(byDefault, "aws:lambda/permission:Permission", `${NAME}-ami-published-permission`)!.inputs.sourceArn).to.equal(rule.state.arn);
        expect(find(byDefault, "aws:cloudwatch/eventRule:EventRule", `${NAME}-publish-drain`)!.inputs.scheduleExpression).to.equal("rate(5 minutes)");
        expect(find(byDefault, "aws:cloudwatch/eventRule:EventRule", `${NAME}-ami-tagged`)).to.equal(undefined);
        expect(fn.inputs.environment.variables.ASSESS_ON_TAG).to.equal("false");
        expect(find(byDefault, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `${NAME}-publish-invoke`)!.inputs.maximumRetryAttempts).to.equal(2);
    });

    it("gives the publish function its own role with exactly start's statements (the same scoped launch)", () => {
        const policy = (name: string): PolicyDocument => JSON.parse(find(byDefault, "aws:iam/rolePolicy:RolePolicy", name)!.inputs.policy);
        const withoutLogs = (doc: PolicyDocument) => doc.Statement.filter((s) => !JSON.stringify(s.Resource).includes("log-group"));
        expect(withoutLogs(policy(`${NAME}-publish-policy`))).to.deep.equal(withoutLogs(policy(`${NAME}-start-policy`)));
        expect(find(byDefault, "aws:iam/role:Role", `${NAME}-publish-role`)).to.not.equal(undefined);
    });

    it("with assessOnTag, adds the CloudTrail CreateTags rule; with assessOnPublish false, none of it exists", async () => {
        const tagged = await plan({ assessOnTag: "true" });
        expect(JSON.parse(find(tagged, "aws:cloudwatch/eventRule:EventRule", `${NAME}-ami-tagged`)!.inputs.eventPattern)).to.deep.equal(AMI_TAGGED_PATTERN);
        expect(find(tagged, "aws:lambda/function:Function", `${NAME}-publish`)!.inputs.environment.variables.ASSESS_ON_TAG).to.equal("true");
        const off = await plan({ assessOnPublish: "false" });
        expect(off.resources.filter((r) => r.name.includes("publish") || r.name.includes("-ami-"))).to.deep.equal([]);
        const classic = await plan({ engine: "classic" });
        expect(classic.resources.filter((r) => r.name.includes("publish") || r.name.includes("-ami-"))).to.deep.equal([]);
    });

    it("the plan summary shows the trigger with its pattern", () => {
        // Long lines are folded at spaces: read it unfolded.
        const text = renderSummary("pub", regionPlans(byDefault, "pub", ["us-east-1"])).replace(/\s+/g, " ");
        expect(text).to.contain('on publish ami-published {"source":["aws.ec2"],"detail-type":["EC2 AMI State Change"],"detail":{"State":["available"]}}');
        expect(text).to.contain("publish-drain rate(5 minutes)");
    });
});
