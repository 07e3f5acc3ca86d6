import type { Tag } from "@aws-sdk/client-ec2";

// Tag keys shared by the component (resource group, IAM conditions) and the handlers.
// Every tag this product writes starts with TAG_PREFIX, so IAM can confine CreateTags to it.
export const TAG_PREFIX = "golden-ami-assessment:";
/** On assessment instances and volumes; value = component name. The resource group selects it. */
export const PIPELINE_TAG = `${TAG_PREFIX}pipeline`;
/** On assessment instances: the start invocation that launched them. */
export const RUN_TAG = `${TAG_PREFIX}run-id`;
/** On assessment instances: the golden AMI they were launched from. */
export const SOURCE_AMI_TAG = `${TAG_PREFIX}source-ami`;
/** On a golden AMI: overrides the instance type chosen by architecture. */
export const INSTANCE_TYPE_OVERRIDE_TAG = `${TAG_PREFIX}instance-type`;
/** On golden AMIs after analysis. */
export const LAST_ASSESSED_TAG = `${TAG_PREFIX}last-assessed`;
export const VERDICT_TAG = `${TAG_PREFIX}verdict`;
export const COUNTS_TAG = `${TAG_PREFIX}finding-counts`;
/** On a golden AMI this pipeline deprecated (deprecateFailingAmis): the FAIL verdict that did it. */
export const DEPRECATED_BY_TAG = `${TAG_PREFIX}deprecated-by`;

/** An EC2 tag list as a map; a resource without tags has `Tags` undefined. */
export function tagMap(tags: ReadonlyArray<Tag> | undefined): Record<string, string> {
    const map: Record<string, string> = {};
    for (const tag of tags ?? []) {
        if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? "";
    }
    return map;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
