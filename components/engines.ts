// The engines side by side: which regions and rules packages each serves. Config validation
// and the component read them from here, the one place the engine is chosen.
import { INSPECTOR_CLASSIC_REGION_NAMES, regionFacts } from "../engines/classic/regions";
import { INSPECTOR2_REGION_NAMES, INSPECTOR2_RULES_PACKAGES } from "../engines/inspector2/regions";
import type { EngineName } from "../pipeline/settings";
import type { RulesPackageName } from "../pipeline/rulesPackages";

export { RULES_PACKAGE_NAMES, RulesPackageName } from "../pipeline/rulesPackages";

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
    },
    classic: {
        name: "classic",
        label: "Amazon Inspector Classic",
        regions: INSPECTOR_CLASSIC_REGION_NAMES,
        rulesPackages: ["cve", "cis", "security-best-practices", "network-reachability"],
        rulesPackagesIn: (region) => Object.keys(regionFacts(region).rulesPackageIds) as RulesPackageName[],
        defaultRulesPackages: ["cve", "cis", "security-best-practices"],
    },
};

export function engineFacts(engine: EngineName): EngineFacts {
    return ENGINES[engine];
}
