// The doctor's read-only policy under the IAM policy simulator (@cloud-copilot/iam-simulate): it
// allows exactly the calls the doctor makes (taken from a run against the fake account that
// takes every path), each on the resource it is made on, and denies writes.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { componentName } from "../../components/stackConfig";
import { DOCTOR_ACTIONS, DOCTOR_POLICY } from "../../doctor/policy";
import { runDoctor } from "../../doctor/runDoctor";
import { FAKE_ACCOUNT, FakeAccount, doctorSettings } from "../support/fakeAccount";

const REGION = "us-east-1";
const KEY = `arn:aws:kms:${REGION}:${FAKE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const TOPIC = `arn:aws:sns:${REGION}:${FAKE_ACCOUNT}:${componentName("prod", REGION)}-results-a1b2c3d`;

/** The resource each call is authorized on (IAM service authorization reference); "*" for those without resource types. */
const RESOURCES: Record<string, string> = {
    "sns:ListSubscriptionsByTopic": TOPIC,
    "servicequotas:GetServiceQuota": `arn:aws:servicequotas:${REGION}:${FAKE_ACCOUNT}:ec2/L-1216C47A`,
    "kms:DescribeKey": KEY,
};

/** KMS always reads the key policy too (KMS developer guide, "Key policies"): the default one delegates to IAM. */
const DEFAULT_KEY_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${FAKE_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

async function decide(action: string, resource: string): Promise<string> {
    const result = await runSimulation(
        {
            request: { principal: `arn:aws:iam::${FAKE_ACCOUNT}:user/doctor`, action, resource: { resource, accountId: FAKE_ACCOUNT }, contextVariables: {} },
            identityPolicies: [{ name: "doctor", policy: DOCTOR_POLICY }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...(action.startsWith("kms:") ? { resourcePolicy: DEFAULT_KEY_POLICY } : {}),
        },
        {},
    );
    if (result.resultType === "error") throw new Error(`simulation failed for ${action}: ${JSON.stringify(result.errors)}`);
    if (result.resultType !== "single") throw new Error(`expected a single-resource simulation for ${action}`);
    return result.overallResult;
}

/** Every path of the doctor: v2 with an encrypted snapshot and a deployed topic, then classic. */
async function actionsCalled(): Promise<string[]> {
    const account = new FakeAccount([REGION]);
    const region = account.region(REGION);
    region.kmsKeys.set(KEY, "CUSTOMER");
    account.addGoldenImage(region, "ami-0a000000000000002", { name: "golden-al2023-cmk", kmsKeyId: KEY });
    account.addResultsTopic(region, componentName("prod", REGION), [{ address: "secops@example.com", confirmed: true }]);
    const settings = doctorSettings([REGION], { scanMode: "auto" });
    await runDoctor({ settings, stack: "prod", clientsFor: account.clientsFor, retry: { sleep: account.sleep } });
    await runDoctor({ settings: { ...settings, engine: "classic", scanMode: "instance" }, stack: "prod", clientsFor: account.clientsFor, retry: { sleep: account.sleep } });
    return [...new Set(account.actions)].sort();
}

describe("IAM policy simulation of the doctor's read-only policy", () => {
    it("names exactly the actions the doctor calls, no wildcard", async () => {
        expect([...DOCTOR_ACTIONS].sort()).to.deep.equal(await actionsCalled());
        expect(DOCTOR_ACTIONS.some((a) => a.includes("*"))).to.equal(false);
    });

    it("is the policy docs/doctor.md gives users to attach", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "doctor.md"), "utf8");
        expect(JSON.parse(doc.split("```json")[1].split("```")[0])).to.deep.equal(DOCTOR_POLICY);
    });

    it("allows each of them on the resource it is made on", async () => {
        for (const action of DOCTOR_ACTIONS) expect(await decide(action, RESOURCES[action] ?? "*"), action).to.equal("Allowed");
    });

    it("allows subscriptions of the stacks' results topics only, and only the standard vCPU quota", async () => {
        expect(await decide("sns:ListSubscriptionsByTopic", `arn:aws:sns:${REGION}:${FAKE_ACCOUNT}:billing-alerts`)).to.equal("ImplicitlyDenied");
        expect(await decide("servicequotas:GetServiceQuota", `arn:aws:servicequotas:${REGION}:${FAKE_ACCOUNT}:lambda/L-B99A9384`)).to.equal("ImplicitlyDenied");
    });

    it("denies every write the engine or a user could make", async () => {
        const writes: [string, string][] = [
            ["ec2:RunInstances", `arn:aws:ec2:${REGION}:${FAKE_ACCOUNT}:instance/i-0123456789abcdef0`],
            ["ec2:CreateTags", `arn:aws:ec2:${REGION}::image/ami-0a000000000000001`],
            ["ec2:CreateVpcEndpoint", `arn:aws:ec2:${REGION}:${FAKE_ACCOUNT}:vpc-endpoint/vpce-0123456789abcdef0`],
            ["inspector2:Enable", "*"],
            ["inspector2:UpdateConfiguration", "*"],
            ["inspector2:UpdateEc2DeepInspectionConfiguration", "*"],
            ["inspector:StartAssessmentRun", "*"],
            ["sns:Subscribe", TOPIC],
            ["sns:Publish", TOPIC],
            ["servicequotas:RequestServiceQuotaIncrease", `arn:aws:servicequotas:${REGION}:${FAKE_ACCOUNT}:ec2/L-1216C47A`],
            ["kms:Decrypt", KEY],
            ["kms:CreateGrant", KEY],
            ["s3:GetObject", "arn:aws:s3:::reports/x.json"],
        ];
        for (const [action, resource] of writes) expect(await decide(action, resource), action).to.equal("ImplicitlyDenied");
    });
});
