// What the Inspector v2 handlers read beyond the shared settings.
import type { RulesPackageName } from "../../pipeline/run/rulesPackages";
import { RuntimeSettings, SettingsSpec, extendSpec } from "../../pipeline/run/settings";

export type ScanModeSetting = "instance" | "agentless" | "auto";

export interface Inspector2OnlySettings {
    rulesPackages: RulesPackageName[];
    scanMode: ScanModeSetting;
    /** The instance profile assessment instances launch with (SSM core policy only). */
    instanceProfileArn: string;
    /** AMI scan results older than this are stale (agentless and auto). */
    amiScanMaxAgeDays: number;
    /** The publish function also reads CloudTrail CreateTags events (publishEvent.ts). */
    assessOnTag?: boolean;
}

export type Inspector2Settings = RuntimeSettings & Inspector2OnlySettings;

export const INSPECTOR2_SETTINGS_SPEC: SettingsSpec<Inspector2Settings> = extendSpec<Inspector2OnlySettings>({
    env: {
        rulesPackages: "RULES_PACKAGES",
        scanMode: "SCAN_MODE",
        instanceProfileArn: "INSTANCE_PROFILE_ARN",
        amiScanMaxAgeDays: "AMI_SCAN_MAX_AGE_DAYS",
        assessOnTag: "ASSESS_ON_TAG",
    },
    json: ["rulesPackages", "assessOnTag"],
    numbers: ["amiScanMaxAgeDays"],
});

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
