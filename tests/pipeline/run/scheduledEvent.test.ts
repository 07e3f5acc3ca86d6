import { expect } from "chai";
import { isScheduledEvent } from "../../../pipeline/run/scheduledEvent";

describe("isScheduledEvent", () => {
    it("takes only EventBridge's scheduled event as the sweep (both engines)", () => {
        expect(isScheduledEvent({ source: "aws.events", "detail-type": "Scheduled Event", detail: {} })).to.equal(true);
        expect(isScheduledEvent({ Records: [{ Sns: { Message: "{}" } }] })).to.equal(false);
        expect(isScheduledEvent({ source: "aws.inspector2", "detail-type": "Scheduled Event" })).to.equal(false);
        expect(isScheduledEvent({ source: "aws.events", "detail-type": "Inspector2 Scan" })).to.equal(false);
        for (const other of [null, undefined, "aws.events", 42, []]) expect(isScheduledEvent(other)).to.equal(false);
    });

});
