import { expect } from "chai";
import { makeRunId } from "../../../pipeline/run/runId";

describe("makeRunId", () => {
    it("is the UTC time to the second without colons, then 6 random characters", () => {
        const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.999];
        let i = 0;
        const id = makeRunId(new Date("2026-11-23T10:00:00.123Z"), () => values[i++]);
        expect(id).to.equal("2026-11-23T10-00-00Z-37aeiz");
    });

    it("differs between two calls in the same second", () => {
        const now = new Date("2026-11-23T10:00:00Z");
        expect(makeRunId(now)).to.match(/^2026-11-23T10-00-00Z-[0-9a-z]{6}$/);
        expect(makeRunId(now)).not.to.equal(makeRunId(now));
    });
});
