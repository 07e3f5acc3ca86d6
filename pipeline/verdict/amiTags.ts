// Recording the verdict on each assessed golden AMI, under TAG_PREFIX only (IAM allows no other keys).
import { CreateTagsCommand, EC2Client, Tag } from "@aws-sdk/client-ec2";
import type { AmiAssessment, SeverityCounts } from "./consolidate";
import { mapWithConcurrency } from "../run/concurrency";
import { errorText } from "../run/errors";
import { COUNTS_TAG, LAST_ASSESSED_TAG, VERDICT_TAG } from "../run/tags";
import { verdictTagValue } from "./verdictTag";

export const TAG_VALUE_MAX = 256;
const TAGGING_CONCURRENCY = 4;

/** "H3 M1 L0 I2", with "C1 " first for v2's Critical and " U1" for Classic's Undefined, each only when present. */
export function countsTagValue(counts: SeverityCounts): string {
    const text = `${counts.Critical > 0 ? `C${counts.Critical} ` : ""}H${counts.High} M${counts.Medium} L${counts.Low} I${counts.Informational}`;
    return counts.Undefined > 0 ? `${text} U${counts.Undefined}` : text;
}

/** Keeps to the characters every AWS tagging API accepts (letters, digits, spaces, _ . : / = + - @) and 256 characters. */
export function safeTagValue(text: string): string {
    return text.replace(/[^\p{L}\p{N}\p{Zs}_.:/=+\-@]/gu, "_").slice(0, TAG_VALUE_MAX);
}

/** The tags written on one AMI; only AMIs with a PASS or FAIL verdict get them. */
export function assessmentTags(ami: AmiAssessment, assessedAt: Date): Tag[] {
    return [
        { Key: LAST_ASSESSED_TAG, Value: safeTagValue(assessedAt.toISOString()) },
        { Key: VERDICT_TAG, Value: safeTagValue(verdictTagValue(ami.verdict, assessedAt)) },
        { Key: COUNTS_TAG, Value: safeTagValue(countsTagValue(ami.counts)) },
    ];
}

export interface TaggingResult {
    tagged: string[];
    failed: { imageId: string; error: string }[];
}

/**
 * Tags PASS and FAIL AMIs. An AMI that could not be assessed keeps the tags of its last real
 * assessment. One AMI's failure (e.g. an AMI shared from another account) does not stop the rest.
 */
export async function tagAssessedAmis(ec2: EC2Client, amis: AmiAssessment[], assessedAt: Date): Promise<TaggingResult> {
    const result: TaggingResult = { tagged: [], failed: [] };
    const assessed = amis.filter((ami) => ami.verdict !== "NOT ASSESSED");
    await mapWithConcurrency(assessed, TAGGING_CONCURRENCY, async (ami) => {
        try {
            await ec2.send(new CreateTagsCommand({ Resources: [ami.imageId], Tags: assessmentTags(ami, assessedAt) }));
            result.tagged.push(ami.imageId);
        } catch (error) {
            result.failed.push({ imageId: ami.imageId, error: errorText(error) });
        }
    });
    result.tagged.sort();
    return result;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
