// One id per start invocation: readable in tags and logs, sortable by time, and unique even
// if EventBridge delivers the same schedule twice in one second.

/** "2026-11-23T10-00-00Z-abc123": UTC time to the second (no ":" so it is safe in names), then 6 random characters. */
export function makeRunId(now: Date, random: () => number = Math.random): string {
    const time = now.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
    let suffix = "";
    while (suffix.length < 6) suffix += Math.floor(random() * 36).toString(36);
    return `${time}-${suffix.slice(0, 6)}`;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
