// A one-time CIS benchmark scan of the run's instances, selected by the run's tag; its results
// per instance; and cleanup of the scan configuration afterwards.
import {
    CreateCisScanConfigurationCommand,
    DeleteCisScanConfigurationCommand,
    GetCisScanResultDetailsCommand,
    ListCisScanResultsAggregatedByTargetResourceCommand,
    ListCisScansCommand,
} from "@aws-sdk/client-inspector2";
import type { CisScan, CisScanResultDetails, CisTargetResourceAggregation, Inspector2Client } from "@aws-sdk/client-inspector2";
import type { FindingSummary } from "../../pipeline/verdict/findingModel";
import { errorText } from "../../pipeline/run/errors";
import { pageAll } from "../../pipeline/run/paging";

export type CisScanStatus = "NOT_STARTED" | "IN_PROGRESS" | "COMPLETED" | "FAILED" | "CANCELLED";
export type CisInstanceResult = {
    instanceId: string;
    status: "COMPLETED" | "PENDING" | "FAILED";
    reason?: string;
    passed: number;
    failed: number;
    skipped: number;
    failedChecks: FindingSummary[];
};

/**
 * Inspector gives CIS checks no severity, only a benchmark level. A failed check is reported as
 * Medium: it matters for a golden image but is a hardening gap, not a known vulnerability.
 */
export const CIS_FAILED_CHECK_SEVERITY = "Medium" as const;

export async function createRunCisScan(
    client: Inspector2Client,
    input: { scanName: string; tagKey: string; tagValue: string; securityLevel?: "LEVEL_1" | "LEVEL_2"; tags?: Record<string, string> },
): Promise<string> {
    const output = await client.send(
        new CreateCisScanConfigurationCommand({
            scanName: input.scanName,
            securityLevel: input.securityLevel ?? "LEVEL_1",
            // oneTime runs soon after creation; there is no separate start call.
            schedule: { oneTime: {} },
            targets: { accountIds: ["SELF"], targetResourceTags: { [input.tagKey]: [input.tagValue] } },
            ...(input.tags ? { tags: input.tags } : {}),
        }),
    );
    if (!output.scanConfigurationArn) throw new Error(`CreateCisScanConfiguration returned no scanConfigurationArn for ${input.scanName}`);
    return output.scanConfigurationArn;
}

/** Pure: the scan to report for a configuration: a oneTime configuration has one; else the latest. */
export function latestScan(scans: CisScan[]): CisScan | undefined {
    const time = (scan: CisScan) => (scan.scanDate ? new Date(scan.scanDate).getTime() : -Infinity);
    return [...scans].sort((a, b) => time(b) - time(a))[0];
}

/** Pure: one instance's CIS state from its aggregation, given the scan's overall status. */
export function cisInstanceResult(aggregation: CisTargetResourceAggregation, scanStatus: CisScanStatus): CisInstanceResult {
    const counts = { passed: aggregation.statusCounts?.passed ?? 0, failed: aggregation.statusCounts?.failed ?? 0, skipped: aggregation.statusCounts?.skipped ?? 0 };
    const base = { instanceId: aggregation.targetResourceId ?? "", ...counts, failedChecks: [] as FindingSummary[] };
    const reason = aggregation.targetStatusReason;
    if (aggregation.targetStatus === "COMPLETED") return { ...base, status: "COMPLETED" };
    if (aggregation.targetStatus === "TIMED_OUT" || aggregation.targetStatus === "CANCELLED") {
        return { ...base, status: "FAILED", reason: `CIS scan of the instance ${aggregation.targetStatus}${reason ? ` (${reason})` : ""}` };
    }
    if (reason === "UNSUPPORTED_OS") return { ...base, status: "FAILED", reason: "UNSUPPORTED_OS: the OS has no CIS benchmark in Inspector" };
    if (reason === "SSM_UNMANAGED") return { ...base, status: "FAILED", reason: "SSM_UNMANAGED: CIS scans need an SSM-managed instance" };
    // The scan has ended, so a target still without a status will never get one.
    if (scanStatus === "COMPLETED" || scanStatus === "FAILED" || scanStatus === "CANCELLED") {
        return { ...base, status: "FAILED", reason: `the scan ended (${scanStatus}) without a result for this instance` };
    }
    return { ...base, status: "PENDING", ...(reason ? { reason } : {}) };
}

/** Pure: a failed CIS check in the neutral model. */
export function cisCheckToSummary(scanArn: string, instanceId: string, check: CisScanResultDetails): FindingSummary {
    const checkId = check.checkId ?? check.findingArn ?? check.title ?? "unknown-check";
    const level = check.level ? ` [${check.level}]` : "";
    return {
        arn: `${scanArn}/${instanceId}/${checkId}`,
        severity: CIS_FAILED_CHECK_SEVERITY,
        title: `${check.title ?? checkId}${level}`,
        recommendation: check.remediation ?? check.statusReason ?? "",
        rulesPackageArn: "cis",
        instanceId,
        ...(check.checkId ? { checkId: check.checkId } : {}),
    };
}

/** The account in a scan ARN (arn:partition:inspector2:region:account:...), for GetCisScanResultDetails. */
function accountOfArn(arn: string): string | undefined {
    return arn.split(":")[4] || undefined;
}

async function failedChecks(client: Inspector2Client, scanArn: string, instanceId: string, accountId: string): Promise<FindingSummary[]> {
    const details = await pageAll("GetCisScanResultDetails", async (nextToken) => {
        const page = await client.send(
            new GetCisScanResultDetailsCommand({
                scanArn,
                targetResourceId: instanceId,
                accountId,
                filterCriteria: { findingStatusFilters: [{ comparison: "EQUALS", value: "FAILED" }] },
                nextToken,
            }),
        );
        return { items: page.scanResultDetails, nextToken: page.nextToken };
    });
    // The filter already asks for FAILED; keep only those even if the service returns others.
    return details.filter((check) => check.status === "FAILED").map((check) => cisCheckToSummary(scanArn, instanceId, check));
}

/**
 * The configuration's scan status and per-instance results (partial while IN_PROGRESS). Failed
 * checks are read for instances that have any; a failure there is noted in that instance's reason.
 */
export async function readCisResults(
    client: Inspector2Client,
    scanConfigurationArn: string,
): Promise<{ scanStatus: CisScanStatus; scanArn?: string; instances: Record<string, CisInstanceResult> }> {
    const scans = await pageAll("ListCisScans", async (nextToken) => {
        const page = await client.send(new ListCisScansCommand({ filterCriteria: { scanConfigurationArnFilters: [{ comparison: "EQUALS", value: scanConfigurationArn }] }, nextToken }));
        return { items: page.scans, nextToken: page.nextToken };
    });
    const scan = latestScan(scans.filter((candidate) => candidate.scanConfigurationArn === scanConfigurationArn));
    if (!scan?.scanArn) return { scanStatus: "NOT_STARTED", instances: {} };
    const scanArn = scan.scanArn;
    const scanStatus: CisScanStatus = scan.status ?? "IN_PROGRESS";
    const aggregations = await pageAll("ListCisScanResultsAggregatedByTargetResource", async (nextToken) => {
        const page = await client.send(new ListCisScanResultsAggregatedByTargetResourceCommand({ scanArn, nextToken }));
        return { items: page.targetResourceAggregations, nextToken: page.nextToken };
    });
    const instances: Record<string, CisInstanceResult> = {};
    for (const aggregation of aggregations) {
        if (!aggregation.targetResourceId) continue;
        const result = cisInstanceResult(aggregation, scanStatus);
        const accountId = aggregation.accountId ?? accountOfArn(scanArn);
        if (result.failed > 0 && accountId) {
            try {
                result.failedChecks = await failedChecks(client, scanArn, result.instanceId, accountId);
            } catch (error) {
                result.reason = [result.reason, `failed checks could not be read: ${errorText(error)}`].filter((part) => part).join("; ");
            }
        }
        instances[result.instanceId] = result;
    }
    return { scanStatus, scanArn, instances };
}

/** Deletes the configuration; one already gone is fine (cleanup may run twice). */
export async function deleteCisScan(client: Inspector2Client, scanConfigurationArn: string): Promise<void> {
    try {
        await client.send(new DeleteCisScanConfigurationCommand({ scanConfigurationArn }));
    } catch (error) {
        if ((error as { name?: string } | undefined)?.name === "ResourceNotFoundException") return;
        throw error;
    }
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
