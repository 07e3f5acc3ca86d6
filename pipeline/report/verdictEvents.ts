// Each AMI's verdict as an EventBridge event on the account's default bus, for anyone to route
// (Chatbot, Slack, ticketing, another account). PutEvents takes at most 10 entries a call and
// answers per entry: a failed entry carries ErrorCode and must be sent again by the caller
// (EventBridge user guide, "Sending events with PutEvents": "Handling failures"; client-eventbridge
// PutEventsResponse.FailedEntryCount, PutEventsResultEntry.ErrorCode).
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { AmiAssessment, SeverityCounts, Verdict } from "../verdict/consolidate";
import { chunk } from "../run/paging";
import { CLIENT_RETRY } from "../run/clients";
import { RetryOptions, backoffDelayMs, withRetry } from "../run/retryable";

export const VERDICT_EVENT_SOURCE = "golden-ami-assessment";
export const VERDICT_EVENT_DETAIL_TYPE = "Golden AMI Verdict";
/** PutEvents accepts 1-10 entries (EventBridge API reference, PutEvents Entries). */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** failedBy lines an event carries; the report has them all (an entry is at most 256 KB). */
export const EVENT_FAILED_BY_MAX = 50;
/** Entry error codes worth sending again: throttling and EventBridge's own failures. */
const RETRYABLE_ENTRY_CODES = ["ThrottlingException", "InternalFailure", "InternalException", "ServiceUnavailable"];
const ENTRY_ATTEMPTS = 4;

export interface VerdictEventDetail {
    account: string;
    region: string;
    pipeline: string;
    runId: string;
    imageId: string;
    name?: string;
    verdict: Verdict;
    /** The verdict the AMI's tag held before this run; absent for an AMI never judged. */
    previousVerdict?: string;
    counts: SeverityCounts;
    /** FAIL: the rule behind each failing finding. NOT ASSESSED: the reason. */
    failedBy: string[];
    /** Accepted risks that took findings out of this verdict, by ID. */
    accepted: string[];
    reportUrl: string;
}

export interface VerdictEventContext {
    partition: string;
    account: string;
    region: string;
    pipeline: string;
    runId: string;
    reportUrl: string;
    /** imageId -> the verdict before this run. */
    previousVerdicts: Record<string, string | undefined>;
}

/** Pure: the event detail of one AMI's verdict. */
export function verdictEventDetail(ami: AmiAssessment, context: VerdictEventContext): VerdictEventDetail {
    const why = ami.verdict === "NOT ASSESSED" ? [ami.notAssessed?.detail ?? "not assessed"] : (ami.failedBy ?? []);
    const failedBy = why.length > EVENT_FAILED_BY_MAX ? [...why.slice(0, EVENT_FAILED_BY_MAX), `and ${why.length - EVENT_FAILED_BY_MAX} more (see the report)`] : why;
    const detail: VerdictEventDetail = {
        account: context.account,
        region: context.region,
        pipeline: context.pipeline,
        runId: context.runId,
        imageId: ami.imageId,
        verdict: ami.verdict,
        counts: ami.counts,
        failedBy,
        accepted: [...new Set((ami.accepted ?? []).map((a) => a.risk.id))],
        reportUrl: context.reportUrl,
    };
    if (ami.name) detail.name = ami.name;
    const previous = context.previousVerdicts[ami.imageId];
    if (previous) detail.previousVerdict = previous;
    return detail;
}

/** EC2 image ARNs have no account (Service Authorization Reference, Amazon EC2 resource type "image"). */
export function imageArn(context: Pick<VerdictEventContext, "partition" | "region">, imageId: string): string {
    return `arn:${context.partition}:ec2:${context.region}::image/${imageId}`;
}

/** Pure: one PutEvents entry per AMI; no EventBusName means the account's default bus. */
export function verdictEventEntries(amis: AmiAssessment[], context: VerdictEventContext, time: Date): PutEventsRequestEntry[] {
    return amis.map((ami) => ({
        Time: time,
        Source: VERDICT_EVENT_SOURCE,
        DetailType: VERDICT_EVENT_DETAIL_TYPE,
        Resources: [imageArn(context, ami.imageId)],
        Detail: JSON.stringify(verdictEventDetail(ami, context)),
    }));
}

export interface SendResult {
    /** Keys (image IDs) whose entry was accepted. */
    sent: string[];
    failed: { key: string; error: string }[];
    calls: number;
}

/**
 * Puts the entries, 10 a call; an entry that fails with a passing error code is sent again (with
 * backoff) up to 4 times, one that fails otherwise is given up. A response whose Entries do not
 * match the request counts every entry of that call as failed (nothing is assumed delivered).
 */
export async function putVerdictEvents(client: EventBridgeClient, entries: { key: string; entry: PutEventsRequestEntry }[], options: RetryOptions): Promise<SendResult> {
    const result: SendResult = { sent: [], failed: [], calls: 0 };
    for (const batch of chunk(entries, PUT_EVENTS_MAX_ENTRIES)) {
        let pending = batch;
        for (let attempt = 1; pending.length > 0; attempt++) {
            const answer = await withRetry(() => client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) })), options, () => result.calls++);
            const answered = answer.Entries ?? [];
            const retry: typeof pending = [];
            pending.forEach((item, i) => {
                const entry = answered.length === pending.length ? answered[i] : { ErrorCode: "ResponseMismatch", ErrorMessage: `${answered.length} result entries for ${pending.length} sent` };
                if (!entry.ErrorCode && entry.EventId) result.sent.push(item.key);
                else if (attempt < ENTRY_ATTEMPTS && RETRYABLE_ENTRY_CODES.includes(entry.ErrorCode ?? "")) retry.push(item);
                else result.failed.push({ key: item.key, error: `${entry.ErrorCode ?? "NoEventId"}: ${entry.ErrorMessage ?? "no event ID returned"}` });
            });
            if (retry.length > 0) await options.sleep(backoffDelayMs(attempt, 1000, undefined));
            pending = retry;
        }
    }
    return result;
}

export function createEventBridgeClient(): EventBridgeClient {
    return new EventBridgeClient({ ...CLIENT_RETRY });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
