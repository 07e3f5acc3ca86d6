import { expect } from "chai";
import { createInspector2Client } from "../../../engines/inspector2/client";

describe("createInspector2Client", () => {
    it("uses adaptive retries with 8 attempts", async () => {
        const client = createInspector2Client();
        expect(client.config.retryMode).to.equal("adaptive");
        expect(await client.config.maxAttempts()).to.equal(8);
    });
});
