import { InspectorServiceException } from "@aws-sdk/client-inspector";
import { expect } from "chai";
import { DEFAULT_MAX_DELAY_MS, backoffDelayMs, isThrottlingError, isTransientError, retrying, withRetry } from "../../../pipeline/run/retryable";
import { inspectorError } from "../../support/launchFixtures";

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

/** A call that fails with `errors` in turn, then answers "done"; counts its calls. */
function scripted(errors: unknown[]) {
    const state = { calls: 0 };
    const call = async () => {
        const error = errors[state.calls++];
        if (error !== undefined) throw error;
        return "done";
    };
    return { state, call };
}

function recorder() {
    const sleeps: number[] = [];
    return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

describe("withRetry", () => {
    it("retries a throttle with exponential backoff and returns the answer", async () => {
        const { state, call } = scripted([inspectorError("ThrottlingException"), inspectorError("ThrottlingException"), inspectorError("InternalException", "boom", 500)]);
        const clock = recorder();
        expect(await withRetry(call, { sleep: clock.sleep, baseDelayMs: 100 })).to.equal("done");
        expect(state.calls).to.equal(4);
        expect(clock.sleeps).to.deep.equal([100, 200, 400]);
    });

    it("waits at least the service's retryAfterSeconds, but never longer than the cap", async () => {
        const clock = recorder();
        const slowDown = Object.assign(inspectorError("ThrottlingException", "slow down", 429), { retryAfterSeconds: 7 });
        const forever = Object.assign(inspectorError("ThrottlingException", "slow down", 429), { retryAfterSeconds: 3600 });
        await withRetry(scripted([slowDown, forever]).call, { sleep: clock.sleep, baseDelayMs: 100, maxDelayMs: 20_000 });
        expect(clock.sleeps).to.deep.equal([7000, 20_000]);
        expect(backoffDelayMs(1, 100, { retryAfterSeconds: 3600 })).to.equal(DEFAULT_MAX_DELAY_MS);
        expect(backoffDelayMs(4, 1000, { retryAfterSeconds: 3 })).to.equal(8000);
    });

    it("does not retry an error that will not pass", async () => {
        const denied = inspectorError("AccessDeniedException");
        const { state, call } = scripted([denied]);
        const clock = recorder();
        const thrown = await withRetry(call, { sleep: clock.sleep }).then(() => undefined, (error: unknown) => error);
        expect(thrown).to.equal(denied);
        expect(state.calls).to.equal(1);
        expect(clock.sleeps).to.deep.equal([]);
    });

    it("rethrows the last error when the attempts are spent", async () => {
        const errors = [1, 2, 3].map((n) => inspectorError("ThrottlingException", `throttle ${n}`));
        const { state, call } = scripted([...errors, undefined]);
        const clock = recorder();
        const thrown = await withRetry(call, { sleep: clock.sleep, attempts: 3, baseDelayMs: 10 }).then(() => undefined, (error: unknown) => error);
        expect(thrown).to.equal(errors[2]);
        expect(state.calls).to.equal(3);
        expect(clock.sleeps).to.deep.equal([10, 20]);
    });

    it("rethrows instead of waiting past the deadline", async () => {
        let now = 1_000;
        const clock = { sleeps: [] as number[], sleep: async (ms: number) => void (clock.sleeps.push(ms), (now += ms)) };
        const errors = [1, 2, 3].map((n) => inspectorError("ThrottlingException", `throttle ${n}`));
        const { state, call } = scripted(errors);
        const thrown = await withRetry(call, { sleep: clock.sleep, baseDelayMs: 100, deadlineMs: 1_250, now: () => now }).then(() => undefined, (error: unknown) => error);
        // 100 ms fits (until 1,100), 200 more would end at 1,300.
        expect(clock.sleeps).to.deep.equal([100]);
        expect(state.calls).to.equal(2);
        expect(thrown).to.equal(errors[1]);
    });

    it("counts every attempt for call accounting", async () => {
        let counted = 0;
        await withRetry(scripted([inspectorError("ThrottlingException")]).call, { sleep: async () => undefined }, () => counted++);
        expect(counted).to.equal(2);
    });
});

describe("retrying clients and throttling-only retries", () => {
    const s3Error = (name: string, httpStatusCode: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

    it("tells throttling from other transient errors", () => {
        expect(isThrottlingError(inspectorError("ThrottlingException"))).to.equal(true);
        expect(isThrottlingError(s3Error("SlowDown", 503))).to.equal(true);
        expect(isThrottlingError(s3Error("Whatever", 429))).to.equal(true);
        // A 5xx is transient but may hide a success: not throttling.
        expect(isThrottlingError(s3Error("InternalError", 500))).to.equal(false);
        expect(isTransientError(s3Error("InternalError", 500))).to.equal(true);
        expect(isThrottlingError(undefined)).to.equal(false);
    });

    it("retries only what `retryable` accepts", async () => {
        const internal = s3Error("InternalError", 500);
        const { state, call } = scripted([internal, undefined]);
        const thrown = await withRetry(call, { sleep: async () => undefined, retryable: isThrottlingError }).then(() => undefined, (error: unknown) => error);
        expect(thrown).to.equal(internal);
        expect(state.calls).to.equal(1);
    });

    it("wraps a client so that every send is retried with the same command", async () => {
        const commands: unknown[] = [];
        let failures = 2;
        const client = {
            send: async (command: unknown) => {
                commands.push(command);
                if (failures-- > 0) throw inspectorError("ThrottlingException");
                return { ok: command };
            },
        };
        const sleeps: number[] = [];
        const command = { name: "DescribeImages" };
        const answer = await retrying(client, { sleep: async (ms) => void sleeps.push(ms), baseDelayMs: 5 }).send(command);
        expect(answer).to.deep.equal({ ok: command });
        expect(commands).to.deep.equal([command, command, command]);
        expect(sleeps).to.deep.equal([5, 10]);
    });
});
