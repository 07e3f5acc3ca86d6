// The publish function's role in a mocked plan, evaluated by the IAM policy simulator
// (@cloud-copilot/iam-simulate): it may describe images and launch only through start's scoped
// launch permissions (configured owners' images, configured types, the pipeline's subnets, tags
// and instance role, passed only to EC2), write only its run state under the report prefix, and
// nothing beyond (no AMI verdict tags, no deregistering, no other pipeline's instances). Each
// request carries the context keys AWS would derive from it, as in policySimulation.test.ts.
import { expect } from "chai";
import { PolicyDocument } from "../../infra/policies";
import { PIPELINE_TAG, VERDICT_TAG } from "../../pipeline/run/tags";
import { MOCK_ACCOUNT, Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";
import { Decision, decide } from "../support/iamSimulation";

const REGION = "us-east-1";
const COMPONENT = `gaa-pubsim-${REGION}`;
const CONFIGURED_OWNER = "111122223333";
const OTHER_OWNER = "999999999999";
const IMAGE = `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`;
const ec2 = (resource: string) => `arn:aws:ec2:${REGION}:${MOCK_ACCOUNT}:${resource}`;



function find(plan: Plan, type: string, name: string): PlannedResource {
    const found = plan.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name}`);
    return found;
}

describe("IAM policy simulation of the publish function's role (assess on publish)", function () {
    let plan: Plan;
    let publish: PolicyDocument;
    let analyze: PolicyDocument;

    before(async () => {
        plan = await planIndex({
            stack: "pubsim",
            config: {
                "aws:region": REGION,
                "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
                "golden-ami-assessment:amiOwners": JSON.stringify(["self", CONFIGURED_OWNER]),
                "golden-ami-assessment:assessOnTag": "true",
            },
        });
        const policy = (fn: string) => JSON.parse(find(plan, "aws:iam/rolePolicy:RolePolicy", `${COMPONENT}-${fn}-policy`).inputs.policy) as PolicyDocument;
        [publish, analyze] = [policy("publish"), policy("analyze")];
    });

    it("may describe images (the event is never trusted) and read the account's EC2 scanning status", async () => {
        expect(await decide("ec2:DescribeImages", "*", {}, publish)).to.equal("Allowed");
        expect(await decide("inspector2:BatchGetAccountStatus", "*", {}, publish)).to.equal("Allowed");
        expect(await decide("ec2:DescribeImages", "*", {}, analyze), "analyze: is a run's AMI gone?").to.equal("Allowed");
    });

    it("launches only the configured owners' images, the configured types, tagged for this pipeline, in its subnets", async () => {
        expect(await decide("ec2:RunInstances", IMAGE, { "ec2:Owner": MOCK_ACCOUNT }, publish)).to.equal("Allowed");
        expect(await decide("ec2:RunInstances", IMAGE, { "ec2:Owner": CONFIGURED_OWNER }, publish)).to.equal("Allowed");
        expect(await decide("ec2:RunInstances", IMAGE, { "ec2:Owner": OTHER_OWNER }, publish)).to.equal("ImplicitlyDenied");
        const instance = (type: string, pipeline: string) => decide("ec2:RunInstances", ec2("instance/i-0123456789abcdef0"), { "ec2:InstanceType": type, [`aws:RequestTag/${PIPELINE_TAG}`]: pipeline }, publish);
        expect(await instance("t3.medium", COMPONENT)).to.equal("Allowed");
        expect(await instance("p5.48xlarge", COMPONENT), "an unconfigured type").to.equal("ImplicitlyDenied");
        expect(await instance("t3.medium", "gaa-other-us-east-1"), "another pipeline's tag").to.equal("ImplicitlyDenied");
        expect(await decide("ec2:RunInstances", ec2("subnet/subnet-0badbadbadbadbad0"), {}, publish)).to.equal("ImplicitlyDenied");
        expect(await decide("ec2:RunInstances", ec2("security-group/sg-0badbadbadbadbad0"), {}, publish)).to.equal("ImplicitlyDenied");
    });

    it("passes only the instance role, only to EC2; tags instances only at launch", async () => {
        const role = find(plan, "aws:iam/role:Role", `${COMPONENT}-instance-role`).state.arn;
        expect(await decide("iam:PassRole", role, { "iam:PassedToService": "ec2.amazonaws.com" }, publish)).to.equal("Allowed");
        expect(await decide("iam:PassRole", role, { "iam:PassedToService": "lambda.amazonaws.com" }, publish)).to.equal("ImplicitlyDenied");
        expect(await decide("iam:PassRole", `arn:aws:iam::${MOCK_ACCOUNT}:role/Admin`, { "iam:PassedToService": "ec2.amazonaws.com" }, publish)).to.equal("ImplicitlyDenied");
        expect(await decide("ec2:CreateTags", ec2("instance/i-0123456789abcdef0"), { "ec2:CreateAction": "RunInstances" }, publish)).to.equal("Allowed");
        expect(await decide("ec2:CreateTags", ec2("instance/i-0123456789abcdef0"), { "ec2:CreateAction": "CreateTags" }, publish)).to.equal("ImplicitlyDenied");
    });

    it("terminates only this pipeline's instances; never tags, deregisters or deprecates AMIs", async () => {
        expect(await decide("ec2:TerminateInstances", ec2("instance/i-0123456789abcdef0"), { [`aws:ResourceTag/${PIPELINE_TAG}`]: COMPONENT }, publish)).to.equal("Allowed");
        expect(await decide("ec2:TerminateInstances", ec2("instance/i-0123456789abcdef0"), { [`aws:ResourceTag/${PIPELINE_TAG}`]: "gaa-other-us-east-1" }, publish)).to.equal("ImplicitlyDenied");
        expect(await decide("ec2:CreateTags", IMAGE, { "aws:TagKeys": [VERDICT_TAG] }, publish), "instance mode: verdict tags are analyze's").to.equal("ImplicitlyDenied");
        for (const action of ["ec2:DeregisterImage", "ec2:EnableImageDeprecation", "ec2:ModifyImageAttribute"]) {
            expect(await decide(action, IMAGE, {}, publish), action).to.equal("ImplicitlyDenied");
        }
    });

    it("keeps its queue, claims and runs under the report prefix only, and publishes to the results topic only", async () => {
        const bucket = find(plan, "aws:s3/bucket:Bucket", `${COMPONENT}-reports`).state.arn;
        for (const key of ["reports/queue/ami-0123456789abcdef0.json", "reports/assessing/ami-0123456789abcdef0.json", "reports/slots/3.json"]) {
            for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]) expect(await decide(action, `${bucket}/${key}`, {}, publish), `${action} ${key}`).to.equal("Allowed");
        }
        expect(await decide("s3:PutObject", `${bucket}/other/queue.json`, {}, publish)).to.equal("ImplicitlyDenied");
        expect(await decide("s3:ListBucket", bucket, { "s3:prefix": "reports/queue/" }, publish)).to.equal("Allowed");
        expect(await decide("s3:ListBucket", bucket, { "s3:prefix": "" }, publish)).to.equal("ImplicitlyDenied");
        const topic = find(plan, "aws:sns/topic:Topic", `${COMPONENT}-results`).state.arn;
        expect(await decide("sns:Publish", topic, {}, publish)).to.equal("Allowed");
        expect(await decide("sns:Publish", `arn:aws:sns:${REGION}:${MOCK_ACCOUNT}:someone-else`, {}, publish)).to.equal("ImplicitlyDenied");
    });

    it("lets only its own rules and drain schedule invoke it", () => {
        const fn = find(plan, "aws:lambda/function:Function", `${COMPONENT}-publish`).state.arn;
        const permissions = plan.resources.filter((r) => r.type === "aws:lambda/permission:Permission" && r.inputs.function === find(plan, "aws:lambda/function:Function", `${COMPONENT}-publish`).state.name);
        const rules = ["ami-published", "ami-tagged", "publish-drain"].map((suffix) => find(plan, "aws:cloudwatch/eventRule:EventRule", `${COMPONENT}-${suffix}`).state.arn);
        expect(permissions.map((p) => p.inputs.sourceArn).sort()).to.deep.equal([...rules].sort());
        expect(permissions.every((p) => p.inputs.principal === "events.amazonaws.com")).to.equal(true);
        expect(fn).to.be.a("string");
    });
});
