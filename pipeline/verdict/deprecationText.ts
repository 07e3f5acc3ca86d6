// How a report tells what deprecateFailingAmis changed, one wording for text, Markdown and HTML. Pure.
import type { DeprecationResult } from "./amiDeprecation";

/** One AMI changed, left alone or failed: "<what> <imageId>: <why>". */
export interface DeprecationEntry {
    what: string;
    imageId: string;
    why: string;
}

/** Changes first, then what was left alone, then failures; none when the option is off. */
export function deprecationEntries(deprecations: DeprecationResult | undefined): DeprecationEntry[] {
    if (!deprecations) return [];
    const entries: DeprecationEntry[] = deprecations.changed.map((change) =>
        change.action === "deprecate"
            ? { what: "deprecated", imageId: change.imageId, why: `it failed; EC2 shows it as deprecated from ${change.deprecateAt}` }
            : { what: "deprecation removed from", imageId: change.imageId, why: "it passed" },
    );
    for (const skip of deprecations.skipped) entries.push({ what: "left alone", imageId: skip.imageId, why: skip.reason });
    for (const failure of deprecations.failed) entries.push({ what: `could not ${failure.action}`, imageId: failure.imageId, why: failure.error });
    return entries;
}

/** One line per AMI changed or left alone; none when the option is off or nothing applied. */
export function deprecationLines(deprecations: DeprecationResult | undefined): string[] {
    return deprecationEntries(deprecations).map((entry) => `- ${entry.what} ${entry.imageId}: ${entry.why}`);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
