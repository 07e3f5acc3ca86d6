// The hub's grants of a mocked plan, evaluated by the IAM policy simulator: the hub's bucket
// policy (the stack's only cross-account write) with each spoke's analyze role policy. A spoke's
// analyze role writes its own prefix and nothing else; nobody else writes; the hub's own
// functions read and write only what they need. The spokes here are in other accounts, so S3
// needs both the role's Allow and the bucket policy's (the simulator models that).
import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../infra/policies";
import { hubBucketPolicy } from "../../infra/hubPolicies";
import { spokePrefix } from "../../pipeline/hub/summary";
import { MOCK_ACCOUNT, Plan, planIndex } from "../../scripts/mockRuntime";
import { renderHubSummary } from "../../scripts/planHub";
import { ACCOUNTS, HUB_ACCOUNT, analyzeRoleArn, spokeIdentityPolicy } from "../support/cycles/hubWorld";

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";
const REGIONS = ["us-east-1", "eu-west-1"];

async function decide(request: { roleArn: string; action: string; resource: string; bucketAccount: string; tls?: boolean }, identity: PolicyDocument, bucketPolicy: unknown): Promise<Decision> {
    const account = /::(\d{12}):/.exec(request.roleArn)![1];
    const result = await runSimulation(
        {
            request: {
                principal: request.roleArn,
                action: request.action,
                resource: { resource: request.resource, accountId: request.bucketAccount },
                contextVariables: { "aws:PrincipalArn": request.roleArn, "aws:PrincipalAccount": account, "aws:SecureTransport": String(request.tls ?? true) },
            },
            identityPolicies: [{ name: "role", policy: identity }],
            resourcePolicy: bucketPolicy,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result.resultType !== "single") throw new Error(JSON.stringify(result));
    return result.overallResult as Decision;
}

describe("IAM policy simulation of the hub", function () {
    this.timeout(300_000);
    let plan: Plan;
    let bucket: string;
    let bucketPolicy: any;
    const policyOf = (name: string) => JSON.parse(plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === name)!.inputs.policy) as PolicyDocument;

    before(async () => {
        plan = await planIndex({
            stack: "sim",
            config: { "aws:region": "us-east-1", "golden-ami-assessment:regions": JSON.stringify(REGIONS), "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }), "golden-ami-assessment:digestSchedule": "rate(1 day)" },
        });
        const policy = plan.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "gaa-sim-hub-hub-policy")!;
        bucketPolicy = JSON.parse(policy.inputs.policy);
        bucket = /:::([^/"]+)/.exec(policy.inputs.policy)![1];
    });

    it("shows the hub in `npm run plan`: its schedules, spokes and its statements (every one with --details); nothing without a hub", () => {
        const summary = renderHubSummary(plan);
        expect(summary).to.include("=== hub gaa-sim-hub (us-east-1)").and.include("rate(1 day) -> digest").and.include("spokes      2 in 1 account(s)");
        expect(summary).to.include("SpokesWriteOnlyTheirOwnPrefix (one per region: 2)").and.include("IAM role index-role: WriteOwnLogs").and.include("RecordWhatWasSent");
        const text = renderHubSummary(plan, true);
        expect(text).to.include(`spokes      ${MOCK_ACCOUNT} us-east-1, ${MOCK_ACCOUNT} eu-west-1`);
        expect(text).to.include("SpokesWriteOnlyTheirOwnPrefixeuwest1: s3:PutObject for * on").and.include("IAM role index-role").and.include("RecordWhatWasSent");
        expect(renderHubSummary({ ...plan, resources: plan.resources.filter((r) => !r.name.startsWith("gaa-sim-hub")) })).to.equal("");
    });

    describe("the planned stack (spokes in the hub's account)", () => {
        it("lets each region's analyze role write its own prefix, and no other", async () => {
            for (const region of REGIONS) {
                const analyze = policyOf(`gaa-sim-${region}-analyze-policy`);
                const role = bucketPolicy.Statement.find((s: any) => s.Sid.endsWith(region.replace(/-/g, ""))).Condition.ArnEquals["aws:PrincipalArn"][0];
                const put = (key: string) => decide({ roleArn: role, action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${key}`, bucketAccount: MOCK_ACCOUNT }, analyze, bucketPolicy);
                expect(await put(`${spokePrefix(MOCK_ACCOUNT, region)}latest.json`), region).to.equal("Allowed");
                const other = REGIONS.find((r) => r !== region)!;
                expect(await put(`${spokePrefix(MOCK_ACCOUNT, other)}latest.json`), `${region} into ${other}`).to.equal("ImplicitlyDenied");
                expect(await put("hub/index.json"), `${region} into hub/`).to.equal("ImplicitlyDenied");
                expect(await decide({ roleArn: role, action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${spokePrefix(MOCK_ACCOUNT, other)}latest.json`, bucketAccount: MOCK_ACCOUNT }, analyze, bucketPolicy)).to.equal("ImplicitlyDenied");
                expect(await decide({ roleArn: role, action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${spokePrefix(MOCK_ACCOUNT, region)}x`, bucketAccount: MOCK_ACCOUNT, tls: false }, analyze, bucketPolicy), "without TLS").to.equal("ExplicitlyDenied");
            }
        });

        it("gives the index builder the spokes' summaries and hub/ only, and the digest its two files", async () => {
            const role = `arn:aws:iam::${MOCK_ACCOUNT}:role/hub-fn`;
            const index = policyOf("gaa-sim-hub-index-policy");
            const digest = policyOf("gaa-sim-hub-digest-policy");
            const on = (action: string, key: string, doc: PolicyDocument) => decide({ roleArn: role, action, resource: `arn:aws:s3:::${bucket}/${key}`, bucketAccount: MOCK_ACCOUNT }, doc, bucketPolicy);
            expect(await on("s3:GetObject", "spokes/123456789012/us-east-1/latest.json", index)).to.equal("Allowed");
            expect(await on("s3:PutObject", "hub/pages/all-2.html", index)).to.equal("Allowed");
            expect(await on("s3:PutObject", "spokes/123456789012/us-east-1/latest.json", index), "never writes a spoke's summary").to.equal("ImplicitlyDenied");
            expect(await on("s3:DeleteObject", "hub/index.json", index)).to.equal("ImplicitlyDenied");
            expect(await on("s3:GetObject", "hub/index.json", digest)).to.equal("Allowed");
            expect(await on("s3:PutObject", "hub/digest-state.json", digest)).to.equal("Allowed");
            expect(await on("s3:PutObject", "hub/index.json", digest)).to.equal("ImplicitlyDenied");
            expect(await on("s3:GetObject", "spokes/123456789012/us-east-1/latest.json", digest)).to.equal("ImplicitlyDenied");
        });
    });

    describe("spokes in other accounts (the only cross-account write)", () => {
        const grants = ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ region, analyzeRoleArn: analyzeRoleArn(account, region) })));
        const HUB = "gaa-dev-hub-reports-0001";
        const policy = hubBucketPolicy("aws", HUB, grants);
        const put = (roleArn: string, key: string, identity: PolicyDocument) => decide({ roleArn, action: "s3:PutObject", resource: `arn:aws:s3:::${HUB}/${key}`, bucketAccount: HUB_ACCOUNT }, identity, policy);
        const everything: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "*" }] };

        it("admits each spoke's analyze role to exactly its own prefix", async () => {
            for (const account of ACCOUNTS) {
                for (const region of REGIONS) {
                    const role = analyzeRoleArn(account, region);
                    const identity = spokeIdentityPolicy(account, region);
                    expect(await put(role, `${spokePrefix(account, region)}runs/r1.json`, identity), `${account} ${region}`).to.equal("Allowed");
                    // Even a role that grants itself everything is held to its own prefix by the hub.
                    for (const [a, r] of ACCOUNTS.flatMap((x) => REGIONS.map((y) => [x, y]))) {
                        if (a === account && r === region) continue;
                        expect(await put(role, `${spokePrefix(a, r)}latest.json`, everything), `${account} ${region} -> ${a} ${r}`).to.equal("ImplicitlyDenied");
                    }
                    expect(await decide({ roleArn: role, action: "s3:GetObject", resource: `arn:aws:s3:::${HUB}/${spokePrefix(account, region)}latest.json`, bucketAccount: HUB_ACCOUNT }, everything, policy), "no reads").to.equal("ImplicitlyDenied");
                }
            }
        });

        it("admits nobody else: another role of a spoke account, an unknown account's role of the same name", async () => {
            const [account] = ACCOUNTS;
            const region = REGIONS[0];
            expect(await put(`arn:aws:iam::${account}:role/admin`, `${spokePrefix(account, region)}latest.json`, everything)).to.equal("ImplicitlyDenied");
            const stranger = "444400001111";
            expect(await put(analyzeRoleArn(stranger, region), `${spokePrefix(stranger, region)}latest.json`, everything)).to.equal("ImplicitlyDenied");
            expect(await put(analyzeRoleArn(stranger, region), `${spokePrefix(account, region)}latest.json`, everything)).to.equal("ImplicitlyDenied");
        });
    });
});
