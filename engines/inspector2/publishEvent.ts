// Pure: what woke the publish function. EC2 sends "EC2 AMI State Change" to the default bus when an
// AMI becomes available (CreateImage, CopyImage, RegisterImage, CreateRestoreImageTask,
// EnableImage), best effort; its detail is { RequestId, ImageId, State, ErrorMessage } and names no
// API (EC2 user guide, "Monitor AMI events using Amazon EventBridge"; reference section 10). A tag
// added later is seen only as CloudTrail's "AWS API Call via CloudTrail" for CreateTags, whose
// detail.requestParameters.resourcesSet.items[].resourceId lists every resource tagged, AMIs or
// not (CloudTrail record contents; EC2 CreateTags request syntax). Events are only a wake-up: the
// AMI is described again before anything is decided.

/** The rule for AMIs that became available. */
export const AMI_AVAILABLE_PATTERN = {
    source: ["aws.ec2"],
    "detail-type": ["EC2 AMI State Change"],
    detail: { State: ["available"] },
};

/** The rule for tags added later (assessOnTag: needs a CloudTrail trail). */
export const AMI_TAGGED_PATTERN = {
    source: ["aws.ec2"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: { eventSource: ["ec2.amazonaws.com"], eventName: ["CreateTags"] },
};

export type PublishTrigger =
    | { kind: "amis"; imageIds: string[]; trigger: string }
    /** The drain schedule: launch what waits for a free slot. */
    | { kind: "drain" }
    | { kind: "other"; reason: string };

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (typeof value === "object" && value !== null ? (value as Json) : {});
const AMI_ID = /^ami-[0-9a-f]{8,17}$/;

/** "2026-12-03T10:00:00Z" as "2026-12-03T10:00Z" for people; anything else as given. */
export function shortTime(time: unknown): string {
    return typeof time === "string" ? time.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}):\d{2}(?:\.\d+)?Z$/, "$1Z") : "at an unknown time";
}

export function parsePublishEvent(event: unknown, assessOnTag: boolean): PublishTrigger {
    const e = asObject(event);
    const detail = asObject(e.detail);
    if (e.source === "aws.events" && e["detail-type"] === "Scheduled Event") return { kind: "drain" };
    if (e.source !== "aws.ec2") return { kind: "other", reason: `not an EC2 event (source ${String(e.source)})` };
    if (e["detail-type"] === "EC2 AMI State Change") {
        if (detail.State !== "available") return { kind: "other", reason: `AMI state ${String(detail.State)}, not available` };
        if (typeof detail.ImageId !== "string" || !AMI_ID.test(detail.ImageId)) return { kind: "other", reason: "no AMI ID in the event" };
        // The event names no API (CreateImage, CopyImage, ...): say what it does carry.
        return { kind: "amis", imageIds: [detail.ImageId], trigger: `published ${shortTime(e.time)} (EC2 AMI State Change: available)` };
    }
    if (e["detail-type"] === "AWS API Call via CloudTrail") return parseCreateTags(detail, assessOnTag);
    return { kind: "other", reason: `EC2 event ${String(e["detail-type"])} is not one publish reads` };
}

function parseCreateTags(detail: Json, assessOnTag: boolean): PublishTrigger {
    if (!assessOnTag) return { kind: "other", reason: "a CreateTags event, and assessOnTag is off" };
    if (detail.eventSource !== "ec2.amazonaws.com" || detail.eventName !== "CreateTags") return { kind: "other", reason: `CloudTrail ${String(detail.eventName)} is not EC2 CreateTags` };
    // A refused call is recorded too, with errorCode: nothing was tagged.
    if (detail.errorCode) return { kind: "other", reason: `CreateTags failed (${String(detail.errorCode)})` };
    const items = asObject(asObject(detail.requestParameters).resourcesSet).items;
    const imageIds = [...new Set((Array.isArray(items) ? items : []).map((item) => asObject(item).resourceId).filter((id): id is string => typeof id === "string" && AMI_ID.test(id)))].sort();
    if (imageIds.length === 0) return { kind: "other", reason: "CreateTags on no AMI" };
    return { kind: "amis", imageIds, trigger: `tagged ${shortTime(detail.eventTime)} by CreateTags` };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
