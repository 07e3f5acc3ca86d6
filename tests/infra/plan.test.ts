// `npm run plan` as a reviewer runs it: a child process, no credentials, no Pulumi CLI.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

function plan(...args: string[]) {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("AWS_") || key.startsWith("PULUMI_")) delete env[key];
    const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", ...args], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configFile(name: string, lines: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gaa-plan-"));
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, ["config:", ...lines].join("\n"));
    return file;
}

describe("npm run plan", () => {
    let summary: string;
    before(() => {
        const { status, stdout, stderr } = plan();
        expect(status, stderr).to.equal(0);
        summary = stdout;
    });

    it("prints a summary of at most 100 lines, none over 120 characters, for the two-region dev stack", () => {
        const lines = summary.trimEnd().split("\n");
        expect(lines.length).to.be.at.most(100);
        expect(lines.filter((line) => line.length > 120)).to.deep.equal([]);
        expect(summary).to.contain("Not `pulumi preview`").and.contain("cannot know real VPCs, subnets and routes");
        expect(summary).to.not.contain('"Statement"');
    });

    it("collapses the regions configured alike into one block that lists them, with what a reviewer signs off on", () => {
        expect(summary).to.contain("=== 2 regions alike: us-east-1, eu-west-1");
        const section = summary.split("=== 2 regions alike:")[1];
        expect(section).to.contain("component   gaa-dev-<region> in each, 58 resources each");
        expect(section).to.contain("engine      inspector2 (ENGINE on the functions), scan mode instance");
        expect(section).to.contain('AMI filter  tags {"golden":"true"}, owners ["self"]');
        expect(section).to.contain("assessment  rules packages cve; duration 1h (3600 s)");
        expect(section).to.contain("verdict     FAIL at severity High or above; at most 10 instances per run");
        expect(section).to.contain("deprecation off: FAIL AMIs are tagged only");
        expect(section).to.contain("Inspector   enableInspector off: Inspector must already scan EC2 in this account and region");
        expect(section).to.match(/reports {5}s3:\/\/gaa-dev-<region>-reports-…\/reports\/, expire after 365 days, forceDestroy off/);
        expect(section).to.contain("emails      secops@example.com");
        expect(section).to.contain("schedule rate(7 days) -> start").and.contain("reaper-schedule rate(1 hour) -> reaper").and.contain("sweep-schedule rate(5 minutes) -> analyze").and.contain("scan-events pattern");
        expect(section).to.contain("4 lambda/Function").and.contain("5 iam/Role").and.contain("1 iam/InstanceProfile").and.not.contain("inspector/AssessmentTemplate");
        expect(section).to.contain("forceDestroy off: pulumi destroy cannot delete it while it holds");
        expect(section).to.not.contain("is configured");
    });

    it("puts enableInspector on its own line with the account-wide, billed, kept-on-destroy warning", () => {
        const file = configFile("enabled", ["  aws:region: eu-west-1", "  golden-ami-assessment:enableInspector: true", "  golden-ami-assessment:amiTags:", '    golden: "true"']);
        const { status, stdout, stderr } = plan("--config-file", file);
        expect(status, stderr).to.equal(0);
        expect(stdout).to.contain("Inspector   enableInspector on ! account-wide and billed").and.contain("kept on destroy");
    });

    it("takes the stack name from Pulumi.<stack>.yaml, prints --help, and does not suggest the --stack already given", () => {
        const file = configFile("prod", ["  aws:region: eu-west-1", "  golden-ami-assessment:amiTags:", '    golden: "true"']);
        const fromName = plan("--config-file", file, "--json");
        expect(fromName.status, fromName.stderr).to.equal(0);
        expect(JSON.parse(fromName.stdout).stack).to.equal("prod");
        expect(JSON.parse(fromName.stdout).regions["eu-west-1"].component).to.equal("gaa-prod-eu-west-1");
        const help = plan("--help");
        expect(help.status).to.equal(0);
        expect(help.stdout).to.contain("usage: npm run plan").and.contain("--config-file <file>");
        const missing = plan("--stack", "nosuchstack");
        expect(missing.status).to.equal(1);
        expect(missing.stderr).to.contain("no stack file").and.contain('for stack "nosuchstack"').and.not.contain("pass --stack");
    });

    it("prints one IAM statement per line (folded, never cut), for every statement of every role", () => {
        const { stdout } = plan("--json");
        const parsed = JSON.parse(stdout);
        const section = summary.split("=== 2 regions alike:")[1];
        for (const region of ["us-east-1"]) {
            for (const [name, doc] of Object.entries<any>(parsed.regions[region].iamPolicies)) {
                const role = name.replace(`gaa-dev-${region}-`, "").replace(/-policy$/, "-role");
                const [header, rest] = section.split(`  IAM role ${role} (assumed by lambda.amazonaws.com)`)[1].split(/\n(.*)/s);
                const block = rest.split(/\n  (?:IAM role|!)/)[0];
                // A statement over 120 characters continues on lines indented further (8 spaces).
                const lines = block.replace(/\n {8}/g, " ").split("\n").filter((l) => /^ {4}\S/.test(l));
                // A role with another's grants (start beside publish) names it and prints only its own logs statement.
                const twin = /^: ([\w-]+)'s statements, with its own logs$/.exec(header)?.[1];
                const own = twin ? doc.Statement.filter((s: any) => s.Sid === "WriteOwnLogs") : doc.Statement;
                if (twin) {
                    const twinDoc = parsed.regions[region].iamPolicies[`gaa-dev-${region}-${twin.replace(/-role$/, "-policy")}`];
                    const grants = (d: any) => JSON.stringify(d.Statement.filter((s: any) => s.Sid !== "WriteOwnLogs"));
                    expect(grants(doc), `${name} has ${twin}'s grants`).to.equal(grants(twinDoc));
                }
                // A statement an earlier role was printed with word for word is named on an "as <role>: Sids" line.
                const asLines = lines.filter((l) => /^ {4}as [\w-]+: /.test(l));
                const printed = lines.filter((l) => !asLines.includes(l));
                const sharedWith = new Map(asLines.flatMap((l) => { const [, other, sids] = /^ {4}as ([\w-]+): (.*)$/.exec(l)!; return sids.split(", ").map((sid) => [sid, other] as const); }));
                expect(printed.length + sharedWith.size, name).to.equal(own.length);
                let next = 0;
                for (const s of own) {
                    const other = sharedWith.get(s.Sid);
                    if (other) {
                        const otherDoc = parsed.regions[region].iamPolicies[`gaa-dev-${region}-${other.replace(/-role$/, "-policy")}`];
                        expect(otherDoc.Statement.map((o: any) => JSON.stringify(o)), `${name} ${s.Sid} as ${other}`).to.include(JSON.stringify(s));
                        continue;
                    }
                    const line = printed[next++];
                    expect(line.startsWith(`    ${s.Sid}: `), line).to.equal(true);
                    for (const action of [].concat(s.Action)) expect(line).to.contain(action);
                }
            }
        }
        // The summary shortens ARNs and folds at 120 characters; --json and --details carry the ARNs whole.
        expect(summary.replace(/\n {8}/g, " ")).to.match(/ {4}TerminateOnlyThisPipelinesInstances: ec2:TerminateInstances on ec2:instance\/\* \[StringEquals aws:ResourceTag\/golden-ami-assessment:pipeline/);
        expect(JSON.stringify(parsed.regions["us-east-1"].iamPolicies)).to.contain("arn:aws:ec2:us-east-1:123456789012:instance/*");
        expect(parsed.summary.regions["us-east-1"].engine.name).to.equal("inspector2");
        expect(parsed.summary.regions["us-east-1"].roles).to.have.length(5);
    });

    it("warns when nobody is emailed, and about a configured subnet's route to HTTPS", () => {
        const file = configFile("quiet", [
            "  aws:region: eu-west-1",
            "  golden-ami-assessment:amiTags:",
            '    golden: "true"',
            "  golden-ami-assessment:subnets:",
            "    eu-west-1: subnet-0123456789abcdef0",
        ]);
        const { status, stdout, stderr } = plan("--stack", "quiet", "--config-file", file);
        expect(status, stderr).to.equal(0);
        const flat = stdout.replace(/\n {4}/g, " ");
        expect(stdout).to.contain("emails      (none)");
        expect(flat).to.contain("! no email subscribers: run results and the 4 error alarm(s) reach no one; set golden-ami-assessment:notificationEmails");
        expect(flat).to.contain("! subnet subnet-0123456789abcdef0 is configured: the mock cannot see its routes");
        expect(flat).to.contain("a route to a NAT gateway, or an internet gateway plus a public IP, or VPC interface endpoints");
    });

    it("shows a secure: value as [secret] and still plans", () => {
        const file = configFile("secret", [
            "  aws:region: us-east-1",
            "  aws:secretKey:",
            "    secure: v1:AAAABBBBCCCCDDDD",
            "  golden-ami-assessment:amiTags:",
            '    golden: "true"',
            "  golden-ami-assessment:notificationEmails:",
            "    secure: v1:EEEEFFFFGGGG",
        ]);
        const { status, stdout, stderr } = plan("--stack", "secret", "--config-file", file);
        expect(status, stderr).to.equal(0);
        expect(stdout).to.contain("! golden-ami-assessment:notificationEmails = [secret]: a secret cannot be decrypted offline; planned as if unset");
        expect(stdout).to.not.contain("v1:EEEE").and.not.contain("v1:AAAA");
        expect(stdout).to.contain("=== us-east-1: component gaa-secret-us-east-1");
    });

    it("keeps the plain items of a list with one secret item, masks the secret one, and does not warn of no subscribers", () => {
        const file = configFile("mixed", [
            "  aws:region: us-east-1",
            "  golden-ami-assessment:amiTags:",
            '    golden: "true"',
            "  golden-ami-assessment:notificationEmails:",
            "    - secops@example.com",
            "    - secure: v1:EEEEFFFFGGGG",
        ]);
        const { status, stdout, stderr } = plan("--config-file", file);
        expect(status, stderr).to.equal(0);
        expect(stdout).to.contain("emails      secops@example.com, [secret]");
        expect(stdout).to.contain("1 of 2 items are secrets").and.not.contain("no email subscribers").and.not.contain("secret.invalid").and.not.contain("v1:EEEE");
    });

    it("prints every resource and the security documents in full with --details", () => {
        const { status, stdout, stderr } = plan("--details");
        expect(status, stderr).to.equal(0);
        for (const region of ["us-east-1", "eu-west-1"]) {
            expect(stdout).to.contain(`=== ${region}: component gaa-dev-${region}, 58 resources`);
            expect(stdout).to.contain(`--- IAM policy: gaa-dev-${region}-start-policy`);
            expect(stdout).to.contain(`--- Schedule: gaa-dev-${region}-schedule\nrate(7 days)`);
            expect(stdout).to.contain(`--- Email subscription: gaa-dev-${region}-email-0`);
            expect(stdout).to.contain(`--- Lambda function: gaa-dev-${region}-start`);
        }
        expect(stdout).to.contain('"endpoint": "secops@example.com"').and.contain('"timeout": 900');
        expect(stdout).to.contain('"AMI_TAGS": "{\\"golden\\":\\"true\\"}"');
        // The full policy documents, as JSON.
        expect(stdout).to.match(/--- IAM policy: gaa-dev-us-east-1-start-policy\n\{\n  "Version": "2012-10-17",\n  "Statement": \[/);
        expect(stdout).to.contain("PassOnlyTheInstanceRoleToEc2").and.contain("Inspector2ListAndGetHaveNoResourceLevelPermissions");
        expect(stdout).to.not.contain("InspectorClassicHasNoResourceLevelPermissions");
    });

    it("prints the Classic template, its event subscriptions and topic policy in full with --details for engine classic", () => {
        const file = configFile("classic", ["  aws:region: eu-west-1", "  golden-ami-assessment:engine: classic", "  golden-ami-assessment:amiTags:", '    golden: "true"']);
        const { status, stdout, stderr } = plan("--stack", "classic", "--config-file", file, "--details");
        expect(status, stderr).to.equal(0);
        expect(stdout).to.contain("--- Topic policy: gaa-classic-eu-west-1-completion-policy");
        expect(stdout).to.contain("--- Assessment template: gaa-classic-eu-west-1-template");
        expect(stdout).to.contain('"event": "ASSESSMENT_RUN_COMPLETED"');
        expect(stdout).to.contain('"AWS": "arn:aws:iam::357557129151:root"');
        expect(stdout).to.contain("InspectorClassicHasNoResourceLevelPermissions");
        // The sweep behind the completion topic, and what it may ask Inspector.
        expect(stdout).to.contain("--- Schedule: gaa-classic-eu-west-1-sweep-schedule\nrate(5 minutes)");
        expect(stdout).to.contain('"sourceArn": "arn:aws:events:eu-west-1:123456789012:rule/gaa-classic-eu-west-1-sweep-schedule-');
        expect(stdout).to.contain("inspector:DescribeAssessmentRuns");
    });

    it("prints JSON with --json for another stack file", () => {
        const file = configFile("gov", ["  aws:region: us-gov-west-1", "  golden-ami-assessment:engine: classic", "  golden-ami-assessment:amiTags:", '    golden: "yes"', "  golden-ami-assessment:duration: 15m"]);
        const { status, stdout, stderr } = plan("--stack", "gov", "--config-file", file, "--json");
        expect(status, stderr).to.equal(0);
        const parsed = JSON.parse(stdout);
        expect(parsed.stack).to.equal("gov");
        const region = parsed.regions["us-gov-west-1"];
        expect(region.component).to.equal("gaa-gov-us-gov-west-1");
        expect(region.resources.map((r: any) => r.type)).to.include("aws:inspector/assessmentTemplate:AssessmentTemplate");
        const startPolicy = region.iamPolicies["gaa-gov-us-gov-west-1-start-policy"];
        expect(JSON.stringify(startPolicy)).to.contain("arn:aws-us-gov:ec2:us-gov-west-1:");
        expect(region.topicPolicies["gaa-gov-us-gov-west-1-completion-policy"].Statement[0].Principal.AWS).to.equal("arn:aws-us-gov:iam::850862329162:root");
        expect(parsed.summary.regions["us-gov-west-1"]).to.deep.include({ durationSeconds: 900, amiFilter: { tags: { golden: "yes" }, owners: ["self"] } });
        expect(region.summary.rulesPackages).to.deep.equal(["cve", "cis", "security-best-practices"]);
    });

    it("exits non-zero with the config error, naming key, value and what is allowed", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gaa-plan-"));
        const file = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(file, ["config:", "  aws:region: us-gov-east-1", "  golden-ami-assessment:engine: classic", "  golden-ami-assessment:amiTags:", '    golden: "true"', "  golden-ami-assessment:rulesPackages: [cve, network-reachability]"].join("\n"));
        const { status, stdout, stderr } = plan("--config-file", file);
        expect(status).to.equal(1);
        expect(stdout).to.equal("");
        expect(stderr).to.contain('plan failed: Invalid golden-ami-assessment:rulesPackages = ["cve","network-reachability"]');
        expect(stderr).to.contain("network-reachability is not available in us-gov-east-1");
    });

    it("rejects an unknown argument with the usage", () => {
        const { status, stderr } = plan("--stack");
        expect(status).to.equal(1);
        expect(stderr).to.contain("--stack needs a value").and.contain("usage: npm run plan");
    });
});
