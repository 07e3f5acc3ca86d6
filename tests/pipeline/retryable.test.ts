import { InspectorServiceException } from "@aws-sdk/client-inspector";
import { expect } from "chai";
import { isTransientError } from "../../pipeline/retryable";
import { inspectorError } from "../support/launchFixtures";

describe("isTransientError", () => {
    it("is true for throttling and server-side errors", () => {
        expect(isTransientError(inspectorError("ThrottlingException"))).to.equal(true);
        expect(isTransientError(inspectorError("InternalException", "boom", 500))).to.equal(true);
        expect(isTransientError(inspectorError("SomethingNew", "busy", 503))).to.equal(true);
        expect(isTransientError(inspectorError("SomethingNew", "slow down", 429))).to.equal(true);
        expect(isTransientError(Object.assign(new Error("x"), { name: "ServiceTemporarilyUnavailableException" }))).to.equal(true);
    });

    it("is false for refusals that will not pass, and for non-errors", () => {
        expect(isTransientError(inspectorError("AccessDeniedException"))).to.equal(false);
        expect(isTransientError(inspectorError("NoSuchEntityException"))).to.equal(false);
        expect(isTransientError(new InspectorServiceException({ name: "InvalidInputException", $fault: "client", $metadata: {} }))).to.equal(false);
        expect(isTransientError(new Error("bug"))).to.equal(false);
        expect(isTransientError("ThrottlingException")).to.equal(false);
        expect(isTransientError(undefined)).to.equal(false);
    });
});
