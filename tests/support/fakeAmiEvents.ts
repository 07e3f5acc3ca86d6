// EC2's AMI events, driving FakeAws: an AMI published (CreateImage, CopyImage, RegisterImage...)
// emits "EC2 AMI State Change" with State available; a tag added later is seen only as CloudTrail's
// "AWS API Call via CloudTrail" for CreateTags, and only where the account has a trail; a
// deregistration removes the AMI and emits State deregistered. Every event is best effort
// (reference section 10, "EC2 AMI events"; EC2 user guide, "Monitor AMI events using Amazon
// EventBridge"): the scenario decides whether each is delivered, lost or duplicated.
import { FAKE_ACCOUNT, FAKE_REGION, FakeAws } from "./fakeAws";

let eventCounter = 0;

/** An EventBridge envelope (EventBridge user guide, "Amazon EventBridge events": version, id, detail-type, source, account, time, region, resources, detail). */
function envelope(aws: FakeAws, detailType: string, resources: string[], detail: Record<string, unknown>) {
    const id = `fake-event-${++eventCounter}`;
    return {
        version: "0",
        id,
        "detail-type": detailType,
        source: "aws.ec2",
        account: FAKE_ACCOUNT,
        time: aws.now().toISOString().replace(/\.\d{3}Z$/, "Z"),
        region: FAKE_REGION,
        resources,
        detail,
    };
}

const imageArn = (imageId: string) => `arn:aws:ec2:${FAKE_REGION}::image/${imageId}`;

/**
 * The AMI becomes available: the event's detail is { RequestId, ImageId, State, ErrorMessage }
 * (the user guide's "available" example); it does not say which API made the AMI.
 */
export function amiAvailableEvent(aws: FakeAws, imageId: string) {
    return envelope(aws, "EC2 AMI State Change", [imageArn(imageId)], { RequestId: `req-${eventCounter + 1}`, ImageId: imageId, State: "available", ErrorMessage: "" });
}

/** Publishes an AMI (FakeAws.addImage) and returns the available event EC2 sends for it. */
export function publishImage(aws: FakeAws, imageId: string, options: Parameters<FakeAws["addImage"]>[1] = {}) {
    aws.addImage(imageId, options);
    return amiAvailableEvent(aws, imageId);
}

/**
 * CreateTags on the given AMIs (every tag set at once), and the CloudTrail event for it when the
 * account has a trail (undefined otherwise: no trail, no event). The record's shape: CloudTrail
 * record contents (eventVersion, eventTime, eventSource, eventName, awsRegion, requestParameters,
 * responseElements, eventID); EC2 logs CreateTags' request as resourcesSet.items[].resourceId and
 * tagSet.items[].{key, value}.
 */
export function tagImages(aws: FakeAws, imageIds: string[], tags: Record<string, string>, options: { trail: boolean; alsoTagged?: string[] } = { trail: true }) {
    for (const imageId of imageIds) {
        const image = aws.images.find((i) => i.ImageId === imageId);
        if (!image) throw new Error(`fake: CreateTags on unknown image ${imageId}`);
        for (const [Key, Value] of Object.entries(tags)) image.Tags = [...(image.Tags ?? []).filter((t) => t.Key !== Key), { Key, Value }];
    }
    if (!options.trail) return undefined;
    const now = aws.now().toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
        ...envelope(aws, "AWS API Call via CloudTrail", [], {
            eventVersion: "1.09",
            userIdentity: { type: "AssumedRole", accountId: FAKE_ACCOUNT },
            eventTime: now,
            eventSource: "ec2.amazonaws.com",
            eventName: "CreateTags",
            awsRegion: FAKE_REGION,
            requestParameters: {
                // A pipeline often tags the AMI and its snapshots in one call: not every resource is an AMI.
                resourcesSet: { items: [...imageIds, ...(options.alsoTagged ?? [])].map((resourceId) => ({ resourceId })) },
                tagSet: { items: Object.entries(tags).map(([key, value]) => ({ key, value })) },
            },
            responseElements: { _return: true },
            eventID: `ct-${eventCounter}`,
            eventType: "AwsApiCall",
        }),
    };
}

/**
 * Deregisters the AMI: DescribeImages no longer returns it, CreateTags and RunInstances on it fail
 * with InvalidAMIID.NotFound (FakeAws), and instances already launched from it keep running (EC2
 * user guide, "Deregister an AMI": deregistering does not affect instances already launched).
 */
export function deregisterImage(aws: FakeAws, imageId: string) {
    const index = aws.images.findIndex((i) => i.ImageId === imageId);
    if (index < 0) throw new Error(`fake: deregister unknown image ${imageId}`);
    aws.images.splice(index, 1);
    return envelope(aws, "EC2 AMI State Change", [imageArn(imageId)], { RequestId: `req-${eventCounter + 1}`, ImageId: imageId, State: "deregistered", ErrorMessage: "" });
}
