// Reads and validates the stack's configuration (namespace golden-ami-assessment).
import { EngineName, Severity } from "../pipeline/settings";
import { RulesPackageName, engineFacts } from "./engines";
import { DEFAULTS } from "./defaults";
import {
    ConfigError,
    validateAmiOwners,
    validateAmiTags,
    ScanMode,
    validateDuration,
    validateEnableInspector,
    validateEngine,
    validateScanMode,
    validateEmails,
    validateInstanceTypes,
    validateRegions,
    validateRetentionDays,
    validateRulesPackages,
    validateRulesPackagesInRegion,
    validateSchedule,
    validateScheduleCoversRun,
    validateSeverity,
    validateSinglePartition,
    validateSubnets,
} from "./config";

import { validateFlag, validateKmsKeyArns, validateMaxConcurrentInstances } from "./launchConfig";
import { partitionOf } from "./partition";

export const CONFIG_NAMESPACE = "golden-ami-assessment";

/** The stack's component in a region; the stack is part of it so two stacks never reap each other's instances. */
export function componentName(stack: string, region: string): string {
    return `gaa-${stack}-${region}`;
}

export interface StackConfig {
    engine: EngineName;
    scanMode: ScanMode;
    enableInspector: boolean;
    regions: string[];
    amiTags: Record<string, string>;
    amiOwners: string[];
    rulesPackages: RulesPackageName[];
    durationSeconds: number;
    schedule: string;
    instanceTypes: Record<string, string>;
    subnets: Record<string, string>;
    notificationEmails: string[];
    severityThreshold: Severity;
    reportRetentionDays: number;
    maxConcurrentInstances: number;
    kmsKeyArns: string[];
    deprecateFailingAmis: boolean;
    reserveStartConcurrency: boolean;
}

/** `get` returns the raw config string (structured values as JSON), undefined when unset. */
export function readStackConfig(get: (key: string) => string | undefined, awsRegion: string | undefined): StackConfig {
    const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;
    const structured = (name: string): unknown => {
        const raw = get(name);
        if (raw === undefined) return undefined;
        try {
            return JSON.parse(raw);
        } catch {
            // Plain strings (e.g. a region name where a list is expected) reach the validator as-is.
            return raw;
        }
    };
    const regionsValue = structured("regions") ?? (awsRegion ? [awsRegion] : undefined);
    if (regionsValue === undefined) {
        throw new ConfigError(key("regions"), undefined, "set golden-ami-assessment:regions or aws:region to the region(s) to assess");
    }
    const engine = validateEngine(key("engine"), get("engine") ?? DEFAULTS.engine);
    const facts = engineFacts(engine);
    const regions = validateRegions(key("regions"), regionsValue, facts);
    validateSinglePartition(key("regions"), regions);
    const rulesPackages = validateRulesPackages(key("rulesPackages"), structured("rulesPackages") ?? facts.defaultRulesPackages, facts);
    for (const region of regions) validateRulesPackagesInRegion(key("rulesPackages"), rulesPackages, region, facts);
    const durationSeconds = validateDuration(key("duration"), get("duration") ?? DEFAULTS.duration);
    // The stack sets no agent wait or grace: the component's defaults apply.
    const schedule = validateScheduleCoversRun(key("schedule"), validateSchedule(key("schedule"), get("schedule") ?? DEFAULTS.schedule), {
        durationSeconds,
        agentWaitSeconds: DEFAULTS.agentWaitSeconds,
        reapGraceSeconds: DEFAULTS.reapGraceSeconds,
    });
    return {
        engine,
        scanMode: validateScanMode(key("scanMode"), get("scanMode") ?? DEFAULTS.scanMode, engine),
        enableInspector: validateEnableInspector(key("enableInspector"), structured("enableInspector") ?? DEFAULTS.enableInspector, engine),
        regions,
        amiTags: validateAmiTags(key("amiTags"), structured("amiTags")),
        amiOwners: validateAmiOwners(key("amiOwners"), structured("amiOwners") ?? DEFAULTS.amiOwners),
        rulesPackages,
        durationSeconds,
        schedule,
        instanceTypes: validateInstanceTypes(key("instanceTypes"), structured("instanceTypes")),
        subnets: validateSubnets(key("subnets"), structured("subnets"), regions),
        notificationEmails: validateEmails(key("notificationEmails"), structured("notificationEmails")),
        severityThreshold: validateSeverity(key("severityThreshold"), get("severityThreshold") ?? DEFAULTS.severityThreshold),
        reportRetentionDays: validateRetentionDays(key("reportRetentionDays"), get("reportRetentionDays") ?? DEFAULTS.reportRetentionDays),
        maxConcurrentInstances: validateMaxConcurrentInstances(key("maxConcurrentInstances"), get("maxConcurrentInstances") ?? DEFAULTS.maxConcurrentInstances),
        kmsKeyArns: validateKmsKeyArns(key("kmsKeyArns"), structured("kmsKeyArns") ?? DEFAULTS.kmsKeyArns, partitionOf(regions[0])),
        deprecateFailingAmis: validateFlag(key("deprecateFailingAmis"), structured("deprecateFailingAmis") ?? DEFAULTS.deprecateFailingAmis),
        reserveStartConcurrency: validateFlag(key("reserveStartConcurrency"), structured("reserveStartConcurrency") ?? DEFAULTS.reserveStartConcurrency),
    };
}
