// Reading the run's instances' Inspector v2 findings and mapping them to the neutral model: ACTIVE
// and SUPPRESSED ones, since an account suppression rule would otherwise hide findings and let an
// AMI PASS (user guide, "Suppressing Amazon Inspector findings": matching findings get status SUPPRESSED).
import { ListFindingsCommand } from "@aws-sdk/client-inspector2";
import type { FilterCriteria, Finding, Inspector2Client } from "@aws-sdk/client-inspector2";
import type { FindingSeverity, FindingSummary, FixAvailability } from "../../pipeline/verdict/findingModel";
import { RetryOptions, withRetry } from "../../pipeline/run/retryable";
import { chunk, pageAll } from "../../pipeline/run/paging";

/** FilterCriteria string-filter lists take 1-10 filters each (API reference, FilterCriteria). */
export const FINDINGS_IDS_PER_CALL = 10;
/** ListFindings maxResults is 1-100 (API reference, ListFindings). */
export const FINDINGS_PAGE_SIZE = 100;

export type FindingPackage = "cve" | "network-reachability";
export const FINDING_TYPES_BY_PACKAGE = { cve: "PACKAGE_VULNERABILITY", "network-reachability": "NETWORK_REACHABILITY" } as const;

const SEVERITIES: Record<string, FindingSeverity> = {
    CRITICAL: "Critical",
    HIGH: "High",
    MEDIUM: "Medium",
    LOW: "Low",
    INFORMATIONAL: "Informational",
};
/**
 * Vendor severity words (packageVulnerabilityDetails.vendorSeverity: free text, e.g. Red Hat's
 * "Important", Debian's "unimportant") in the neutral scale. Unknown words map to nothing: the
 * finding then counts at the threshold (consolidate.ts).
 */
const VENDOR_SEVERITIES: Record<string, FindingSeverity> = {
    CRITICAL: "Critical",
    HIGH: "High",
    IMPORTANT: "High",
    MEDIUM: "Medium",
    MODERATE: "Medium",
    LOW: "Low",
    NEGLIGIBLE: "Low",
    UNIMPORTANT: "Low",
    INFORMATIONAL: "Informational",
};
/** The finding statuses read (API reference, Finding.status: ACTIVE | SUPPRESSED | CLOSED). CLOSED ones are gone. */
export const REPORTABLE_FINDING_STATUSES = ["ACTIVE", "SUPPRESSED"] as const;
const CVE_ID = /^CVE-\d{4}-\d{4,}$/i;
const FIX_VALUES: readonly string[] = ["YES", "NO", "PARTIAL"];

/** Pure: the NVD page of a CVE. */
export function nvdUrl(cveId: string): string {
    return `https://nvd.nist.gov/vuln/detail/${cveId.toUpperCase()}`;
}

function rulesPackageOf(type: string | undefined): string {
    if (type === "PACKAGE_VULNERABILITY") return "cve";
    if (type === "NETWORK_REACHABILITY") return "network-reachability";
    return "code";
}

/** "version-release", with a non-zero epoch as "epoch:" in front, as rpm/dpkg print it. */
function packageVersion(version: string | undefined, release: string | undefined, epoch: number | undefined): string | undefined {
    if (!version) return undefined;
    const full = release ? `${version}-${release}` : version;
    return epoch ? `${epoch}:${full}` : full;
}

/** Inspector's severity; for UNTRIAGED the vendor's where it gave one (else Undefined, counted at the threshold). */
function severityOf(finding: Finding): FindingSeverity {
    if (finding.severity !== "UNTRIAGED") return SEVERITIES[finding.severity ?? ""] ?? "Undefined";
    return VENDOR_SEVERITIES[(finding.packageVulnerabilityDetails?.vendorSeverity ?? "").trim().toUpperCase()] ?? "Undefined";
}

/** Pure: one v2 finding in the neutral model. */
export function toFindingSummary(finding: Finding): FindingSummary {
    const details = finding.packageVulnerabilityDetails;
    const vulnerabilityId = details?.vulnerabilityId;
    const cveId = vulnerabilityId && CVE_ID.test(vulnerabilityId) ? vulnerabilityId.toUpperCase() : undefined;
    const recommendation = [finding.remediation?.recommendation?.text, finding.remediation?.recommendation?.Url].filter((part) => part).join(" ");
    const packages = (details?.vulnerablePackages ?? [])
        .filter((pkg) => pkg.name)
        .map((pkg) => ({
            name: pkg.name!,
            ...(packageVersion(pkg.version, pkg.release, pkg.epoch) ? { version: packageVersion(pkg.version, pkg.release, pkg.epoch) } : {}),
            ...(pkg.fixedInVersion ? { fixedInVersion: pkg.fixedInVersion } : {}),
        }));
    const advisoryUrl = details?.sourceUrl ?? details?.referenceUrls?.[0] ?? (cveId ? nvdUrl(cveId) : undefined);
    const untriaged = finding.severity === "UNTRIAGED";
    const summary: FindingSummary = {
        arn: finding.findingArn ?? "",
        severity: severityOf(finding),
        title: finding.title ?? vulnerabilityId ?? finding.findingArn ?? "untitled finding",
        recommendation,
        rulesPackageArn: rulesPackageOf(finding.type),
    };
    if (cveId) summary.cveId = cveId;
    if (untriaged) summary.untriaged = true;
    if (finding.status === "SUPPRESSED") summary.suppressed = true;
    const instanceId = finding.resources?.find((resource) => resource.type === "AWS_EC2_INSTANCE")?.id;
    if (instanceId) summary.instanceId = instanceId;
    if (typeof finding.inspectorScore === "number") {
        summary.inspectorScore = finding.inspectorScore;
        summary.numericSeverity = finding.inspectorScore;
    }
    // No fixAvailableSince: Finding gives no date for the fix, so the fix-age rule counts it as old (policy.ts, docs/policy.md).
    if (finding.fixAvailable && FIX_VALUES.includes(finding.fixAvailable)) summary.fixAvailable = finding.fixAvailable as FixAvailability;
    if (finding.exploitAvailable) summary.exploitAvailable = finding.exploitAvailable === "YES";
    if (typeof finding.epss?.score === "number") summary.epssScore = finding.epss.score;
    if (packages.length > 0) summary.vulnerablePackages = packages;
    if (advisoryUrl) summary.advisoryUrl = advisoryUrl;
    return summary;
}

/** Pure: the ListFindings filter for one batch: any of the IDs, ACTIVE or SUPPRESSED, any of the types. */
export function findingsFilter(instanceIds: string[], packages: FindingPackage[]): FilterCriteria {
    return {
        resourceId: instanceIds.map((value) => ({ comparison: "EQUALS", value })),
        findingStatus: REPORTABLE_FINDING_STATUSES.map((value) => ({ comparison: "EQUALS", value })),
        findingType: [...new Set(packages)].map((pkg) => ({ comparison: "EQUALS", value: FINDING_TYPES_BY_PACKAGE[pkg] })),
    };
}

/**
 * Pure: the fewest ListFindings calls any batching could make for these per-instance finding
 * counts: at least one call per 10 instances (filter limit) and one per 100 findings (page size).
 * A lower bound for benchmarks; see plannedListFindingsCalls for what listReportableFindings sends.
 */
export function minimumListFindingsCalls(findingsPerInstance: number[], pageSize = FINDINGS_PAGE_SIZE, idsPerCall = FINDINGS_IDS_PER_CALL): number {
    if (findingsPerInstance.length === 0) return 0;
    const total = findingsPerInstance.reduce((sum, count) => sum + count, 0);
    return Math.max(Math.ceil(findingsPerInstance.length / idsPerCall), Math.ceil(total / pageSize));
}

/** Pure: the calls listReportableFindings makes without throttling: consecutive batches of 10, each paged. */
export function plannedListFindingsCalls(findingsPerInstance: number[], pageSize = FINDINGS_PAGE_SIZE, idsPerCall = FINDINGS_IDS_PER_CALL): number {
    return chunk(findingsPerInstance, idsPerCall).reduce((calls, batch) => calls + Math.max(1, Math.ceil(batch.reduce((a, b) => a + b, 0) / pageSize)), 0);
}

/** Every finding of one batch, across pages; each page gets its own throttling retries. */
function listBatch(client: Inspector2Client, filterCriteria: FilterCriteria, options: RetryOptions, countCall: () => void): Promise<Finding[]> {
    return pageAll("ListFindings", async (nextToken) => {
        const page = await withRetry(() => client.send(new ListFindingsCommand({ filterCriteria, maxResults: FINDINGS_PAGE_SIZE, nextToken })), options, countCall);
        return { items: page.findings, nextToken: page.nextToken };
    });
}

/**
 * ACTIVE and SUPPRESSED findings (the latter marked `suppressed`) of the given instances and
 * packages, deduplicated by finding ARN, 10 instances per call. Findings the service returns
 * outside the filter (CLOSED, other instance) are dropped. `calls` counts every request sent,
 * retries included. Throws once retries are spent.
 */
export async function listReportableFindings(
    client: Inspector2Client,
    instanceIds: string[],
    packages: FindingPackage[],
    options: RetryOptions,
): Promise<{ findings: FindingSummary[]; calls: number }> {
    const wanted = new Set(instanceIds);
    if (wanted.size === 0 || packages.length === 0) return { findings: [], calls: 0 };
    let calls = 0;
    const byArn = new Map<string, FindingSummary>();
    for (const batch of chunk([...wanted], FINDINGS_IDS_PER_CALL)) {
        const raw = await listBatch(client, findingsFilter(batch, packages), options, () => calls++);
        for (const finding of raw) {
            if (!REPORTABLE_FINDING_STATUSES.some((status) => status === finding.status) || !finding.findingArn) continue;
            const summary = toFindingSummary(finding);
            if (!summary.instanceId || !wanted.has(summary.instanceId)) continue;
            if (!byArn.has(summary.arn)) byArn.set(summary.arn, summary);
        }
    }
    return { findings: [...byArn.values()], calls };
}


/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
