// Reading a run's findings from Inspector Classic within its API limits.
import { chunk } from "../../pipeline/run/paging";
import { DescribeFindingsCommand, DescribeFindingsCommandOutput, Finding, InspectorClient, ListFindingsCommand } from "@aws-sdk/client-inspector";
import { mapWithConcurrency } from "../../pipeline/run/concurrency";
import { errorText } from "../../pipeline/run/errors";
import { isTransientError } from "../../pipeline/run/retryable";

/** ListFindings maxResults is at most 500. */
export const LIST_FINDINGS_PAGE_SIZE = 500;
/** DescribeFindings takes 1-10 finding ARNs per call. */
export const DESCRIBE_FINDINGS_BATCH_SIZE = 10;
/** Inspector Classic throttles DescribeFindings hard; a few calls in flight is plenty. */
export const DESCRIBE_FINDINGS_CONCURRENCY = 8;
/**
 * Attempts per batch on top of the SDK's own retries: the SDK gives up under sustained
 * throttling, and it never retries `failedItems` marked retryable inside a 200 response.
 */
export const DESCRIBE_FINDINGS_ATTEMPTS = 3;
export const DESCRIBE_RETRY_BASE_DELAY_MS = 1000;

/** All finding ARNs of a run, across every page, without duplicates. */
export async function listFindingArns(inspector: InspectorClient, assessmentRunArn: string): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
        const page = await inspector.send(
            new ListFindingsCommand({ assessmentRunArns: [assessmentRunArn], maxResults: LIST_FINDINGS_PAGE_SIZE, nextToken }),
        );
        arns.push(...(page.findingArns ?? []));
        // A repeated token would page forever.
        if (page.nextToken && page.nextToken === nextToken) throw new Error(`ListFindings returned the same nextToken twice: ${nextToken}`);
        nextToken = page.nextToken;
    } while (nextToken);
    return [...new Set(arns)];
}

/** A finding that could not be read; the report says how many and why. */
export interface UnreadFinding {
    findingArn: string;
    reason: string;
}

export interface DescribedFindings {
    findings: Finding[];
    unread: UnreadFinding[];
}

export interface DescribeOptions {
    sleep: (ms: number) => Promise<void>;
    concurrency?: number;
    attempts?: number;
    baseDelayMs?: number;
}

/** Describes findings 10 at a time with a few batches in flight; failures become `unread`, never silence. */
export async function describeFindings(inspector: InspectorClient, findingArns: string[], options: DescribeOptions): Promise<DescribedFindings> {
    const results = await mapWithConcurrency(chunk(findingArns, DESCRIBE_FINDINGS_BATCH_SIZE), options.concurrency ?? DESCRIBE_FINDINGS_CONCURRENCY, (batch) =>
        describeBatch(inspector, batch, options),
    );
    return {
        findings: results.flatMap((result) => result.findings),
        unread: results.flatMap((result) => result.unread),
    };
}

async function describeBatch(inspector: InspectorClient, batch: string[], options: DescribeOptions): Promise<DescribedFindings> {
    const attempts = options.attempts ?? DESCRIBE_FINDINGS_ATTEMPTS;
    const baseDelayMs = options.baseDelayMs ?? DESCRIBE_RETRY_BASE_DELAY_MS;
    const findings: Finding[] = [];
    const unread: UnreadFinding[] = [];
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
        const lastAttempt = attempt >= attempts;
        let response: DescribeFindingsCommandOutput;
        try {
            response = await inspector.send(new DescribeFindingsCommand({ findingArns: pending, locale: "EN_US" }));
        } catch (error) {
            if (lastAttempt || !isRetryableError(error)) {
                unread.push(...pending.map((findingArn) => ({ findingArn, reason: errorText(error) })));
                break;
            }
            await options.sleep(baseDelayMs * 2 ** (attempt - 1));
            continue;
        }
        findings.push(...(response.findings ?? []));
        const retry: string[] = [];
        for (const [findingArn, detail] of Object.entries(response.failedItems ?? {})) {
            if (detail.retryable && !lastAttempt) retry.push(findingArn);
            else unread.push({ findingArn, reason: `failedItems: ${detail.failureCode ?? "unknown"}${detail.retryable ? " (retryable, gave up)" : ""}` });
        }
        pending = retry;
        if (pending.length > 0) await options.sleep(baseDelayMs * 2 ** (attempt - 1));
    }
    return { findings, unread };
}

/** Throttling and server errors, unless Inspector itself says a retry is pointless (InternalException.canRetry). */
function isRetryableError(error: unknown): boolean {
    return isTransientError(error) && (error as { canRetry?: boolean }).canRetry !== false;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
