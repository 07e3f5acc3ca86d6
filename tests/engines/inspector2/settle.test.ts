import { expect } from "chai";
import { FINDINGS_SETTLE_SECONDS, ScannedMarker, provenEventCount, settleDecision } from "../../../engines/inspector2/settle";

const SCANNED_AT = "2026-11-23T10:12:00.000Z";
const at = (minutesAfterScan: number) => new Date(Date.parse(SCANNED_AT) + minutesAfterScan * 60_000).toISOString();
const MARKER: ScannedMarker = { instanceId: "i-1", state: "SCANNED", reason: "SUCCESSFUL", detail: "package scan complete", lastScannedAt: SCANNED_AT, scanMode: "EC2_SSM_AGENT_BASED" };
/** The envelope time of an event sent at the scan (second precision, as EventBridge writes it). */
const EVENT_AT = "2026-11-23T10:12:00Z";

describe("settleDecision (findings lag behind coverage)", () => {
    it("with the scan event's counts: settled once ListFindings returns at least TOTAL", () => {
        const marker = { ...MARKER, eventCounts: { HIGH: 1, TOTAL: 2 }, eventAt: EVENT_AT };
        expect(settleDecision(marker, { at: at(1), arns: ["a"] }).settled).to.equal(false);
        expect(settleDecision(marker, { at: at(1), arns: ["a", "b"] }).settled).to.equal(true);
        expect(settleDecision({ ...MARKER, eventCounts: { TOTAL: 0 }, eventAt: EVENT_AT }, { at: at(0), arns: [] }).settled, "a clean scan").to.equal(true);
    });

    it("an event older than the confirmed scan (the first, OS-only or agentless scan) proves nothing: two identical reads decide", () => {
        const osOnly = { ...MARKER, eventCounts: { TOTAL: 0 }, eventAt: at(-60) };
        expect(provenEventCount(osOnly)).to.equal(undefined);
        const first = settleDecision(osOnly, { at: at(1), arns: [] });
        expect(first.settled, "0 >= 0 would be a false PASS while language findings lag").to.equal(false);
        expect(settleDecision({ ...osOnly, lastRead: first.lastRead }, { at: at(1 + FINDINGS_SETTLE_SECONDS / 60), arns: [] }).settled).to.equal(true);
    });

    it("event counts prove nothing without an event time, or for a row not known to be agent-based", () => {
        const counts = { TOTAL: 0 };
        expect(provenEventCount({ ...MARKER, eventCounts: counts }), "no envelope time").to.equal(undefined);
        expect(provenEventCount({ ...MARKER, eventCounts: counts, eventAt: EVENT_AT, scanMode: undefined }), "no scanMode").to.equal(undefined);
        expect(provenEventCount({ ...MARKER, eventCounts: counts, eventAt: EVENT_AT, scanMode: "EC2_AGENTLESS" })).to.equal(undefined);
        expect(provenEventCount({ ...MARKER, eventCounts: counts, eventAt: EVENT_AT, scanMode: "VM_INSPECTOR_AGENT_BASED" })).to.equal(0);
        expect(settleDecision({ ...MARKER, eventCounts: counts }, { at: at(1), arns: [] }).settled).to.equal(false);
    });

    it("SUPPRESSED findings: counts reached with ACTIVE ones settle; reached only by counting SUPPRESSED ones (undocumented whether events count them), two identical reads decide", () => {
        const marker = { ...MARKER, eventCounts: { TOTAL: 2 }, eventAt: EVENT_AT };
        expect(settleDecision(marker, { at: at(1), arns: ["a", "b", "s"], suppressed: ["s"] }).settled, "2 ACTIVE").to.equal(true);
        const ambiguous = settleDecision(marker, { at: at(1), arns: ["a", "s"], suppressed: ["s"] });
        expect(ambiguous.settled, "1 ACTIVE + 1 SUPPRESSED: an ACTIVE one may still lag").to.equal(false);
        expect(settleDecision({ ...marker, lastRead: ambiguous.lastRead }, { at: at(1 + FINDINGS_SETTLE_SECONDS / 60), arns: ["a", "s"], suppressed: ["s"] }).settled).to.equal(true);
        expect(settleDecision(marker, { at: at(1), arns: ["s"], suppressed: ["s"] }).settled, "fewer than counted").to.equal(false);
    });

    it("an event in the scan's second counts (the envelope has no milliseconds)", () => {
        expect(provenEventCount({ ...MARKER, lastScannedAt: "2026-11-23T10:12:00.900Z", eventCounts: { TOTAL: 1 }, eventAt: EVENT_AT })).to.equal(1);
        expect(provenEventCount({ ...MARKER, lastScannedAt: "2026-11-23T10:12:01.000Z", eventCounts: { TOTAL: 1 }, eventAt: EVENT_AT })).to.equal(undefined);
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
