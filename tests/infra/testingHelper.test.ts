// The testing helper the package exports, used as a library user would: from the tarball
// `npm pack` builds, in a project of its own, with node's own test runner.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "../support/archive";
import { createConsumer, packProject } from "../support/consumer";

describe("setAssessmentMocks, from the packed package", function () {
    this.timeout(900_000);

    it("lets a consumer's own test plan a GoldenAmiAssessment offline and see a bad argument refused", () => {
        const tarball = packProject(makeTempDir("gaa-pack"));
        const consumer = createConsumer(tarball, { forceFallback: process.env.GAA_CONSUMER_INSTALL === "link" });
        const script = path.join(consumer.dir, "stack.test.js");
        fs.copyFileSync(path.join(__dirname, "..", "support", "consumer", "testWithHelper.js"), script);
        const env = { ...process.env };
        delete env.NODE_OPTIONS; // no ts-node from this process: the consumer runs plain JS
        const result = spawnSync(process.execPath, ["--test", script], { cwd: consumer.dir, encoding: "utf8", timeout: 300_000, env });
        expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0);
        expect(result.stdout).to.match(/# pass 1/);
    });
});
