// Amazon Inspector Classic regional facts.
// Source: Amazon Inspector Classic User Guide, "Amazon Inspector Classic rules packages and rules"
// (rules package ARNs per region) and "Setting up an SNS topic for Amazon Inspector Classic
// notifications" (the regional service account that publishes to your topic).
// GovCloud regions have no Network Reachability package.

import { partitionOf } from "../../infra/partition";
import type { RulesPackageName } from "../../pipeline/run/rulesPackages";

export { RulesPackageName } from "../../pipeline/run/rulesPackages";

export interface InspectorClassicRegion {
    /** The Inspector service account that publishes run notifications in this region. */
    inspectorAccount: string;
    /** Rules package id (the last ARN segment) per package; absent when the region lacks it. */
    rulesPackageIds: Partial<Record<RulesPackageName, string>>;
}

function region(account: string, cve: string, cis: string, networkReachability: string | undefined, securityBestPractices: string): InspectorClassicRegion {
    const rulesPackageIds: Partial<Record<RulesPackageName, string>> = { cve, cis, "security-best-practices": securityBestPractices };
    if (networkReachability) rulesPackageIds["network-reachability"] = networkReachability;
    return { inspectorAccount: account, rulesPackageIds };
}

export const INSPECTOR_CLASSIC_REGIONS: Readonly<Record<string, InspectorClassicRegion>> = {
    //                          account         CVE           CIS           Network Reach.  Security Best Practices
    "us-east-2": region("646659390643", "0-JnA8Zp85", "0-m8r61nnh", "0-cE4kTR30", "0-AxKmMHPX"),
    "us-east-1": region("316112463485", "0-gEjTy7T7", "0-rExsr2X8", "0-PmNV0Tcd", "0-R01qwB5Q"),
    "us-west-1": region("166987590008", "0-TKgzoVOa", "0-xUY8iRqX", "0-TxmXimXF", "0-byoQRFYm"),
    "us-west-2": region("758058086616", "0-9hgA516p", "0-H5hpSawc", "0-rD1z6dpl", "0-JJOtZiqQ"),
    "ap-south-1": region("162588757376", "0-LqnJE9dO", "0-PSUlX14m", "0-YxKfjFu1", "0-fs0IZZBj"),
    "ap-northeast-2": region("526946625049", "0-PoGHMznc", "0-T9srhg1z", "0-s3OmLzhL", "0-2WRpmi4n"),
    "ap-southeast-2": region("454640832652", "0-D5TGAxiR", "0-Vkd2Vxjq", "0-FLcuV4Gz", "0-asL6HRgN"),
    "ap-northeast-1": region("406045910587", "0-gHP9oWNT", "0-7WNjqgGu", "0-YI95DVd7", "0-bBUQnxMq"),
    "eu-central-1": region("537503971621", "0-wNqHa8M9", "0-nZrAVuv8", "0-6yunpJ91", "0-ZujVHEPB"),
    "eu-west-1": region("357557129151", "0-ubA5XvBh", "0-sJBhCr0F", "0-SPzU33xe", "0-SnojL3Z6"),
    "eu-west-2": region("146838936955", "0-kZGCqcE1", "0-IeCjwf1W", "0-AizSYyNq", "0-XApUiSaP"),
    "eu-north-1": region("453420244670", "0-IgdgIewd", "0-Yn8jlX7f", "0-52Sn74uu", "0-HfBQSbSf"),
    "us-gov-east-1": region("206278770380", "0-3IFKFuOb", "0-pTLCdIww", undefined, "0-vlgEGcVD"),
    "us-gov-west-1": region("850862329162", "0-4oQgcI4G", "0-Ac4CFOuc", undefined, "0-rOTGqe5G"),
};

export const INSPECTOR_CLASSIC_REGION_NAMES = Object.keys(INSPECTOR_CLASSIC_REGIONS);

export { partitionOf };

/** The principal the completion topic policy must allow: the region's Inspector account root. */
export function inspectorPrincipal(regionName: string): string {
    return `arn:${partitionOf(regionName)}:iam::${regionFacts(regionName).inspectorAccount}:root`;
}

/** Rules package ARNs for the region; throws naming the region when it lacks a package. */
export function rulesPackageArns(regionName: string, packages: readonly RulesPackageName[]): string[] {
    const facts = regionFacts(regionName);
    return packages.map((name) => {
        const id = facts.rulesPackageIds[name];
        if (!id) throw new Error(`rules package "${name}" is not available in ${regionName}`);
        return `arn:${partitionOf(regionName)}:inspector:${regionName}:${facts.inspectorAccount}:rulespackage/${id}`;
    });
}

export function regionFacts(regionName: string): InspectorClassicRegion {
    const facts = INSPECTOR_CLASSIC_REGIONS[regionName];
    if (!facts) throw new Error(`${regionName} is not an Amazon Inspector Classic region`);
    return facts;
}
