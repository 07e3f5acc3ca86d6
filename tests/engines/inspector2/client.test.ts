import { expect } from "chai";
import { createInspector2Client } from "../../../engines/inspector2/client";
import { backoffDelayMs, chunk } from "../../../engines/inspector2/retry";

describe("createInspector2Client", () => {
    it("uses adaptive retries with 8 attempts", async () => {
        const client = createInspector2Client();
        expect(client.config.retryMode).to.equal("adaptive");
        expect(await client.config.maxAttempts()).to.equal(8);
    });
});

describe("retry helpers", () => {
    it("backs off exponentially, never below Retry-After", () => {
        expect([1, 2, 3].map((attempt) => backoffDelayMs(attempt, 100, new Error("x")))).to.deep.equal([100, 200, 400]);
        expect(backoffDelayMs(1, 100, { retryAfterSeconds: 3 })).to.equal(3000);
        expect(backoffDelayMs(4, 1000, { retryAfterSeconds: 3 })).to.equal(8000);
    });
    it("chunks without losing or repeating items", () => {
        expect(chunk([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
        expect(chunk([], 10)).to.deep.equal([]);
    });
});
