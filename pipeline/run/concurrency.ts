// Bounded parallelism for AWS calls: enough to be quick, few enough not to trip throttling.

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * On the first rejection no new item is started, but the calls already in flight are awaited
 * before rejecting: a caller cleaning up (e.g. terminating what was launched) must see every
 * side effect that happened, not race with calls still running.
 */
export async function mapWithConcurrency<T, R>(
    items: ReadonlyArray<T>,
    limit: number,
    fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
    const results: R[] = new Array(items.length);
    const workerCount = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
    const state = { next: 0, failed: false, firstError: undefined as unknown };
    const worker = async (): Promise<void> => {
        while (!state.failed && state.next < items.length) {
            const index = state.next++;
            try {
                results[index] = await fn(items[index], index);
            } catch (error) {
                if (!state.failed) {
                    state.failed = true;
                    state.firstError = error;
                }
            }
        }
    };
    const workers: Promise<void>[] = [];
    for (let i = 0; i < workerCount && i < items.length; i++) workers.push(worker());
    await Promise.all(workers);
    if (state.failed) throw state.firstError;
    return results;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
