// deprecateFailingAmis through whole Inspector Classic runs: the real start and analyze handlers
// against FakeAws and the Classic fake, with the least of the cycle world's setup copied here.
import { expect } from "chai";
import { AnalyzeSettings, makeAnalyzeHandler } from "../../../engines/classic/analyze";
import { runKeys } from "../../../engines/classic/manifest";
import { makeStartHandler, StartSettings } from "../../../engines/classic/start";
import { htmlKeyOf } from "../../../pipeline/report/publishReport";
import type { AssessmentReport } from "../../../pipeline/report/report";
import { DEPRECATED_BY_TAG } from "../../../pipeline/run/tags";
import { FakeAws, FAKE_ACCOUNT } from "../../support/fakeAws";
import { CLASSIC_TARGET_ARN, CLASSIC_TEMPLATE_ARN, FakeInspectorClassic } from "../../support/fakeInspectorClassic";

const START = new Date("2026-11-23T10:00:00.000Z");
const PREFIX = "reports/";
const DURATION = 3600;
const OTHER_ACCOUNT = "999988887777";
const OWN = "ami-0aaa0000000000001";
const FOREIGN = "ami-0bbb0000000000002";
const CLEAN = "ami-0ccc0000000000003";
const HIGH = [{ severity: "High" as const, cveId: "CVE-2026-0001" }];

const COMMON = { engine: "classic", pipelineName: "golden", resultsTopicArn: "arn:aws:sns:us-east-1:111122223333:golden-results", reportBucket: "golden-reports", reportPrefix: PREFIX } as const;
const START_SETTINGS: StartSettings = {
    ...COMMON,
    amiTags: { Golden: "true" },
    amiOwners: ["self", OTHER_ACCOUNT],
    instanceTypes: { x86_64: "t3.micro", arm64: "t4g.micro" },
    subnetIds: ["subnet-a"],
    securityGroupId: "sg-0123",
    assessmentTargetArn: CLASSIC_TARGET_ARN,
    assessmentTemplateArn: CLASSIC_TEMPLATE_ARN,
    durationSeconds: DURATION,
    agentWaitSeconds: 600,
    reapGraceSeconds: 1800,
};

interface World {
    aws: FakeAws;
    classic: FakeInspectorClassic;
    random: () => number;
}

function newWorld(): World {
    const aws = new FakeAws(START);
    aws.addImage(OWN, { name: "own" });
    aws.addImage(FOREIGN, { name: "shared-with-us", ownerId: OTHER_ACCOUNT });
    aws.addImage(CLEAN, { name: "clean" });
    let seed = 13;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    return { aws, classic: new FakeInspectorClassic(aws, "golden"), random };
}

/** One run, start to report: Inspector completes it after its duration and analyze gets the message; an hour passes. */
async function assessRun(w: World, deprecateFailingAmis: boolean) {
    const common = { ec2: w.aws.ec2, inspector: w.classic.inspector, sns: w.aws.sns, s3: w.aws.s3, now: w.aws.now, sleep: w.aws.sleep, log: () => undefined, random: w.random };
    const started = await makeStartHandler({ ...common, settings: START_SETTINGS })({});
    expect(started.outcome, JSON.stringify(started.reason)).to.equal("RUN_STARTED");
    const runArn = started.assessmentRunArn!;
    w.aws.advanceSeconds(DURATION + 120);
    w.classic.complete(runArn);
    const settings: AnalyzeSettings = { ...COMMON, assessmentTemplateArn: CLASSIC_TEMPLATE_ARN, severityThreshold: "High", deprecateFailingAmis, accountId: FAKE_ACCOUNT };
    const messages = w.classic.takeMessages();
    await makeAnalyzeHandler({ ...common, settings })({ Records: messages.map((m) => ({ Sns: { Message: m.message, MessageId: m.messageId } })) });
    w.aws.advanceSeconds(3600);
    const keys = runKeys(PREFIX, runArn);
    const report = w.aws.json<AssessmentReport>(keys.reportJson);
    expect(report, `report.json of ${runArn}`).to.not.equal(undefined);
    const summaries = w.aws.reportMessages();
    return { report: report!, summary: summaries[summaries.length - 1].message, markdown: w.aws.object(keys.reportMarkdown)!.body, html: w.aws.object(htmlKeyOf(keys.reportJson))!.body };
}

const image = (w: World, imageId: string) => w.aws.images.find((candidate) => candidate.ImageId === imageId)!;
const deprecationCalls = (w: World) => w.aws.calls.filter((call) => /^(EnableImageDeprecation|DisableImageDeprecation|DeleteTags) /.test(call));
const verdicts = (report: AssessmentReport) => Object.fromEntries(report.amis.map((ami) => [ami.imageId, ami.verdict]));

describe("deprecateFailingAmis, Inspector Classic whole cycle (real handlers, stateful fake AWS)", () => {
    it("a FAIL deprecates the owned AMI and leaves another owner's alone; a later PASS restores it", async () => {
        const w = newWorld();
        w.classic.vulnerabilities[OWN] = HIGH;
        w.classic.vulnerabilities[FOREIGN] = HIGH;
        const first = await assessRun(w, true);
        expect(verdicts(first.report)).to.deep.equal({ [OWN]: "FAIL", [FOREIGN]: "FAIL", [CLEAN]: "PASS" });
        const deprecateAt = image(w, OWN).DeprecationTime!;
        expect(deprecateAt).to.be.a("string");
        expect(w.aws.imageTags(OWN)[DEPRECATED_BY_TAG]).to.match(/^FAIL \d{4}-\d{2}-\d{2}T/);
        expect(first.report.deprecations?.changed).to.deep.equal([{ imageId: OWN, action: "deprecate", deprecateAt }]);
        const reason = `owned by ${OTHER_ACCOUNT}: only this account's (${FAKE_ACCOUNT}) AMIs are deprecated`;
        expect(first.report.deprecations?.skipped).to.deep.equal([{ imageId: FOREIGN, reason }]);
        expect(image(w, FOREIGN)).to.not.have.property("DeprecationTime");
        expect(w.aws.imageTags(FOREIGN)[DEPRECATED_BY_TAG]).to.equal(undefined);
        for (const text of [first.summary, first.markdown]) {
            expect(text).to.contain(`- deprecated ${OWN}: it failed; EC2 shows it as deprecated from ${deprecateAt}`).and.contain(`- left alone ${FOREIGN}: ${reason}`);
        }
        expect(first.html).to.contain(`<td>deprecated</td><td><code>${OWN}</code></td>`).and.contain(`<td>left alone</td><td><code>${FOREIGN}</code></td>`);
        expect(deprecationCalls(w)).to.deep.equal([`EnableImageDeprecation ${OWN}`]);

        // Rebuilt clean: the next run passes it and takes the deprecation back.
        w.classic.vulnerabilities[OWN] = [];
        const second = await assessRun(w, true);
        expect(verdicts(second.report)[OWN]).to.equal("PASS");
        expect(image(w, OWN)).to.not.have.property("DeprecationTime");
        expect(w.aws.imageTags(OWN)[DEPRECATED_BY_TAG]).to.equal(undefined);
        expect(second.report.deprecations?.changed).to.deep.equal([{ imageId: OWN, action: "undeprecate" }]);
        expect(second.summary).to.contain(`- deprecation removed from ${OWN}: it passed`);
        expect(second.html).to.contain(`<td>deprecation removed from</td><td><code>${OWN}</code></td><td>it passed</td>`);
        expect(deprecationCalls(w)).to.deep.equal([`EnableImageDeprecation ${OWN}`, `DisableImageDeprecation ${OWN}`, `DeleteTags ${OWN}`]);
    });

    it("option off: a FAIL makes no deprecation call and the report has no deprecations", async () => {
        const w = newWorld();
        w.classic.vulnerabilities[OWN] = HIGH;
        const run = await assessRun(w, false);
        expect(verdicts(run.report)[OWN]).to.equal("FAIL");
        expect(deprecationCalls(w)).to.deep.equal([]);
        expect(image(w, OWN)).to.not.have.property("DeprecationTime");
        expect(w.aws.imageTags(OWN)[DEPRECATED_BY_TAG]).to.equal(undefined);
        expect(run.report).to.not.have.property("deprecations");
        expect(run.summary + run.markdown + run.html).to.not.contain("AMI deprecations");
    });
});
