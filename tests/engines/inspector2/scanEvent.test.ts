import { expect } from "chai";
import { expectedFindings, parseScanEvent } from "../../../engines/inspector2/scanEvent";

// The EC2 initial-scan example from the Amazon Inspector user guide (EventBridge events).
const DOCS_EXAMPLE = {
    version: "0",
    id: "28a46762-6ac8-6cc4-4f6b-9ff4d4f3b2a3",
    "detail-type": "Inspector2 Scan",
    source: "aws.inspector2",
    account: "111122223333",
    time: "2021-12-03T18:03:16Z",
    region: "us-east-2",
    resources: ["i-087d63509b8c97098"],
    detail: {
        "scan-status": "INITIAL_SCAN_COMPLETE",
        "finding-severity-counts": { CRITICAL: 0, HIGH: 0, MEDIUM: 0, TOTAL: 0 },
        "instance-id": "i-087d63509b8c97098",
        version: "1.0",
    },
};

describe("parseScanEvent", () => {
    it("reads the docs example, filling missing count keys with 0", () => {
        const parsed = parseScanEvent(DOCS_EXAMPLE);
        expect(parsed).to.deep.include({ kind: "scan", instanceId: "i-087d63509b8c97098", scanStatus: "INITIAL_SCAN_COMPLETE" });
        if (parsed.kind === "scan") expect(parsed.counts).to.deep.equal({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0, UNTRIAGED: 0, TOTAL: 0 });
    });

    it("keeps the envelope's time (what later decides whether the counts are of the confirmed scan); none when missing or unreadable", () => {
        expect(parseScanEvent(DOCS_EXAMPLE)).to.deep.include({ at: "2021-12-03T18:03:16.000Z" });
        const { time: _time, ...untimed } = DOCS_EXAMPLE;
        expect(parseScanEvent(untimed)).to.not.have.property("at");
        expect(parseScanEvent({ ...DOCS_EXAMPLE, time: "yesterday" })).to.not.have.property("at");
    });

    it("an event without finding-severity-counts has no counts (unknown, not zero)", () => {
        const { "finding-severity-counts": _counts, ...detail } = DOCS_EXAMPLE.detail;
        const parsed = parseScanEvent({ ...DOCS_EXAMPLE, detail });
        expect(parsed).to.deep.include({ kind: "scan" });
        expect(parsed).to.not.have.property("counts");
    });

    it("expectedFindings: TOTAL, or the severities' sum when larger; undefined without counts", () => {
        expect(expectedFindings(undefined)).to.equal(undefined);
        expect(expectedFindings({ CRITICAL: 0, HIGH: 0, TOTAL: 0 })).to.equal(0);
        expect(expectedFindings({ CRITICAL: 1, HIGH: 2, TOTAL: 5 })).to.equal(5);
        expect(expectedFindings({ CRITICAL: 1, HIGH: 2, TOTAL: 0 })).to.equal(3);
    });

    it("keeps real counts and ignores non-numeric ones", () => {
        const event = { ...DOCS_EXAMPLE, detail: { ...DOCS_EXAMPLE.detail, "finding-severity-counts": { CRITICAL: 2, HIGH: "x", TOTAL: 5 } } };
        const parsed = parseScanEvent(event);
        expect(parsed.kind).to.equal("scan");
        if (parsed.kind === "scan") expect(parsed.counts).to.deep.include({ CRITICAL: 2, HIGH: 0, TOTAL: 5 });
    });

    it("falls back to resources[0] (an ID or an instance ARN) when detail.instance-id is missing", () => {
        const { "instance-id": _omit, ...detail } = DOCS_EXAMPLE.detail;
        expect(parseScanEvent({ ...DOCS_EXAMPLE, detail })).to.deep.include({ kind: "scan", instanceId: "i-087d63509b8c97098" });
        const arn = { ...DOCS_EXAMPLE, detail, resources: ["arn:aws:ec2:us-east-2:111122223333:instance/i-0abc12345678def01"] };
        expect(parseScanEvent(arn)).to.deep.include({ kind: "scan", instanceId: "i-0abc12345678def01" });
    });

    it("recognizes the scheduled sweep", () => {
        expect(parseScanEvent({ source: "aws.events", "detail-type": "Scheduled Event", detail: {} })).to.deep.equal({ kind: "sweep" });
    });

    it("calls everything else other, with a reason, and never throws", () => {
        const cases: unknown[] = [
            null,
            "text",
            [],
            {},
            { source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification" },
            { source: "aws.inspector2", "detail-type": "Inspector2 Finding", detail: {} },
            { source: "aws.inspector2", "detail-type": "Inspector2 Scan" },
            { source: "aws.inspector2", "detail-type": "Inspector2 Scan", detail: { "instance-id": "i-087d63509b8c97098" } },
            { source: "aws.inspector2", "detail-type": "Inspector2 Scan", detail: { "scan-status": "INITIAL_SCAN_COMPLETE", "instance-id": "not-an-id" }, resources: [42] },
            { source: "aws.events", "detail-type": "Something Else" },
        ];
        for (const event of cases) {
            const parsed = parseScanEvent(event);
            expect(parsed.kind, JSON.stringify(event)).to.equal("other");
            if (parsed.kind === "other") expect(parsed.reason).to.be.a("string").and.not.equal("");
        }
    });
});
