// One test per config rule: each bad value fails naming the key, the value and what is allowed.
import { expect } from "chai";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { STACK_CONFIG_KEYS } from "../../components/configKeys";
import { DEFAULTS } from "../../infra/defaults";
import { readStackConfig } from "../../components/stackConfig";

const VALID: Record<string, string> = { amiTags: JSON.stringify({ golden: "true" }) };

function read(overrides: Record<string, string | undefined>, awsRegion: string | undefined = "us-east-1") {
    const config: Record<string, string | undefined> = { ...VALID, ...overrides };
    return readStackConfig((key) => config[key], awsRegion);
}

function expectError(overrides: Record<string, string | undefined>, ...fragments: string[]) {
    let message = "";
    try {
        read(overrides);
    } catch (error) {
        message = (error as Error).message;
    }
    expect(message, "expected a config error").to.not.equal("");
    for (const fragment of fragments) expect(message).to.contain(fragment);
}

describe("stack config", () => {
    it("applies the documented defaults", () => {
        const config = read({});
        expect(config).to.deep.equal({
            engine: "inspector2",
            scanMode: "instance",
            enableInspector: false,
            regions: ["us-east-1"],
            amiTags: { golden: "true" },
            amiOwners: ["self"],
            rulesPackages: ["cve"],
            durationSeconds: 3600,
            schedule: "rate(7 days)",
            instanceTypes: { x86_64: "t3.medium", arm64: "t4g.medium" },
            subnets: {},
            notificationEmails: [],
            severityThreshold: "High",
            reportRetentionDays: 365,
            maxConcurrentInstances: 10,
            kmsKeyArns: [],
            deprecateFailingAmis: false,
            reserveStartConcurrency: true,
            acceptedRisks: [],
            securityHub: false,
            assessOnPublish: true,
            assessOnTag: false,
            hubOptions: {},
        });
    });

    it("defaults the rules packages per engine", () => {
        expect(read({ engine: "classic" }).rulesPackages).to.deep.equal(["cve", "cis", "security-best-practices"]);
    });

    describe("engine", () => {
        it("accepts inspector2 and classic", () => {
            expect(read({ engine: "inspector2" }).engine).to.equal("inspector2");
            expect(read({ engine: "classic" }).engine).to.equal("classic");
        });
        it("rejects anything else, naming the allowed values", () =>
            expectError({ engine: "inspector3" }, "golden-ami-assessment:engine", '"inspector3"', "inspector2, classic"));
        it("refuses a package v2 cannot serve, naming the package and the engine, at preview", () =>
            expectError({ rulesPackages: '["cve","security-best-practices"]' }, "golden-ami-assessment:rulesPackages", '"security-best-practices"', "engine inspector2"));
        it("accepts cis on inspector2, also in GovCloud", () =>
            expect(read({ regions: '["us-gov-west-1"]', rulesPackages: '["cve","cis"]' }).rulesPackages).to.deep.equal(["cve", "cis"]));
        it("refuses network-reachability on inspector2 with the reason, keeps it on classic (issue 17)", () => {
            expectError(
                { rulesPackages: '["cve","network-reachability"]' },
                "golden-ami-assessment:rulesPackages",
                '["cve","network-reachability"]',
                '"network-reachability" is refused with engine inspector2',
                "every 12 to 24 hours",
                "coverage only for package scans",
                "says nothing about the AMI",
            );
            expect(read({ engine: "classic", rulesPackages: '["cve","network-reachability"]' }).rulesPackages).to.deep.equal(["cve", "network-reachability"]);
        });
    });

    describe("scanMode and enableInspector", () => {
        it("accepts instance, agentless and auto on inspector2", () => {
            for (const mode of ["instance", "agentless", "auto"]) expect(read({ scanMode: mode }).scanMode).to.equal(mode);
        });
        it("rejects an unknown scan mode", () => expectError({ scanMode: "snapshot" }, "golden-ami-assessment:scanMode", '"snapshot"', "instance, agentless, auto"));
        it("rejects agentless on classic", () => expectError({ engine: "classic", scanMode: "agentless" }, "golden-ami-assessment:scanMode", "classic"));
        it("takes enableInspector as a boolean", () => expect(read({ enableInspector: "true" }).enableInspector).to.equal(true));
        it("rejects enableInspector on classic", () => expectError({ engine: "classic", enableInspector: "true" }, "golden-ami-assessment:enableInspector", "inspector2"));
        it("rejects a non-boolean enableInspector", () => expectError({ enableInspector: '"yes"' }, "golden-ami-assessment:enableInspector", "true or false"));
    });

    describe("regions", () => {
        it("validates against the Inspector v2 regions by default", () => {
            expect(read({ regions: '["ca-central-1","sa-east-1"]' }).regions).to.deep.equal(["ca-central-1", "sa-east-1"]);
            expect(read({ regions: '["us-gov-east-1"]' }).regions).to.deep.equal(["us-gov-east-1"]);
            expectError({ regions: '["us-east-1","cn-north-1"]' }, "golden-ami-assessment:regions", '"cn-north-1"', "Amazon Inspector v2");
        });
        it("defaults to aws:region and fails when neither is set", () => {
            let message = "";
            try {
                readStackConfig((key) => VALID[key], undefined);
            } catch (error) {
                message = (error as Error).message;
            }
            expect(message).to.contain("golden-ami-assessment:regions").and.contain("aws:region");
        });
        it("rejects a region without Inspector Classic on classic", () =>
            expectError({ engine: "classic", regions: '["us-east-1","ca-central-1"]' }, "golden-ami-assessment:regions", '"ca-central-1"', "us-gov-west-1"));
        it("rejects duplicates", () => expectError({ regions: '["eu-west-1","eu-west-1"]' }, "golden-ami-assessment:regions", "listed twice"));
        it("rejects an empty list", () => expectError({ regions: "[]" }, "golden-ami-assessment:regions", "non-empty"));
        it("accepts all 14 Inspector Classic regions, one stack per partition", () => {
            const commercial = ["us-east-2", "us-east-1", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-2", "ap-southeast-2", "ap-northeast-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-north-1"];
            const gov = ["us-gov-east-1", "us-gov-west-1"];
            expect(read({ engine: "classic", regions: JSON.stringify(commercial) }).regions).to.deep.equal(commercial);
            expect(read({ engine: "classic", regions: JSON.stringify(gov) }).regions).to.deep.equal(gov);
        });
    });

    describe("amiTags", () => {
        it("is required", () => expectError({ amiTags: undefined }, "golden-ami-assessment:amiTags", "(not set)", "at least one tag"));
        it("may not be empty (never assess all AMIs)", () => expectError({ amiTags: "{}" }, "golden-ami-assessment:amiTags", "{}", "every AMI"));
        it("rejects aws: tag keys", () => expectError({ amiTags: '{"aws:foo":"x"}' }, "golden-ami-assessment:amiTags", "aws:"));
        it("takes booleans and numbers as their string form (what `pulumi config set --path ... true` stores)", () =>
            expect(read({ amiTags: '{"golden":true,"generation":2}' }).amiTags).to.deep.equal({ golden: "true", generation: "2" }));
        it("rejects other non-string values", () => expectError({ amiTags: '{"golden":{"a":1}}' }, "golden-ami-assessment:amiTags", '"golden"', "string"));
    });

    describe("amiOwners", () => {
        it("accepts self and account IDs", () => expect(read({ amiOwners: '["self","111122223333"]' }).amiOwners).to.deep.equal(["self", "111122223333"]));
        it("rejects anything else", () => expectError({ amiOwners: '["amazon"]' }, "golden-ami-assessment:amiOwners", '"amazon"', '"self"'));
    });

    describe("rulesPackages", () => {
        it("refuses a v2 list without cve (cis only would PASS every AMI), naming the key, the value and why", () =>
            expectError({ rulesPackages: '["cis"]' }, "golden-ami-assessment:rulesPackages", '["cis"]', 'must include "cve" with engine inspector2', "cis-only run would PASS every AMI"));
        it("rejects an unknown package", () =>
            expectError({ rulesPackages: '["cve","runtime-behavior-analysis"]' }, "golden-ami-assessment:rulesPackages", '"runtime-behavior-analysis"', "cve, cis with engine inspector2"));
        it("rejects a package the region lacks, naming the region", () =>
            expectError(
                { engine: "classic", regions: '["us-gov-east-1"]', rulesPackages: '["cve","network-reachability"]' },
                "golden-ami-assessment:rulesPackages",
                "network-reachability is not available in us-gov-east-1",
            ));
        it("accepts network-reachability on classic outside GovCloud", () =>
            expect(read({ engine: "classic", rulesPackages: '["network-reachability"]' }).rulesPackages).to.deep.equal(["network-reachability"]));
    });

    describe("duration", () => {
        for (const [value, seconds] of [["15m", 900], ["1h", 3600], ["8h", 28800], ["12h", 43200], ["24h", 86400], ["3600", 3600], ["86400", 86400]] as const) {
            it(`accepts ${value} on classic`, () => expect(read({ engine: "classic", duration: value }).durationSeconds).to.equal(seconds));
        }
        it("refuses durations under 1h on inspector2, naming the minimum and the reason (issue 17)", () => {
            for (const value of ["15m", "900"]) {
                expectError({ duration: value }, "golden-ami-assessment:duration", JSON.stringify(value), "3600 s minimum with engine inspector2", "every 30 minutes", "NOT ASSESSED");
            }
            expect(read({ duration: "1h" }).durationSeconds).to.equal(3600);
        });
        it("rejects anything else, listing the allowed values", () =>
            expectError({ duration: "2h" }, "golden-ami-assessment:duration", '"2h"', "15m, 1h, 8h, 12h, 24h", "900, 3600, 28800, 43200, 86400"));
        it("rejects seconds that are not a console duration", () => expectError({ duration: "180" }, "golden-ami-assessment:duration", '"180"'));
    });

    describe("schedule", () => {
        // The shortest run is 900 s start + 15m + 600 s settle + 300 s sweep + 3600 s grace = 6300 s: shorter schedules are refused (safetyConfig.test.ts).
        for (const ok of ["rate(1 day)", "rate(7 days)", "rate(2 hours)", "rate(105 minutes)", "cron(0 6 ? * MON *)", "cron(15 10 1 * ? *)"]) {
            it(`accepts ${ok}`, () => expect(read({ engine: "classic", schedule: ok, duration: "15m" }).schedule).to.equal(ok));
        }
        for (const bad of ["rate(1 days)", "rate(7 day)", "rate(0 minutes)", "rate(1 week)", "cron(0 6 * * *)", "every monday", "cron(0 6 ? * MON * 2026)"]) {
            it(`rejects ${bad}`, () => expectError({ schedule: bad }, "golden-ami-assessment:schedule", JSON.stringify(bad), "rate(N unit)", "cron("));
        }
    });

    it("declares its keys in Pulumi.yaml with the program's descriptions and defaults; the others say why not", () => {
        const project = yaml.load(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8")) as { config: Record<string, any> };
        const undeclared = Object.keys(STACK_CONFIG_KEYS).filter((key) => !(key in project.config));
        expect(undeclared).to.deep.equal(["regions", "amiTags", "rulesPackages", "instanceTypes", "subnets", "acceptedRisks", "failWhen", "assessOnPublish", "digestSchedule", "perRunEmails", "accounts", "roleName", "hub"]);
        const defaults: Record<string, unknown> = { ...DEFAULTS, notificationEmails: [] };
        for (const [key, declared] of Object.entries(project.config)) {
            expect(STACK_CONFIG_KEYS, key).to.have.property(key);
            expect(declared.description, key).to.equal(STACK_CONFIG_KEYS[key as keyof typeof STACK_CONFIG_KEYS]);
            expect(declared.default, key).to.deep.equal(defaults[key]);
            expect(["string", "integer", "boolean", "array"], key).to.include(declared.type);
        }
    });

    describe("strictness: unknown keys and every error at once (issue 19)", () => {
        const readAll = (config: Record<string, string>) => {
            const full: Record<string, string> = { "golden-ami-assessment:amiTags": VALID.amiTags, ...config };
            const prefix = "golden-ami-assessment:";
            return readStackConfig((key) => full[`${prefix}${key}`], "us-east-1", Object.keys(full));
        };
        const errorOf = (config: Record<string, string>) => {
            try {
                readAll(config);
            } catch (error) {
                return (error as Error).message;
            }
            return "";
        };
        it("refuses a misspelled key with 'did you mean', without printing its value (it may be a secret)", () => {
            const message = errorOf({ "golden-ami-assessment:severityThresold": "Medium" });
            expect(message).to.contain("golden-ami-assessment:severityThresold").and.contain("did you mean golden-ami-assessment:severityThreshold?");
            expect(message).to.contain("(value not shown)").and.not.contain("Medium");
        });
        it("refuses an unknown key with no near miss, listing the known keys", () =>
            expect(errorOf({ "golden-ami-assessment:colour": "blue" })).to.contain("unknown key; known keys are engine, scanMode"));
        it("gives a misspelled namespace the same hint", () =>
            expect(errorOf({ "golden-ami-assesment:severityThreshold": "Medium" })).to.contain("unknown namespace golden-ami-assesment").and.contain("did you mean golden-ami-assessment:severityThreshold?"));
        it("leaves other namespaces alone", () => expect(errorOf({ "aws:region": "us-east-1", "aws:profile": "x", "pulumi:tags": "{}" })).to.equal(""));
        it("reports every bad key in one run, one line each", () => {
            const message = errorOf({
                "golden-ami-assessment:severityThreshold": "Severe",
                "golden-ami-assessment:duration": "2h",
                "golden-ami-assessment:maxConcurrentInstances": "0",
                "golden-ami-assessment:sevrityThreshold": "High",
            });
            const lines = message.split("\n");
            expect(lines).to.have.length(4);
            expect(lines.every((line) => line.startsWith("Invalid golden-ami-assessment:"))).to.equal(true);
            for (const key of ["severityThreshold", "duration", "maxConcurrentInstances", "sevrityThreshold"]) expect(message).to.contain(`golden-ami-assessment:${key} =`);
        });
    });

    describe("instanceTypes", () => {
        it("refuses a type whose family runs the other architecture, naming the key and the rule", () => {
            expectError({ instanceTypes: '{"arm64":"t3.medium"}' }, "golden-ami-assessment:instanceTypes.arm64", '"t3.medium"', "t3 family runs x86_64, not arm64", "Graviton");
            expectError({ instanceTypes: '{"x86_64":"m7g.large"}' }, "golden-ami-assessment:instanceTypes.x86_64", '"m7g.large"', "runs arm64");
            expectError({ instanceTypes: '{"arm64":"mac2.metal"}' }, "instanceTypes.arm64", "dedicated host");
        });
        it("knows the Graviton families by EC2's naming convention", () => {
            for (const arm of ["a1.large", "t4g.small", "c7gn.large", "im4gn.large", "is4gen.large", "g5g.xlarge", "r8g.large", "hpc7g.4xlarge"]) {
                expect(read({ instanceTypes: JSON.stringify({ arm64: arm }) }).instanceTypes.arm64, arm).to.equal(arm);
            }
            for (const x86 of ["m5a.large", "g4ad.xlarge", "m7i-flex.large", "g6.xlarge", "c5n.large", "inf2.xlarge"]) {
                expect(read({ instanceTypes: JSON.stringify({ x86_64: x86 }) }).instanceTypes.x86_64, x86).to.equal(x86);
            }
        });
        it("merges over the defaults", () =>
            expect(read({ instanceTypes: '{"arm64":"m7g.large"}' }).instanceTypes).to.deep.equal({ x86_64: "t3.medium", arm64: "m7g.large" }));
        it("rejects an unknown architecture", () => expectError({ instanceTypes: '{"sparc":"t3.medium"}' }, "golden-ami-assessment:instanceTypes", '"sparc"', "x86_64"));
        it("rejects a malformed instance type", () => expectError({ instanceTypes: '{"x86_64":"large"}' }, "golden-ami-assessment:instanceTypes", '"large"'));
    });

    describe("subnets", () => {
        it("accepts a subnet per configured region", () =>
            expect(read({ subnets: '{"us-east-1":"subnet-0123456789abcdef0"}' }).subnets).to.deep.equal({ "us-east-1": "subnet-0123456789abcdef0" }));
        it("rejects a malformed subnet ID, naming the region's key", () =>
            expectError({ subnets: '{"us-east-1":"sn-123"}' }, "golden-ami-assessment:subnets.us-east-1", '"sn-123"', "subnet-"));
        it("rejects a subnet for a region that is not configured", () =>
            expectError({ subnets: '{"eu-west-1":"subnet-0123456789abcdef0"}' }, "golden-ami-assessment:subnets", '"eu-west-1"', "not one of the configured regions"));
    });

    describe("notificationEmails", () => {
        it("accepts addresses", () => expect(read({ notificationEmails: '["a@example.com","sec.ops+ami@corp.example.org"]' }).notificationEmails).to.have.length(2));
        it("rejects a malformed address", () =>
            expectError({ notificationEmails: '["a@example.com","not-an-address"]' }, "golden-ami-assessment:notificationEmails", '"not-an-address"', "name@example.com"));
    });

    describe("severityThreshold", () => {
        it("accepts each level", () => {
            for (const level of ["Critical", "High", "Medium", "Low", "Informational"]) expect(read({ severityThreshold: level }).severityThreshold).to.equal(level);
        });
        it("rejects anything else", () => expectError({ severityThreshold: "Severe" }, "golden-ami-assessment:severityThreshold", '"Severe"', "Critical, High, Medium, Low, Informational"));
    });

    describe("reportRetentionDays", () => {
        it("accepts a whole number", () => expect(read({ reportRetentionDays: "30" }).reportRetentionDays).to.equal(30));
        for (const bad of ["0", "-1", "1.5", "forever"]) {
            it(`rejects ${bad}`, () => expectError({ reportRetentionDays: bad }, "golden-ami-assessment:reportRetentionDays", JSON.stringify(bad), "at least 1"));
        }
    });
});
