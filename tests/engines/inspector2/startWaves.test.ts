// maxConcurrentInstances through the real v2 handlers and the stateful fake: each run is a wave,
// the waiting AMIs are named in the report and go first next time.
import { expect } from "chai";
import { makeAnalyzeHandler } from "../../../engines/inspector2/analyze";
import { v2RunKeys } from "../../../engines/inspector2/run";
import { FINDINGS_SETTLE_SECONDS } from "../../../engines/inspector2/settle";
import { V2StartSettings, makeStartHandler } from "../../../engines/inspector2/start";
import type { AssessmentReport } from "../../../pipeline/report/report";
import { VERDICT_TAG } from "../../../pipeline/run/tags";
import { FAKE_REGION, FakeAws } from "../../support/fakeAws";

const START = new Date("2026-11-23T10:00:00.000Z");
const SETTINGS: V2StartSettings = {
    engine: "inspector2",
    pipelineName: "golden",
    amiTags: { Golden: "true" },
    amiOwners: ["self"],
    durationSeconds: 3600,
    severityThreshold: "High",
    resultsTopicArn: "arn:aws:sns:us-east-1:111122223333:golden-results",
    reportBucket: "golden-reports",
    reportPrefix: "reports/",
    rulesPackages: ["cve"],
    scanMode: "instance",
    amiScanMaxAgeDays: 7,
    instanceTypes: { x86_64: "t3.micro", arm64: "t4g.micro" },
    subnetIds: ["subnet-a"],
    securityGroupId: "sg-0123",
    instanceProfileArn: "arn:aws:iam::111122223333:instance-profile/golden-ssm",
    agentWaitSeconds: 600,
    reapGraceSeconds: 1800,
    maxConcurrentInstances: 2,
    kmsKeyArns: [],
};
const SWEEP = { source: "aws.events", "detail-type": "Scheduled Event", detail: {} };
const AMIS = ["ami-0aaa0000000000001", "ami-0bbb0000000000002", "ami-0ccc0000000000003"];

function deps(world: FakeAws) {
    return { ec2: world.ec2, inspector2: world.inspector2, s3: world.s3, sns: world.sns, settings: SETTINGS, region: FAKE_REGION, now: world.now, sleep: world.sleep, log: () => undefined };
}

async function oneWave(world: FakeAws): Promise<{ launched: string[]; report: AssessmentReport }> {
    const started = await makeStartHandler(deps(world))({});
    expect(started.outcome).to.equal("RUN_STARTED");
    const launched = world.liveInstances().map((instance) => instance.imageId).sort();
    world.advance(5 * 60_000);
    for (const instance of world.liveInstances()) world.scan(instance.instanceId);
    // One sweep records the scans and reads the findings; the next, FINDINGS_SETTLE_SECONDS later, reports.
    await makeAnalyzeHandler(deps(world) as any)(SWEEP);
    world.advanceSeconds(FINDINGS_SETTLE_SECONDS);
    await makeAnalyzeHandler(deps(world) as any)(SWEEP);
    const report = world.json<AssessmentReport>(v2RunKeys(SETTINGS.reportPrefix, started.runId).reportJson)!;
    expect(world.liveInstances(), "nothing left running").to.have.length(0);
    return { launched, report };
}

describe("Inspector v2 waves (maxConcurrentInstances), whole cycle", () => {
    it("launches 2 of 3, reports the third as waiting without touching its tags, and launches it first in the next run", async () => {
        const world = new FakeAws(START);
        for (const id of AMIS) world.addImage(id);

        const first = await oneWave(world);
        expect(first.launched).to.deep.equal([AMIS[0], AMIS[1]]);
        const waiting = first.report.amis.find((ami) => ami.imageId === AMIS[2])!;
        expect(waiting.verdict).to.equal("NOT ASSESSED");
        expect(waiting.notAssessed).to.deep.include({ code: "WAITING" });
        expect(waiting.notAssessed!.detail).to.match(/^waiting for a later run: 3 golden AMIs need an instance and maxConcurrentInstances is 2/);
        expect(world.imageTags(AMIS[2])[VERDICT_TAG]).to.equal(undefined);
        expect(world.imageTags(AMIS[0])[VERDICT_TAG]).to.match(/^PASS 2026-11-23T/);

        world.advance(24 * 3600_000);
        const second = await oneWave(world);
        // Never assessed first, then the oldest verdict (a tie, broken by AMI ID).
        expect(second.launched).to.deep.equal([AMIS[0], AMIS[2]]);
        expect(second.report.amis.find((ami) => ami.imageId === AMIS[1])!.notAssessed).to.deep.include({ code: "WAITING" });
        expect(world.imageTags(AMIS[2])[VERDICT_TAG]).to.match(/^PASS 2026-11-24T/);
    });
});
