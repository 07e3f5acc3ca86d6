// The launch bounds and opt-in switches: validated with key, value and what is allowed, and what
// they change in the plan (reserved concurrency, environment, IAM statements).
import { expect } from "chai";
import { readStackConfig } from "../../components/stackConfig";
import { Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";

const KEY_HERE = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_THERE = "arn:aws:kms:eu-west-1:111122223333:key/9999abcd-12ab-34cd-56ef-1234567890ab";

function stackError(config: Record<string, string>): string {
    const all: Record<string, string> = { amiTags: JSON.stringify({ golden: "true" }), ...config };
    try {
        readStackConfig((key) => all[key], "us-east-1");
    } catch (error) {
        return (error as Error).message;
    }
    return "";
}

function find(plan: Plan, type: string, name: string): PlannedResource {
    const found = plan.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name}`);
    return found;
}

const sids = (plan: Plan, role: string): string[] => JSON.parse(find(plan, "aws:iam/rolePolicy:RolePolicy", `${role}-policy`).inputs.policy).Statement.map((s: { Sid: string }) => s.Sid);

describe("launch bounds and opt-in switches", () => {
    it("refuses bad values, naming the key, the value and what is allowed", () => {
        expect(stackError({ maxConcurrentInstances: "0" })).to.match(/golden-ami-assessment:maxConcurrentInstances.*0.*from 1 to 500/);
        expect(stackError({ maxConcurrentInstances: "ten" })).to.match(/maxConcurrentInstances.*ten/);
        expect(stackError({ kmsKeyArns: JSON.stringify(["alias/aws/ebs"]) })).to.match(/kmsKeyArns.*alias\/aws\/ebs.*KMS key ARN/);
        expect(stackError({ kmsKeyArns: JSON.stringify(["arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc"]) })).to.match(/kmsKeyArns.*partition aws/);
        expect(stackError({ kmsKeyArns: KEY_HERE })).to.match(/kmsKeyArns.*must be a list/);
        // A key of a region the stack does not deploy would be granted nowhere: refused, naming the key and its region.
        expect(stackError({ kmsKeyArns: JSON.stringify([KEY_HERE, KEY_THERE]) })).to.contain(`golden-ami-assessment:kmsKeyArns = ["${KEY_THERE}"]`).and.contain("eu-west-1 is not one of the configured regions");
        expect(stackError({ regions: '["us-east-1","eu-west-1"]', kmsKeyArns: JSON.stringify([KEY_HERE, KEY_THERE]) })).to.equal("");
        expect(stackError({ deprecateFailingAmis: "yes" })).to.match(/deprecateFailingAmis.*yes.*true or false/);
        expect(stackError({ maxConcurrentInstances: "25", deprecateFailingAmis: "true", reserveStartConcurrency: "false" })).to.equal("");
    });

    describe("in the plan", function () {
        this.timeout(300_000);
        const c = "gaa-dev-us-east-1";
        let defaults: Plan;
        let opted: Plan;
        before(async () => {
            const base = { "aws:region": "us-east-1", "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }) };
            defaults = await planIndex({ stack: "dev", config: base });
            opted = await planIndex({ stack: "dev", config: {
                ...base,
                "golden-ami-assessment:regions": JSON.stringify(["us-east-1", "eu-west-1"]),
                "golden-ami-assessment:maxConcurrentInstances": "3",
                "golden-ami-assessment:kmsKeyArns": JSON.stringify([KEY_HERE, KEY_THERE]),
                "golden-ami-assessment:deprecateFailingAmis": "true",
                "golden-ami-assessment:reserveStartConcurrency": "false",
            } });
        });

        it("reserves a concurrency of 1 for start only, unless turned off", () => {
            const fn = (plan: Plan, role: string) => find(plan, "aws:lambda/function:Function", `${c}-${role}`).inputs;
            expect(fn(defaults, "start").reservedConcurrentExecutions).to.equal(1);
            expect(fn(defaults, "analyze").reservedConcurrentExecutions).to.equal(undefined);
            expect(fn(defaults, "reaper").reservedConcurrentExecutions).to.equal(undefined);
            expect(fn(opted, "start").reservedConcurrentExecutions).to.equal(undefined);
        });

        it("hands the limit and the region's keys to start, and the switch and account to analyze", () => {
            const env = (plan: Plan, role: string) => find(plan, "aws:lambda/function:Function", `${c}-${role}`).inputs.environment.variables;
            expect(env(defaults, "start").MAX_CONCURRENT_INSTANCES).to.equal("10");
            expect(env(defaults, "start").KMS_KEY_ARNS).to.equal("[]");
            expect(env(opted, "start").MAX_CONCURRENT_INSTANCES).to.equal("3");
            expect(JSON.parse(env(opted, "start").KMS_KEY_ARNS)).to.deep.equal([KEY_HERE]);
            expect(env(defaults, "analyze").DEPRECATE_FAILING_AMIS).to.equal("false");
            expect(env(opted, "analyze").DEPRECATE_FAILING_AMIS).to.equal("true");
            expect(env(opted, "analyze").ACCOUNT_ID).to.match(/^\d{12}$/);
        });

        it("grants KMS and deprecation only when opted in, to the role that needs it", () => {
            expect(sids(defaults, `${c}-start`)).to.not.include("UseTheListedKmsKeysThroughEc2Only");
            expect(sids(defaults, `${c}-analyze`)).to.not.include("DeprecateOnlyThisAccountsAmis");
            expect(sids(opted, `${c}-start`)).to.include.members(["UseTheListedKmsKeysThroughEc2Only", "GrantTheListedKmsKeysToEc2Only"]);
            expect(sids(opted, `${c}-analyze`)).to.include.members(["DeprecateOnlyThisAccountsAmis", "DeleteOnlyTheDeprecationMarker"]);
            expect(sids(opted, `${c}-analyze`)).to.not.include("UseTheListedKmsKeysThroughEc2Only");
            const kms = JSON.parse(find(opted, "aws:iam/rolePolicy:RolePolicy", `${c}-start-policy`).inputs.policy).Statement.find((s: { Sid: string }) => s.Sid === "UseTheListedKmsKeysThroughEc2Only");
            expect(kms.Resource).to.deep.equal([KEY_HERE]);
            expect(kms.Condition).to.deep.equal({ StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } });
        });
    });
});
