// The real IAM documents of a mocked plan, evaluated by an IAM policy simulator
// (@cloud-copilot/iam-simulate): what the pipeline needs is allowed, the rest is denied.
// The simulator does not look resources up: each request carries the context keys AWS would
// derive from it (the image's ec2:Owner, the instance's tags and type), as modelled here.
import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument } from "../../infra/policies";
import { COUNTS_TAG, LAST_ASSESSED_TAG, PIPELINE_TAG, VERDICT_TAG } from "../../pipeline/run/tags";
import { MOCK_ACCOUNT, Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";

const REGION = "us-east-1";
const OTHER_OWNER = "999999999999";
const CONFIGURED_OWNER = "111122223333";

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

interface Request {
    action: string;
    resource: string;
    context?: Record<string, string | string[]>;
    principal?: string;
}

/** Runs one request against identity policies (and a resource policy); fails on anything the simulator could not evaluate. */
async function decide(request: Request, identity: PolicyDocument[], resourcePolicy?: unknown): Promise<Decision> {
    const result = await runSimulation(
        {
            request: {
                principal: request.principal ?? `arn:aws:iam::${MOCK_ACCOUNT}:role/handler`,
                action: request.action,
                resource: { resource: request.resource, accountId: MOCK_ACCOUNT },
                contextVariables: request.context ?? {},
            },
            identityPolicies: identity.map((policy, i) => ({ name: `policy-${i}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...(resourcePolicy ? { resourcePolicy } : {}),
        },
        {},
    );
    if (result.resultType === "error") throw new Error(`simulation failed for ${request.action}: ${JSON.stringify(result.errors)}`);
    if (result.resultType !== "single") throw new Error(`expected a single-resource simulation for ${request.action} on ${request.resource}`);
    // A context key the simulator dropped as not applying would make the answer meaningless.
    expect(result.result.ignoredContextKeys ?? [], `${request.action} ignored keys`).to.deep.equal([]);
    return result.overallResult as Decision;
}

function find(plan: Plan, type: string, name: string): PlannedResource {
    const found = plan.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name}`);
    return found;
}

describe("IAM policy simulation of the planned policies, engine inspector2", function () {
    const component = `gaa-sim-${REGION}`;
    let plan: Plan;
    let start: PolicyDocument;
    let analyze: PolicyDocument;
    let reaper: PolicyDocument;
    const ec2 = (resource: string) => `arn:aws:ec2:${REGION}:${MOCK_ACCOUNT}:${resource}`;
    const image = `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`;

    before(async () => {
        plan = await planIndex({
            stack: "sim",
            config: {
                "aws:region": REGION,
                "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
                "golden-ami-assessment:amiOwners": JSON.stringify(["self", CONFIGURED_OWNER]),
            },
        });
        const policy = (fn: string) => JSON.parse(find(plan, "aws:iam/rolePolicy:RolePolicy", `${component}-${fn}-policy`).inputs.policy);
        [start, analyze, reaper] = [policy("start"), policy("analyze"), policy("reaper")];
    });

    describe("ec2:RunInstances", () => {
        it("is allowed from images of the configured owners only", async () => {
            expect(await decide({ action: "ec2:RunInstances", resource: image, context: { "ec2:Owner": MOCK_ACCOUNT } }, [start]), "self").to.equal("Allowed");
            expect(await decide({ action: "ec2:RunInstances", resource: image, context: { "ec2:Owner": CONFIGURED_OWNER } }, [start])).to.equal("Allowed");
            expect(await decide({ action: "ec2:RunInstances", resource: image, context: { "ec2:Owner": OTHER_OWNER } }, [start])).to.equal("ImplicitlyDenied");
            expect(await decide({ action: "ec2:RunInstances", resource: image, context: { "ec2:Owner": "amazon" } }, [start]), "amazon is not configured").to.equal("ImplicitlyDenied");
        });

        it("is allowed for the configured instance types only, tagged for this pipeline", async () => {
            const instance = (type: string, pipeline = component) =>
                decide({ action: "ec2:RunInstances", resource: ec2("instance/i-0123456789abcdef0"), context: { "ec2:InstanceType": type, [`aws:RequestTag/${PIPELINE_TAG}`]: pipeline } }, [start]);
            expect(await instance("t3.medium")).to.equal("Allowed");
            expect(await instance("t4g.medium")).to.equal("Allowed");
            expect(await instance("m5.24xlarge")).to.equal("ImplicitlyDenied");
            expect(await instance("t3.medium", "someone-else")).to.equal("ImplicitlyDenied");
        });

        it("creates only volumes tagged for this pipeline", async () => {
            const volume = (pipeline: string) => decide({ action: "ec2:RunInstances", resource: ec2("volume/vol-0123456789abcdef0"), context: { [`aws:RequestTag/${PIPELINE_TAG}`]: pipeline } }, [start]);
            expect(await volume(component)).to.equal("Allowed");
            expect(await volume("someone-else")).to.equal("ImplicitlyDenied");
        });

        it("launches only into the pipeline's subnets and security group", async () => {
            const subnets: string[] = JSON.parse(find(plan, "aws:lambda/function:Function", `${component}-start`).inputs.environment.variables.SUBNET_IDS);
            expect(await decide({ action: "ec2:RunInstances", resource: ec2(`subnet/${subnets[0]}`) }, [start])).to.equal("Allowed");
            expect(await decide({ action: "ec2:RunInstances", resource: ec2("subnet/subnet-0badbadbadbadbad0") }, [start])).to.equal("ImplicitlyDenied");
            expect(await decide({ action: "ec2:RunInstances", resource: ec2("security-group/sg-0badbadbadbadbad0") }, [start])).to.equal("ImplicitlyDenied");
        });
    });

    it("terminates only instances carrying this pipeline's tag", async () => {
        for (const doc of [start, analyze, reaper]) {
            const terminate = (context: Record<string, string>) => decide({ action: "ec2:TerminateInstances", resource: ec2("instance/i-0123456789abcdef0"), context }, [doc]);
            expect(await terminate({ [`aws:ResourceTag/${PIPELINE_TAG}`]: component })).to.equal("Allowed");
            expect(await terminate({ [`aws:ResourceTag/${PIPELINE_TAG}`]: "gaa-other-us-east-1" })).to.equal("ImplicitlyDenied");
            expect(await terminate({ "aws:ResourceTag/Name": "production-db" })).to.equal("ImplicitlyDenied");
        }
    });

    it("tags golden AMIs with the verdict keys only", async () => {
        const tag = (keys: string[]) => decide({ action: "ec2:CreateTags", resource: image, context: { "aws:TagKeys": keys } }, [analyze]);
        expect(await tag([VERDICT_TAG])).to.equal("Allowed");
        expect(await tag([LAST_ASSESSED_TAG, VERDICT_TAG, COUNTS_TAG])).to.equal("Allowed");
        expect(await tag(["Name"])).to.equal("ImplicitlyDenied");
        expect(await tag([VERDICT_TAG, "Name"])).to.equal("ImplicitlyDenied");
        expect(await tag([`${PIPELINE_TAG}`]), "another key under the product prefix").to.equal("ImplicitlyDenied");
        expect(await decide({ action: "ec2:CreateTags", resource: image }, [analyze]), "no tag keys at all").to.equal("ImplicitlyDenied");
        expect(await decide({ action: "ec2:CreateTags", resource: image, context: { "aws:TagKeys": [VERDICT_TAG] } }, [start]), "start does not tag AMIs").to.equal("ImplicitlyDenied");
    });

    it("tags instances and volumes only at launch", async () => {
        const tagInstance = (context: Record<string, string>) => decide({ action: "ec2:CreateTags", resource: ec2("instance/i-0123456789abcdef0"), context }, [start]);
        expect(await tagInstance({ "ec2:CreateAction": "RunInstances" })).to.equal("Allowed");
        expect(await tagInstance({ "ec2:CreateAction": "CreateTags" })).to.equal("ImplicitlyDenied");
    });

    it("lets analyze read the deep-inspection status (no resource-level permissions: *), and change nothing", async () => {
        expect(await decide({ action: "inspector2:GetEc2DeepInspectionConfiguration", resource: "*" }, [analyze])).to.equal("Allowed");
        for (const doc of [start, reaper]) expect(await decide({ action: "inspector2:GetEc2DeepInspectionConfiguration", resource: "*" }, [doc])).to.equal("ImplicitlyDenied");
        expect(await decide({ action: "inspector2:UpdateEc2DeepInspectionConfiguration", resource: "*" }, [analyze])).to.equal("ImplicitlyDenied");
    });

    it("passes only the instance role, and only to EC2", async () => {
        const role = find(plan, "aws:iam/role:Role", `${component}-instance-role`).state.arn;
        const pass = (resource: string, service: string) => decide({ action: "iam:PassRole", resource, context: { "iam:PassedToService": service } }, [start]);
        expect(await pass(role, "ec2.amazonaws.com")).to.equal("Allowed");
        expect(await pass(role, "lambda.amazonaws.com")).to.equal("ImplicitlyDenied");
        expect(await pass(`arn:aws:iam::${MOCK_ACCOUNT}:role/Admin`, "ec2.amazonaws.com")).to.equal("ImplicitlyDenied");
        for (const doc of [analyze, reaper]) {
            expect(await decide({ action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "ec2.amazonaws.com" } }, [doc])).to.equal("ImplicitlyDenied");
        }
    });

    it("writes reports under reports/ only", async () => {
        const bucket = find(plan, "aws:s3/bucket:Bucket", `${component}-reports`).state.arn;
        for (const doc of [start, analyze]) {
            expect(await decide({ action: "s3:PutObject", resource: `${bucket}/reports/2026/run.json` }, [doc])).to.equal("Allowed");
            expect(await decide({ action: "s3:PutObject", resource: `${bucket}/other/run.json` }, [doc])).to.equal("ImplicitlyDenied");
            expect(await decide({ action: "s3:PutObject", resource: "arn:aws:s3:::someone-elses-bucket/reports/run.json" }, [doc])).to.equal("ImplicitlyDenied");
            expect(await decide({ action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": "reports/2026/" } }, [doc])).to.equal("Allowed");
            expect(await decide({ action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": "" } }, [doc])).to.equal("ImplicitlyDenied");
        }
        expect(await decide({ action: "s3:PutObject", resource: `${bucket}/reports/x.json` }, [reaper]), "the reaper writes nothing").to.equal("ImplicitlyDenied");
    });

    it("publishes to the results topic only", async () => {
        const topic = find(plan, "aws:sns/topic:Topic", `${component}-results`).state.arn;
        for (const doc of [start, analyze, reaper]) {
            expect(await decide({ action: "sns:Publish", resource: topic }, [doc])).to.equal("Allowed");
            expect(await decide({ action: "sns:Publish", resource: `arn:aws:sns:${REGION}:${MOCK_ACCOUNT}:another-topic` }, [doc])).to.equal("ImplicitlyDenied");
        }
    });
});

describe("IAM policy simulation of the planned policies, engine classic: the sweep", function () {
    const component = `gaa-sim-${REGION}`;
    let plan: Plan;
    let start: PolicyDocument;
    let analyze: PolicyDocument;
    let reaper: PolicyDocument;
    let bucket: string;

    before(async () => {
        plan = await planIndex({
            stack: "sim",
            config: { "aws:region": REGION, "golden-ami-assessment:engine": "classic", "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }) },
        });
        const policy = (fn: string) => JSON.parse(find(plan, "aws:iam/rolePolicy:RolePolicy", `${component}-${fn}-policy`).inputs.policy);
        [start, analyze, reaper] = [policy("start"), policy("analyze"), policy("reaper")];
        bucket = find(plan, "aws:s3/bucket:Bucket", `${component}-reports`).state.arn;
    });

    it("lets analyze ask Inspector Classic which runs ended (no resource-level permissions: *), and no other handler", async () => {
        // Classic has no resource-level permissions: the grant is on "*", in the statement that says so.
        const statement = analyze.Statement.find((st) => ([] as string[]).concat(st.Action ?? []).includes("inspector:DescribeAssessmentRuns"));
        expect(statement).to.deep.include({ Sid: "InspectorClassicHasNoResourceLevelPermissions", Resource: "*" });
        expect(await decide({ action: "inspector:DescribeAssessmentRuns", resource: "*" }, [analyze])).to.equal("Allowed");
        expect(await decide({ action: "inspector:DescribeAssessmentRuns", resource: "*" }, [start])).to.equal("ImplicitlyDenied");
        expect(await decide({ action: "inspector:DescribeAssessmentRuns", resource: "*" }, [reaper])).to.equal("ImplicitlyDenied");
        // Nothing that changes Inspector comes with it.
        for (const action of ["inspector:StartAssessmentRun", "inspector:StopAssessmentRun", "inspector:DeleteAssessmentRun"]) {
            expect(await decide({ action, resource: "*" }, [analyze]), action).to.equal("ImplicitlyDenied");
        }
    });

    it("lets analyze list the open runs under the report prefix only, and read and delete their markers", async () => {
        expect(await decide({ action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": "reports/classic-open/" } }, [analyze])).to.equal("Allowed");
        for (const prefix of ["", "other/", "classic-open/", "report"]) {
            expect(await decide({ action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": prefix } }, [analyze]), `prefix ${JSON.stringify(prefix)}`).to.equal("ImplicitlyDenied");
        }
        expect(await decide({ action: "s3:ListBucket", resource: "arn:aws:s3:::someone-elses-bucket", context: { "s3:prefix": "reports/classic-open/" } }, [analyze])).to.equal("ImplicitlyDenied");
        for (const action of ["s3:GetObject", "s3:DeleteObject"]) {
            expect(await decide({ action, resource: `${bucket}/reports/classic-open/0-MnOpQr56` }, [analyze]), action).to.equal("Allowed");
            expect(await decide({ action, resource: `${bucket}/other/classic-open/0-MnOpQr56` }, [analyze]), action).to.equal("ImplicitlyDenied");
        }
        // start writes the marker, under the prefix only.
        expect(await decide({ action: "s3:PutObject", resource: `${bucket}/reports/classic-open/0-MnOpQr56` }, [start])).to.equal("Allowed");
        expect(await decide({ action: "s3:PutObject", resource: `${bucket}/classic-open/0-MnOpQr56` }, [start])).to.equal("ImplicitlyDenied");
    });

    it("lets only the sweep rule invoke analyze on the schedule", () => {
        const rule = find(plan, "aws:cloudwatch/eventRule:EventRule", `${component}-sweep-schedule`);
        const permission = find(plan, "aws:lambda/permission:Permission", `${component}-sweep-schedule-permission`).inputs;
        expect(permission).to.include({ principal: "events.amazonaws.com", sourceArn: rule.state.arn, function: find(plan, "aws:lambda/function:Function", `${component}-analyze`).state.name });
    });
});

describe("IAM policy simulation of the Classic completion topic policy", () => {
    const component = `gaa-sim-${REGION}`;
    const INSPECTOR = "arn:aws:iam::316112463485:root";
    let topicArn: string;
    let topicPolicy: unknown;
    // A caller whose own identity policy allows everything on SNS: the topic policy alone decides cross-account.
    const allowAllSns: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "Any", Effect: "Allow", Action: ["sns:*"], Resource: "*" }] };

    before(async () => {
        const plan = await planIndex({
            stack: "sim",
            config: { "aws:region": REGION, "golden-ami-assessment:engine": "classic", "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }) },
        });
        topicArn = find(plan, "aws:sns/topic:Topic", `${component}-completion`).state.arn;
        topicPolicy = JSON.parse(find(plan, "aws:sns/topicPolicy:TopicPolicy", `${component}-completion-policy`).inputs.policy);
    });

    it("lets the region's Inspector account publish and subscribe, and nobody else from outside", async () => {
        expect(await decide({ principal: INSPECTOR, action: "sns:Publish", resource: topicArn }, [allowAllSns], topicPolicy)).to.equal("Allowed");
        expect(await decide({ principal: INSPECTOR, action: "sns:Subscribe", resource: topicArn }, [allowAllSns], topicPolicy)).to.equal("Allowed");
        expect(await decide({ principal: INSPECTOR, action: "sns:DeleteTopic", resource: topicArn }, [allowAllSns], topicPolicy)).to.equal("ImplicitlyDenied");
        const stranger = `arn:aws:iam::${OTHER_OWNER}:root`;
        for (const action of ["sns:Publish", "sns:Subscribe", "sns:SetTopicAttributes", "sns:DeleteTopic"]) {
            expect(await decide({ principal: stranger, action, resource: topicArn }, [allowAllSns], topicPolicy), action).to.equal("ImplicitlyDenied");
        }
    });

    it("grants the owning account nothing by itself: the deployer's own IAM manages the topic", async () => {
        const own = `arn:aws:iam::${MOCK_ACCOUNT}:role/someone`;
        // Without an identity grant, the topic policy gives the account's principals nothing (no Principal "*").
        for (const action of ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:Publish", "sns:Subscribe"]) {
            expect(await decide({ principal: own, action, resource: topicArn }, [], topicPolicy), action).to.equal("ImplicitlyDenied");
        }
        // With its own IAM permissions (Pulumi's deployer), the account still manages the topic.
        for (const action of ["sns:SetTopicAttributes", "sns:DeleteTopic"]) {
            expect(await decide({ principal: own, action, resource: topicArn }, [allowAllSns], topicPolicy), action).to.equal("Allowed");
        }
    });
});
