// Inspector's scan results for an AMI as EC2 serves them (DescribeImages ScanResults and
// GetImageFindings): no launch, but only there if the account has Inspector scan its AMIs.
import { GetImageFindingsCommand } from "@aws-sdk/client-ec2";
import type { EC2Client, GetImageFindingsResult, Image, ImageFinding, ScanResults } from "@aws-sdk/client-ec2";
import { mapWithConcurrency } from "../../pipeline/run/concurrency";
import { findingFails } from "../../pipeline/verdict/consolidate";
import type { Severity } from "../../pipeline/run/settings";
import type { FindingSeverity, FindingSummary } from "../../pipeline/verdict/findingModel";
import { errorText } from "../../pipeline/run/errors";
import { nvdUrl } from "./findings";

export type AmiScanState = "FRESH" | "STALE" | "NEVER_SCANNED" | "ERROR";
export type AmiScanResult = {
    imageId: string;
    state: AmiScanState;
    scanDate?: string;
    /** ScanResults.HighestFindingSeverityLabel as EC2 gives it (client-ec2 ScanResults: "present only if the AMI has at least one finding"). */
    highestSeverity?: string;
    findings: FindingSummary[];
    detail: string;
};

/** GetImageFindings MaxResults is 1-1000 (client-ec2 3.1169 docs / EC2 API reference). */
export const IMAGE_FINDINGS_PAGE_SIZE = 1000;
/** AMIs read at once: EC2 API throttling is per account, a few in flight is plenty. */
export const IMAGE_FINDINGS_CONCURRENCY = 4;

const DAY_MS = 24 * 60 * 60 * 1000;
const SEVERITIES: Record<string, FindingSeverity> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", informational: "Informational" };
const CVE_IN_TITLE = /CVE-\d{4}-\d{4,}/i;

/**
 * The remedy for an AMI without results (reference §6, §10): machine image scanning is an
 * Inspector feature the account activates on its own, and it scans only AMIs the account owns.
 */
export const NEVER_SCANNED_DETAIL =
    "Inspector has no scan results for this AMI. To assess AMIs without launching them, the account must activate Amazon Inspector machine image scanning " +
    "(separately from EC2 scanning; see docs/agentless.md). It scans only AMIs this account owns: an AMI shared from another account is never scanned here, " +
    "so assess it in its owner's account or use scanMode instance or auto. This pipeline cannot activate it or start a scan: the installed SDK " +
    "(client-inspector2 3.1085) has no such call (no StartOnDemandScan).";

/** Pure: whether the image's EC2-side scan results are recent enough to use. */
export function amiScanState(image: Image, now: Date, maxAgeDays: number): { state: "FRESH" | "STALE" | "NEVER_SCANNED"; scanDate?: string; detail: string } {
    const scanDate = image.ScanResults?.FindingScanDate;
    const time = scanDate ? new Date(scanDate).getTime() : NaN;
    if (!image.ScanResults) return { state: "NEVER_SCANNED", detail: NEVER_SCANNED_DETAIL };
    if (Number.isNaN(time)) return { state: "NEVER_SCANNED", detail: `ScanResults without a FindingScanDate. ${NEVER_SCANNED_DETAIL}` };
    const iso = new Date(time).toISOString();
    const ageDays = (now.getTime() - time) / DAY_MS;
    if (ageDays > maxAgeDays) {
        return { state: "STALE", scanDate: iso, detail: `last Inspector scan ${iso} is ${Math.floor(ageDays)} days old (limit ${maxAgeDays}); findings may be out of date` };
    }
    return { state: "FRESH", scanDate: iso, detail: `scanned by Inspector ${iso}` };
}

/**
 * Pure: since when a fix has been available for a finding of this severity on the AMI. EC2 gives
 * only the earliest per severity (client-ec2 ScanResults.<Level>FixAvailableSince), so every
 * finding of that severity with a fix gets that oldest date: the fix-age rule may then count a
 * newer fix as older than it is (fail closed), never younger.
 */
export function fixAvailableSinceOf(severity: FindingSeverity, scanResults: ScanResults | undefined): string | undefined {
    const byLevel: Partial<Record<FindingSeverity, Date | undefined>> = {
        Critical: scanResults?.CriticalFixAvailableSince,
        High: scanResults?.HighFixAvailableSince,
        Medium: scanResults?.MediumFixAvailableSince,
        Low: scanResults?.LowFixAvailableSince,
        Informational: scanResults?.InformationalFixAvailableSince,
    };
    const since = byLevel[severity];
    const time = since ? new Date(since).getTime() : NaN;
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Pure: one EC2 image finding in the neutral model; the title is all that names the CVE. */
export function imageFindingToSummary(imageId: string, finding: ImageFinding, scanResults?: ScanResults): FindingSummary {
    const title = finding.Title ?? "untitled image finding";
    const cveId = CVE_IN_TITLE.exec(title)?.[0]?.toUpperCase();
    const paths = finding.Paths ?? [];
    const recommendation = [
        finding.FixAvailable === true ? "A fix is available: rebuild the AMI with the updated package." : finding.FixAvailable === false ? "No fix is available yet." : "",
        paths.length > 0 ? `Affected paths: ${paths.join(", ")}` : "",
    ]
        .filter((part) => part)
        .join(" ");
    const severity = SEVERITIES[(finding.SeverityLabel ?? "").toLowerCase()];
    const summary: FindingSummary = {
        // EC2 gives image findings no ID; the title and snapshot identify one within the AMI.
        arn: `${imageId}/${title}/${finding.SnapshotId ?? ""}`,
        severity: severity ?? "Undefined",
        title,
        recommendation,
        rulesPackageArn: "cve",
        imageId,
    };
    if (cveId) {
        summary.cveId = cveId;
        summary.advisoryUrl = nvdUrl(cveId);
    }
    if (typeof finding.Score === "number") {
        summary.inspectorScore = finding.Score;
        summary.numericSeverity = finding.Score;
    }
    if (typeof finding.FixAvailable === "boolean") summary.fixAvailable = finding.FixAvailable ? "YES" : "NO";
    const fixSince = finding.FixAvailable === true && severity ? fixAvailableSinceOf(severity, scanResults) : undefined;
    if (fixSince) summary.fixAvailableSince = fixSince;
    // ImageFinding.SeverityLabel is optional in client-ec2: a finding Inspector has not rated counts at the threshold.
    if (!severity) summary.untriaged = true;
    return summary;
}

/**
 * Pure: why a FRESH AMI result cannot PASS, if it cannot. EC2's scan summary
 * (ScanResults.HighestFindingSeverityLabel, client-ec2 ScanResults) names the AMI's highest
 * finding; when that reaches the threshold but no finding GetImageFindings returned does, the
 * findings read are incomplete. An unknown label counts at the threshold (fail closed).
 */
export function agentlessShortfall(result: Pick<AmiScanResult, "state" | "highestSeverity" | "findings">, threshold: Severity): string | undefined {
    if (result.state !== "FRESH" || !result.highestSeverity) return undefined;
    const severity = SEVERITIES[result.highestSeverity.toLowerCase()];
    const summary: Pick<FindingSummary, "severity" | "untriaged"> = severity ? { severity } : { severity: "Undefined", untriaged: true };
    if (!findingFails(summary as FindingSummary, threshold)) return undefined;
    if (result.findings.some((finding) => findingFails(finding, threshold))) return undefined;
    return (
        `Inspector's AMI scan summary gives HighestFindingSeverityLabel ${result.highestSeverity}, at or above the ${threshold} threshold, ` +
        "but GetImageFindings returned no finding that high: the findings read are incomplete, so a PASS cannot be confirmed"
    );
}

/** Every finding of one AMI, across pages, deduplicated by the stable id. */
async function imageFindings(ec2: EC2Client, imageId: string, scanResults?: ScanResults): Promise<FindingSummary[]> {
    const byArn = new Map<string, FindingSummary>();
    let nextToken: string | undefined;
    do {
        const token = nextToken;
        const page: GetImageFindingsResult = await ec2.send(new GetImageFindingsCommand({ ImageId: imageId, MaxResults: IMAGE_FINDINGS_PAGE_SIZE, NextToken: token }));
        for (const finding of page.ImageFindings ?? []) {
            const summary = imageFindingToSummary(imageId, finding, scanResults);
            if (!byArn.has(summary.arn)) byArn.set(summary.arn, summary);
        }
        // A repeated token would page forever.
        if (page.NextToken && page.NextToken === token) throw new Error(`GetImageFindings returned the same NextToken twice: ${token}`);
        nextToken = page.NextToken;
    } while (nextToken);
    return [...byArn.values()];
}

/**
 * Scan state and findings per image, in input order. FRESH and STALE images get their findings
 * read; one AMI's error becomes its ERROR result and never stops the others.
 */
export async function readAmiScanResults(ec2: EC2Client, images: Image[], now: Date, maxAgeDays: number): Promise<AmiScanResult[]> {
    return mapWithConcurrency(images, IMAGE_FINDINGS_CONCURRENCY, async (image): Promise<AmiScanResult> => {
        const imageId = image.ImageId ?? "";
        const scan = amiScanState(image, now, maxAgeDays);
        const highest = image.ScanResults?.HighestFindingSeverityLabel;
        const base = { imageId, ...(scan.scanDate ? { scanDate: scan.scanDate } : {}), ...(highest ? { highestSeverity: String(highest) } : {}) };
        if (scan.state === "NEVER_SCANNED") return { ...base, state: scan.state, findings: [], detail: scan.detail };
        try {
            return { ...base, state: scan.state, findings: await imageFindings(ec2, imageId, image.ScanResults), detail: scan.detail };
        } catch (error) {
            return { ...base, state: "ERROR", findings: [], detail: `GetImageFindings failed (${scan.state} scan): ${errorText(error)}` };
        }
    });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
