// The Inspector v2 resource graph under Pulumi's mock runtime: no Classic resources, the scan-event
// rule and sweep behind it, an SSM-only instance profile, and exactly the grants each scan mode needs.
import { expect } from "chai";
import { PolicyDocument, PolicyStatement } from "../../infra/policies";
import { EGRESS_PURPOSE } from "../../infra/network";
import { SCAN_EVENT_PATTERN, START_TIMEOUT_SECONDS } from "../../engines/inspector2/infra";
import { LAUNCH_CHECK_SECONDS } from "../../pipeline/launch/launchCheck";
import { Plan, PlannedResource, planIndexPerPartition } from "../../scripts/mockRuntime";
import { regionPlans, renderSummary } from "../../scripts/planReport";

const REGIONS = ["us-east-1", "us-gov-west-1"];

function config(extra: Record<string, string> = {}): Record<string, string> {
    return {
        "aws:region": "us-east-1",
        "golden-ami-assessment:regions": JSON.stringify(REGIONS),
        "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
        "golden-ami-assessment:rulesPackages": JSON.stringify(["cve", "cis"]),
        ...extra,
    };
}

const component = (region: string) => `gaa-v2-${region}`;
const partition = (region: string) => (region.startsWith("us-gov-") ? "aws-us-gov" : "aws");

function find(plan: Plan, type: string, name: string): PlannedResource {
    const found = plan.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name}`);
    return found;
}

function policyOf(plan: Plan, name: string): PolicyDocument {
    return JSON.parse(find(plan, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
}

const actionsOf = (doc: PolicyDocument) => doc.Statement.flatMap((s: PolicyStatement) => s.Action);

describe("GoldenAmiAssessment resource graph, engine inspector2 (the default)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planIndexPerPartition({ stack: "v2", config: config() });
    });

    it("creates no Classic resources, and the v2 ones in every region, parented to the component", () => {
        expect(plan.resources.filter((r) => r.type.startsWith("aws:inspector/"))).to.deep.equal([]);
        expect(plan.resources.filter((r) => r.type === "aws:sns/topic:Topic").map((r) => r.name).sort()).to.deep.equal(REGIONS.map((r) => `${component(r)}-results`).sort());
        for (const region of REGIONS) {
            for (const [type, suffix] of [
                ["aws:cloudwatch/eventRule:EventRule", "scan-events"],
                ["aws:cloudwatch/eventRule:EventRule", "sweep-schedule"],
                ["aws:iam/instanceProfile:InstanceProfile", "instance-profile"],
            ]) {
                expect(find(plan, type, `${component(region)}-${suffix}`).urn).to.contain("golden-ami-assessment:index:GoldenAmiAssessment$");
            }
        }
    });

    it("wakes analyze on Inspector v2 scan events, and sweeps every few minutes behind them", () => {
        for (const region of REGIONS) {
            const rule = find(plan, "aws:cloudwatch/eventRule:EventRule", `${component(region)}-scan-events`);
            expect(JSON.parse(rule.inputs.eventPattern)).to.deep.equal(SCAN_EVENT_PATTERN);
            // EC2 scans only: ECR and Lambda scan events carry no instance-id (reference §10).
            expect(JSON.parse(rule.inputs.eventPattern).detail["instance-id"]).to.deep.equal([{ exists: true }]);
            const target = find(plan, "aws:cloudwatch/eventTarget:EventTarget", `${component(region)}-scan-events-target`);
            expect(target.inputs.arn).to.equal(find(plan, "aws:lambda/function:Function", `${component(region)}-analyze`).state.arn);
            const permission = find(plan, "aws:lambda/permission:Permission", `${component(region)}-scan-events-permission`);
            expect(permission.inputs.sourceArn).to.equal(rule.state.arn);
            expect(find(plan, "aws:cloudwatch/eventRule:EventRule", `${component(region)}-sweep-schedule`).inputs.scheduleExpression).to.equal("rate(5 minutes)");
        }
    });

    it("gives the instances the partition's SSM core policy, the CIS policy because cis is configured, and nothing else", () => {
        for (const region of REGIONS) {
            const attachments = plan.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name.startsWith(component(region)));
            expect(attachments.map((a) => a.inputs.policyArn).sort()).to.deep.equal([
                `arn:${partition(region)}:iam::aws:policy/AmazonInspector2ManagedCisPolicy`,
                `arn:${partition(region)}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
            ]);
            const role = find(plan, "aws:iam/role:Role", `${component(region)}-instance-role`);
            expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "ec2.amazonaws.com" });
            expect(plan.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role.id)).to.deep.equal([]);
        }
    });

    it("lets start pass exactly the instance role, to EC2 only", () => {
        for (const region of REGIONS) {
            const role = find(plan, "aws:iam/role:Role", `${component(region)}-instance-role`);
            const passes = policyOf(plan, `${component(region)}-start-policy`).Statement.filter((s) => s.Action.includes("iam:PassRole"));
            expect(passes).to.deep.equal([
                { Sid: "PassOnlyTheInstanceRoleToEc2", Effect: "Allow", Action: ["iam:PassRole"], Resource: role.state.arn, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
            ]);
            for (const name of ["analyze", "reaper"]) expect(actionsOf(policyOf(plan, `${component(region)}-${name}-policy`))).not.to.include("iam:PassRole");
        }
    });

    it("grants the v2 reads and the CIS scan lifecycle only where they are used, CIS scoped by the pipeline tag", () => {
        const start = policyOf(plan, `${component("us-east-1")}-start-policy`);
        const analyze = policyOf(plan, `${component("us-east-1")}-analyze-policy`);
        expect(actionsOf(start)).to.include.members(["inspector2:BatchGetAccountStatus", "inspector2:GetConfiguration", "ec2:RunInstances"]);
        expect(actionsOf(start)).not.to.include.members(["inspector2:ListFindings", "ec2:GetImageFindings"]);
        // Analyze creates the CIS scan once SSM manages the instances, and deletes it: start does neither.
        expect(actionsOf(start)).not.to.include.members(["inspector2:CreateCisScanConfiguration"]);
        expect(actionsOf(start)).not.to.include.members(["inspector2:DeleteCisScanConfiguration"]);
        expect(actionsOf(analyze)).to.include.members(["inspector2:ListCoverage", "inspector2:ListFindings", "inspector2:CreateCisScanConfiguration", "inspector2:DeleteCisScanConfiguration"]);
        expect(actionsOf(analyze)).not.to.include("ec2:RunInstances");
        const create = analyze.Statement.find((s) => s.Action.includes("inspector2:CreateCisScanConfiguration"))!;
        expect(create.Condition).to.deep.equal({ StringEquals: { "aws:RequestTag/golden-ami-assessment:pipeline": component("us-east-1") } });
    });

    it("gives start the time its worst case needs: 500 instances, 5 at a time, and the launch check", () => {
        const fn = find(plan, "aws:lambda/function:Function", `${component("us-east-1")}-start`);
        expect(fn.inputs.timeout).to.equal(START_TIMEOUT_SECONDS);
        // 100 rounds of RunInstances at about 2 s each, plus the launch check, fit with room for the report.
        expect(START_TIMEOUT_SECONDS).to.be.at.least(100 * 2 + LAUNCH_CHECK_SECONDS + 300);
    });

    it("describes the security group by what v2 instances reach, not the Classic agent", () => {
        const group = find(plan, "aws:ec2/securityGroup:SecurityGroup", `${component("us-east-1")}-instances`);
        expect(group.inputs.description).to.equal(EGRESS_PURPOSE.inspector2.group);
        expect(group.inputs.description).not.to.match(/agent/i);
        expect(group.inputs.egress[0].description).to.equal(EGRESS_PURPOSE.inspector2.rule);
    });

    it("reminds of a configured subnet's endpoints in v2 terms (SSM, inspector2, S3 gateway), not the Classic agent's", () => {
        const plans = regionPlans(plan, "v2", REGIONS, { subnets: { "us-east-1": "subnet-0123456789abcdef0" } });
        expect(renderSummary("v2", plans)).to.include("! subnet subnet-0123456789abcdef0 is configured");
        const warning = plans["us-east-1"].summary.warnings.find((line) => line.includes("subnet subnet-0123456789abcdef0 is configured"))!;
        expect(warning).to.include("ssm, ssmmessages, ec2messages, inspector2 and S3").and.include("gateway endpoint").and.include("docs/network.md");
        expect(warning).not.to.include("agent endpoints");
    });

    it("creates no Inspector Enabler unless enableInspector is set", () => {
        expect(plan.resources.filter((r) => r.type === "aws:inspector2/enabler:Enabler")).to.deep.equal([]);
    });

    it("hands each handler its v2 settings", () => {
        const start = find(plan, "aws:lambda/function:Function", `${component("us-east-1")}-start`).inputs.environment.variables;
        expect(start).to.include({ ENGINE: "inspector2", SCAN_MODE: "instance", RULES_PACKAGES: '["cve","cis"]' });
        expect(start.INSTANCE_PROFILE_ARN).to.match(/:instance-profile\//);
        const analyze = find(plan, "aws:lambda/function:Function", `${component("us-east-1")}-analyze`).inputs.environment.variables;
        expect(analyze).to.include({ ENGINE: "inspector2" });
        expect(analyze).not.to.have.property("INSTANCE_PROFILE_ARN");
    });
});

describe("GoldenAmiAssessment, engine inspector2, scanMode agentless", () => {
    it("launches nothing: no RunInstances, no PassRole, no instance role, no scan-event rule", async () => {
        const plan = await planIndexPerPartition({ stack: "v2", config: config({ "golden-ami-assessment:scanMode": "agentless", "golden-ami-assessment:rulesPackages": '["cve"]' }) });
        const actions = plan.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").flatMap((r) => actionsOf(JSON.parse(r.inputs.policy)));
        expect(actions).not.to.include.members(["ec2:RunInstances"]);
        expect(actions).not.to.include("iam:PassRole");
        expect(actions).to.include("ec2:GetImageFindings");
        expect(plan.resources.filter((r) => r.type === "aws:iam/instanceProfile:InstanceProfile")).to.deep.equal([]);
        expect(plan.resources.filter((r) => r.name.endsWith("-scan-events"))).to.deep.equal([]);
    });
});

describe("GoldenAmiAssessment, engine inspector2, without cis", () => {
    it("gives the instances the SSM core policy only", async () => {
        const plan = await planIndexPerPartition({ stack: "v2", config: config({ "golden-ami-assessment:rulesPackages": '["cve"]' }) });
        const attachments = plan.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name.includes("-instance-"));
        expect(attachments.map((a) => a.inputs.policyArn).sort()).to.deep.equal(REGIONS.map((r) => `arn:${partition(r)}:iam::aws:policy/AmazonSSMManagedInstanceCore`).sort());
        const analyze = policyOf(plan, `${component("us-east-1")}-analyze-policy`);
        expect(actionsOf(analyze)).not.to.include.members(["inspector2:CreateCisScanConfiguration"]);
    });
});

describe("GoldenAmiAssessment, engine inspector2, enableInspector", () => {
    it("keeps the Enabler on destroy (its delete disables every scan type of the account), and the plan says so", async () => {
        const plan = await planIndexPerPartition({ stack: "v2", config: config({ "golden-ami-assessment:enableInspector": "true" }) });
        const enablers = plan.resources.filter((r) => r.type === "aws:inspector2/enabler:Enabler");
        expect(enablers.map((e) => e.name).sort()).to.deep.equal(REGIONS.map((r) => `${component(r)}-inspector2`).sort());
        for (const enabler of enablers) expect(enabler.retainOnDelete, enabler.name).to.equal(true);
        const summary = renderSummary("v2", regionPlans(plan, "v2", REGIONS));
        expect(summary).to.contain("Inspector Enabler is kept on destroy (retainOnDelete)");
    });
});
