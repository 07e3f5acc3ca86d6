// The member-account role (infra/memberRole.ts, printed in docs/accounts.md), proven with the IAM
// policy simulator: for every resource a mocked plan creates in a member account, each action its
// type needs is allowed on that very resource, and what the role must not do is denied.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { MEMBER_STATEMENTS, MemberStatement, memberRolePolicy, memberTrustPolicy } from "../../infra/memberRole";
import { MOCK_ACCOUNT, Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";

const MEMBER = "111111111111";
const REGION = "eu-west-1";
const POLICY = memberRolePolicy({ partition: "aws", account: MEMBER });
const ROLE = `arn:aws:iam::${MEMBER}:role/gaa-deployer`;

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

async function decide(action: string, resource: string, context: Record<string, string> = {}, options: { principal?: string; identity?: unknown; resourcePolicy?: unknown } = {}): Promise<Decision> {
    const result = await runSimulation(
        {
            request: { principal: options.principal ?? ROLE, action, resource: { resource, accountId: MEMBER }, contextVariables: context },
            identityPolicies: [{ name: "member", policy: options.identity ?? POLICY }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...(options.resourcePolicy ? { resourcePolicy: options.resourcePolicy } : {}),
        },
        {},
    );
    if (result.resultType === "error") throw new Error(`simulation failed for ${action} on ${resource}: ${JSON.stringify(result.errors)}`);
    if (result.resultType === "single") expect(result.result.ignoredContextKeys ?? [], `${action} ignored keys`).to.deep.equal([]);
    return result.overallResult as Decision;
}

const CONFIGS: Record<string, Record<string, string>> = {
    "inspector2, every option": {
        "golden-ami-assessment:enableInspector": "true",
        "golden-ami-assessment:rulesPackages": JSON.stringify(["cve", "cis"]),
        "golden-ami-assessment:deprecateFailingAmis": "true",
        "golden-ami-assessment:notificationEmails": JSON.stringify(["secops@example.com"]),
        "golden-ami-assessment:accounts": JSON.stringify([{ id: MEMBER, roleArn: ROLE, subnets: { [REGION]: "subnet-0123456789abcdef0" } }]),
    },
    "inspector2, agentless": { "golden-ami-assessment:scanMode": "agentless" },
    classic: { "golden-ami-assessment:engine": "classic", "golden-ami-assessment:duration": "15m", "golden-ami-assessment:notificationEmails": JSON.stringify(["secops@example.com"]) },
};

function planMember(extra: Record<string, string>): Promise<Plan> {
    return planIndex({
        stack: "dev",
        config: {
            "aws:region": REGION,
            "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
            "golden-ami-assessment:accounts": JSON.stringify([{ id: MEMBER, roleArn: ROLE }]),
            // The hub in the member account too, so that the role must cover what the hub creates.
            "golden-ami-assessment:hub": MEMBER,
            ...extra,
        },
    });
}

/** The ARN a request about `r` names, and the context keys AWS derives for it, per statement. */
function requestFor(plan: Plan, r: PlannedResource, statement: MemberStatement, action: string): { resource: string; context: Record<string, string> } {
    if (statement.resources({ partition: "aws", account: MEMBER })[0] === "*") return { resource: "*", context: {} };
    const byId = (type: string, id: string) => plan.resources.find((p) => p.type === type && (p.id === id || p.state?.name === id || p.state?.arn === id));
    const roleArn = (id: string) => byId("aws:iam/role:Role", id)?.state.arn ?? `arn:aws:iam::${MEMBER}:role/${id}`;
    const functionArn = (name: string) => (name.startsWith("arn:") ? name : `arn:aws:lambda:${REGION}:${MEMBER}:function:${name}`);
    const securityGroup = (): string => plan.resources.find((p) => p.type === "aws:ec2/securityGroup:SecurityGroup")!.state.arn;
    if (statement.Sid === "AttachOnlyTheInstanceRolesManagedPolicies") return { resource: roleArn(r.inputs.role), context: { "iam:PolicyARN": r.inputs.policyArn } };
    if (statement.Sid === "PassOnlyTheComponentsRoles") return { resource: r.type === "aws:lambda/function:Function" ? r.inputs.role : roleArn(r.inputs.role), context: {} };
    if (statement.Sid === "CreateSecurityGroupsNamedForTheComponent") return { resource: securityGroup(), context: { "aws:RequestTag/Name": r.inputs.tags.Name } };
    if (statement.Sid === "CreateSecurityGroupsInAnyVpc") return { resource: `arn:aws:ec2:${REGION}:${MEMBER}:vpc/vpc-0123456789abcdef0`, context: {} };
    if (statement.Sid === "TagSecurityGroupsOnlyAtCreation") return { resource: securityGroup(), context: { "ec2:CreateAction": "CreateSecurityGroup" } };
    if (statement.Sid === "ChangeOnlyTheComponentsSecurityGroups") return { resource: securityGroup(), context: { "ec2:ResourceTag/Name": r.inputs.tags.Name } };
    if (statement.Sid === "InspectorServiceLinkedRoleOnly") return { resource: statement.resources({ partition: "aws", account: MEMBER })[0], context: { "iam:AWSServiceName": "inspector2.amazonaws.com" } };
    const resource = ((): string => {
        switch (r.type) {
            case "aws:iam/rolePolicy:RolePolicy":
            case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            case "aws:iam/instanceProfile:InstanceProfile":
                return statement.Sid === "InstanceProfileOfTheComponent" ? r.state.arn : roleArn(r.inputs.role);
            case "aws:lambda/permission:Permission":
                return functionArn(r.inputs.function);
            case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
            case "aws:lambda/invocation:Invocation":
                return functionArn(r.inputs.functionName);
            case "aws:cloudwatch/eventTarget:EventTarget":
                return `arn:aws:events:${REGION}:${MEMBER}:rule/${r.inputs.rule}`;
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                return `arn:aws:cloudwatch:${REGION}:${MEMBER}:alarm:${r.inputs.name ?? `${r.name}-abcdef0`}`;
            case "aws:sns/topicSubscription:TopicSubscription":
                return r.inputs.topic;
            case "aws:sns/topicPolicy:TopicPolicy":
                return r.inputs.arn;
            case "aws:s3/bucket:Bucket":
                return `arn:aws:s3:::${r.state.bucket}`;
            case "aws:s3/bucketObjectv2:BucketObjectv2":
                return `arn:aws:s3:::${r.inputs.bucket}/${r.inputs.key}`;
            default:
                if (r.type.startsWith("aws:s3/")) return `arn:aws:s3:::${r.inputs.bucket}`;
                if (typeof r.state?.arn === "string") return r.state.arn;
                throw new Error(`no ARN for ${r.type} ${r.name} (${action})`);
        }
    })();
    return { resource, context: {} };
}

describe("member-account role (infra/memberRole.ts), IAM policy simulation", function () {
    const plans: Record<string, Plan> = {};
    before(async () => {
        for (const [label, extra] of Object.entries(CONFIGS)) plans[label] = await planMember(extra);
    });

    it("cites a source for every statement and names every action (no wildcards)", () => {
        for (const statement of MEMBER_STATEMENTS) {
            expect(statement.source, statement.Sid).to.match(/^https:\/\/docs\.aws\.amazon\.com\/|user guide/);
            for (const action of statement.actions) expect(action, statement.Sid).to.match(/^[a-z0-9]+:[A-Za-z0-9]+$/);
        }
    });

    for (const label of Object.keys(CONFIGS)) {
        it(`allows every action each planned resource type needs, on that resource, in the member account (${label})`, async () => {
            const plan = plans[label];
            const created = plan.resources.filter((r) => r.type.startsWith("aws:") && r.inputs !== undefined);
            expect(created.length).to.be.greaterThan(30);
            let checked = 0;
            for (const r of created) {
                const statements = MEMBER_STATEMENTS.filter((s) => s.types.includes(r.type));
                expect(statements, `no statement covers ${r.type}`).to.not.be.empty;
                for (const statement of statements) {
                    for (const action of statement.actions) {
                        const { resource, context } = requestFor(plan, r, statement, action);
                        expect(resource, `${r.type} ${r.name}`).to.satisfy((arn: string) => arn === "*" || arn.includes(`:${MEMBER}:`) || arn.startsWith("arn:aws:s3:::"));
                        expect(await decide(action, resource, context), `${action} on ${resource} for ${r.type} ${r.name}`).to.equal("Allowed");
                        checked++;
                    }
                }
            }
            expect(checked).to.be.greaterThan(200);
        });
    }

    it("allows the lookups the component makes (default VPC and subnets)", async () => {
        for (const action of ["ec2:DescribeVpcs", "ec2:DescribeSubnets"]) expect(await decide(action, "*"), action).to.equal("Allowed");
    });

    const denied: [string, string, string, Record<string, string>?][] = [
        ["creating IAM users", "iam:CreateUser", `arn:aws:iam::${MEMBER}:user/intruder`],
        ["writing another role's policy", "iam:PutRolePolicy", `arn:aws:iam::${MEMBER}:role/Admin`],
        ["attaching AdministratorAccess to the component's role", "iam:AttachRolePolicy", `arn:aws:iam::${MEMBER}:role/gaa-dev-x-start-role-abc`, { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }],
        ["passing another role", "iam:PassRole", `arn:aws:iam::${MEMBER}:role/Admin`],
        ["changing another function's code", "lambda:UpdateFunctionCode", `arn:aws:lambda:${REGION}:${MEMBER}:function:payments`],
        ["another bucket's policy", "s3:PutBucketPolicy", "arn:aws:s3:::customer-data"],
        ["reading objects of the reports bucket", "s3:GetObject", "arn:aws:s3:::gaa-dev-reports-abc/reports/x.json"],
        ["deleting another security group", "ec2:DeleteSecurityGroup", `arn:aws:ec2:${REGION}:${MEMBER}:security-group/sg-0123456789abcdef0`, { "ec2:ResourceTag/Name": "database" }],
        ["launching instances", "ec2:RunInstances", `arn:aws:ec2:${REGION}:${MEMBER}:instance/*`],
        ["disabling Inspector (the Enabler is kept on destroy)", "inspector2:Disable", "*"],
        ["another service-linked role", "iam:CreateServiceLinkedRole", `arn:aws:iam::${MEMBER}:role/aws-service-role/ec2.amazonaws.com/AWSServiceRoleForEC2`, { "iam:AWSServiceName": "ec2.amazonaws.com" }],
    ];
    for (const [what, action, resource, context] of denied) {
        it(`denies ${what}`, async () => {
            expect(await decide(action, resource, context ?? {})).to.not.equal("Allowed");
        });
    }

    it("is assumable from the deploying account only (trust policy)", async () => {
        const trust = memberTrustPolicy("aws", MOCK_ACCOUNT);
        const assume = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] };
        const from = (account: string) =>
            runSimulation(
                {
                    request: { principal: `arn:aws:iam::${account}:role/deployer`, action: "sts:AssumeRole", resource: { resource: ROLE, accountId: MEMBER }, contextVariables: {} },
                    identityPolicies: [{ name: "caller", policy: assume }],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                    resourcePolicy: trust,
                },
                {},
            ).then((result) => (result.resultType === "error" ? `error ${JSON.stringify(result.errors)}` : result.overallResult));
        expect(await from(MOCK_ACCOUNT)).to.equal("Allowed");
        expect(await from("999999999999")).to.not.equal("Allowed");
    });

    it("is printed in docs/accounts.md as the code generates it", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "accounts.md"), "utf8");
        const policy = JSON.stringify(memberRolePolicy({ partition: "aws", account: "<member-account-id>" }), null, 2);
        const trust = JSON.stringify(memberTrustPolicy("aws", "<deploying-account-id>"), null, 2);
        expect(doc).to.contain(policy);
        expect(doc).to.contain(trust);
    });
});
