// The fake's AMI deprecation and tag removal (EnableImageDeprecation, DisableImageDeprecation,
// DeleteTags), with EC2's ownership rules, wired onto FakeAws's EC2 mock. Kept apart from
// fakeAws.ts so that file only gains the one line that wires it.
import { DeleteTagsCommand, DeleteTagsCommandInput, DisableImageDeprecationCommand, EC2ServiceException, EnableImageDeprecationCommand, Image, Tag } from "@aws-sdk/client-ec2";
import type { AwsStub } from "aws-sdk-client-mock";

/** What of FakeAws these calls read and change. */
export interface ImageDeprecationWorld {
    images: Image[];
    instances: { instanceId: string; tags: Tag[] }[];
    now: () => Date;
    enter: (command: string, input: any, note?: string) => Promise<void>;
}

function ec2Error(name: string, message: string): Error {
    return new EC2ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

/** Deprecated is a time that has come; a deprecation set for later is only scheduled. */
export function isDeprecated(image: Image, now: Date): boolean {
    return image.DeprecationTime !== undefined && new Date(image.DeprecationTime).getTime() <= now.getTime();
}

/**
 * DescribeImages leaves deprecated AMIs out unless IncludeDeprecated, except the caller's own,
 * which "appear in the response regardless" (the SDK's DescribeImagesRequest docs).
 */
export function describableImage(image: Image, input: { IncludeDeprecated?: boolean }, account: string, now: Date): boolean {
    return input.IncludeDeprecated === true || image.OwnerId === account || !isDeprecated(image, now);
}

/**
 * Only the owner may change an AMI's deprecation. The error EC2 returns for someone else's AMI
 * is not documented; AuthFailure is what EC2 answers for other owner-only image actions
 * (ModifyImageAttribute), assumed here.
 */
function ownedImage(world: ImageDeprecationWorld, imageId: string | undefined, account: string): Image {
    const image = world.images.find((candidate) => candidate.ImageId === imageId);
    if (!image) throw ec2Error("InvalidAMIID.NotFound", `The image id '[${imageId}]' does not exist`);
    if (image.OwnerId !== account) throw ec2Error("AuthFailure", `Not authorized for image:${imageId}`);
    return image;
}

/** EC2 rounds seconds to the nearest minute and refuses a time in the past. */
function deprecationTime(deprecateAt: Date | undefined, now: Date): string {
    if (!(deprecateAt instanceof Date) || Number.isNaN(deprecateAt.getTime())) throw ec2Error("MissingParameter", "The request must contain the parameter DeprecateAt");
    const rounded = new Date(Math.round(deprecateAt.getTime() / 60_000) * 60_000);
    if (rounded.getTime() < now.getTime()) throw ec2Error("InvalidParameterValue", `DeprecateAt ${rounded.toISOString()} is in the past`);
    return rounded.toISOString();
}

/**
 * DeleteTags as EC2 documents it: a key alone deletes it whatever its value, a key with a value
 * only when the value matches, no Tags at all deletes every tag but aws: ones. A key that is not
 * there is no error.
 */
export function remainingTags(tags: Tag[] | undefined, remove: DeleteTagsCommandInput["Tags"]): Tag[] {
    if (remove === undefined) return (tags ?? []).filter((tag) => tag.Key?.startsWith("aws:"));
    return (tags ?? []).filter((tag) => !remove.some((r) => r.Key === tag.Key && (r.Value === undefined || r.Value === tag.Value)));
}

export function wireImageDeprecation(mock: AwsStub<any, any, any>, world: ImageDeprecationWorld, account: string): void {
    mock.on(EnableImageDeprecationCommand).callsFake(async (input) => {
        await world.enter("EnableImageDeprecation", input, input.ImageId);
        const image = ownedImage(world, input.ImageId, account);
        image.DeprecationTime = deprecationTime(input.DeprecateAt, world.now());
        return { Return: true };
    });
    mock.on(DisableImageDeprecationCommand).callsFake(async (input) => {
        await world.enter("DisableImageDeprecation", input, input.ImageId);
        // Assumed idempotent: cancelling a deprecation that is not set succeeds, as EC2's other cancels do.
        delete ownedImage(world, input.ImageId, account).DeprecationTime;
        return { Return: true };
    });
    mock.on(DeleteTagsCommand).callsFake(async (input: DeleteTagsCommandInput) => {
        await world.enter("DeleteTags", input, (input.Resources ?? []).join(","));
        for (const resource of input.Resources ?? []) {
            const image = world.images.find((i) => i.ImageId === resource);
            const instance = world.instances.find((i) => i.instanceId === resource);
            if (image) image.Tags = remainingTags(image.Tags, input.Tags);
            else if (instance) instance.tags = remainingTags(instance.tags, input.Tags);
            else throw ec2Error(resource.startsWith("ami-") ? "InvalidAMIID.NotFound" : "InvalidID", `The ID '${resource}' is not valid`);
        }
        return {};
    });
}
