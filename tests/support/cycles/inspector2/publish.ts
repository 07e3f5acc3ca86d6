// Assess on publish, whole cycles: the real publish, start, analyze and reaper handlers against
// FakeAws, with EC2's AMI events (fakeAmiEvents.ts: best effort, so lost or duplicated as each
// scenario says). The publish function is invoked as production does: by the AMI rules (two
// async retries) and by its drain schedule every five minutes. The four invariants hold on every
// run, scheduled or published (v2Outcome).
import { expect } from "chai";
import { V2PublishResult, V2PublishSettings, makePublishHandler } from "../../../../engines/inspector2/publish";
import { AMI_GONE_REASON } from "../../../../engines/inspector2/amiGone";
import { assessingPrefix, slotsPrefix } from "../../../../pipeline/launch/slots";
import { queuePrefix } from "../../../../pipeline/launch/publishQueue";
import { VERDICT_TAG } from "../../../../pipeline/run/tags";
import { amiAvailableEvent, deregisterImage, publishImage, tagImages } from "../../fakeAmiEvents";
import { CycleScenario } from "../outcome";
import { amiOf, expectReported, started } from "./basic";
import { recordedRuns, reportMessagesOf, v2Outcome } from "./measure";
import { CLEAN, MEDIUM, MINUTE, PREFIX, SWEEP, UNTAGGED, VULN, V2World, analyze, newV2World, reportOf, scanAll, settle, start, sweepUntilReported, v2Deps } from "./world";

export const NEW = "ami-0eee0000000000005";

export function publishWorld(settings: Partial<V2PublishSettings> = {}, images = false): V2World {
    return newV2World(settings, images);
}

/** One invocation of the publish function with this event (an AMI rule's, or the drain schedule's). */
export function publish(w: V2World, event: unknown = SWEEP): Promise<V2PublishResult> {
    return makePublishHandler({ ...v2Deps(w), settings: w.settings as V2PublishSettings })(event);
}

/** The runs the publish function started, by AMI. */
function startedRuns(result: V2PublishResult): Record<string, string> {
    return Object.fromEntries(result.amis.flatMap((a) => (a.status === "started" ? [[a.imageId, a.runId]] : [])));
}

/** Sweeps (analyze) and the drain (publish), every five minutes, until every run of these AMIs is reported; the live-instance peak. */
async function sweepAndDrain(w: V2World, until: () => boolean, maxRounds = 60): Promise<number> {
    let peak = w.aws.liveInstances().length;
    for (let round = 0; round < maxRounds && !until(); round++) {
        w.aws.advance(5 * MINUTE);
        scanAll(w, { [VULN]: ["HIGH"] });
        await analyze(w);
        await publish(w);
        peak = Math.max(peak, w.aws.liveInstances().length);
    }
    expect(until(), "everything reported").to.equal(true);
    return peak;
}

const publishedAlone: CycleScenario = {
    name: "publish: an AMI published and assessed without any schedule; the report names the trigger, the subject the AMI",
    async run() {
        const w = publishWorld();
        const event = publishImage(w.aws, VULN, { name: "vulnerable" });
        const result = await publish(w, event);
        const runId = startedRuns(result)[VULN];
        expect(runId, JSON.stringify(result)).to.be.a("string");
        expect(w.aws.liveInstances().map((i) => i.imageId)).to.deep.equal([VULN]);
        expect(w.aws.keys(queuePrefix(PREFIX)), "taken off the queue").to.deep.equal([]);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, runId);
        const report = expectReported(w, runId, { [VULN]: "FAIL" });
        expect(report.trigger).to.match(/^published \d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z \(EC2 AMI State Change: available\)$/);
        const [message] = reportMessagesOf(w, runId);
        expect(message.subject).to.equal(`Golden AMI assessment: ${VULN} (vulnerable) FAIL (us-east-1)`);
        expect(message.message).to.include(`Trigger: ${report.trigger}`);
        expect(w.aws.imageTags(VULN)[VERDICT_TAG]).to.match(/^FAIL /);
        expect(w.aws.keys(assessingPrefix(PREFIX)), "the AMI's claim released").to.deep.equal([]);
        expect(w.aws.keys(slotsPrefix(PREFIX)), "its slot released").to.deep.equal([]);
        return v2Outcome(w);
    },
};

const untaggedThenTagged: CycleScenario = {
    name: "publish: an untagged AMI published starts nothing; tagged golden later, CreateTags (assessOnTag, with a trail) assesses it; without the option the tag event is ignored",
    async run() {
        const w = publishWorld({ assessOnTag: true });
        const result = await publish(w, publishImage(w.aws, UNTAGGED, { tags: { Team: "x" } }));
        expect(result.amis).to.deep.equal([{ imageId: UNTAGGED, status: "not-golden", detail: "not available with the golden tags from the configured owners" }]);
        expect(w.aws.callCount("RunInstances")).to.equal(0);
        expect(w.aws.keys(`${PREFIX}`), "nothing written").to.deep.equal([]);
        // The pipeline tags the AMI and its snapshot in one call: only the AMI is described.
        const tagged = tagImages(w.aws, [UNTAGGED], { Golden: "true" }, { trail: true, alsoTagged: ["snap-0123456789abcdef0"] })!;
        const off = await makePublishHandler({ ...v2Deps(w), settings: { ...w.settings, assessOnTag: false } as V2PublishSettings })(tagged);
        expect(off.trigger).to.include("assessOnTag is off");
        const runId = startedRuns(await publish(w, tagged))[UNTAGGED];
        expect(runId).to.be.a("string");
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, runId);
        const report = expectReported(w, runId, { [UNTAGGED]: "PASS" });
        expect(report.trigger).to.match(/^tagged .* by CreateTags$/);
        return v2Outcome(w);
    },
};

const duplicated: CycleScenario = {
    name: "publish: the same AMI event delivered twice concurrently, then again (and a Lambda retry) while its run is open: one run, one instance",
    async run() {
        const w = publishWorld();
        const event = publishImage(w.aws, CLEAN);
        const results = await Promise.all([publish(w, event), publish(w, event), publish(w, amiAvailableEvent(w.aws, CLEAN))]);
        const runs = results.flatMap((r) => Object.values(startedRuns(r)));
        expect(runs, JSON.stringify(results)).to.have.length(1);
        expect(w.aws.callCount("RunInstances")).to.equal(1);
        w.aws.advance(MINUTE);
        const again = await publish(w, event);
        expect(again.amis.map((a) => a.status)).to.deep.equal(["queued", "already-assessing"]);
        expect(w.aws.keys(queuePrefix(PREFIX)), "the duplicate does not stay queued").to.deep.equal([]);
        expect(w.aws.callCount("RunInstances")).to.equal(1);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, runs[0]);
        expectReported(w, runs[0], { [CLEAN]: "PASS" });
        expect(recordedRuns(w)).to.deep.equal([runs[0]]);
        return v2Outcome(w);
    },
};

/** 40 AMIs' IDs, distinct and valid. */
export const BURST = Array.from({ length: 40 }, (_, i) => `ami-0f${String(i).padStart(15, "0")}`);

const burst: CycleScenario = {
    name: "publish: a burst of 40 AMIs with maxConcurrentInstances 10: never more than 10 instances across all open runs; the rest queue durably and drain as slots free",
    async run() {
        const w = publishWorld({ maxConcurrentInstances: 10 });
        const events = BURST.map((imageId) => publishImage(w.aws, imageId));
        const results = await Promise.all(events.map((event) => publish(w, event)));
        const runs = new Map(results.flatMap((r) => Object.entries(startedRuns(r))));
        expect(w.aws.liveInstances()).to.have.length(10);
        expect(runs.size).to.equal(10);
        expect(w.aws.keys(queuePrefix(PREFIX)), "the rest queued").to.have.length(30);
        const allReported = () => BURST.every((imageId) => recordedRuns(w).some((runId) => reportOf(w, runId)?.amis.some((a) => a.imageId === imageId && a.verdict !== "NOT ASSESSED")));
        const peak = await sweepAndDrain(w, allReported);
        expect(peak, "instances at once, across all open runs").to.be.at.most(10);
        expect(w.aws.callCount("RunInstances"), "each AMI launched once").to.equal(40);
        expect(recordedRuns(w)).to.have.length(40);
        expect(w.aws.keys(queuePrefix(PREFIX))).to.deep.equal([]);
        return v2Outcome(w);
    },
};

const beside: CycleScenario = {
    name: "publish during an open scheduled run: the new AMI runs beside it; an AMI of the scheduled run starts nothing; a schedule skips an AMI whose published run is open",
    async run() {
        const w = newV2World({ maxConcurrentInstances: 4 });
        const scheduled = await started(w);
        w.aws.advance(MINUTE);
        const results = await publish(w, publishImage(w.aws, NEW, { name: "new" }));
        const published = startedRuns(results)[NEW];
        expect(published, JSON.stringify(results)).to.be.a("string");
        expect((await publish(w, amiAvailableEvent(w.aws, CLEAN))).amis.map((a) => a.status), "CLEAN is in the scheduled run").to.deep.equal(["queued", "already-assessing"]);
        expect(w.aws.liveInstances()).to.have.length(4);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, scheduled);
        await sweepUntilReported(w, published);
        expectReported(w, published, { [NEW]: "PASS" });
        // A published run open, then the schedule: that AMI waits, saying which run has it.
        const republished = startedRuns(await publish(w, publishImage(w.aws, "ami-0eee0000000000006")))["ami-0eee0000000000006"];
        const next = await start(w);
        expect(next.amis.find((a) => a.imageId === "ami-0eee0000000000006")).to.deep.include({ status: "WAITING" });
        expect(next.amis.find((a) => a.imageId === "ami-0eee0000000000006")?.reason).to.include(`being assessed by another open run (${republished},`);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, republished);
        await sweepUntilReported(w, next.runId);
        expectReported(w, republished, { "ami-0eee0000000000006": "PASS" });
        return v2Outcome(w);
    },
};

const eventLost: CycleScenario = {
    name: "publish: the AMI event lost; the next schedule assesses the never-assessed AMI first",
    async run() {
        const w = newV2World({ maxConcurrentInstances: 1 }, false);
        // Three older AMIs carry verdicts; the new one's event never arrives.
        for (const imageId of [CLEAN, VULN, MEDIUM]) w.aws.addImage(imageId, { tags: { Golden: "true", [VERDICT_TAG]: "PASS 2026-11-20T10:00:00Z" } });
        publishImage(w.aws, NEW);
        w.aws.advance(24 * 60 * MINUTE);
        const next = await start(w);
        expect(next.amis.find((a) => a.status === "ASSESSING")?.imageId, "the never-assessed AMI goes first").to.equal(NEW);
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, next.runId);
        expect(reportOf(w, next.runId)!.amis.find((a) => a.imageId === NEW)?.verdict).to.equal("PASS");
        return v2Outcome(w);
    },
};

const deregistered: CycleScenario = {
    name: "publish: the AMI deregistered while its run is open: NOT ASSESSED, AMI gone; its instance terminated, nothing left running",
    async run() {
        const w = publishWorld();
        const runId = startedRuns(await publish(w, publishImage(w.aws, VULN)))[VULN];
        w.aws.advance(5 * MINUTE);
        const gone = deregisterImage(w.aws, VULN);
        expect((await publish(w, gone)).trigger, "the deregistered event is not one publish acts on").to.include("ignored");
        w.aws.advance(5 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, runId);
        const report = expectReported(w, runId, { [VULN]: "NOT ASSESSED" });
        expect(amiOf(report, VULN).notAssessed?.detail).to.equal(AMI_GONE_REASON);
        expect(w.aws.liveInstances()).to.deep.equal([]);
        return v2Outcome(w);
    },
};

const queuedThenGone: CycleScenario = {
    name: "publish: a queued AMI untagged before a slot frees leaves the queue unassessed; the running one is reported",
    async run() {
        const w = publishWorld({ maxConcurrentInstances: 1 });
        const first = startedRuns(await publish(w, publishImage(w.aws, CLEAN)))[CLEAN];
        expect((await publish(w, publishImage(w.aws, MEDIUM))).amis.map((a) => a.status)).to.deep.equal(["queued", "waiting-for-slot"]);
        w.aws.images.find((i) => i.ImageId === MEDIUM)!.Tags = [];
        w.aws.advance(10 * MINUTE);
        scanAll(w);
        await sweepUntilReported(w, first);
        expect((await publish(w)).amis).to.deep.equal([{ imageId: MEDIUM, status: "dropped", detail: "no longer a golden AMI (untagged, deregistered or unavailable)" }]);
        expect(w.aws.callCount("RunInstances")).to.equal(1);
        await settle();
        return v2Outcome(w);
    },
};

export const publishScenarios: CycleScenario[] = [publishedAlone, untaggedThenTagged, duplicated, burst, beside, eventLost, deregistered, queuedThenGone];
