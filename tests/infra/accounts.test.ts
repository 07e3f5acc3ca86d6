// Rollout to N accounts × M regions (issue 22): the accounts, roleName and hub keys, the targets,
// and index.ts under mocks: one provider per account and region assuming that account's role.
import { expect } from "chai";
import { readStackConfig } from "../../components/stackConfig";
import { regionCode, stackTargets, targetComponentName, validateTargetNames } from "../../components/stackTargets";
import { AUTO_NAME_SUFFIX } from "../../components/config";
import { INSPECTOR2_REGION_NAMES } from "../../engines/inspector2/regions";
import { INSPECTOR_CLASSIC_REGION_NAMES } from "../../engines/classic/regions";
import { MOCK_ACCOUNT, Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";

const NS = "golden-ami-assessment";
const A = "111111111111";
const B = "222222222222";
const roleArn = (account: string, name = "gaa-deployer", partition = "aws") => `arn:${partition}:iam::${account}:role/${name}`;

function read(config: Record<string, unknown>, awsRegion = "us-east-1") {
    const raw: Record<string, string> = { amiTags: JSON.stringify({ golden: "true" }) };
    for (const [key, value] of Object.entries(config)) raw[key] = typeof value === "string" ? value : JSON.stringify(value);
    return readStackConfig((key) => raw[key], awsRegion);
}

function errorOf(config: Record<string, unknown>, awsRegion?: string): string {
    try {
        read(config, awsRegion);
    } catch (error) {
        return (error as Error).message;
    }
    return "";
}

describe("rollout config: accounts, roleName, hub", () => {
    it("changes nothing without accounts: no accounts and no hub in the settings", () => {
        const settings = read({});
        expect(settings).to.not.have.property("accounts");
        expect(settings).to.not.have.property("hub");
    });

    it("takes { id, roleArn } as given and builds { id } from roleName in the regions' partition", () => {
        const settings = read({ accounts: [{ id: A, roleArn: roleArn(A, "path/to/deployer") }, { id: B }], roleName: "gaa-deployer", hub: B });
        expect(settings.accounts).to.deep.equal([
            { id: A, roleArn: "arn:aws:iam::111111111111:role/path/to/deployer" },
            { id: B, roleArn: roleArn(B) },
        ]);
        expect(settings.hub).to.equal(B);
        const gov = read({ regions: ["us-gov-west-1"], accounts: [{ id: A }], roleName: "gaa-deployer" }, "us-gov-west-1");
        expect(gov.accounts![0].roleArn).to.equal(roleArn(A, "gaa-deployer", "aws-us-gov"));
    });

    const refusals: [string, Record<string, unknown>, string[]][] = [
        ["a duplicate account", { accounts: [{ id: A, roleArn: roleArn(A) }, { id: A, roleArn: roleArn(A) }] }, [`${NS}:accounts[1].id`, `"${A}"`, "listed twice"]],
        ["an 11-digit ID", { accounts: [{ id: "11111111111", roleArn: roleArn(A) }] }, [`${NS}:accounts[0].id`, '"11111111111"', "12-digit"]],
        ["an ID given as a number (YAML drops leading zeros)", { accounts: [{ id: 111111111111, roleArn: roleArn(A) }] }, [`${NS}:accounts[0].id`, "111111111111", "as a string"]],
        ["a malformed role ARN", { accounts: [{ id: A, roleArn: "arn:aws:iam::111111111111:user/deployer" }] }, [`${NS}:accounts[0].roleArn`, "user/deployer", "arn:<partition>:iam::"]],
        ["a role in another partition than the regions", { accounts: [{ id: A, roleArn: roleArn(A, "gaa-deployer", "aws-us-gov") }] }, [`${NS}:accounts[0].roleArn`, "aws-us-gov", "the regions are in aws"]],
        ["a roleArn of another account than the id", { accounts: [{ id: A, roleArn: roleArn(B) }] }, [`${NS}:accounts[0].roleArn`, B, `not of the entry's id ${A}`]],
        ["an entry without roleArn and no roleName", { accounts: [{ id: A }] }, [`${NS}:accounts[0]`, "roleName is not set"]],
        ["an unknown field", { accounts: [{ id: A, role: "x" }], roleName: "r" }, [`${NS}:accounts[0]`, "unknown field(s) role"]],
        ["an empty list", { accounts: [] }, [`${NS}:accounts = []`, "a list of"]],
        ["a role name with a path", { accounts: [{ id: A }], roleName: "team/deployer" }, [`${NS}:roleName`, "team/deployer", "no path"]],
        ["a malformed hub", { hub: "hub-account" }, [`${NS}:hub`, "hub-account", "12-digit"]],
    ];
    for (const [what, config, fragments] of refusals) {
        it(`refuses ${what}, naming the key and the value`, () => {
            const message = errorOf(config);
            expect(message, "expected a config error").to.not.equal("");
            for (const fragment of fragments) expect(message).to.contain(fragment);
        });
    }

    it("takes subnets per account, and refuses the stack-wide subnets with accounts (a subnet ID belongs to one account)", () => {
        const settings = read({ accounts: [{ id: A, subnets: { "us-east-1": "subnet-0123456789abcdef0" } }, { id: B }], roleName: "r" });
        expect(settings.accounts![0].subnets).to.deep.equal({ "us-east-1": "subnet-0123456789abcdef0" });
        expect(stackTargets("dev", ["us-east-1"], settings.accounts).map((t) => t.subnetId)).to.deep.equal(["subnet-0123456789abcdef0", undefined]);
        const shared = errorOf({ accounts: [{ id: A }], roleName: "r", subnets: { "us-east-1": "subnet-0123456789abcdef0" } });
        expect(shared).to.contain(`${NS}:subnets`).and.to.contain("belongs to one account");
        const elsewhere = errorOf({ accounts: [{ id: A, subnets: { "eu-west-1": "subnet-0123456789abcdef0" } }], roleName: "r" });
        expect(elsewhere).to.contain(`${NS}:accounts[0].subnets`).and.to.contain("not one of the configured regions");
    });

    it("reports a bad accounts entry together with other bad keys", () => {
        const message = errorOf({ accounts: [{ id: "1" }], severityThreshold: "Urgent" });
        expect(message).to.contain(`${NS}:accounts[0].id`).and.to.contain(`${NS}:severityThreshold`);
    });
});

describe("rollout targets (components/stackTargets.ts)", () => {
    it("is one target per region without accounts, named as before accounts existed", () => {
        expect(stackTargets("dev", ["us-east-1", "eu-west-1"])).to.deep.equal([
            { region: "us-east-1", component: "gaa-dev-us-east-1", provider: "aws-us-east-1" },
            { region: "eu-west-1", component: "gaa-dev-eu-west-1", provider: "aws-eu-west-1" },
        ]);
    });

    it("is one target per account and region with accounts, each with its account's role", () => {
        const targets = stackTargets("dev", ["us-east-1", "ap-southeast-2"], [{ id: A, roleArn: roleArn(A) }, { id: B, roleArn: roleArn(B) }]);
        expect(targets.map((t) => [t.account, t.region, t.component, t.provider, t.roleArn])).to.deep.equal([
            [A, "us-east-1", `gaa-dev-${A}-use1`, `aws-${A}-us-east-1`, roleArn(A)],
            [A, "ap-southeast-2", `gaa-dev-${A}-apse2`, `aws-${A}-ap-southeast-2`, roleArn(A)],
            [B, "us-east-1", `gaa-dev-${B}-use1`, `aws-${B}-us-east-1`, roleArn(B)],
            [B, "ap-southeast-2", `gaa-dev-${B}-apse2`, `aws-${B}-ap-southeast-2`, roleArn(B)],
        ]);
    });

    it("gives every region of both engines its own short form", () => {
        const regions = [...new Set([...INSPECTOR2_REGION_NAMES, ...INSPECTOR_CLASSIC_REGION_NAMES])];
        const codes = regions.map(regionCode);
        expect(new Set(codes).size, codes.join(" ")).to.equal(regions.length);
        expect(regionCode("us-gov-west-1")).to.equal("usgw1");
    });

    it("accepts stack names up to 17 characters with accounts in the longest regions, and names the stack when longer", () => {
        const regions = [...INSPECTOR2_REGION_NAMES];
        const accounts = [{ id: A, roleArn: roleArn(A) }];
        expect(() => validateTargetNames(stackTargets("a".repeat(17), regions, accounts), "inspector2", "instance")).to.not.throw();
        expect(() => validateTargetNames(stackTargets("a".repeat(18), regions, accounts), "inspector2", "instance")).to.throw(/Invalid stack name = "gaa-a{18}-111111111111-\w+".*use a shorter stack name/);
        expect(targetComponentName("a".repeat(17), "ap-southeast-2", A).length + "-reaper-schedule".length + AUTO_NAME_SUFFIX).to.equal(64);
    });
});

const ROLLOUT_CONFIG: Record<string, string> = {
    "aws:region": "us-east-1",
    [`${NS}:regions`]: JSON.stringify(["us-east-1", "ap-southeast-2"]),
    [`${NS}:amiTags`]: JSON.stringify({ golden: "true" }),
    [`${NS}:accounts`]: JSON.stringify([{ id: A, roleArn: roleArn(A, "build/gaa-deployer") }, { id: B }]),
    [`${NS}:roleName`]: "gaa-deployer",
};

/** Each service's limit on a physical name (sources in components/config.ts generatedNames; S3: 63). */
const NAME_LIMITS: Record<string, number> = {
    "aws:lambda/function:Function": 64,
    "aws:iam/role:Role": 64,
    "aws:iam/rolePolicy:RolePolicy": 128,
    "aws:iam/instanceProfile:InstanceProfile": 128,
    "aws:cloudwatch/eventRule:EventRule": 64,
    "aws:sns/topic:Topic": 256,
    "aws:sqs/queue:Queue": 80,
    "aws:s3/bucket:Bucket": 63,
    "aws:cloudwatch/logGroup:LogGroup": 512,
    "aws:cloudwatch/metricAlarm:MetricAlarm": 255,
};
/** The name AWS gets: the one given, else Pulumi's auto-name (the resource name, "-" and 7 characters). */
const physicalName = (r: PlannedResource): string => r.state.bucket ?? r.inputs.name ?? `${r.name}-abcdef0`;

describe("rollout under mocks (index.ts)", function () {
    let plan: Plan;
    before(async () => {
        plan = await planIndex({ stack: "a".repeat(17), config: ROLLOUT_CONFIG });
    });

    it("creates one provider per account and region, in that region, assuming that account's role", () => {
        const providers = plan.resources.filter((r) => r.type === "pulumi:providers:aws" && /^aws-\d{12}-/.test(r.name));
        const seen = providers.map((p) => [p.name, p.inputs.region, JSON.parse(p.inputs.assumeRoles)[0].roleArn]);
        expect(seen).to.have.deep.members([
            [`aws-${A}-us-east-1`, "us-east-1", roleArn(A, "build/gaa-deployer")],
            [`aws-${A}-ap-southeast-2`, "ap-southeast-2", roleArn(A, "build/gaa-deployer")],
            [`aws-${B}-us-east-1`, "us-east-1", roleArn(B)],
            [`aws-${B}-ap-southeast-2`, "ap-southeast-2", roleArn(B)],
        ]);
        expect(providers.every((p) => JSON.parse(p.inputs.assumeRoles)[0].sessionName === `gaa-${"a".repeat(17)}`)).to.equal(true);
    });

    it("creates one component per account and region, its resources in that account and region", () => {
        const components = plan.resources.filter((r) => r.type === "golden-ami-assessment:index:GoldenAmiAssessment").map((r) => r.name);
        expect(components).to.have.members([A, B].flatMap((account) => ["use1", "apse2"].map((code) => `gaa-${"a".repeat(17)}-${account}-${code}`)));
        const all = plan.resources.filter((r) => r.type === "aws:lambda/function:Function");
        // Four per component (start, analyze, reaper, publish); the hub's two are its own (tests/infra/hub.test.ts).
        const functions = all.filter((r) => /-\d{12}-(use1|apse2)-/.test(r.name));
        expect(functions).to.have.length(16);
        expect(all.length - functions.length).to.equal(2);
        for (const fn of functions) {
            const [, account, code] = /-(\d{12})-(use1|apse2)-/.exec(fn.name)!;
            expect(fn.state.arn, fn.name).to.match(new RegExp(`^arn:aws:lambda:${code === "use1" ? "us-east-1" : "ap-southeast-2"}:${account}:function:`));
        }
    });

    it("exports outputs keyed by account, then region", () => {
        const assessments = plan.exports.assessments as Record<string, Record<string, { resultsTopicArn: string }>>;
        expect(Object.keys(assessments)).to.deep.equal([A, B]);
        expect(Object.keys(assessments[B])).to.deep.equal(["us-east-1", "ap-southeast-2"]);
        expect(assessments[B]["ap-southeast-2"].resultsTopicArn).to.match(new RegExp(`^arn:aws:sns:ap-southeast-2:${B}:`));
    });

    it("keeps every generated physical name within its service's limit at the longest stack name", () => {
        let checked = 0;
        for (const r of plan.resources) {
            const limit = NAME_LIMITS[r.type];
            if (!limit) continue;
            expect(physicalName(r).length, `${r.type} ${physicalName(r)}`).to.be.at.most(limit);
            checked++;
        }
        expect(checked).to.be.greaterThan(60);
    });

    it("accepts a hub among the accounts and refuses one the stack does not reach, naming the key", async () => {
        const hubProvider = async (hub: string) => {
            const planned = await planIndex({ stack: "dev", config: { ...ROLLOUT_CONFIG, [`${NS}:hub`]: hub } });
            const provider = planned.resources.find((r) => r.name === "aws-hub")!;
            return [JSON.parse(provider.inputs.allowedAccountIds), provider.inputs.assumeRoles && JSON.parse(provider.inputs.assumeRoles)[0].roleArn];
        };
        expect(await hubProvider(B)).to.deep.equal([[B], roleArn(B)]);
        expect(await hubProvider(MOCK_ACCOUNT)).to.deep.equal([[MOCK_ACCOUNT], undefined]);
        const refused = await planIndex({ stack: "dev", config: { ...ROLLOUT_CONFIG, [`${NS}:hub`]: "333333333333" } }).then(
            () => "",
            (error: Error) => error.message,
        );
        expect(refused).to.contain(`${NS}:hub = "333333333333"`).and.to.contain(`allowed: ${A}, ${B}, ${MOCK_ACCOUNT} (the deploying account)`);
    });

    it("changes nothing without accounts: providers aws-<region> without a role, outputs by region", async () => {
        const single = await planIndex({ stack: "dev", config: { "aws:region": "us-east-1", [`${NS}:amiTags`]: JSON.stringify({ golden: "true" }) } });
        const providers = single.resources.filter((r) => r.type === "pulumi:providers:aws");
        expect(providers.map((p) => [p.name, p.inputs.assumeRoles])).to.deep.equal([["aws-us-east-1", undefined]]);
        // hubOutputs is empty without a hub (an undefined export would make Pulumi warn).
        expect(single.exports).to.have.property("hubOutputs").that.deep.equals({});
        expect(Object.keys(single.exports)).to.deep.equal(["assessments", "hubOutputs"]);
        expect(Object.keys(single.exports.assessments as object)).to.deep.equal(["us-east-1"]);
    });
});
