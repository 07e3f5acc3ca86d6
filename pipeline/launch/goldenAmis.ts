// Which AMIs are golden: owned by the configured owners, carrying every configured tag, available.
import { DescribeImagesCommand, DescribeImagesCommandInput, EC2Client, Image } from "@aws-sdk/client-ec2";

export const DESCRIBE_IMAGES_PAGE_SIZE = 1000;

/**
 * The DescribeImages query. Empty tags or owners would widen it to every AMI the account can
 * launch (public ones included), so they are refused rather than guessed at.
 */
export function goldenAmiQuery(amiTags: Record<string, string>, amiOwners: string[]): DescribeImagesCommandInput {
    const tagEntries = Object.entries(amiTags);
    if (tagEntries.length === 0) throw new Error("no golden AMI tags configured: refusing to treat every AMI as golden");
    if (amiOwners.length === 0) throw new Error("no AMI owners configured: refusing to search every AMI the account can launch");
    return {
        Owners: amiOwners,
        Filters: [
            ...tagEntries.map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
            { Name: "state", Values: ["available"] },
        ],
        MaxResults: DESCRIBE_IMAGES_PAGE_SIZE,
    };
}

/**
 * All golden AMIs over every page, each once, in ImageId order so reports are stable. With
 * `imageIds`, only those: by the image-id filter, which (unlike ImageIds) answers an unknown or
 * deregistered ID with nothing instead of InvalidAMIID.NotFound for the whole call (EC2 API
 * reference, DescribeImages: Filter image-id).
 */
export async function findGoldenAmis(ec2: EC2Client, amiTags: Record<string, string>, amiOwners: string[], imageIds?: string[]): Promise<Image[]> {
    if (imageIds && imageIds.length === 0) return [];
    const base = goldenAmiQuery(amiTags, amiOwners);
    const query = imageIds ? { ...base, Filters: [...base.Filters!, { Name: "image-id", Values: imageIds }] } : base;
    const byId = new Map<string, Image>();
    let nextToken: string | undefined;
    do {
        const page = await ec2.send(new DescribeImagesCommand({ ...query, NextToken: nextToken }));
        for (const image of page.Images ?? []) {
            if (image.ImageId && !byId.has(image.ImageId)) byId.set(image.ImageId, image);
        }
        nextToken = page.NextToken;
    } while (nextToken);
    return [...byId.values()].sort((a, b) => (a.ImageId! < b.ImageId! ? -1 : a.ImageId! > b.ImageId! ? 1 : 0));
}

/** "Environment=prod, Golden=true" for notices. */
export function describeAmiTags(amiTags: Record<string, string>): string {
    return Object.entries(amiTags)
        .map(([key, value]) => `${key}=${value}`)
        .join(", ");
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
