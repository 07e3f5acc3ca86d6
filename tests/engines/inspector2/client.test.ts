import { expect } from "chai";
import { createInspector2Client } from "../../../engines/inspector2/client";
import { chunk } from "../../../engines/inspector2/paging";

describe("createInspector2Client", () => {
    it("uses adaptive retries with 8 attempts", async () => {
        const client = createInspector2Client();
        expect(client.config.retryMode).to.equal("adaptive");
        expect(await client.config.maxAttempts()).to.equal(8);
    });
});

describe("paging helpers", () => {
    it("chunks without losing or repeating items", () => {
        expect(chunk([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
        expect(chunk([], 10)).to.deep.equal([]);
    });
});
