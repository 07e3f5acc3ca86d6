// Inspector Classic findings in the neutral model the pipeline consolidates.
import type { Finding } from "@aws-sdk/client-inspector";
import { FindingSeverity, FindingSummary } from "../../pipeline/verdict/findingModel";

/** Classic's severities are a subset of the neutral ones (it has no Critical). */
const CLASSIC_SEVERITIES: readonly string[] = ["High", "Medium", "Low", "Informational", "Undefined"];

export function summarizeFinding(finding: Finding): FindingSummary {
    return {
        arn: finding.arn ?? "",
        severity: CLASSIC_SEVERITIES.includes(finding.severity ?? "") ? (finding.severity as FindingSeverity) : "Undefined",
        numericSeverity: finding.numericSeverity,
        title: finding.title?.trim() || finding.id || "(untitled finding)",
        recommendation: finding.recommendation?.trim() ?? "",
        rulesPackageArn: finding.serviceAttributes?.rulesPackageArn,
        cveId: finding.attributes?.find((attribute) => attribute.key === "CVE_ID")?.value?.trim() || undefined,
        instanceId: finding.assetAttributes?.agentId,
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
