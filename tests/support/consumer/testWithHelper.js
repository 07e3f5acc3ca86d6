"use strict";
// A library user's own test of a stack that uses GoldenAmiAssessment, written as a user would:
// the package's setAssessmentMocks() answers Pulumi's lookups (caller identity, default VPC and
// subnets, a given subnet) offline. Copied into a consumer project and run there with node:test.
const { test } = require("node:test");
const assert = require("node:assert");
const { GoldenAmiAssessment, setAssessmentMocks } = require("@golden-ami-assessment/pulumi");

const valueOf = (output) => new Promise((resolve) => output.apply(resolve));

test("a stack with GoldenAmiAssessment plans offline under the package's mocks", async () => {
    const mocks = await setAssessmentMocks({ project: "consumer", stack: "test" });
    const assessment = new GoldenAmiAssessment("golden", { region: "eu-west-1", amiTags: { golden: "true" }, subnetId: "subnet-0123456789abcdef0" });
    assert.match(await valueOf(assessment.startFunctionName), /^golden-start/);
    assert.match(await valueOf(assessment.securityGroupId), /^sg-/);
    const start = mocks.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === "golden-start");
    assert.ok(start, "the start function is recorded");
    assert.deepStrictEqual(mocks.warnings, []);
    assert.throws(
        () => new GoldenAmiAssessment("bad", { region: "eu-west-1", amiTags: { golden: "true" }, duration: "2h" }),
        /argument duration = "2h"/,
    );
});
