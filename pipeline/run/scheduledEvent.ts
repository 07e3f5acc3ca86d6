// The event an EventBridge schedule delivers (the sweeps of both engines). Pure.

/** The EventBridge schedule's event, as far as the handlers read it. */
export interface ScheduledEvent {
    source: "aws.events";
    "detail-type": "Scheduled Event";
}

export function isScheduledEvent(event: unknown): event is ScheduledEvent {
    if (typeof event !== "object" || event === null) return false;
    const fields = event as Record<string, unknown>;
    return fields.source === "aws.events" && fields["detail-type"] === "Scheduled Event";
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
