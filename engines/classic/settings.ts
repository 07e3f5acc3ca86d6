// What the Classic handlers read beyond the shared settings: the assessment target and template.
import { RuntimeSettings, SettingsSpec, extendSpec } from "../../pipeline/run/settings";

export interface ClassicOnlySettings {
    assessmentTargetArn: string;
    assessmentTemplateArn: string;
    /** How often start is scheduled; a verdict older than two of these is reported stale. Optional (7 days). */
    scheduleIntervalSeconds?: number;
}

export type ClassicSettings = RuntimeSettings & ClassicOnlySettings;

export const CLASSIC_SETTINGS_SPEC: SettingsSpec<ClassicSettings> = extendSpec<ClassicOnlySettings>({
    env: { assessmentTargetArn: "ASSESSMENT_TARGET_ARN", assessmentTemplateArn: "ASSESSMENT_TEMPLATE_ARN", scheduleIntervalSeconds: "SCHEDULE_INTERVAL_SECONDS" },
    json: [],
    numbers: ["scheduleIntervalSeconds"],
});

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
