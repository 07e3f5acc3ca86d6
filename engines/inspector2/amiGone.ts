// An AMI deregistered while its run was open: its instance still runs and can be scanned (EC2 user
// guide, "Deregister an AMI": instances already launched are not affected), but a verdict on an
// AMI nobody can launch any more helps no one and cannot be tagged. It is reported NOT ASSESSED,
// "AMI gone", and the run is closed as usual (its instance terminated with the rest).
import { DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { AmiRecord } from "../../pipeline/run/manifest";
import { retrying } from "../../pipeline/run/retryable";
import type { V2RunManifest } from "./run";

/** DescribeImages' filter takes at most this many values per call [?]: kept small so no call is refused. */
const IMAGE_IDS_PER_CALL = 100;

export const AMI_GONE_REASON = "AMI gone: it was deregistered while its run was open, so no verdict is given (its instance was scanned and is terminated with the run)";

/**
 * The run's launched AMIs that DescribeImages no longer returns. By the image-id filter (an unknown
 * ID answers nothing rather than failing the call), deprecated ones included (IncludeDeprecated:
 * a deprecated AMI of another owner is hidden without it; EC2 API reference, DescribeImages).
 */
export async function goneAmis(ec2: EC2Client, amis: ReadonlyArray<AmiRecord>, sleep: (ms: number) => Promise<void>): Promise<Set<string>> {
    const ids = [...new Set(amis.filter((ami) => ami.status === "ASSESSING").map((ami) => ami.imageId))];
    const found = new Set<string>();
    const client = retrying(ec2, { sleep });
    for (let i = 0; i < ids.length; i += IMAGE_IDS_PER_CALL) {
        let token: string | undefined;
        do {
            const page = await client.send(new DescribeImagesCommand({ Filters: [{ Name: "image-id", Values: ids.slice(i, i + IMAGE_IDS_PER_CALL) }], IncludeDeprecated: true, NextToken: token }));
            for (const image of page.Images ?? []) if (image.ImageId) found.add(image.ImageId);
            token = page.NextToken;
        } while (token);
    }
    return new Set(ids.filter((id) => !found.has(id)));
}

/** Pure: the manifest with every gone AMI NOT_SCANNED, saying so. */
export function withGoneAmis<M extends Pick<V2RunManifest, "amis">>(manifest: M, gone: ReadonlySet<string>): M {
    if (gone.size === 0) return manifest;
    return { ...manifest, amis: manifest.amis.map((ami) => (gone.has(ami.imageId) ? { ...ami, status: "NOT_SCANNED" as const, reason: AMI_GONE_REASON } : ami)) };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
