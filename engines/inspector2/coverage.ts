// Has Inspector v2 finished a package scan of each launched instance? ListCoverage answers per
// instance; a verdict separates "done", "still coming" and "will not happen this run".
import { ListCoverageCommand } from "@aws-sdk/client-inspector2";
import type { CoverageFilterCriteria, CoveredResource, Inspector2Client } from "@aws-sdk/client-inspector2";
import { RetryOptions, withRetry } from "../../pipeline/retryable";
import { chunk, pageAll, realSleep } from "../../pipeline/paging";

export type CoverageVerdict = {
    instanceId: string;
    state: "SCANNED" | "PENDING" | "FAILED";
    /** The coverage ScanStatusReason, or NOT_IN_COVERAGE when Inspector has no package row yet. */
    reason: string;
    /** Plain words for people. */
    detail: string;
    lastScannedAt?: string;
    scanMode?: string;
};

/** CoverageFilterCriteria lists take 1-10 filters each (API reference, CoverageFilterCriteria). */
export const COVERAGE_IDS_PER_CALL = 10;
/** ListCoverage maxResults is 1-200 (API reference, ListCoverage). */
export const COVERAGE_PAGE_SIZE = 200;

const SSM_DETAIL = "instance not managed by SSM (no SSM agent, no instance profile, or no HTTPS route to the SSM endpoints)";

/**
 * What each EC2 ScanStatusReason means for a run that launched the instance minutes ago.
 * FAILED = will not resolve on its own within the run; PENDING = may still turn into a scan, the
 * caller decides at its deadline. SUCCESSFUL and DEEP_INSPECTION_* are handled in classifyCoverage
 * (they are SCANNED only with statusCode ACTIVE and a scan after launch). Unlisted reasons: PENDING.
 */
export const COVERAGE_REASONS: Readonly<Record<string, { state: "PENDING" | "FAILED"; detail: string }>> = {
    PENDING_INITIAL_SCAN: { state: "PENDING", detail: "Inspector has found the instance and not scanned it yet" },
    SCAN_IN_PROGRESS: { state: "PENDING", detail: "scan in progress" },
    PENDING_REVIVAL_SCAN: { state: "PENDING", detail: "Inspector is about to rescan the instance" },
    // May still become managed (agent start, profile propagation); the caller times it out.
    UNMANAGED_EC2_INSTANCE: { state: "PENDING", detail: SSM_DETAIL },
    NO_INVENTORY: { state: "PENDING", detail: "SSM has not collected the instance's software inventory yet" },
    STALE_INVENTORY: { state: "PENDING", detail: "the instance's SSM inventory is stale; Inspector waits for a fresh one" },
    INTERNAL_ERROR: { state: "PENDING", detail: "Inspector reported an internal error; it may retry" },
    UNSUPPORTED_OS: { state: "FAILED", detail: "unsupported OS: Inspector cannot scan this operating system or version" },
    EXCLUDED_BY_TAG: { state: "FAILED", detail: "excluded from scanning by an InspectorEc2Exclusion tag" },
    ACCESS_DENIED: { state: "FAILED", detail: "Inspector was denied access (service-linked role or SCP)" },
    ACCESS_DENIED_TO_ENCRYPTION_KEY: { state: "FAILED", detail: "Inspector may not use the KMS key of the instance's volumes" },
    RESOURCE_TERMINATED: { state: "FAILED", detail: "instance terminated before it was scanned" },
    EC2_INSTANCE_STOPPED: { state: "FAILED", detail: "instance stopped; Inspector does not scan stopped instances" },
    RESOURCE_STOPPED: { state: "FAILED", detail: "instance stopped; Inspector does not scan stopped instances" },
    PENDING_DISABLE: { state: "FAILED", detail: "Inspector EC2 scanning is being disabled in this account" },
    AGENTLESS_INSTANCE_STORAGE_LIMIT_EXCEEDED: { state: "FAILED", detail: "agentless scan: the instance's volumes exceed Inspector's storage limit" },
    AGENTLESS_INSTANCE_COLLECTION_TIME_LIMIT_EXCEEDED: { state: "FAILED", detail: "agentless scan: collection exceeded Inspector's time limit" },
};

function iso(date: Date | string | undefined): string | undefined {
    if (date === undefined) return undefined;
    const parsed = date instanceof Date ? date : new Date(date);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

/** The package row to judge: the most recently scanned of this instance's PACKAGE rows. */
function packageRow(instanceId: string, rows: CoveredResource[]): CoveredResource | undefined {
    const candidates = rows.filter((row) => row.resourceId === instanceId && row.scanType === "PACKAGE");
    const time = (row: CoveredResource) => (row.lastScannedAt ? new Date(row.lastScannedAt).getTime() : -Infinity);
    return candidates.sort((a, b) => time(b) - time(a))[0];
}

/** Pure: one instance's verdict from its coverage rows (rows of other instances are ignored). */
export function classifyCoverage(instanceId: string, rows: CoveredResource[], launchedAt: Date): CoverageVerdict {
    const row = packageRow(instanceId, rows);
    if (!row) return { instanceId, state: "PENDING", reason: "NOT_IN_COVERAGE", detail: "not yet in Inspector coverage (no package scan row)" };
    const reason = row.scanStatus?.reason ?? "UNKNOWN";
    const lastScannedAt = iso(row.lastScannedAt);
    const base = { instanceId, reason, ...(lastScannedAt ? { lastScannedAt } : {}), ...(row.scanMode ? { scanMode: row.scanMode } : {}) };
    // Agentless means SSM did not manage the instance: the agent path failed, and agentless
    // scans come about daily, too late for a short-lived instance.
    if (row.scanMode === "EC2_AGENTLESS") {
        return { ...base, state: "FAILED", detail: `Inspector fell back to agentless scanning (${reason}): ${SSM_DETAIL}` };
    }
    const osScanDone = reason === "SUCCESSFUL" || reason.startsWith("DEEP_INSPECTION_");
    if (row.scanStatus?.statusCode === "ACTIVE" && osScanDone) {
        const scannedAt = row.lastScannedAt ? new Date(row.lastScannedAt).getTime() : NaN;
        if (Number.isNaN(scannedAt)) return { ...base, state: "PENDING", detail: "coverage is active but reports no scan time yet" };
        // A scan dated before launch belongs to an earlier instance state and proves nothing.
        if (scannedAt < launchedAt.getTime()) {
            return { ...base, state: "PENDING", detail: `last package scan (${lastScannedAt}) predates the launch (${launchedAt.toISOString()}); waiting for a new scan` };
        }
        const detail = reason === "SUCCESSFUL" ? "package scan complete" : `OS package scan complete; deep inspection of application packages did not finish (${reason})`;
        return { ...base, state: "SCANNED", detail };
    }
    const known = COVERAGE_REASONS[reason];
    if (known) return { ...base, state: known.state, detail: known.detail };
    return { ...base, state: "PENDING", detail: `coverage status ${row.scanStatus?.statusCode ?? "?"} / ${reason}` };
}

/** Pure: the ListCoverage filter for one batch of instance IDs (same key = OR, keys = AND). */
export function coverageFilter(instanceIds: string[]): CoverageFilterCriteria {
    return {
        resourceId: instanceIds.map((value) => ({ comparison: "EQUALS", value })),
        resourceType: [{ comparison: "EQUALS", value: "AWS_EC2_INSTANCE" }],
        scanType: [{ comparison: "EQUALS", value: "PACKAGE" }],
    };
}

export interface ReadCoverageOptions extends Partial<RetryOptions> {}

/** Every coverage row of one batch, across pages; each page gets its own throttling retries. */
function listCoverageRows(client: Inspector2Client, instanceIds: string[], options: RetryOptions, countCall: () => void): Promise<CoveredResource[]> {
    const filterCriteria = coverageFilter(instanceIds);
    return pageAll("ListCoverage", async (nextToken) => {
        const page = await withRetry(() => client.send(new ListCoverageCommand({ filterCriteria, maxResults: COVERAGE_PAGE_SIZE, nextToken })), options, countCall);
        return { items: page.coveredResources, nextToken: page.nextToken };
    });
}

/**
 * Verdicts for the given instances with as few ListCoverage calls as the filter limit allows
 * (10 IDs per call). `calls` counts every request sent, retries included.
 */
export async function readCoverage(
    client: Inspector2Client,
    instances: { instanceId: string; launchedAt: Date }[],
    options: ReadCoverageOptions = {},
): Promise<{ verdicts: Record<string, CoverageVerdict>; calls: number }> {
    const retry: RetryOptions = { sleep: options.sleep ?? realSleep, attempts: options.attempts, baseDelayMs: options.baseDelayMs };
    const launchedAt = new Map<string, Date>();
    for (const instance of instances) launchedAt.set(instance.instanceId, instance.launchedAt);
    let calls = 0;
    const verdicts: Record<string, CoverageVerdict> = {};
    for (const batch of chunk([...launchedAt.keys()], COVERAGE_IDS_PER_CALL)) {
        const rows = await listCoverageRows(client, batch, retry, () => calls++);
        for (const instanceId of batch) verdicts[instanceId] = classifyCoverage(instanceId, rows, launchedAt.get(instanceId)!);
    }
    return { verdicts, calls };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
