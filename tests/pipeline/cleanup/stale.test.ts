import { Instance } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { DEFAULT_SCHEDULE_INTERVAL_SECONDS, FINDINGS_SETTLE_SECONDS, findStaleAmis, findStaleInstances, formatAge, maxInstanceAgeSeconds, maxRunSeconds, reapNotice, START_HANDLER_MAX_SECONDS, SWEEP_INTERVAL_SECONDS } from "../../../pipeline/cleanup/stale";
import { scheduleIntervalSeconds } from "../../../components/config";
import { DEFAULTS } from "../../../infra/defaults";
import { START_TIMEOUT_SECONDS } from "../../../engines/inspector2/infra";
import { LAST_ASSESSED_TAG, PIPELINE_TAG, RUN_TAG, SOURCE_AMI_TAG, VERDICT_TAG } from "../../../pipeline/run/tags";
import { NOW } from "../../support/launchFixtures";

function instance(instanceId: string, ageSeconds: number | undefined, imageId = "ami-1"): Instance {
    return {
        InstanceId: instanceId,
        State: { Name: "running" },
        LaunchTime: ageSeconds === undefined ? undefined : new Date(NOW.getTime() - ageSeconds * 1000),
        Tags: [
            { Key: PIPELINE_TAG, Value: "golden" },
            { Key: RUN_TAG, Value: "old-run" },
            { Key: SOURCE_AMI_TAG, Value: imageId },
        ],
    };
}

describe("maxInstanceAgeSeconds / maxRunSeconds", () => {
    it("is start's own time + duration + findings settle time + one sweep + grace", () => {
        expect(maxRunSeconds({ durationSeconds: 3600, reapGraceSeconds: 3600 })).to.equal(900 + 3600 + FINDINGS_SETTLE_SECONDS + 300 + 3600);
        expect(maxInstanceAgeSeconds({ durationSeconds: 3600, reapGraceSeconds: 3600 })).to.equal(maxRunSeconds({ durationSeconds: 3600, reapGraceSeconds: 3600 }));
    });

    it("still covers a whole run at the minimum agent wait and grace (an instance launched at the end of start lives to finalize)", () => {
        const durationSeconds = 3600;
        // The latest an instance of a run can still be needed, counted from start's invocation:
        // start launches up to its timeout, the deadline is duration after the commit, analyze waits
        // FINDINGS_SETTLE_SECONDS for unsettled findings, and the sweep that finalizes comes up to one interval later.
        const sweepSeconds = scheduleIntervalSeconds(DEFAULTS.sweepSchedule)!;
        const lastNeeded = START_TIMEOUT_SECONDS + durationSeconds + FINDINGS_SETTLE_SECONDS + sweepSeconds;
        const minimum = { durationSeconds, agentWaitSeconds: 60, reapGraceSeconds: 300 };
        expect(maxRunSeconds(minimum)).to.be.at.least(lastNeeded + minimum.reapGraceSeconds);
        expect(maxInstanceAgeSeconds(minimum)).to.be.at.least(lastNeeded);
    });

    it("its constants match the deployed start timeout and sweep schedule", () => {
        expect(START_TIMEOUT_SECONDS).to.be.at.most(START_HANDLER_MAX_SECONDS);
        expect(scheduleIntervalSeconds(DEFAULTS.sweepSchedule)).to.equal(SWEEP_INTERVAL_SECONDS);
    });
});

describe("findStaleInstances", () => {
    it("picks instances older than the limit, oldest first, with source AMI, run and age", () => {
        const stale = findStaleInstances([instance("i-fresh", 60), instance("i-edge", 7800), instance("i-old", 7801, "ami-a"), instance("i-older", 90000, "ami-b")], NOW, 7800);
        expect(stale).to.deep.equal([
            { instanceId: "i-older", sourceAmi: "ami-b", runId: "old-run", state: "running", launchTime: new Date(NOW.getTime() - 90000_000).toISOString(), ageSeconds: 90000 },
            { instanceId: "i-old", sourceAmi: "ami-a", runId: "old-run", state: "running", launchTime: new Date(NOW.getTime() - 7801_000).toISOString(), ageSeconds: 7801 },
        ]);
    });

    it("leaves alone an instance without a launch time, and copes with one without tags", () => {
        const untagged: Instance = { InstanceId: "i-untagged", LaunchTime: new Date(NOW.getTime() - 10_000_000) };
        const stale = findStaleInstances([instance("i-unknown", undefined), untagged], NOW, 7800);
        expect(stale.map((s) => [s.instanceId, s.sourceAmi, s.runId])).to.deep.equal([["i-untagged", undefined, undefined]]);
    });
});

describe("formatAge", () => {
    it("reads as seconds, minutes, hours and minutes, or days and hours", () => {
        expect([30, 45 * 60, 2 * 3600 + 5 * 60, 3 * 86400 + 4 * 3600].map(formatAge)).to.deep.equal(["30s", "45m", "2h 05m", "3d 4h"]);
    });
});

describe("reapNotice", () => {
    const stale = findStaleInstances([instance("i-1", 9000, "ami-a"), instance("i-2", 8000, "ami-b")], NOW, 7800);

    it("says nothing when nothing was stale", () => {
        expect(reapNotice("golden", 7800, [], { terminated: [], failed: [] })).to.equal(undefined);
    });

    it("lists each instance with its source AMI, age and why it was terminated", () => {
        const notice = reapNotice("golden", 7800, stale, { terminated: ["i-1", "i-2"], failed: [] })!;
        expect(notice.subject).to.equal("[golden] terminated 2 leftover assessment instances");
        expect(notice.message).to.include("older than 2h 10m");
        expect(notice.message).to.include("- i-1 from ami-a (run old-run), running, launched");
        expect(notice.message).to.include("age 2h 30m: terminated");
        expect(notice.message).to.include("- i-2 from ami-b");
    });

    it("puts failed terminations in the subject and names the error", () => {
        const notice = reapNotice("golden", 7800, stale, { terminated: ["i-1"], failed: [{ instanceId: "i-2", error: "UnauthorizedOperation: no" }] })!;
        expect(notice.subject).to.equal("[golden] could not terminate 1 of 2 leftover assessment instances");
        expect(notice.message).to.include("i-2 from ami-b").and.include("NOT TERMINATED: UnauthorizedOperation: no");
        expect(notice.message).to.include("keep running");
    });
});

describe("findStaleAmis", () => {
    const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
    const maxAge = 2 * DEFAULT_SCHEDULE_INTERVAL_SECONDS;
    const ami = (imageId: string, tags: Record<string, string>) => ({ imageId, tags });

    it("lists AMIs without a verdict now whose last verdict is older than the limit, or missing or unreadable, by image ID", () => {
        const stale = findStaleAmis(
            [
                ami("ami-4", { [LAST_ASSESSED_TAG]: ago(15), [VERDICT_TAG]: "PASS" }),
                ami("ami-1", { [LAST_ASSESSED_TAG]: ago(13), [VERDICT_TAG]: "PASS" }),
                ami("ami-2", {}),
                ami("ami-3", { [LAST_ASSESSED_TAG]: "yesterday" }),
            ],
            () => "NOT ASSESSED",
            NOW,
            maxAge,
        );
        expect(stale.map((entry) => [entry.imageId, entry.lastVerdict, entry.lastAssessedAt])).to.deep.equal([
            ["ami-2", undefined, undefined],
            ["ami-3", undefined, undefined],
            ["ami-4", "PASS", ago(15)],
        ]);
        expect(stale[2].detail).to.equal(`last verdict PASS of ${ago(15)}, 15d 0h old (older than 14d 0h)`);
    });

    it("never lists an AMI this run gave a PASS or FAIL", () => {
        expect(findStaleAmis([ami("ami-1", {}), ami("ami-2", {})], (id) => (id === "ami-1" ? "PASS" : "FAIL"), NOW, maxAge)).to.deep.equal([]);
    });
});
