// The opt-in grants (kmsKeyArns, deprecateFailingAmis) of a mocked plan, evaluated by the IAM
// policy simulator (@cloud-copilot/iam-simulate): each request carries the context keys AWS
// would derive from it (kms:ViaService when EC2 calls KMS for the caller, the image's ec2:Owner).
import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument } from "../../infra/policies";
import { DEPRECATED_BY_TAG, VERDICT_TAG } from "../../pipeline/run/tags";
import { MOCK_ACCOUNT, Plan, planIndex } from "../../scripts/mockRuntime";

const REGION = "us-east-1";
const COMPONENT = `gaa-sim-${REGION}`;
const LISTED_KEY = `arn:aws:kms:${REGION}:${MOCK_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER_KEY = `arn:aws:kms:${REGION}:${MOCK_ACCOUNT}:key/0000abcd-12ab-34cd-56ef-000000000000`;
const IMAGE = `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`;
const VIA_EC2 = `ec2.${REGION}.amazonaws.com`;

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/**
 * KMS needs the key policy to allow too; this is the default key policy, which lets the
 * account's IAM policies decide (the README asks for it, or an equivalent grant to the role).
 */
const DEFAULT_KEY_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

async function decide(action: string, resource: string, context: Record<string, string | string[]>, policy: PolicyDocument): Promise<Decision> {
    const resourcePolicy = action.startsWith("kms:") ? { resourcePolicy: DEFAULT_KEY_POLICY } : {};
    const result = await runSimulation(
        {
            request: {
                principal: `arn:aws:iam::${MOCK_ACCOUNT}:role/handler`,
                action,
                resource: { resource, accountId: MOCK_ACCOUNT },
                contextVariables: context,
            },
            identityPolicies: [{ name: "handler", policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...resourcePolicy,
        },
        {},
    );
    if (result.resultType !== "single") throw new Error(`simulation of ${action} on ${resource}: ${JSON.stringify(result)}`);
    // A context key the simulator dropped as not applying would make the answer meaningless.
    expect(result.result.ignoredContextKeys ?? [], `${action} ignored keys`).to.deep.equal([]);
    return result.overallResult as Decision;
}

async function policies(config: Record<string, string>): Promise<Record<"start" | "analyze" | "reaper", PolicyDocument>> {
    const plan: Plan = await planIndex({
        stack: "sim",
        config: { "aws:region": REGION, "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }), ...config },
    });
    const policy = (fn: string) => {
        const found = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${COMPONENT}-${fn}-policy`);
        if (!found) throw new Error(`no ${fn} policy`);
        return JSON.parse(found.inputs.policy) as PolicyDocument;
    };
    return { start: policy("start"), analyze: policy("analyze"), reaper: policy("reaper") };
}

for (const engine of ["inspector2", "classic"]) {
    describe(`IAM policy simulation of the opt-in grants, engine ${engine}`, function () {
        let optedIn: Awaited<ReturnType<typeof policies>>;
        let optedOut: Awaited<ReturnType<typeof policies>>;

        before(async () => {
            const base = { "golden-ami-assessment:engine": engine };
            optedIn = await policies({
                ...base,
                "golden-ami-assessment:kmsKeyArns": JSON.stringify([LISTED_KEY]),
                "golden-ami-assessment:deprecateFailingAmis": "true",
            });
            optedOut = await policies(base);
        });

        describe("kmsKeyArns", () => {
            const KEY_USE = ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"];

            it("lets start use exactly the listed key, and only through EC2 in its region", async () => {
                for (const action of KEY_USE) {
                    expect(await decide(action, LISTED_KEY, { "kms:ViaService": VIA_EC2 }, optedIn.start), action).to.equal("Allowed");
                    expect(await decide(action, LISTED_KEY, {}, optedIn.start), `${action} called directly`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, LISTED_KEY, { "kms:ViaService": `s3.${REGION}.amazonaws.com` }, optedIn.start), `${action} via S3`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, LISTED_KEY, { "kms:ViaService": "ec2.eu-west-1.amazonaws.com" }, optedIn.start), `${action} via EC2 elsewhere`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, OTHER_KEY, { "kms:ViaService": VIA_EC2 }, optedIn.start), `${action} on another key`).to.equal("ImplicitlyDenied");
                }
                for (const action of ["kms:Encrypt", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"]) {
                    expect(await decide(action, LISTED_KEY, { "kms:ViaService": VIA_EC2 }, optedIn.start), action).to.equal("ImplicitlyDenied");
                }
            });

            it("lets start create grants on the listed key only for AWS resources, through EC2", async () => {
                const grant = (key: string, context: Record<string, string>) => decide("kms:CreateGrant", key, context, optedIn.start);
                expect(await grant(LISTED_KEY, { "kms:ViaService": VIA_EC2, "kms:GrantIsForAWSResource": "true" })).to.equal("Allowed");
                expect(await grant(LISTED_KEY, { "kms:ViaService": VIA_EC2, "kms:GrantIsForAWSResource": "false" }), "a grant for a principal").to.equal("ImplicitlyDenied");
                expect(await grant(LISTED_KEY, { "kms:GrantIsForAWSResource": "true" }), "not through EC2").to.equal("ImplicitlyDenied");
                expect(await grant(OTHER_KEY, { "kms:ViaService": VIA_EC2, "kms:GrantIsForAWSResource": "true" }), "another key").to.equal("ImplicitlyDenied");
            });

            it("grants no KMS at all without the list, and never to analyze or the reaper", async () => {
                for (const action of [...KEY_USE, "kms:CreateGrant"]) {
                    const context = { "kms:ViaService": VIA_EC2, ...(action === "kms:CreateGrant" ? { "kms:GrantIsForAWSResource": "true" } : {}) };
                    expect(await decide(action, LISTED_KEY, context, optedOut.start), `${action} opted out`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, LISTED_KEY, context, optedIn.analyze), `${action} analyze`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, LISTED_KEY, context, optedIn.reaper), `${action} reaper`).to.equal("ImplicitlyDenied");
                }
            });
        });

        describe("deprecateFailingAmis", () => {
            const ownedBy = (owner: string) => ({ "ec2:Owner": owner });

            it("lets analyze deprecate and restore only this account's AMIs", async () => {
                for (const action of ["ec2:EnableImageDeprecation", "ec2:DisableImageDeprecation"]) {
                    expect(await decide(action, IMAGE, ownedBy(MOCK_ACCOUNT), optedIn.analyze), `${action} own`).to.equal("Allowed");
                    expect(await decide(action, IMAGE, ownedBy("999999999999"), optedIn.analyze), `${action} another owner`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, IMAGE, ownedBy("amazon"), optedIn.analyze), `${action} amazon`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, IMAGE, ownedBy(MOCK_ACCOUNT), optedIn.start), `${action} start`).to.equal("ImplicitlyDenied");
                    expect(await decide(action, IMAGE, ownedBy(MOCK_ACCOUNT), optedOut.analyze), `${action} opted out`).to.equal("ImplicitlyDenied");
                }
                expect(await decide("ec2:DeregisterImage", IMAGE, ownedBy(MOCK_ACCOUNT), optedIn.analyze), "never deregister").to.equal("ImplicitlyDenied");
            });

            it("lets analyze write and delete the deprecation marker only, and delete no other tag", async () => {
                const tags = (action: string, keys: string[], policy: PolicyDocument) => decide(action, IMAGE, { "aws:TagKeys": keys }, policy);
                expect(await tags("ec2:CreateTags", [DEPRECATED_BY_TAG], optedIn.analyze), "write the marker").to.equal("Allowed");
                expect(await tags("ec2:DeleteTags", [DEPRECATED_BY_TAG], optedIn.analyze), "delete the marker").to.equal("Allowed");
                expect(await tags("ec2:DeleteTags", [VERDICT_TAG], optedIn.analyze), "delete the verdict").to.equal("ImplicitlyDenied");
                expect(await tags("ec2:DeleteTags", [DEPRECATED_BY_TAG, "Name"], optedIn.analyze), "the marker and another").to.equal("ImplicitlyDenied");
                expect(await decide("ec2:DeleteTags", IMAGE, {}, optedIn.analyze), "every tag (no keys named)").to.equal("ImplicitlyDenied");
                expect(await tags("ec2:CreateTags", [DEPRECATED_BY_TAG], optedOut.analyze), "marker opted out").to.equal("ImplicitlyDenied");
                expect(await tags("ec2:DeleteTags", [DEPRECATED_BY_TAG], optedOut.analyze), "delete opted out").to.equal("ImplicitlyDenied");
            });
        });
    });
}
