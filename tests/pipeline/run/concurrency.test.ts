import { expect } from "chai";
import { mapWithConcurrency } from "../../../pipeline/run/concurrency";

/** A promise the test settles by hand, to control the order calls finish in. */
function deferred<T>() {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("mapWithConcurrency", () => {
    it("keeps input order whatever order the calls finish in", async () => {
        const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
        const pending = mapWithConcurrency([0, 1, 2], 3, async (item) => {
            await gates[item].promise;
            return item * 10;
        });
        gates[2].resolve();
        gates[0].resolve();
        gates[1].resolve();
        expect(await pending).to.deep.equal([0, 10, 20]);
    });

    it("never has more than `limit` calls in flight, and uses all of them", async () => {
        let inFlight = 0;
        let maxInFlight = 0;
        const results = await mapWithConcurrency([...Array(12).keys()], 5, async (item) => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await tick();
            inFlight--;
            return item;
        });
        expect(maxInFlight).to.equal(5);
        expect(results).to.deep.equal([...Array(12).keys()]);
    });

    it("returns [] for no items without calling fn", async () => {
        let calls = 0;
        expect(await mapWithConcurrency([], 5, async () => ++calls)).to.deep.equal([]);
        expect(calls).to.equal(0);
    });

    it("treats a limit below 1 as 1", async () => {
        let inFlight = 0;
        let maxInFlight = 0;
        await mapWithConcurrency([1, 2, 3], 0, async () => {
            maxInFlight = Math.max(maxInFlight, ++inFlight);
            await tick();
            inFlight--;
        });
        expect(maxInFlight).to.equal(1);
    });

    it("on a rejection starts nothing new, waits for calls in flight, then rejects with the first error", async () => {
        const started: number[] = [];
        const finished: number[] = [];
        const slow = deferred<void>();
        const pending = mapWithConcurrency([0, 1, 2, 3], 2, async (item) => {
            started.push(item);
            if (item === 0) throw new Error("first failure");
            await slow.promise;
            finished.push(item);
            return item;
        });
        let settled = false;
        pending.catch(() => (settled = true));
        await tick();
        expect(settled, "must wait for item 1, still in flight").to.equal(false);
        slow.resolve();
        const error = await pending.then(
            () => undefined,
            (e: Error) => e,
        );
        expect(error?.message).to.equal("first failure");
        expect(started).to.deep.equal([0, 1]);
        expect(finished).to.deep.equal([1]);
    });
});
