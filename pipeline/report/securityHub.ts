// Each AMI's verdict as one Security Hub finding (ASFF) of the account's default product, updated
// in place on every run (same Id). Sources: Security Hub user guide "BatchImportFindings for finding
// providers" (create or update by Id; an update whose UpdatedAt is not later is ignored; Workflow
// cannot be changed by BatchImportFindings once the finding exists), partner guide "Guidelines for
// using the BatchImportFindings API" (100 findings a batch, 240 KB a finding), API reference
// Workflow (RESOLVED goes back to NEW when RecordState turns ACTIVE or Compliance leaves PASSED),
// and client-securityhub AwsSecurityFinding (the required fields) and BatchImportFindingsResponse.
import { BatchImportFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { AwsSecurityFinding, SeverityLabel } from "@aws-sdk/client-securityhub";
import type { AmiAssessment } from "../verdict/consolidate";
import type { FindingSeverity } from "../verdict/findingModel";
import { chunk } from "../run/paging";
import { CLIENT_RETRY } from "../run/clients";
import { RetryOptions, backoffDelayMs, withRetry } from "../run/retryable";
import type { SendResult } from "./verdictEvents";

/** Findings per BatchImportFindings call (partner guide, guidelines). */
export const IMPORT_FINDINGS_MAX = 100;
/** ASFF Description is at most 1024 characters (user guide, ASFF required attributes). */
export const ASFF_DESCRIPTION_MAX = 1024;
const RETRYABLE_IMPORT_CODES = ["ThrottlingException", "InternalException", "InternalError", "LimitExceededException"];
const IMPORT_ATTEMPTS = 4;

const LABELS: Record<FindingSeverity, SeverityLabel> = {
    Critical: "CRITICAL",
    High: "HIGH",
    Medium: "MEDIUM",
    Low: "LOW",
    Informational: "INFORMATIONAL",
    Undefined: "INFORMATIONAL",
};
const RANK: readonly FindingSeverity[] = ["Critical", "High", "Medium", "Low", "Informational", "Undefined"];

export interface SecurityHubContext {
    partition: string;
    region: string;
    account: string;
    pipeline: string;
    reportUrl: string;
}

/** The account's own product: what BatchImportFindings takes from the account itself. */
export function defaultProductArn(context: Pick<SecurityHubContext, "partition" | "region" | "account">): string {
    return `arn:${context.partition}:securityhub:${context.region}:${context.account}:product/${context.account}/default`;
}

/** One finding per AMI and pipeline: the same Id every run, so each run updates it in place. */
export function verdictFindingId(context: Pick<SecurityHubContext, "region" | "pipeline">, imageId: string): string {
    return `golden-ami-assessment/${context.region}/${context.pipeline}/${imageId}`;
}

/** FAIL: the highest counted finding's severity. PASS and NOT ASSESSED: INFORMATIONAL. */
export function verdictSeverityLabel(ami: Pick<AmiAssessment, "verdict" | "counts">): SeverityLabel {
    if (ami.verdict !== "FAIL") return "INFORMATIONAL";
    const highest = RANK.find((severity) => severity !== "Undefined" && (ami.counts[severity] ?? 0) > 0);
    return highest ? LABELS[highest] : "INFORMATIONAL";
}

function descriptionOf(ami: AmiAssessment): string {
    const accepted = ami.accepted?.length ? ` ${ami.accepted.length} finding(s) accepted as risks.` : "";
    const text =
        ami.verdict === "FAIL"
            ? `FAIL: ${(ami.failedBy ?? []).join("; ")}.${accepted}`
            : ami.verdict === "PASS"
              ? `PASS: no finding fails the pipeline's policy.${accepted}`
              : `NOT ASSESSED: ${ami.notAssessed?.detail ?? "no verdict this run"}`;
    return text.length <= ASFF_DESCRIPTION_MAX ? text : `${text.slice(0, ASFF_DESCRIPTION_MAX - 3)}...`;
}

/**
 * Pure: the ASFF finding of one AMI's verdict. PASS archives the record with Compliance PASSED and
 * asks for Workflow RESOLVED, which Security Hub takes only when it creates the finding; on an
 * existing one, BatchImportFindings cannot change Workflow (docs/policy.md).
 */
export function verdictFinding(ami: AmiAssessment, context: SecurityHubContext, now: Date): AwsSecurityFinding {
    const at = now.toISOString();
    const label = verdictSeverityLabel(ami);
    const name = ami.name ? ` (${ami.name})` : "";
    const finding: AwsSecurityFinding = {
        SchemaVersion: "2018-10-08",
        Id: verdictFindingId(context, ami.imageId),
        ProductArn: defaultProductArn(context),
        GeneratorId: `golden-ami-assessment/${context.pipeline}`,
        AwsAccountId: context.account,
        Types: ["Software and Configuration Checks/Vulnerabilities/CVE"],
        CreatedAt: at,
        UpdatedAt: at,
        Severity: { Label: label },
        FindingProviderFields: { Severity: { Label: label, Original: ami.verdict }, Types: ["Software and Configuration Checks/Vulnerabilities/CVE"] },
        Title: `Golden AMI ${ami.imageId}${name}: ${ami.verdict}`,
        Description: descriptionOf(ami),
        SourceUrl: context.reportUrl,
        ProductFields: { "golden-ami-assessment/verdict": ami.verdict, "golden-ami-assessment/pipeline": context.pipeline },
        Resources: [{ Type: "Other", Id: `arn:${context.partition}:ec2:${context.region}::image/${ami.imageId}`, Partition: context.partition as never, Region: context.region }],
        Compliance: { Status: ami.verdict === "PASS" ? "PASSED" : ami.verdict === "FAIL" ? "FAILED" : "NOT_AVAILABLE" },
        RecordState: ami.verdict === "PASS" ? "ARCHIVED" : "ACTIVE",
    };
    if (ami.verdict === "PASS") finding.Workflow = { Status: "RESOLVED" };
    return finding;
}

/**
 * Imports the findings, 100 a call; a finding that fails with a passing error code is imported
 * again (with backoff) up to 4 times, any other failure is given up and reported.
 */
export async function importVerdictFindings(client: SecurityHubClient, findings: AwsSecurityFinding[], options: RetryOptions): Promise<SendResult> {
    const result: SendResult = { sent: [], failed: [], calls: 0 };
    for (const batch of chunk(findings, IMPORT_FINDINGS_MAX)) {
        let pending = batch;
        for (let attempt = 1; pending.length > 0; attempt++) {
            const answer = await withRetry(() => client.send(new BatchImportFindingsCommand({ Findings: pending })), options, () => result.calls++);
            const failures = new Map((answer.FailedFindings ?? []).map((failure) => [failure.Id, failure]));
            // A count without the list names no finding: none of the call is taken as imported (fail closed).
            const unexplained = (answer.FailedCount ?? 0) > failures.size;
            const retry: AwsSecurityFinding[] = [];
            for (const finding of pending) {
                const failure = unexplained ? { ErrorCode: "FailedCountMismatch", ErrorMessage: `FailedCount ${answer.FailedCount} but ${failures.size} listed` } : failures.get(finding.Id);
                if (!failure) result.sent.push(finding.Id!);
                else if (attempt < IMPORT_ATTEMPTS && RETRYABLE_IMPORT_CODES.includes(failure.ErrorCode ?? "")) retry.push(finding);
                else result.failed.push({ key: finding.Id!, error: `${failure.ErrorCode}: ${failure.ErrorMessage}` });
            }
            if (retry.length > 0) await options.sleep(backoffDelayMs(attempt, 1000, undefined));
            pending = retry;
        }
    }
    return result;
}

export function createSecurityHubClient(): SecurityHubClient {
    return new SecurityHubClient({ ...CLIENT_RETRY });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
