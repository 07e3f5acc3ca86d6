// The engine-neutral finding: what every engine maps its findings to, and all that consolidation,
// verdicts and reports read. Engine-specific shapes never leave their engine's folder.
import type { Severity } from "../run/settings";

export type FindingSeverity = Severity | "Undefined";
/** Most severe first; a finding fails an AMI when its rank is at or before the threshold's. */
export const SEVERITY_ORDER: readonly FindingSeverity[] = ["Critical", "High", "Medium", "Low", "Informational", "Undefined"];

/** Whether Inspector knows a fixed version: v2 says YES, NO or PARTIAL; Classic never says. */
export type FixAvailability = "YES" | "NO" | "PARTIAL";

/** The part of a finding the report keeps. */
export interface FindingSummary {
    /** Unique per finding (the engine's finding ARN or an equivalent stable id). */
    arn: string;
    severity: FindingSeverity;
    /** Classic numericSeverity, or the v2 Inspector score; higher is worse. */
    numericSeverity?: number;
    title: string;
    recommendation: string;
    /** What produced it: a Classic rules package ARN, or a neutral package name ("cve", "network-reachability", "cis"). */
    rulesPackageArn?: string;
    cveId?: string;
    /** The assessment instance it was found on. */
    instanceId?: string;
    /** Set when the finding is about an AMI itself (Inspector's own AMI scan), with no instance. */
    imageId?: string;
    /** v2: the Inspector score (CVSS adjusted to the environment). */
    inspectorScore?: number;
    fixAvailable?: FixAvailability;
    /**
     * ISO 8601: since when a fix has been available, where a source gives it. v2 ListFindings gives
     * none (client-inspector2 Finding has fixAvailable but no date); agentless results carry the AMI's
     * ScanResults.<Level>FixAvailableSince (client-ec2 ScanResults), the earliest for that severity.
     * Absent with a fix: the fix-age rule counts it as older than any limit (pipeline/verdict/policy.ts).
     */
    fixAvailableSince?: string;
    /** CIS: the benchmark check's ID, which an accepted risk can name. */
    checkId?: string;
    exploitAvailable?: boolean;
    /** v2: EPSS probability of exploitation in the next 30 days, 0-1. */
    epssScore?: number;
    /** v2: "name version -> fixedInVersion" per vulnerable package. */
    vulnerablePackages?: { name: string; version?: string; fixedInVersion?: string }[];
    /** The advisory to read: NVD or the vendor's, as Inspector names it. */
    advisoryUrl?: string;
    /**
     * v2: Inspector rated it UNTRIAGED (no NVD triage yet). `severity` is then the vendor's, or
     * "Undefined" when the vendor gave none, which consolidation counts at the threshold (fail closed).
     */
    untriaged?: boolean;
    /** v2: an account suppression rule suppressed it; it still counts (shown, not hidden). */
    suppressed?: boolean;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
