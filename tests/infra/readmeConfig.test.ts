// The README's config commands, as written, produce a stack the plan accepts.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { planIndex } from "../../scripts/mockRuntime";
import { applyConfigSet, configSetLines, parsePath, shellWords } from "../support/pulumiConfigSet";

const README = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

describe("pulumi config set, as the CLI stores it", () => {
    it("splits shell words with quotes and comments", () => {
        expect(shellWords(`pulumi config set --path 'a:b[0]' "x y" # note`)).to.deep.equal(["pulumi", "config", "set", "--path", "a:b[0]", "x y"]);
        expect(shellWords(`pulumi config set a:s 'cron(0 6 ? * MON *)'`)).to.deep.equal(["pulumi", "config", "set", "a:s", "cron(0 6 ? * MON *)"]);
    });

    it("builds lists and maps with --path, typing true and numbers as the CLI does", () => {
        expect(parsePath('ns:key[1].sub["a.b"]')).to.deep.equal(["ns:key", 1, "sub", "a.b"]);
        const config = applyConfigSet([
            "pulumi config set --path 'ns:list[0]' one",
            "pulumi config set --path 'ns:list[1]' 2",
            "pulumi config set --path 'ns:map.flag' true",
            "pulumi config set --path --string 'ns:map.text' true",
            "pulumi config set ns:plain true",
            "pulumi config set ns:zip 007",
        ]);
        expect(config).to.deep.equal({ "ns:list": '["one",2]', "ns:map": '{"flag":true,"text":"true"}', "ns:plain": "true", "ns:zip": "007" });
        expect(() => applyConfigSet(["pulumi config set --path 'ns:l[2]' x"])).to.throw("past the end");
    });
});

describe("README: Deploying for real", () => {
    it("its config commands plan as written (amiTags.golden true is stored as a boolean)", async () => {
        const lines = configSetLines(README, "Deploying for real");
        expect(lines.length).to.be.at.least(5);
        const config = applyConfigSet(lines);
        expect(config["golden-ami-assessment:amiTags"]).to.equal('{"golden":true}');
        const plan = await planIndex({ stack: "prod", config });
        expect(Object.keys(plan.exports.assessments as object)).to.deep.equal(["us-east-1", "eu-west-1"]);
        const start = plan.resources.find((r) => r.name === "gaa-prod-us-east-1-start")!;
        expect(JSON.parse(start.inputs.environment.variables.AMI_TAGS)).to.deep.equal({ golden: "true" });
        expect(start.inputs.environment.variables.DURATION_SECONDS).to.equal("3600");
        const schedule = plan.resources.find((r) => r.name === "gaa-prod-eu-west-1-schedule")!;
        expect(schedule.inputs.scheduleExpression).to.equal("cron(0 6 ? * MON *)");
        const emails = plan.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription" && r.inputs.protocol === "email");
        expect(emails.map((e) => e.inputs.endpoint)).to.deep.equal(["secops@example.com", "secops@example.com"]);
    });

    it("invokes the start function asynchronously", () => {
        expect(README).to.contain("aws lambda invoke --invocation-type Event");
        expect(README).to.not.match(/aws lambda invoke --function-name/);
    });
});
