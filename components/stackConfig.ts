// Reads and validates the stack's configuration (namespace golden-ami-assessment).
import { EngineName, Severity } from "../pipeline/run/settings";
import { RulesPackageName, engineFacts } from "./engines";
import { DEFAULTS } from "../infra/defaults";
import {
    ConfigError,
    ConfigErrors,
    validateDurationForEngine,
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

import { StackConfigKey, unknownKeyErrors } from "./configKeys";
import { validateFlag, validateKmsKeyArns, validateKmsKeysInRegions, validateMaxConcurrentInstances } from "./launchConfig";
import { partitionOf } from "../infra/partition";
import { readPolicyConfig } from "./policyStackConfig";
import type { AcceptedRisk, FailWhen } from "../pipeline/verdict/policy";
import { validateAssessOnPublish, validateAssessOnTag } from "./publishConfig";
import { HubOptions, validateHubOptions } from "./hubConfig";
import { AccountTarget, validateAccounts, validateHub, validateNoSharedSubnets, validateRoleName } from "./accountsConfig";

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
    /** Verdict policy (docs/policy.md); failWhen undefined: severityThreshold alone. */
    acceptedRisks: AcceptedRisk[];
    failWhen?: FailWhen;
    securityHub: boolean;
    assessOnPublish: boolean;
    assessOnTag: boolean;
    /** digestSchedule and perRunEmails, as set (docs/hub.md). */
    hubOptions: HubOptions;
    /** Where the stack deploys; undefined: the stack's own account, no role assumed. */
    accounts?: AccountTarget[];
    /** The hub's account; undefined: the deploying account. */
    hub?: string;
}

/**
 * `get` returns the raw config string (structured values as JSON), undefined when unset.
 * `allKeys` ("namespace:key", e.g. Object.keys(runtime.allConfig())) lets unknown keys be refused.
 * Every bad key is reported at once (ConfigErrors); a check that needs another key's value runs
 * only when that value is valid.
 */
export function readStackConfig(get: (key: string) => string | undefined, awsRegion: string | undefined, allKeys: readonly string[] = [], now: Date = new Date()): StackConfig {
    const errors: ConfigError[] = unknownKeyErrors(allKeys, CONFIG_NAMESPACE);
    const check = <T>(validate: () => T): T | undefined => {
        try {
            return validate();
        } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            errors.push(error);
            return undefined;
        }
    };
    const settings = readSettings(get, awsRegion, check, now);
    if (errors.length > 0 || settings === undefined) throw errors.length === 1 ? errors[0] : new ConfigErrors(errors);
    return settings;
}

type Check = <T>(validate: () => T) => T | undefined;

function readSettings(get: (key: string) => string | undefined, awsRegion: string | undefined, check: Check, now: Date): StackConfig | undefined {
    const key = (name: StackConfigKey) => `${CONFIG_NAMESPACE}:${name}`;
    const structured = (name: StackConfigKey): unknown => {
        const raw = get(name);
        if (raw === undefined) return undefined;
        try {
            return JSON.parse(raw);
        } catch {
            // Plain strings (e.g. a region name where a list is expected) reach the validator as-is.
            return raw;
        }
    };
    const engine = check(() => validateEngine(key("engine"), get("engine") ?? DEFAULTS.engine));
    const facts = engine && engineFacts(engine);
    const regions = check(() => {
        const value = structured("regions") ?? (awsRegion ? [awsRegion] : undefined);
        if (value === undefined) throw new ConfigError(key("regions"), undefined, "set golden-ami-assessment:regions or aws:region to the region(s) to assess");
        if (!facts) return undefined;
        const valid = validateRegions(key("regions"), value, facts);
        validateSinglePartition(key("regions"), valid);
        return valid;
    });
    const rulesPackages = facts && check(() => {
        const packages = validateRulesPackages(key("rulesPackages"), structured("rulesPackages") ?? facts.defaultRulesPackages, facts);
        for (const region of regions ?? []) validateRulesPackagesInRegion(key("rulesPackages"), packages, region, facts);
        return packages;
    });
    const durationValue = get("duration") ?? DEFAULTS.duration;
    const durationSeconds = check(() => validateDuration(key("duration"), durationValue));
    if (facts && durationSeconds !== undefined) check(() => validateDurationForEngine(key("duration"), durationValue, durationSeconds, facts));
    // The stack sets no agent wait or grace: the component's defaults apply.
    const schedule = check(() => {
        const valid = validateSchedule(key("schedule"), get("schedule") ?? DEFAULTS.schedule);
        if (durationSeconds === undefined) return valid;
        const run = { durationSeconds, agentWaitSeconds: DEFAULTS.agentWaitSeconds, reapGraceSeconds: DEFAULTS.reapGraceSeconds };
        return validateScheduleCoversRun(key("schedule"), valid, run);
    });
    const kmsKeyArns = check(() => {
        const arns = validateKmsKeyArns(key("kmsKeyArns"), structured("kmsKeyArns") ?? DEFAULTS.kmsKeyArns, partitionOf(regions?.[0] ?? awsRegion ?? "us-east-1"));
        return regions ? validateKmsKeysInRegions(key("kmsKeyArns"), arns, regions) : arns;
    });
    const rest = {
        scanMode: check(() => validateScanMode(key("scanMode"), get("scanMode") ?? DEFAULTS.scanMode, engine ?? DEFAULTS.engine)),
        enableInspector: check(() => validateEnableInspector(key("enableInspector"), structured("enableInspector") ?? DEFAULTS.enableInspector, engine ?? DEFAULTS.engine)),
        amiTags: check(() => validateAmiTags(key("amiTags"), structured("amiTags"))),
        amiOwners: check(() => validateAmiOwners(key("amiOwners"), structured("amiOwners") ?? DEFAULTS.amiOwners)),
        instanceTypes: check(() => validateInstanceTypes(key("instanceTypes"), structured("instanceTypes"))),
        subnets: check(() => validateSubnets(key("subnets"), structured("subnets"), regions ?? [])),
        notificationEmails: check(() => validateEmails(key("notificationEmails"), structured("notificationEmails"))),
        severityThreshold: check(() => validateSeverity(key("severityThreshold"), get("severityThreshold") ?? DEFAULTS.severityThreshold)),
        reportRetentionDays: check(() => validateRetentionDays(key("reportRetentionDays"), get("reportRetentionDays") ?? DEFAULTS.reportRetentionDays)),
        maxConcurrentInstances: check(() => validateMaxConcurrentInstances(key("maxConcurrentInstances"), get("maxConcurrentInstances") ?? DEFAULTS.maxConcurrentInstances)),
        deprecateFailingAmis: check(() => validateFlag(key("deprecateFailingAmis"), structured("deprecateFailingAmis") ?? DEFAULTS.deprecateFailingAmis)),
        reserveStartConcurrency: check(() => validateFlag(key("reserveStartConcurrency"), structured("reserveStartConcurrency") ?? DEFAULTS.reserveStartConcurrency)),
        hubOptions: check(() => validateHubOptions(key, get("digestSchedule"), structured("perRunEmails"))),
    };
    const assessOnPublish = check(() => validateAssessOnPublish(key("assessOnPublish"), structured("assessOnPublish"), engine ?? DEFAULTS.engine));
    const assessOnTag = check(() => validateAssessOnTag(key("assessOnTag"), structured("assessOnTag"), assessOnPublish ?? false));
    const policy = readPolicyConfig({ key, structured, get, check, engine, severityThreshold: rest.severityThreshold, now });
    const settings = { engine, regions, rulesPackages, durationSeconds, schedule, kmsKeyArns, ...rest, assessOnPublish, assessOnTag, ...policy.settings };
    const rollout = readRollout(key, get, structured, partitionOf(regions?.[0] ?? awsRegion ?? "us-east-1"), regions ?? [], check);
    if (rollout && rest.subnets) check(() => validateNoSharedSubnets(key("subnets"), rest.subnets!, rollout.value.accounts));
    if (!policy.valid || !rollout) return undefined;
    return Object.values({ ...settings, failWhen: true }).every((value) => value !== undefined) ? ({ ...settings, ...rollout.value } as StackConfig) : undefined;
}

/** accounts, roleName and hub (components/accountsConfig.ts); undefined when one of them is invalid. */
function readRollout(key: (name: StackConfigKey) => string, get: (key: string) => string | undefined, structured: (name: StackConfigKey) => unknown, partition: ReturnType<typeof partitionOf>, regions: string[], check: Check) {
    // Plain strings: JSON.parse would turn an account ID into a number.
    const roleNameValue = get("roleName");
    const roleName = roleNameValue === undefined ? undefined : check(() => validateRoleName(key("roleName"), roleNameValue));
    const accounts = check(() => validateAccounts(key("accounts"), structured("accounts"), roleName, partition, regions) ?? null);
    const hub = check(() => validateHub(key("hub"), get("hub")) ?? null);
    if ((roleNameValue !== undefined && roleName === undefined) || accounts === undefined || hub === undefined) return undefined;
    return { value: { ...(accounts ? { accounts } : {}), ...(hub ? { hub } : {}) } };
}
