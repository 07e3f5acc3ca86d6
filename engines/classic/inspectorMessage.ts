// Parsing the notifications Inspector Classic publishes to the completion topic.
// Never throws: a poison message must be logged and skipped, not retried forever.

/** Run states after which no findings will come; the run's instances can go. */
export const FAILED_RUN_STATES = ["FAILED", "ERROR", "CANCELED"] as const;
export type FailedRunState = (typeof FAILED_RUN_STATES)[number];

export type InspectorNotice =
    | {
          kind: "completed";
          runArn: string;
          templateArn: string;
          /** ISO time of completion, as Inspector sent it. */
          time?: string;
          /** rules package ARN -> findings Inspector says it reported; undefined when absent or unreadable. */
          findingsCount?: Record<string, number>;
      }
    | { kind: "run-failed"; runArn: string; templateArn: string; state: FailedRunState; time?: string }
    /** Any event analyze does not act on (run started, finding reported, other state changes...). */
    | { kind: "other"; event: string; runArn?: string; templateArn?: string }
    | { kind: "malformed"; reason: string };

const RUN_ARN = /^arn:[a-z-]+:inspector:[a-z0-9-]+:\d{12}:target\/[^/]+\/template\/[^/]+\/run\/[^/]+$/;

export function parseInspectorMessage(messageText: unknown): InspectorNotice {
    if (typeof messageText !== "string") return { kind: "malformed", reason: "Message is not a string" };
    let body: unknown;
    try {
        body = JSON.parse(messageText);
    } catch {
        return { kind: "malformed", reason: `Message is not JSON: ${messageText.slice(0, 200)}` };
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) return { kind: "malformed", reason: "Message is not a JSON object" };
    const fields = body as Record<string, unknown>;
    const event = fields.event;
    if (typeof event !== "string") return { kind: "malformed", reason: "Message has no event" };
    const runArn = typeof fields.run === "string" ? fields.run : undefined;
    const time = typeof fields.time === "string" ? fields.time : undefined;
    // The run ARN embeds its template ARN; use it when the message leaves `template` out.
    const templateArn = typeof fields.template === "string" ? fields.template : runArn ? templateOfRunArn(runArn) : undefined;

    const actsOnRun = event === "ASSESSMENT_RUN_COMPLETED" || (event === "ASSESSMENT_RUN_STATE_CHANGED" && isFailedState(fields.newstate));
    if (!actsOnRun) return { kind: "other", event, runArn, templateArn };
    if (!runArn || !RUN_ARN.test(runArn)) return { kind: "malformed", reason: `${event} without a valid run ARN: ${String(fields.run)}` };
    if (!templateArn) return { kind: "malformed", reason: `${event} without a template ARN` };

    if (event === "ASSESSMENT_RUN_COMPLETED") {
        return { kind: "completed", runArn, templateArn, time, findingsCount: parseFindingsCount(fields.findingsCount) };
    }
    return { kind: "run-failed", runArn, templateArn, state: fields.newstate as FailedRunState, time };
}

function isFailedState(state: unknown): state is FailedRunState {
    return typeof state === "string" && (FAILED_RUN_STATES as readonly string[]).includes(state);
}

/** ".../template/0-x" from ".../template/0-x/run/0-y". */
export function templateOfRunArn(runArn: string): string | undefined {
    const match = /^(.*\/template\/[^/]+)\/run\/[^/]+$/.exec(runArn);
    return match ? match[1] : undefined;
}

/**
 * Inspector renders findingsCount as a Java map, not JSON: "{arnA=4, arnB=0}".
 * Returns undefined when it cannot be read; the count is informational only.
 */
export function parseFindingsCount(raw: unknown): Record<string, number> | undefined {
    if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
        const counts: Record<string, number> = {};
        for (const [arn, value] of Object.entries(raw)) {
            const n = Number(value);
            if (!Number.isInteger(n) || n < 0) return undefined;
            counts[arn] = n;
        }
        return counts;
    }
    if (typeof raw !== "string") return undefined;
    const inner = /^\s*\{(.*)\}\s*$/s.exec(raw);
    if (!inner) return undefined;
    const counts: Record<string, number> = {};
    if (inner[1].trim() === "") return counts;
    // ARNs contain neither "," nor "=", so both are safe separators.
    for (const entry of inner[1].split(",")) {
        const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(entry);
        if (!match) return undefined;
        counts[match[1]] = Number(match[2]);
    }
    return counts;
}

/** The region field of an ARN ("us-east-1"), or undefined. */
export function regionOfArn(arn: string): string | undefined {
    const region = arn.split(":")[3];
    return region ? region : undefined;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
