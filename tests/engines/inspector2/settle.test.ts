import { expect } from "chai";
import { FINDINGS_SETTLE_SECONDS, ScannedMarker, settleDecision } from "../../../engines/inspector2/settle";

const SCANNED_AT = "2026-11-23T10:12:00.000Z";
const at = (minutesAfterScan: number) => new Date(Date.parse(SCANNED_AT) + minutesAfterScan * 60_000).toISOString();
const MARKER: ScannedMarker = { instanceId: "i-1", state: "SCANNED", reason: "SUCCESSFUL", detail: "package scan complete", lastScannedAt: SCANNED_AT };

describe("settleDecision (findings lag behind coverage)", () => {
    it("with the scan event's counts: settled once ListFindings returns at least TOTAL", () => {
        const marker = { ...MARKER, eventCounts: { HIGH: 1, TOTAL: 2 } };
        expect(settleDecision(marker, { at: at(1), arns: ["a"] }).settled).to.equal(false);
        expect(settleDecision(marker, { at: at(1), arns: ["a", "b"] }).settled).to.equal(true);
        expect(settleDecision({ ...MARKER, eventCounts: { TOTAL: 0 } }, { at: at(0), arns: [] }).settled, "a clean scan").to.equal(true);
    });

    it("without an event: two identical reads FINDINGS_SETTLE_SECONDS apart, after the scan", () => {
        const first = settleDecision(MARKER, { at: at(1), arns: [] });
        expect(first).to.deep.equal({ settled: false, lastRead: { at: at(1), arns: [] } });
        const early = settleDecision({ ...MARKER, lastRead: first.lastRead }, { at: at(1 + FINDINGS_SETTLE_SECONDS / 60 - 1), arns: [] });
        expect(early, "too soon: the earlier read is kept").to.deep.equal({ settled: false, lastRead: first.lastRead });
        expect(settleDecision({ ...MARKER, lastRead: first.lastRead }, { at: at(1 + FINDINGS_SETTLE_SECONDS / 60), arns: [] }).settled).to.equal(true);
    });

    it("a read that differs starts over: a finding that showed late is waited for", () => {
        const lastRead = { at: at(1), arns: [] };
        const changed = settleDecision({ ...MARKER, lastRead }, { at: at(30), arns: ["late"] });
        expect(changed).to.deep.equal({ settled: false, lastRead: { at: at(30), arns: ["late"] } });
        expect(settleDecision({ ...MARKER, lastRead: changed.lastRead }, { at: at(30 + FINDINGS_SETTLE_SECONDS / 60), arns: ["late"] }).settled).to.equal(true);
    });

    it("a read from before the scan counts for nothing", () => {
        const stale = { at: at(-30), arns: [] };
        expect(settleDecision({ ...MARKER, lastRead: stale }, { at: at(1), arns: [] })).to.deep.equal({ settled: false, lastRead: { at: at(1), arns: [] } });
    });
});
