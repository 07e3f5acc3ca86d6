import { expect } from "chai";
import { assessmentTags } from "../../../pipeline/verdict/amiTags";
import { DEFAULT_SCHEDULE_INTERVAL_SECONDS, findStaleAmis } from "../../../pipeline/cleanup/stale";
import { LAST_ASSESSED_TAG, VERDICT_TAG } from "../../../pipeline/run/tags";
import { lastVerdictOf, parseVerdictTag, verdictTagValue } from "../../../pipeline/verdict/verdictTag";
import { emptyCounts } from "../../../pipeline/verdict/consolidate";

const AT = new Date("2026-12-01T08:30:00.000Z");
const NOW = new Date("2026-12-20T00:00:00.000Z");

describe("verdict tag with its date", () => {
    it("starts with the verdict word and carries the ISO date", () => {
        expect(verdictTagValue("PASS", AT)).to.equal("PASS 2026-12-01T08:30:00.000Z");
        const tags = assessmentTags({ imageId: "ami-1", verdict: "FAIL", counts: emptyCounts() } as any, AT);
        expect(tags.find((tag) => tag.Key === VERDICT_TAG)!.Value).to.equal("FAIL 2026-12-01T08:30:00.000Z");
    });

    it("parses both the dated and the older bare form, and nothing from an empty value", () => {
        expect(parseVerdictTag("FAIL 2026-12-01T08:30:00.000Z")).to.deep.equal({ verdict: "FAIL", at: AT });
        expect(parseVerdictTag("PASS")).to.deep.equal({ verdict: "PASS" });
        expect(parseVerdictTag("PASS 2026-13-45T99:99:99Z")).to.deep.equal({ verdict: "PASS", at: undefined });
        expect(parseVerdictTag(undefined)).to.deep.equal({});
        expect(parseVerdictTag("  ")).to.deep.equal({});
    });

    it("takes the date from the verdict tag first, the last-assessed tag only for bare verdicts", () => {
        const older = "2026-01-01T00:00:00.000Z";
        expect(lastVerdictOf({ [VERDICT_TAG]: verdictTagValue("PASS", AT), [LAST_ASSESSED_TAG]: older }, VERDICT_TAG, LAST_ASSESSED_TAG)).to.deep.equal({ verdict: "PASS", at: AT });
        expect(lastVerdictOf({ [VERDICT_TAG]: "FAIL", [LAST_ASSESSED_TAG]: older }, VERDICT_TAG, LAST_ASSESSED_TAG)).to.deep.equal({ verdict: "FAIL", at: new Date(older) });
        expect(lastVerdictOf({ [VERDICT_TAG]: "FAIL", [LAST_ASSESSED_TAG]: "soon" }, VERDICT_TAG, LAST_ASSESSED_TAG)).to.deep.equal({ verdict: "FAIL", at: undefined });
    });

    it("judges staleness by the verdict's own date: an old PASS never stands in for a current one", () => {
        const maxAge = 2 * DEFAULT_SCHEDULE_INTERVAL_SECONDS;
        const stale = findStaleAmis(
            [
                // A fresh last-assessed tag does not rescue a verdict dated 19 days ago.
                { imageId: "ami-old", tags: { [VERDICT_TAG]: verdictTagValue("PASS", AT), [LAST_ASSESSED_TAG]: NOW.toISOString() } },
                { imageId: "ami-new", tags: { [VERDICT_TAG]: verdictTagValue("PASS", new Date("2026-12-15T00:00:00.000Z")) } },
            ],
            () => "NOT ASSESSED",
            NOW,
            maxAge,
        );
        expect(stale.map((entry) => [entry.imageId, entry.lastVerdict, entry.lastAssessedAt])).to.deep.equal([["ami-old", "PASS", AT.toISOString()]]);
    });
});
