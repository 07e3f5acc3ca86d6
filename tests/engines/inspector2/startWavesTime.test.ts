// Start watches its remaining Lambda time: with many AMIs and slow launches it stops launching
// while it can still run the launch check and commit the manifest; the AMIs it had no time for
// wait for the next run, as a wave's rest does. The Lambda timeout is modelled: once the time is
// spent, every call hangs (the invocation is dead), so a start that did not stop would orphan its fleet.
import { expect } from "chai";
import { START_TIMEOUT_SECONDS } from "../../../engines/inspector2/infra";
import { makeStartHandler } from "../../../engines/inspector2/start";
import { RUN_INSTANCES_CALL_WORST_MS, START_COMMIT_RESERVE_MS, launchMayRetry, launchReserveMs } from "../../../engines/inspector2/startRun";
import { FINDINGS_SETTLE_SECONDS } from "../../../pipeline/cleanup/stale";
import { scheduleIntervalSeconds } from "../../../components/config";
import { DEFAULTS } from "../../../infra/defaults";
import { LAUNCH_CONCURRENCY } from "../../../pipeline/launch/amiLaunches";
import { ec2ThrottlingError } from "../../support/fakeAws";
import type { V2RunManifest } from "../../../engines/inspector2/run";
import { VERDICT_TAG } from "../../../pipeline/run/tags";
import { MINUTE, PREFIX, V2World, keysOf, newV2World, reportOf, scanAll, settle, start, startLockKey, sweepUntilReported, v2Deps } from "../../support/cycles/inspector2/world";

const AMIS = Array.from({ length: 50 }, (_, i) => `ami-${(0x100 + i).toString(16).padStart(17, "0")}`);
/** Each RunInstances costs this much Lambda time (throttled and retried EC2, under load). */
const LAUNCH_COST_MS = 20_000;

/** A world whose start invocation has START_TIMEOUT_SECONDS, spent by launches and the fake clock; past it every call hangs. */
function slowWorld(): { w: V2World; remainingMs: () => number } {
    const w = newV2World({ maxConcurrentInstances: 500 }, false);
    for (const imageId of AMIS) w.aws.addImage(imageId);
    const t0 = w.aws.now().getTime();
    const remainingMs = () => START_TIMEOUT_SECONDS * 1000 - w.aws.callCount("RunInstances") * LAUNCH_COST_MS - (w.aws.now().getTime() - t0);
    for (const command of ["RunInstances", "DescribeInstances", "PutObject", "Publish", "TerminateInstances", "DeleteObject"]) {
        w.aws.hangAt(command, () => remainingMs() <= 0);
    }
    return { w, remainingMs };
}

describe("Inspector v2 start under its Lambda timeout", () => {
    it("stops launching in time, commits what it launched, and the rest go first in the next run", async () => {
        const { w, remainingMs } = slowWorld();
        const result = await makeStartHandler({ ...v2Deps(w), remainingMs })({});
        expect(result.outcome).to.equal("RUN_STARTED");
        expect(remainingMs(), "time left at the end").to.be.greaterThan(0);
        const manifest = w.aws.json<V2RunManifest>(keysOf(result.runId).manifest)!;
        const launched = w.aws.liveInstances().map((i) => i.instanceId).sort();
        expect(launched.length).to.be.within(1, AMIS.length - 1);
        expect(manifest.instances.map((i) => i.instanceId).sort(), "every launched instance is in the manifest").to.deep.equal(launched);
        const waiting = manifest.amis.filter((ami) => ami.status === "WAITING");
        expect(waiting).to.have.length(AMIS.length - launched.length);
        expect(waiting[0].reason).to.match(/^waiting for a later run: start ran short of time after launching for \d+ of 50 AMIs/);
        expect(w.aws.json(startLockKey(PREFIX))?.holder).to.equal(result.runId);

        // The run is reported; the waiting AMIs keep no verdict and are launched first next time.
        w.aws.clearFaults();
        w.aws.advance(10 * MINUTE);
        scanAll(w, {});
        await sweepUntilReported(w, result.runId);
        const report = reportOf(w, result.runId)!;
        expect(report.amis.filter((ami) => ami.notAssessed?.code === "WAITING")).to.have.length(waiting.length);
        expect(w.aws.imageTags(waiting[0].imageId)[VERDICT_TAG]).to.equal(undefined);
        expect(w.aws.liveInstances()).to.have.length(0);
        w.aws.advance(24 * 60 * MINUTE);
        const next = await start(w);
        expect(next.outcome).to.equal("RUN_STARTED");
        const relaunched = new Set(w.aws.liveInstances().map((i) => i.imageId));
        for (const ami of waiting) expect(relaunched.has(ami.imageId), ami.imageId).to.equal(true);
    });

    it("without the time watch the same start dies mid-launch: no manifest, the lock held, the fleet orphaned (the failure it prevents)", async () => {
        const { w } = slowWorld();
        // No remainingMs: start does not know its time.
        makeStartHandler(v2Deps(w))({}).catch(() => undefined);
        await settle();
        expect(w.aws.keys(`${PREFIX}runs/`).filter((key) => key.endsWith("manifest.json"))).to.deep.equal([]);
        expect(w.aws.liveInstances().length).to.be.greaterThan(0);
        expect(w.aws.object(startLockKey(PREFIX))).to.not.equal(undefined);
    });

    it("a batch throttled near the reserve (EC2 asking 30 s between retries) still leaves start the time to commit", async () => {
        const w = newV2World({ maxConcurrentInstances: 500 }, false);
        for (const imageId of AMIS) w.aws.addImage(imageId);
        const t0 = w.aws.now().getTime();
        // A batch's calls run side by side: each costs one call's worst wall time shared by the batch.
        const callCostMs = RUN_INSTANCES_CALL_WORST_MS / LAUNCH_CONCURRENCY;
        const remainingMs = () => START_TIMEOUT_SECONDS * 1000 - w.aws.callCount("RunInstances") * callCostMs - (w.aws.now().getTime() - t0);
        for (const command of ["RunInstances", "DescribeInstances", "PutObject", "Publish", "TerminateInstances", "DeleteObject"]) {
            w.aws.hangAt(command, () => remainingMs() <= 0);
        }
        // Late in the invocation EC2 throttles every launch and asks for 30 s between calls.
        const throttled = () => Object.assign(ec2ThrottlingError(), { retryAfterSeconds: 30 });
        w.aws.failNext("RunInstances", 10_000, throttled, () => remainingMs() < 400_000);
        const result = await makeStartHandler({ ...v2Deps(w), remainingMs })({});
        expect(result.outcome).to.equal("RUN_STARTED");
        expect(remainingMs(), "time left at the end").to.be.greaterThan(0);
        const manifest = w.aws.json<V2RunManifest>(keysOf(result.runId).manifest)!;
        expect(manifest.instances.map((i) => i.instanceId).sort(), "every launched instance is in the manifest").to.deep.equal(w.aws.liveInstances().map((i) => i.instanceId).sort());
        expect(w.aws.json(startLockKey(PREFIX))?.holder).to.equal(result.runId);
    });

    it("reserves one batch's worst case on top of the commit, and waits to retry only while that reserve stays whole", () => {
        expect(launchReserveMs(3)).to.equal(START_COMMIT_RESERVE_MS + 3 * RUN_INSTANCES_CALL_WORST_MS);
        expect(launchReserveMs(6), "six default subnets still leave start time to launch").to.be.below(START_TIMEOUT_SECONDS * 1000 - 300_000);
        expect(launchMayRetry(launchReserveMs(2) + 30_000, launchReserveMs(2))).to.equal(true);
        expect(launchMayRetry(launchReserveMs(2) + 29_999, launchReserveMs(2))).to.equal(false);
        expect(launchMayRetry(undefined, launchReserveMs(2)), "without a known timeout (tests, local runs) retries as before").to.equal(true);
    });

    it("holds the start lock, at the minimum agent wait and grace, past start + duration + findings settle + one sweep", async () => {
        const w = newV2World({ agentWaitSeconds: 60, reapGraceSeconds: 300 }, false);
        w.aws.addImage(AMIS[0]);
        const t0 = w.aws.now().getTime();
        const result = await start(w);
        expect(result.outcome).to.equal("RUN_STARTED");
        const lock = w.aws.json<{ holder: string; expiresAt: string }>(startLockKey(PREFIX))!;
        const wholeRunSeconds = START_TIMEOUT_SECONDS + w.settings.durationSeconds + FINDINGS_SETTLE_SECONDS + scheduleIntervalSeconds(DEFAULTS.sweepSchedule)!;
        expect(new Date(lock.expiresAt).getTime() - t0).to.be.at.least(wholeRunSeconds * 1000);
    });

    it("keeps the reserve for the launch check and the commit", () => {
        expect(START_COMMIT_RESERVE_MS).to.be.at.least(90_000);
        expect(START_COMMIT_RESERVE_MS).to.be.below(START_TIMEOUT_SECONDS * 1000 / 2);
    });

    it("takes the remaining time from Lambda's context when no dependency is given", async () => {
        const { w } = slowWorld();
        const t0 = w.aws.now().getTime();
        const context = { getRemainingTimeInMillis: () => START_TIMEOUT_SECONDS * 1000 - w.aws.callCount("RunInstances") * LAUNCH_COST_MS - (w.aws.now().getTime() - t0) };
        const result = await makeStartHandler(v2Deps(w))({}, context);
        expect(result.outcome).to.equal("RUN_STARTED");
        expect(w.aws.liveInstances().length).to.be.below(AMIS.length);
    });
});
