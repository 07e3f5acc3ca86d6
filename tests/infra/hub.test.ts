// The hub under mocks: its bucket's secure settings, the topic with the digest subscriptions, the
// index and digest functions on their schedules, and the spokes' side (hub env, per-run emails,
// analyzeRoleArn, Classic left out); then the stack's keys digestSchedule and perRunEmails.
import { expect } from "chai";
import { GoldenAmiAssessment } from "../../components/goldenAmiAssessment";
import { GoldenAmiAssessmentHub, hubSpokeOf } from "../../components/hub";
import { readStackConfig } from "../../components/stackConfig";
import { BUCKET_POLICY_MAX_BYTES, hubBucketPolicy } from "../../infra/hubPolicies";
import { runUnderMocks } from "../../scripts/mockRuntime";

async function planHub(spokeArgs: { engine?: "inspector2" | "classic"; perRunEmails?: boolean; scanMode?: "agentless" }[] = [{}], hubArgs: { digestSchedule?: string } = {}) {
    return runUnderMocks(
        () => {
            const hub = new GoldenAmiAssessmentHub("gaa-prod-hub", { region: "eu-west-1", notificationEmails: ["secops@example.com"], ...hubArgs });
            const spokes = spokeArgs.map((args, i) => {
                const region = ["eu-west-1", "us-east-1"][i];
                const engine = args.engine ?? "inspector2";
                const assessment = new GoldenAmiAssessment(`gaa-prod-${region}`, { region, engine, amiTags: { golden: "true" }, hub: { bucketName: hub.bucketName }, perRunEmails: args.perRunEmails, scanMode: args.scanMode, ...(engine === "classic" ? { duration: "15m" } : {}) });
                return hubSpokeOf(region, engine, "rate(7 days)", assessment);
            });
            hub.admitSpokes(spokes);
            return { bucketName: hub.bucketName };
        },
        { project: "consumer", stack: "prod", config: {} },
    );
}

describe("GoldenAmiAssessmentHub", function () {
    this.timeout(300_000);

    it("keeps its bucket private, encrypted and bucket-owner-enforced, expires only the spokes' summaries, and emails the digest", async () => {
        const plan = await planHub();
        const of = (type: string) => plan.resources.filter((r) => r.type === type && r.name.startsWith("gaa-prod-hub"));
        expect(of("aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0].inputs.rule.objectOwnership).to.equal("BucketOwnerEnforced");
        expect(of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0].inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0].inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("AES256");
        expect(of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].inputs.rules[0].filter).to.deep.equal({ prefix: "spokes/" });
        expect(of("aws:sns/topicSubscription:TopicSubscription").map((r) => r.inputs.endpoint)).to.deep.equal(["secops@example.com"]);
        // One bucket policy (a bucket has one): TLS-only plus the spokes' grants.
        const policies = of("aws:s3/bucketPolicy:BucketPolicy");
        expect(policies).to.have.length(1);
        expect(JSON.parse(policies[0].inputs.policy).Statement.map((s: any) => s.Sid)).to.deep.equal(["DenyInsecureTransport", "SpokesWriteOnlyTheirOwnPrefixeuwest1"]);
        expect(plan.resources.find((r) => r.name === "gaa-prod-hub-index-schedule")!.inputs.scheduleExpression).to.equal("rate(1 hour)");
        expect(plan.resources.find((r) => r.name === "gaa-prod-hub-digest-schedule")!.inputs.scheduleExpression).to.equal("rate(1 day)");
        expect(of("aws:iam/role:Role").map((r) => r.name).sort()).to.deep.equal(["gaa-prod-hub-digest-role", "gaa-prod-hub-index-role"]);
        const spokes = JSON.parse(of("aws:s3/bucketObjectv2:BucketObjectv2")[0].inputs.content);
        expect(spokes.spokes).to.deep.equal([{ account: "123456789012", region: "eu-west-1", engine: "inspector2", scheduleSeconds: 604800 }]);
    });

    it("gives an inspector2 spoke its hub prefix, per-run emails off unless asked, and exports its analyze role", async () => {
        const plan = await planHub([{}, { perRunEmails: true }]);
        const env = (region: string) => plan.resources.find((r) => r.name === `gaa-prod-${region}-analyze`)!.inputs.environment.variables;
        expect(env("eu-west-1")).to.include({ HUB_PREFIX: "spokes/123456789012/eu-west-1/", PER_RUN_EMAILS: "false" });
        expect(env("eu-west-1").HUB_BUCKET).to.match(/^gaa-prod-hub-reports-/);
        expect(env("us-east-1")).to.include({ PER_RUN_EMAILS: "true" });
        const arns = JSON.parse(plan.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "gaa-prod-hub-hub-policy")!.inputs.policy).Statement.slice(1).flatMap((s: any) => s.Condition.ArnEquals["aws:PrincipalArn"]);
        expect(arns).to.have.length(2);
        for (const arn of arns) expect(arn).to.match(/^arn:aws:iam::123456789012:role\/gaa-prod-(eu-west|us-east)-1-analyze-role/);
    });

    it("sweeps an agentless spoke's analyze hourly so the runs start reports reach the hub; start knows only perRunEmails", async () => {
        const plan = await planHub([{ scanMode: "agentless" }]);
        expect(plan.resources.find((r) => r.name === "gaa-prod-eu-west-1-hub-sweep-schedule")!.inputs.scheduleExpression).to.equal("rate(1 hour)");
        expect(plan.resources.find((r) => r.name === "gaa-prod-eu-west-1-start")!.inputs.environment.variables).to.include({ PER_RUN_EMAILS: "false" });
        const startPolicy = JSON.parse(plan.resources.find((r) => r.name === "gaa-prod-eu-west-1-start-policy")!.inputs.policy);
        expect(startPolicy.Statement.map((s: any) => s.Sid)).to.not.include("SendRunSummariesToTheHubOwnPrefixOnly");
        const plain = await planHub([{}]);
        expect(plain.resources.some((r) => r.name.endsWith("hub-sweep-schedule")), "instance mode sweeps every 5 minutes already").to.equal(false);
    });

    it("leaves a Classic spoke out (end of support: listed as unsupported, no hub grant)", async () => {
        const plan = await planHub([{}, { engine: "classic" }]);
        const analyze = plan.resources.find((r) => r.name === "gaa-prod-us-east-1-analyze")!;
        expect(analyze.inputs.environment.variables).to.not.have.property("HUB_BUCKET");
        const spokes = JSON.parse(plan.resources.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2")!.inputs.content).spokes;
        expect(spokes.map((s: any) => s.engine)).to.deep.equal(["inspector2", "classic"]);
        const grants = JSON.parse(plan.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "gaa-prod-hub-hub-policy")!.inputs.policy).Statement.slice(1);
        expect(grants.map((s: any) => s.Sid)).to.deep.equal(["SpokesWriteOnlyTheirOwnPrefixeuwest1"]);
    });

    it("refuses a digest schedule more often than hourly, naming the argument", async () => {
        const message = await planHub([{}], { digestSchedule: "rate(5 minutes)" }).then(() => "", (e) => (e as Error).message);
        expect(message).to.contain('GoldenAmiAssessmentHub "gaa-prod-hub" argument digestSchedule').and.contain("rate(5 minutes)");
    });

    it("fits S3's 20 KB bucket policy limit up to about 250 spokes, and says so beyond", () => {
        const grants = (n: number) => Array.from({ length: n }, (_, i) => ({ region: ["us-east-1", "eu-west-1", "ap-south-1"][i % 3], analyzeRoleArn: `arn:aws:iam::${String(100000000000 + i)}:role/gaa-production-${["us-east-1", "eu-west-1", "ap-south-1"][i % 3]}-analyze-role-0a1b2c3` }));
        const size = (n: number) => JSON.stringify(hubBucketPolicy("aws", "gaa-production-hub-reports-0123456789abcdef", grants(n))).length;
        expect(size(200)).to.be.lessThan(BUCKET_POLICY_MAX_BYTES);
        expect(size(400)).to.be.greaterThan(BUCKET_POLICY_MAX_BYTES);
    });
});

describe("stack keys digestSchedule and perRunEmails", () => {
    const read = (config: Record<string, string>) => readStackConfig((key) => ({ amiTags: '{"golden":"true"}', ...config })[key], "us-east-1", Object.keys(config).map((k) => `golden-ami-assessment:${k}`));
    it("reads them, unset by default", () => {
        expect(read({}).hubOptions).to.deep.equal({});
        expect(read({ digestSchedule: "cron(0 8 * * ? *)", perRunEmails: "true" }).hubOptions).to.deep.equal({ digestSchedule: "cron(0 8 * * ? *)", perRunEmails: true });
    });
    it("refuses bad values naming the key", () => {
        expect(() => read({ digestSchedule: "daily" })).to.throw("golden-ami-assessment:digestSchedule");
        expect(() => read({ perRunEmails: "yes" })).to.throw("golden-ami-assessment:perRunEmails");
    });
});
