// What wakes the publish function, parsed without trusting anything but the AMI IDs (publishEvent.ts),
// and the instance-slot claims under concurrency (pipeline/launch/slots.ts) against the fake S3.
import { expect } from "chai";
import { parsePublishEvent, shortTime } from "../../../engines/inspector2/publishEvent";
import { assessingKey, claimLaunches, releaseLaunchClaims, slotKey } from "../../../pipeline/launch/slots";
import { amiAvailableEvent, deregisterImage, tagImages } from "../../support/fakeAmiEvents";
import { FakeAws } from "../../support/fakeAws";

const START = new Date("2026-12-03T10:00:00.000Z");
const AMI = "ami-0aaa0000000000001";

describe("publish events", () => {
    it("reads an AMI that became available, naming what the event carries (not the API: it has none)", () => {
        const aws = new FakeAws(START);
        aws.addImage(AMI);
        expect(parsePublishEvent(amiAvailableEvent(aws, AMI), false)).to.deep.equal({
            kind: "amis",
            imageIds: [AMI],
            trigger: "published 2026-12-03T10:00Z (EC2 AMI State Change: available)",
        });
    });

    it("ignores other AMI states, other sources and malformed IDs", () => {
        const aws = new FakeAws(START);
        aws.addImage(AMI);
        expect(parsePublishEvent(deregisterImage(aws, AMI), true).kind).to.equal("other");
        expect(parsePublishEvent({ source: "aws.inspector2", "detail-type": "Inspector2 Scan", detail: {} }, true).kind).to.equal("other");
        expect(parsePublishEvent({ source: "aws.ec2", "detail-type": "EC2 AMI State Change", detail: { State: "available", ImageId: "ami-../../x" } }, true)).to.deep.include({ kind: "other" });
        expect(parsePublishEvent(undefined, true).kind).to.equal("other");
    });

    it("reads CreateTags only with assessOnTag, only its AMIs, and not a refused call", () => {
        const aws = new FakeAws(START);
        aws.addImage(AMI);
        aws.addImage("ami-0bbb0000000000002");
        const event = tagImages(aws, ["ami-0bbb0000000000002", AMI], { Golden: "true" }, { trail: true, alsoTagged: ["snap-0123456789abcdef0", "i-0123456789abcdef0"] })!;
        expect(parsePublishEvent(event, false)).to.deep.include({ kind: "other" });
        expect(parsePublishEvent(event, true)).to.deep.equal({ kind: "amis", imageIds: [AMI, "ami-0bbb0000000000002"], trigger: "tagged 2026-12-03T10:00Z by CreateTags" });
        const refused = { ...event, detail: { ...event.detail, errorCode: "Client.UnauthorizedOperation" } };
        expect(parsePublishEvent(refused, true)).to.deep.include({ kind: "other", reason: "CreateTags failed (Client.UnauthorizedOperation)" });
        expect(tagImages(aws, [AMI], { Golden: "true" }, { trail: false }), "no trail, no event").to.equal(undefined);
    });

    it("reads the drain schedule", () => {
        expect(parsePublishEvent({ source: "aws.events", "detail-type": "Scheduled Event", detail: {} }, false)).to.deep.equal({ kind: "drain" });
        expect(shortTime("2026-12-03T10:00:59Z")).to.equal("2026-12-03T10:00Z");
    });
});

describe("launch claims: AMIs and instance slots across runs", () => {
    const scope = (holder: string, aws: FakeAws, max = 2, hours = 1) => ({ bucket: "b", reportPrefix: "reports/", holder, expiresAt: new Date(aws.now().getTime() + hours * 3600_000).toISOString(), now: aws.now(), maxConcurrentInstances: max });
    const image = (n: number) => ({ ImageId: `ami-0f${String(n).padStart(15, "0")}` });

    it("never hands out more than maxConcurrentInstances slots to concurrent runs, nor one AMI twice", async () => {
        const aws = new FakeAws(START);
        // Every run also wants image 1 (run 1 lists it twice): it is granted at most once.
        const results = await Promise.all([1, 2, 3, 4].map((n) => claimLaunches(aws.s3, [image(n), image(1)], scope(`run-${n}`, aws, 3))));
        const granted = results.flatMap((r) => r.granted.map((i) => i.ImageId));
        expect(granted.length).to.be.at.most(3);
        expect(new Set(granted).size, "an AMI at most once").to.equal(granted.length);
        expect(aws.keys("reports/slots/").length).to.equal(granted.length);
        // What got no slot gave its AMI claim back.
        expect(aws.keys("reports/assessing/").length).to.equal(granted.length);
    });

    it("frees slots on release and takes over a dead run's expired slot", async () => {
        const aws = new FakeAws(START);
        const first = await claimLaunches(aws.s3, [image(1), image(2)], scope("run-a", aws));
        expect(first.claims).to.deep.equal({ amis: [image(1).ImageId, image(2).ImageId], slots: [0, 1] });
        const blocked = await claimLaunches(aws.s3, [image(3)], scope("run-b", aws));
        expect(blocked.noSlot.map((i) => i.ImageId)).to.deep.equal([image(3).ImageId]);
        expect(aws.object(assessingKey("reports/", image(3).ImageId))).to.equal(undefined);
        await releaseLaunchClaims(aws.s3, "b", "reports/", "run-a", { amis: [image(1).ImageId], slots: [0] });
        expect((await claimLaunches(aws.s3, [image(3)], scope("run-c", aws, 2, 24))).claims.slots).to.deep.equal([0]);
        // run-a dies holding slot 1: after its expiry the slot is taken over.
        aws.advance(2 * 3600_000);
        const later = await claimLaunches(aws.s3, [image(4)], scope("run-d", aws));
        expect(later.claims.slots).to.deep.equal([1]);
        expect(aws.json(slotKey("reports/", 1))?.holder).to.equal("run-d");
        // Releasing as the dead holder changes nothing now.
        await releaseLaunchClaims(aws.s3, "b", "reports/", "run-a", { amis: [], slots: [1] });
        expect(aws.json(slotKey("reports/", 1))?.holder).to.equal("run-d");
    });
});
