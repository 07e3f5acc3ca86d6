// The plan of a stack with `accounts` (issue 22): the README's and docs/accounts.md's configs run
// through it, grouped by account then region, regions configured alike collapsed to one line each.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { planIndex } from "../../scripts/mockRuntime";
import { planTargets, renderAccountsSummary, targetPlans } from "../../scripts/planAccounts";
import { SUMMARY_WIDTH } from "../../scripts/planReport";
import { accountsConfig } from "../../bench/planAccounts";
import { REGIONS_14 } from "../../bench/common";
import { applyConfigSet, configSetLines } from "../support/pulumiConfigSet";

const ROOT = path.join(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const ACCOUNTS_DOC = fs.readFileSync(path.join(ROOT, "docs", "accounts.md"), "utf8");

/** The first ```yaml block after `marker`, parsed; a block of indented keys is read as the stack file's config. */
function yamlAfter(markdown: string, marker: string): Record<string, unknown> {
    const block = /```yaml\n([\s\S]*?)```/.exec(markdown.slice(markdown.indexOf(marker)))![1];
    const parsed = yaml.load(block.startsWith("config:") ? block : `config:\n${block}`) as { config: Record<string, unknown> };
    return parsed.config;
}

/** Config values as Pulumi stores them: strings as they are, anything else as JSON. */
const stored = (config: Record<string, unknown>) => Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));

async function summaryOf(stack: string, config: Record<string, string>): Promise<string> {
    const plan = await planIndex({ stack, config });
    const targets = planTargets(plan.exports, stack);
    return renderAccountsSummary(stack, plan, targets, targetPlans(plan, targets));
}

function expectWithinLimits(summary: string, maxLines: number): string[] {
    const lines = summary.trimEnd().split("\n");
    expect(lines.length, summary).to.be.at.most(maxLines);
    for (const line of lines) expect(line.length, line).to.be.at.most(SUMMARY_WIDTH);
    return lines;
}

describe("npm run plan with accounts", () => {
    it("plans the README's multi-account config: by account, then region, the regions alike on one line each", async () => {
        const config = { ...applyConfigSet(configSetLines(README, "Deploying for real")), ...stored(yamlAfter(README, "Many accounts")) };
        expect(config["golden-ami-assessment:accounts"]).to.contain("222222222222");
        const summary = await summaryOf("prod", config);
        const lines = expectWithinLimits(summary, 100);
        expect(lines).to.include("=== 2 accounts × 2 regions = 4 components; hub in account 123456789012");
        expect(lines).to.include("  111111111111 as arn:aws:iam::111111111111:role/gaa-deployer");
        expect(lines).to.include("  222222222222 as arn:aws:iam::222222222222:role/build/gaa-deployer");
        expect(lines.filter((l) => l === "    block A     us-east-1, eu-west-1")).to.have.length(2);
        expect(lines).to.include("=== block A: 4 components alike, 58 resources each");
        expect(summary).to.contain("gaa-prod-<account>-<region>-start").and.to.not.match(/gaa-prod-\d{12}/);
    });

    it("shows an account whose region differs (its own subnet) as its own block, as the first except what differs", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gaa-plan-accounts-"));
        const file = path.join(dir, "Pulumi.shared.yaml");
        fs.writeFileSync(file, /```yaml\n([\s\S]*?)```/.exec(ACCOUNTS_DOC)![1]);
        const env = { ...process.env };
        for (const key of Object.keys(env)) if (key.startsWith("AWS_") || key.startsWith("PULUMI_")) delete env[key];
        const run = (...args: string[]) => spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", "--config-file", file, ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
        const result = run();
        expect(result.status, result.stderr).to.equal(0);
        const lines = expectWithinLimits(result.stdout, 120);
        expect(lines).to.include("=== 2 accounts × 3 regions = 6 components; hub in account 111111111111");
        expect(lines).to.include("    block A     us-east-1, eu-west-1, ap-southeast-2");
        expect(lines).to.include("    block A     us-east-1, ap-southeast-2");
        expect(lines).to.include("    block B     eu-west-1");
        expect(lines).to.include("=== block A: 5 components alike, 58 resources each");
        expect(lines).to.include("=== block B: 222222222222 eu-west-1, 58 resources each");
        expect(result.stdout).to.contain("as block A above, except (- there, + here):").and.to.contain("subnet subnet-0123456789abcdef0 is configured");
        const json = run("--json");
        expect(json.status, json.stderr).to.equal(0);
        const parsed = JSON.parse(json.stdout);
        expect(Object.keys(parsed.accounts)).to.deep.equal(["111111111111", "222222222222"]);
        expect(parsed.accounts["222222222222"]["eu-west-1"].component).to.equal("gaa-shared-222222222222-euw1");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("keeps the summary of 10 accounts × 14 regions to one block and at most 120 lines", async () => {
        const summary = await summaryOf("bench", accountsConfig(10, REGIONS_14));
        const lines = expectWithinLimits(summary, 120);
        expect(lines).to.include("=== 10 accounts × 14 regions = 140 components; hub in account 123456789012");
        expect(lines.filter((l) => l.startsWith("=== block "))).to.deep.equal(["=== block A: 140 components alike, 57 resources each"]);
    });
});
