// The time-based Inspector v2 model behaves as its sources say, so the timed cycles prove something.
import { RunInstancesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { FakeAws } from "./fakeAws";
import { INSPECTOR2_TIMINGS, Inspector2Timeline } from "./fakeInspector2Timeline";

const START = new Date("2026-12-02T10:00:00.000Z");
const MINUTE = 60_000;
const AMI = "ami-0aaa0000000000001";

async function launchAfter(aws: FakeAws, minutes: number): Promise<string> {
    aws.advance(minutes * MINUTE);
    const answer = await aws.ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1 }));
    return answer.Instances![0].InstanceId!;
}

/** Minute by minute for `minutes`: the events sent, with their minute after START. */
function runFor(aws: FakeAws, timeline: Inspector2Timeline, minutes: number) {
    const sent: { minute: number; event: any }[] = [];
    for (let m = 0; m < minutes; m++) {
        aws.advance(MINUTE);
        timeline.tick();
        for (const { event } of timeline.takeEvents()) sent.push({ minute: (aws.ms - START.getTime()) / MINUTE, event });
    }
    return sent;
}

describe("Inspector2Timeline (fake)", () => {
    it("inventories a new instance when State Manager detects it, not at the next account-wide cycle", async () => {
        const aws = new FakeAws(START);
        aws.addImage(AMI);
        aws.deepInspectionStatus = "DEACTIVATED";
        const timeline = new Inspector2Timeline(aws, INSPECTOR2_TIMINGS, { [AMI]: [] });
        // Launched 20 minutes into the account's life: an account-wide 30-minute cycle would wait for minute 40.
        const id = await launchAfter(aws, 20);
        runFor(aws, timeline, 60);
        const t = INSPECTOR2_TIMINGS;
        expect(timeline.firstScans.get(id)).to.equal(START.getTime() + 20 * MINUTE + t.ssmOnlineMs + t.inventoryOnDetectionMs + t.scanAfterInventoryMs);
    });

    it("sends INITIAL_SCAN_COMPLETE once, for the first (OS-only) scan, with its counts and envelope time; the deep-inspection scan sends none", async () => {
        const aws = new FakeAws(START);
        aws.addImage(AMI);
        aws.deepInspectionStatus = "ACTIVATED";
        const timings = { ...INSPECTOR2_TIMINGS, deepInspectionPhaseMs: 40 * MINUTE };
        const timeline = new Inspector2Timeline(aws, timings, { [AMI]: [{ severity: "MEDIUM" }, { severity: "HIGH", language: true }] });
        const id = await launchAfter(aws, 0);
        const sent = runFor(aws, timeline, 60);
        expect(aws.coverage.get(id)?.scanStatus?.reason, "the deep-inspection scan happened").to.equal("SUCCESSFUL");
        expect(sent).to.have.length(1);
        const first = timeline.firstScans.get(id)!;
        expect(sent[0].event.detail["scan-status"]).to.equal("INITIAL_SCAN_COMPLETE");
        expect(sent[0].event.detail["finding-severity-counts"]).to.deep.include({ MEDIUM: 1, TOTAL: 1 });
        expect(Date.parse(sent[0].event.time)).to.equal(first);
        expect(sent[0].event.time, "second precision, as EventBridge writes it").to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it("counts SUPPRESSED findings in the event [?] and closes them with the instance", async () => {
        const aws = new FakeAws(START);
        aws.addImage(AMI);
        const id = await launchAfter(aws, 0);
        const finding = aws.addFinding(id, "HIGH");
        aws.suppressFinding(finding);
        expect(aws.scan(id)?.detail["finding-severity-counts"]).to.deep.include({ HIGH: 1, TOTAL: 1 });
        expect(aws.scan(id), "a rescan sends no INITIAL_SCAN_COMPLETE").to.equal(undefined);
        await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
        expect(finding.status).to.equal("CLOSED");
        expect(aws.closedByTermination.has(finding.findingArn!)).to.equal(true);
    });
});
