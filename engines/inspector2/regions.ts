// Amazon Inspector v2 regional facts.
// Source: AWS General Reference, "Amazon Inspector endpoints and quotas" (commercial and GovCloud
// regions where the inspector2 endpoint exists). China regions are left out: they need their own
// partition and credentials. CIS scans may lag in new regions; the runtime reports that, not preview.
import type { RulesPackageName } from "../../pipeline/run/rulesPackages";

export const INSPECTOR2_REGION_NAMES: readonly string[] = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ca-central-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "sa-east-1",
    "us-gov-east-1", "us-gov-west-1",
];

/**
 * What v2 can serve: package vulnerabilities and network reachability are findings of the
 * instance scan; CIS is a separate CIS scan. Security best practices has no v2 counterpart.
 */
export const INSPECTOR2_RULES_PACKAGES: readonly RulesPackageName[] = ["cve", "network-reachability", "cis"];
