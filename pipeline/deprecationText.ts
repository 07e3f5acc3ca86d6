// How a report tells what deprecateFailingAmis changed. Pure.
import type { DeprecationResult } from "./amiDeprecation";

/** One line per AMI changed or left alone; none when the option is off or nothing applied. */
export function deprecationLines(deprecations: DeprecationResult | undefined): string[] {
    if (!deprecations) return [];
    const lines = deprecations.changed.map((change) =>
        change.action === "deprecate"
            ? `- deprecated ${change.imageId}: it failed; EC2 shows it as deprecated from ${change.deprecateAt}`
            : `- deprecation removed from ${change.imageId}: it passed`,
    );
    for (const skip of deprecations.skipped) lines.push(`- left alone ${skip.imageId}: ${skip.reason}`);
    for (const failure of deprecations.failed) lines.push(`- could not ${failure.action} ${failure.imageId}: ${failure.error}`);
    return lines;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
