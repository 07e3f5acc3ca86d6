import type { Image } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { consolidate } from "../../../pipeline/verdict/consolidate";
import { nextStep } from "../../../pipeline/report/reportText";
import { startReportNotice } from "../../../pipeline/report/startNotices";
import { LAST_ASSESSED_TAG, VERDICT_TAG } from "../../../pipeline/run/tags";
import { verdictTagValue } from "../../../pipeline/verdict/verdictTag";
import { splitWave, waveOrder } from "../../../pipeline/launch/waves";

const image = (id: string, tags: Record<string, string> = {}): Image => ({ ImageId: id, Name: `name-${id}`, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
const dated = (iso: string) => ({ [VERDICT_TAG]: verdictTagValue("PASS", new Date(iso)) });

describe("waves (maxConcurrentInstances)", () => {
    const images = [
        image("ami-c", dated("2026-11-20T00:00:00Z")),
        image("ami-a", dated("2026-11-01T00:00:00Z")),
        image("ami-e"),
        image("ami-b", { [VERDICT_TAG]: "FAIL", [LAST_ASSESSED_TAG]: "2026-11-10T00:00:00Z" }),
        image("ami-d"),
    ];

    it("orders never-assessed AMIs first, then the oldest verdict, then by ID", () => {
        expect(waveOrder(images).map((i) => i.ImageId)).to.deep.equal(["ami-d", "ami-e", "ami-a", "ami-b", "ami-c"]);
    });

    it("launches at most the limit and names the rest WAITING, with how often each AMI comes round", () => {
        const wave = splitWave(images, 2);
        expect(wave.launch.map((i) => i.ImageId)).to.deep.equal(["ami-d", "ami-e"]);
        expect(wave.waiting.map((ami) => [ami.imageId, ami.status])).to.deep.equal([
            ["ami-a", "WAITING"],
            ["ami-b", "WAITING"],
            ["ami-c", "WAITING"],
        ]);
        expect(wave.waiting[0].reason).to.equal(
            "waiting for a later run: 5 golden AMIs need an instance and maxConcurrentInstances is 2, so each run launches the 2 with the oldest verdicts and every AMI is assessed once every 3 runs",
        );
    });

    it("waits for nothing when the limit covers every AMI", () => {
        const wave = splitWave(images, 5);
        expect(wave.launch).to.have.length(5);
        expect(wave.waiting).to.deep.equal([]);
    });

    it("after a run, the launched AMIs carry fresh verdicts and the waiting ones go next", () => {
        const first = splitWave(images, 2);
        const assessed = new Set(first.launch.map((i) => i.ImageId));
        const afterRun = images.map((i) => (assessed.has(i.ImageId) ? image(i.ImageId!, dated("2026-12-01T00:00:00Z")) : i));
        expect(splitWave(afterRun, 2).launch.map((i) => i.ImageId)).to.deep.equal(["ami-a", "ami-b"]);
    });

    it("reports a waiting AMI NOT ASSESSED with its reason, and tells the user how to assess all at once", () => {
        const wave = splitWave(images, 4);
        const consolidation = consolidate({ findings: [], amiByInstance: {}, manifest: { amis: wave.waiting }, severityThreshold: "High", unreadFindings: 0 });
        const [waiting] = consolidation.amis;
        expect(waiting.verdict).to.equal("NOT ASSESSED");
        expect(waiting.notAssessed!.code).to.equal("WAITING");
        expect(waiting.notAssessed!.detail).to.match(/^waiting for a later run: /);
        expect(nextStep(waiting, "High")).to.match(/^none now; .*raise maxConcurrentInstances/);
        const notice = startReportNotice({ pipelineName: "p", runId: "r", outcome: "NOTHING_LAUNCHED", amis: wave.waiting });
        expect(notice?.message ?? "").to.contain("- ami-c (name-ami-c): waiting, waiting for a later run");
    });
});
