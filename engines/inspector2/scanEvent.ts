// Reading the EventBridge events that wake the v2 engine: Inspector's "Inspector2 Scan" event for
// an instance, or the scheduled sweep. Events are best effort; the caller confirms by polling.
import { isScheduledEvent } from "../../pipeline/run/scheduledEvent";

export type ScanEvent =
    /**
     * counts: the scan's finding-severity-counts; undefined when the event carries none. at: the
     * EventBridge envelope's `time` (ISO 8601), undefined when missing or unreadable.
     */
    | { kind: "scan"; instanceId: string; scanStatus: string; counts?: Record<string, number>; at?: string }
    | { kind: "sweep" }
    | { kind: "other"; reason: string };

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const COUNT_KEYS = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED", "TOTAL"];

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The instance an event is about: detail.instance-id, else the first resource (an ID or an instance ARN). */
function instanceIdOf(event: Record<string, unknown>, detail: Record<string, unknown>): string | undefined {
    const fromDetail = detail["instance-id"];
    if (typeof fromDetail === "string" && INSTANCE_ID.test(fromDetail)) return fromDetail;
    const resources = event.resources;
    const first = Array.isArray(resources) ? resources[0] : undefined;
    if (typeof first !== "string") return undefined;
    const id = first.includes(":instance/") ? first.slice(first.lastIndexOf("/") + 1) : first;
    return INSTANCE_ID.test(id) ? id : undefined;
}

/**
 * Severity counts with every usual key present; missing or non-numeric counts are 0. No counts
 * object at all: undefined (nothing is known, which is not the same as zero findings).
 */
function countsOf(value: unknown): Record<string, number> | undefined {
    if (!isRecord(value)) return undefined;
    const counts: Record<string, number> = {};
    for (const key of COUNT_KEYS) counts[key] = 0;
    for (const [key, count] of Object.entries(value)) {
        if (typeof count === "number" && Number.isFinite(count) && count >= 0) counts[key.toUpperCase()] = count;
    }
    return counts;
}

/**
 * The number of findings the scan produced: TOTAL, or the sum of the severities when TOTAL is 0
 * and they are not (a partial counts object). Undefined without counts.
 */
export function expectedFindings(counts: Record<string, number> | undefined): number | undefined {
    if (!counts) return undefined;
    const bySeverity = Object.entries(counts).filter(([key]) => key !== "TOTAL").reduce((sum, [, n]) => sum + n, 0);
    return Math.max(counts.TOTAL ?? 0, bySeverity);
}

/** The envelope's `time` (every EventBridge event has one, second precision) as ISO 8601; undefined if unreadable. */
function timeOf(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Pure: classifies one EventBridge event; never throws. */
export function parseScanEvent(event: unknown): ScanEvent {
    if (!isRecord(event)) return { kind: "other", reason: "not an object" };
    const source = event.source;
    const detailType = event["detail-type"];
    if (isScheduledEvent(event)) return { kind: "sweep" };
    if (source !== "aws.inspector2") return { kind: "other", reason: `source ${JSON.stringify(source)} is not aws.inspector2` };
    if (detailType !== "Inspector2 Scan") return { kind: "other", reason: `detail-type ${JSON.stringify(detailType)} is not "Inspector2 Scan"` };
    const detail = event.detail;
    if (!isRecord(detail)) return { kind: "other", reason: "Inspector2 Scan event without a detail object" };
    const scanStatus = detail["scan-status"];
    if (typeof scanStatus !== "string" || scanStatus === "") return { kind: "other", reason: "Inspector2 Scan event without detail.scan-status" };
    const instanceId = instanceIdOf(event, detail);
    if (!instanceId) return { kind: "other", reason: "Inspector2 Scan event names no EC2 instance" };
    const counts = countsOf(detail["finding-severity-counts"]);
    const at = timeOf(event.time);
    return { kind: "scan", instanceId, scanStatus, ...(counts ? { counts } : {}), ...(at ? { at } : {}) };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
