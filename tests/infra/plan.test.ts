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

describe("npm run plan", () => {
    it("prints every resource and the security documents of the dev stack (Inspector v2), per region", () => {
        const { status, stdout, stderr } = plan();
        expect(status, stderr).to.equal(0);
        for (const region of ["us-east-1", "eu-west-1"]) {
            expect(stdout).to.contain(`=== ${region}: component gaa-dev-${region}, 45 resources`);
            expect(stdout).to.contain(`--- IAM policy: gaa-dev-${region}-start-policy`);
            expect(stdout).to.contain(`gaa-dev-${region}-scan-events`);
            expect(stdout).to.contain(`gaa-dev-${region}-instance-profile`);
            expect(stdout).to.contain(`--- Schedule: gaa-dev-${region}-schedule\nrate(7 days)`);
        }
        expect(stdout).not.to.contain("aws:inspector/");
        expect(stdout).to.contain("PassOnlyTheInstanceRoleToEc2");
        expect(stdout).not.to.contain("InspectorClassicHasNoResourceLevelPermissions");
    });

    it("prints JSON with --json for another stack file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gaa-plan-"));
        const file = path.join(dir, "Pulumi.gov.yaml");
        fs.writeFileSync(
            file,
            ["config:", "  aws:region: us-gov-west-1", "  golden-ami-assessment:engine: classic", "  golden-ami-assessment:amiTags:", '    golden: "yes"', "  golden-ami-assessment:duration: 15m"].join("\n"),
        );
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
