// The plan summary is read from resources generically: new engines and unknown types are shown, never fatal.
import { expect } from "chai";
import { INSPECTOR2_REGION_NAMES } from "../../engines/inspector2/regions";
import { Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";
import { COMPONENT_TYPE, regionPlans, renderSummary, statementLine } from "../../scripts/planReport";

const C = "gaa-v2-eu-west-1";
const ROOT = `urn:pulumi:v2::golden-ami-assessment::${COMPONENT_TYPE}::${C}`;
function res(type: string, name: string, inputs: any, state: any = {}, parent = ROOT): PlannedResource {
    return { type, name, parent, urn: `urn:pulumi:v2::p::${type}::${name}`, id: `${name}-id`, inputs, state: { ...inputs, ...state } };
}

function v2Plan(): Plan {
    const fnArn = "arn:aws:lambda:eu-west-1:123456789012:function:collect";
    const ruleName = `${C}-scan-complete-abc`;
    return {
        exports: {},
        warnings: ["no mock for aws:ssm/getParameter:getParameter; it returned {}"],
        resources: [
            { ...res(COMPONENT_TYPE, C, {}, {}, "urn:pulumi:v2::p::pulumi:pulumi:Stack::p-v2"), urn: ROOT },
            res("aws:lambda/function:Function", `${C}-collect`, { environment: { variables: { ENGINE: "inspector2", AMI_TAGS: '{"golden":"yes"}', AMI_OWNERS: '["self"]' } } }, { arn: fnArn }),
            res("aws:cloudwatch/eventRule:EventRule", `${C}-scan-complete`, { eventPattern: JSON.stringify({ source: ["aws.inspector2"], "detail-type": ["Inspector2 Scan"] }) }, { name: ruleName, arn: "arn:rule" }),
            res("aws:cloudwatch/eventTarget:EventTarget", `${C}-scan-complete-target`, { rule: ruleName, arn: fnArn }),
            res("aws:iam/role:Role", `${C}-instance-role`, {
                assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            }),
            res("aws:iam/instanceProfile:InstanceProfile", `${C}-instance-profile`, { role: `${C}-instance-role-id` }),
            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${C}-ssm`, { role: `${C}-instance-role-id`, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }),
            res("aws:somethingnew/widget:Widget", `${C}-widget`, { anything: [1, 2] }),
        ],
    };
}

describe("plan summary (generic)", () => {
    it("reads the engine from ENGINE, shows event patterns, instance profiles and unknown types", () => {
        const plans = regionPlans(v2Plan(), "v2", ["eu-west-1"]);
        const s = plans["eu-west-1"].summary;
        expect(s.engine).to.deep.equal({ name: "inspector2", source: "ENGINE on the functions" });
        expect(s.triggers).to.deep.equal([
            { source: "scan-complete", kind: "event pattern", expression: '{"source":["aws.inspector2"],"detail-type":["Inspector2 Scan"]}', targets: ["collect"] },
        ]);
        expect(s.resourceCounts["aws:somethingnew/widget:Widget"]).to.equal(1);
        expect(s.roles).to.deep.equal([
            {
                role: "instance-role",
                assumedBy: ["ec2.amazonaws.com"],
                instanceProfiles: ["instance-profile"],
                managedPolicies: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
                statements: [],
            },
        ]);
        expect(s.rulesPackages).to.equal(undefined);
        const text = renderSummary("v2", plans, v2Plan().warnings);
        expect(text).to.contain("triggers    scan-complete pattern {\"source\":[\"aws.inspector2\"]");
        expect(text).to.contain("1 somethingnew/Widget");
        // Folded at 120 characters onto a continuation line; nothing is cut.
        expect(text).to.contain("IAM role instance-role (assumed by ec2.amazonaws.com; instance profile instance-profile; managed policies\n      arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore)");
        expect(text).to.contain("! no mock for aws:ssm/getParameter:getParameter");
        expect(text).to.contain("! no email subscribers");
        expect(text).to.not.contain("Inspector Classic reached end of support");
    });

    it("infers inspector2 when there is no ENGINE and no aws:inspector resource", () => {
        const plan = v2Plan();
        plan.resources[1].inputs.environment.variables = {};
        expect(regionPlans(plan, "v2", ["eu-west-1"])["eu-west-1"].summary.engine.name).to.equal("inspector2");
    });

    it("writes one statement as Sid: actions on resources [conditions], spelling out Deny and Not*", () => {
        expect(statementLine({ Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: ["r1", "r2"], Condition: { StringLike: { "s3:prefix": ["a/*", "b/*"] } } })).to.equal(
            "A: s3:GetObject on r1, r2 [StringLike s3:prefix=a/*|b/*]",
        );
        expect(statementLine({ Effect: "Deny", Principal: "*", NotAction: ["iam:*"], Resource: "*" })).to.equal("(no Sid): DENY every action except iam:* for * on *");
    });

    it("stays within 100 lines of at most 120 characters at 14 regions, one of them configured differently", async function () {
        this.timeout(600_000);
        const regions = INSPECTOR2_REGION_NAMES.filter((r) => !r.startsWith("us-gov-") && !r.startsWith("cn-")).slice(0, 14);
        expect(regions).to.have.length(14);
        const config = {
            "aws:region": regions[0],
            "golden-ami-assessment:regions": JSON.stringify(regions),
            "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
            "golden-ami-assessment:notificationEmails": JSON.stringify(["secops@example.com"]),
            "golden-ami-assessment:subnets": JSON.stringify({ [regions[13]]: "subnet-0123456789abcdef0" }),
        };
        const plan = await planIndex({ stack: "wide", config });
        const text = renderSummary("wide", regionPlans(plan, "wide", regions, { subnets: { [regions[13]]: "subnet-0123456789abcdef0" } }), plan.warnings);
        const lines = text.trimEnd().split("\n");
        expect(lines.length, text).to.be.at.most(100);
        expect(lines.filter((line) => line.length > 120)).to.deep.equal([]);
        expect(text).to.contain(`=== 13 regions alike: ${regions.slice(0, 3).join(", ")}`);
        expect(text).to.contain(`=== ${regions[13]}: component gaa-wide-${regions[13]}`);
        // The odd region is told as its differences from the others.
        expect(text).to.contain("as the 13 regions above, except (- there, + here):").and.contain("+ ! subnet subnet-0123456789abcdef0 is configured");
        for (const region of regions) expect(text).to.contain(region);
    });
});
