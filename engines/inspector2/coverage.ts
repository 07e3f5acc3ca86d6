// Has Inspector v2 finished a package scan of each launched instance? ListCoverage answers per
// instance; a verdict separates "done", "still coming" and "will not happen this run".
import { GetEc2DeepInspectionConfigurationCommand, ListCoverageCommand } from "@aws-sdk/client-inspector2";
import type { CoverageFilterCriteria, CoveredResource, Inspector2Client } from "@aws-sdk/client-inspector2";
import { RetryOptions, withRetry } from "../../pipeline/run/retryable";
import { chunk, pageAll, realSleep } from "../../pipeline/run/paging";

export type CoverageVerdict = {
    instanceId: string;
    state: "SCANNED" | "PENDING" | "FAILED";
    /** The coverage ScanStatusReason, or NOT_IN_COVERAGE when Inspector has no package row yet. */
    reason: string;
    /** Plain words for people. */
    detail: string;
    lastScannedAt?: string;
    scanMode?: string;
    /**
     * A scan was seen but does not prove a PASS (deep inspection pending, or only an agentless
     * scan): the findings read at the deadline can FAIL the AMI, never PASS it.
     */
    partial?: boolean;
    /** The DEEP_INSPECTION_* reason while the language packages are not inventoried. */
    deepInspection?: string;
};

/**
 * The scan modes of an agent-based scan (SDK CoveredResource.scanMode: EC2_SSM_AGENT_BASED |
 * EC2_AGENTLESS | VM_INSPECTOR_AGENT_BASED, optional). Only these prove a PASS.
 */
export const AGENT_BASED_SCAN_MODES: readonly string[] = ["EC2_SSM_AGENT_BASED", "VM_INSPECTOR_AGENT_BASED"];
/** The account scan mode (GetConfiguration) under which every EC2 scan is agent-based. */
export const AGENT_ONLY_ACCOUNT_SCAN_MODE = "EC2_SSM_AGENT_BASED";

/** What the report says of an instance whose language packages were never inventoried. */
export const LANGUAGE_PACKAGES_NOT_INVENTORIED = "language packages not inventoried";

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

function scannedAfter(row: CoveredResource, launchedAt: Date): boolean {
    return row.lastScannedAt !== undefined && new Date(row.lastScannedAt).getTime() >= launchedAt.getTime();
}

/**
 * Pure: one instance's verdict from its coverage rows (rows of other instances are ignored).
 * accountScanMode: the account's EC2 scan mode when known; a row without scanMode counts as
 * agent-based only when it is EC2_SSM_AGENT_BASED (not hybrid).
 */
export function classifyCoverage(instanceId: string, rows: CoveredResource[], launchedAt: Date, accountScanMode?: string): CoverageVerdict {
    const row = packageRow(instanceId, rows);
    if (!row) return { instanceId, state: "PENDING", reason: "NOT_IN_COVERAGE", detail: "not yet in Inspector coverage (no package scan row)" };
    const reason = row.scanStatus?.reason ?? "UNKNOWN";
    const lastScannedAt = iso(row.lastScannedAt);
    const base = { instanceId, reason, ...(lastScannedAt ? { lastScannedAt } : {}), ...(row.scanMode ? { scanMode: row.scanMode } : {}) };
    // Hybrid mode scans new instances agentlessly every hour, even before SSM registers them
    // (reference section 10, user guide "scan modes"): not final for an instance launched for an
    // SSM scan. Pending until the deadline; what it found can still FAIL. VM_INSPECTOR_AGENT_BASED
    // is agent-based (Inspector's VM scanner through SSM) and is judged like EC2_SSM_AGENT_BASED.
    if (row.scanMode === "EC2_AGENTLESS") {
        const scanned = row.scanStatus?.statusCode === "ACTIVE" && reason === "SUCCESSFUL" && scannedAfter(row, launchedAt);
        return { ...base, state: "PENDING", ...(scanned ? { partial: true } : {}), detail: `only an agentless scan was seen (hybrid mode, ${reason}); the SSM scan did not come: ${SSM_DETAIL}` };
    }
    const osScanDone = reason === "SUCCESSFUL" || reason.startsWith("DEEP_INSPECTION_");
    if (row.scanStatus?.statusCode === "ACTIVE" && osScanDone) {
        if (!row.lastScannedAt || Number.isNaN(new Date(row.lastScannedAt).getTime())) return { ...base, state: "PENDING", detail: "coverage is active but reports no scan time yet" };
        // A scan dated before launch belongs to an earlier instance state and proves nothing.
        if (!scannedAfter(row, launchedAt)) {
            return { ...base, state: "PENDING", detail: `last package scan (${lastScannedAt}) predates the launch (${launchedAt.toISOString()}); waiting for a new scan` };
        }
        // scanMode is optional (SDK): a row without a known agent-based mode may be an agentless scan
        // of a hybrid account. Pending until the deadline; what it found can still FAIL.
        const agentBased = AGENT_BASED_SCAN_MODES.includes(row.scanMode ?? "") || (row.scanMode === undefined && accountScanMode === AGENT_ONLY_ACCOUNT_SCAN_MODE);
        if (!agentBased) {
            const mode = row.scanMode ? `scan mode ${row.scanMode}` : "no scan mode in the coverage row";
            return { ...base, state: "PENDING", partial: true, detail: `a scan was seen (${reason}) but not known to be agent-based (${mode}; the account may scan agentlessly)` };
        }
        if (reason === "SUCCESSFUL") return { ...base, state: "SCANNED", detail: "package scan complete" };
        // OS packages scanned, language packages not yet: deep inspection collects every 6 hours
        // (reference section 10). Pending until the deadline; resolveDeepInspection decides.
        return { ...base, state: "PENDING", partial: true, deepInspection: reason, detail: `${LANGUAGE_PACKAGES_NOT_INVENTORIED}: deep inspection has not run on the instance yet (${reason}); OS packages were scanned` };
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

export interface ReadCoverageOptions extends Partial<RetryOptions> {
    /** The account's EC2 scan mode (GetConfiguration), when the caller knows it. */
    accountScanMode?: string;
}

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
        for (const instanceId of batch) verdicts[instanceId] = classifyCoverage(instanceId, rows, launchedAt.get(instanceId)!, options.accountScanMode);
    }
    return { verdicts, calls };
}

/**
 * Pure: a DEEP_INSPECTION_* verdict once the account's deep-inspection status is known. Where
 * deep inspection is DEACTIVATED the OS scan is the whole scan; any other status (ACTIVATED,
 * PENDING, FAILED, unknown) keeps it pending: no PASS without the language packages.
 */
export function resolveDeepInspection(verdict: CoverageVerdict, status: string | undefined): CoverageVerdict {
    if (!verdict.deepInspection || status !== "DEACTIVATED") return verdict;
    const { partial: _partial, deepInspection: _deep, ...rest } = verdict;
    return { ...rest, state: "SCANNED", detail: "package scan complete (deep inspection is deactivated in this account)" };
}

/**
 * The account's deep-inspection status (GetEc2DeepInspectionConfiguration, SDK), asked only when
 * a verdict needs it. A refusal is read as "not known", which keeps the instances pending (fail closed).
 */
export async function deepInspectionStatus(client: Inspector2Client, options: RetryOptions): Promise<string | undefined> {
    try {
        const answer = await withRetry(() => client.send(new GetEc2DeepInspectionConfigurationCommand({})), options);
        return answer.status;
    } catch (error) {
        if ((error as { name?: string }).name === "AccessDeniedException") return undefined;
        throw error;
    }
}

/** Every verdict with deep inspection resolved; one GetEc2DeepInspectionConfiguration call at most. */
export async function withDeepInspection(client: Inspector2Client, verdicts: Record<string, CoverageVerdict>, options: RetryOptions): Promise<Record<string, CoverageVerdict>> {
    if (!Object.values(verdicts).some((verdict) => verdict.deepInspection)) return verdicts;
    const status = await deepInspectionStatus(client, options);
    return Object.fromEntries(Object.entries(verdicts).map(([id, verdict]) => [id, resolveDeepInspection(verdict, status)]));
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
