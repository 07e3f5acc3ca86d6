// What the Inspector v2 handlers read beyond the shared settings.
import type { RulesPackageName } from "../../pipeline/run/rulesPackages";
import { RuntimeSettings, SettingsSpec, extendSpec } from "../../pipeline/run/settings";
import type { AcceptedRisk, FailWhen } from "../../pipeline/verdict/policy";

export type ScanModeSetting = "instance" | "agentless" | "auto";

export interface Inspector2OnlySettings {
    rulesPackages: RulesPackageName[];
    scanMode: ScanModeSetting;
    /** The instance profile assessment instances launch with (SSM core policy only). */
    instanceProfileArn: string;
    /** AMI scan results older than this are stale (agentless and auto). */
    amiScanMaxAgeDays: number;
    /** Verdict policy (docs/policy.md); absent: none accepted, severityThreshold alone decides. */
    acceptedRisks?: AcceptedRisk[];
    failWhen?: FailWhen;
    /** Send each AMI's verdict to Security Hub as an ASFF finding. */
    securityHub?: boolean;
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
        acceptedRisks: "ACCEPTED_RISKS",
        failWhen: "FAIL_WHEN",
        securityHub: "SECURITY_HUB",
        assessOnTag: "ASSESS_ON_TAG",
    },
    json: ["rulesPackages", "acceptedRisks", "failWhen", "securityHub", "assessOnTag"],
    numbers: ["amiScanMaxAgeDays"],
});

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
