// Publishing to the results topic within SNS's limits: never fail on size.
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";

export const SNS_SUBJECT_MAX = 100;
export const SNS_MESSAGE_MAX_BYTES = 256 * 1024;

/** SNS subjects must be printable ASCII on one line, at most 100 characters. */
export function clampSubject(subject: string): string {
    const oneLine = subject.replace(/[\r\n\t]+/g, " ").replace(/[^\x20-\x7e]/g, "?").trim();
    return oneLine.length <= SNS_SUBJECT_MAX ? oneLine : `${oneLine.slice(0, SNS_SUBJECT_MAX - 3)}...`;
}

/**
 * Cuts a message to fit SNS's byte limit, ending with `pointer` (e.g. where the full report is).
 * Cuts on a line boundary where it can, and never splits a multi-byte character.
 */
export function clampMessage(message: string, pointer: string, maxBytes = SNS_MESSAGE_MAX_BYTES): string {
    if (Buffer.byteLength(message, "utf8") <= maxBytes) return message;
    const tail = `\n\n[truncated] ${pointer}`;
    const budget = maxBytes - Buffer.byteLength(tail, "utf8");
    let cut = Buffer.from(message, "utf8").subarray(0, Math.max(0, budget)).toString("utf8");
    if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
    const lastLine = cut.lastIndexOf("\n");
    if (lastLine > budget / 2) cut = cut.slice(0, lastLine);
    return cut + tail;
}

export async function publishNotice(
    sns: SNSClient,
    topicArn: string,
    subject: string,
    message: string,
    pointer = "See the report bucket for the full text.",
): Promise<void> {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: clampSubject(subject), Message: clampMessage(message, pointer) }));
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
