// Lets the event loop run until every invocation that can make progress has (a hung one never does).
export async function settle(): Promise<void> {
    for (let i = 0; i < 300; i++) await new Promise((resolve) => setImmediate(resolve));
}
