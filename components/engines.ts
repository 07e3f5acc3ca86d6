// The engines side by side: which regions and rules packages each serves. Config validation
// and the component read them from here, the one place the engine is chosen.
import { INSPECTOR_CLASSIC_REGION_NAMES, regionFacts } from "../engines/classic/regions";
import { INSPECTOR2_REGION_NAMES, INSPECTOR2_RULES_PACKAGES } from "../engines/inspector2/regions";
import type { EngineName } from "../pipeline/run/settings";
import type { RulesPackageName } from "../pipeline/run/rulesPackages";

export { RULES_PACKAGE_NAMES, RulesPackageName } from "../pipeline/run/rulesPackages";

export const ENGINE_NAMES: readonly EngineName[] = ["inspector2", "classic"];

export interface EngineFacts {
    name: EngineName;
    label: string;
    regions: readonly string[];
    rulesPackages: readonly RulesPackageName[];
    /** The packages a region offers with this engine. */
    rulesPackagesIn: (region: string) => RulesPackageName[];
    /** Used when rulesPackages is not set. */
    defaultRulesPackages: RulesPackageName[];
    /** Packages the engine names but this component refuses, with the reason the refusal gives. */
    refusedRulesPackages: Partial<Record<RulesPackageName, string>>;
    /** The shortest duration in which a scan can finish, with the reason. */
    minimumDuration: { seconds: number; reason: string };
}

const ENGINES: Record<EngineName, EngineFacts> = {
    inspector2: {
        name: "inspector2",
        label: "Amazon Inspector v2",
        regions: INSPECTOR2_REGION_NAMES,
        rulesPackages: INSPECTOR2_RULES_PACKAGES,
        rulesPackagesIn: () => [...INSPECTOR2_RULES_PACKAGES],
        // The package scan is what proves an AMI; CIS adds a second scan and cost, so it is opt-in.
        defaultRulesPackages: ["cve"],
        // Issue 17; reference/inspector2.md section 10.
        refusedRulesPackages: {
            "network-reachability":
                "Inspector v2 runs network reachability every 12 to 24 hours, outside the run; the run reads coverage only for package scans; " +
                "and the reachability of a throwaway instance with no ingress says nothing about the AMI. Use cve (and cis), or engine classic",
        },
        // SSM inventory, which v2's package scan reads, is evaluated every 30 minutes (user guide, EC2 scanning, "Last scanned";
        // reference/inspector2.md section 10), so a 15-minute run almost always ends NOT ASSESSED; 1h is the next duration up.
        minimumDuration: {
            seconds: 3600,
            reason: "Inspector v2 scans from SSM inventory, which is collected every 30 minutes, so a shorter run almost always ends NOT ASSESSED; use 1h or longer, or engine classic",
        },
    },
    classic: {
        name: "classic",
        label: "Amazon Inspector Classic",
        regions: INSPECTOR_CLASSIC_REGION_NAMES,
        rulesPackages: ["cve", "cis", "security-best-practices", "network-reachability"],
        rulesPackagesIn: (region) => Object.keys(regionFacts(region).rulesPackageIds) as RulesPackageName[],
        defaultRulesPackages: ["cve", "cis", "security-best-practices"],
        refusedRulesPackages: {},
        // Classic's assessment runs as long as its template says; the console's shortest is 15 minutes.
        minimumDuration: { seconds: 900, reason: "Inspector Classic's shortest assessment is 15 minutes" },
    },
};

export function engineFacts(engine: EngineName): EngineFacts {
    return ENGINES[engine];
}
