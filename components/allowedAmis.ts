// Pure: the EC2 Allowed AMIs criterion that matches a failWhen, so the same policy can guard
// launches (ReplaceImageCriteriaInAllowedImagesSettings, ImageCriterionRequest.ScanResultCondition;
// client-ec2 ScanResultCondition). What Allowed AMIs cannot say is listed, never dropped silently.
import type { ScanResultConditionRequest } from "@aws-sdk/client-ec2";
import type { Severity } from "../pipeline/run/settings";
import type { FailWhen } from "../pipeline/verdict/policy";
import { DEFAULTS } from "../infra/defaults";

/** Least severe first, as MaximumSeverityLabel reads (a label allows itself and everything below). */
const ASCENDING: readonly Severity[] = ["Informational", "Low", "Medium", "High", "Critical"];
const FIX_FIELDS: Record<Severity, keyof ScanResultConditionRequest> = {
    Informational: "MaxDaysSinceInformationalFixAvailable",
    Low: "MaxDaysSinceLowFixAvailable",
    Medium: "MaxDaysSinceMediumFixAvailable",
    High: "MaxDaysSinceHighFixAvailable",
    Critical: "MaxDaysSinceCriticalFixAvailable",
};

export interface AllowedAmisMatch {
    condition: ScanResultConditionRequest;
    /** Where the two differ for this policy. */
    differences: string[];
}

export function allowedAmisCondition(failWhen: FailWhen): AllowedAmisMatch {
    const condition: ScanResultConditionRequest = {};
    const differences: string[] = [];
    const fixRules = failWhen.fixAvailableForDays ?? {};
    // Severities that fail whatever the fix: at or above failWhen.severity, without a fix-age rule.
    const outright = ASCENDING.filter((s) => ASCENDING.indexOf(s) >= ASCENDING.indexOf(failWhen.severity) && fixRules[s] === undefined);
    const lowest = outright[0];
    if (lowest) {
        const upwardClosed = outright.length === ASCENDING.length - ASCENDING.indexOf(lowest);
        if (lowest === "Informational") differences.push("failing on every Informational finding has no MaximumSeverityLabel (the lowest label allows informational)");
        else condition.MaximumSeverityLabel = ASCENDING[ASCENDING.indexOf(lowest) - 1].toLowerCase() as ScanResultConditionRequest["MaximumSeverityLabel"];
        if (!upwardClosed) {
            differences.push(`MaximumSeverityLabel cannot fail ${lowest} outright while a more severe level fails only on fix age (${ASCENDING.filter((s) => ASCENDING.indexOf(s) > ASCENDING.indexOf(lowest) && fixRules[s] !== undefined).join(", ")})`);
        }
    }
    for (const severity of ASCENDING) {
        const days = fixRules[severity];
        if (days !== undefined) (condition as Record<string, unknown>)[FIX_FIELDS[severity]] = days;
    }
    condition.MaxDaysSinceLastFindingScan = failWhen.maxScanAgeDays ?? DEFAULTS.amiScanMaxAgeDays;
    differences.push("Allowed AMIs reads Inspector's scan of the AMI itself; scanMode instance judges a launched instance's scan");
    differences.push("accepted risks have no counterpart: an AMI that passes only thanks to one is not allowed");
    return { condition, differences };
}
