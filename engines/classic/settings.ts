// What the Classic handlers read beyond the shared settings: the assessment target and template.
import { RuntimeSettings, SettingsSpec, extendSpec } from "../../pipeline/settings";

export interface ClassicOnlySettings {
    assessmentTargetArn: string;
    assessmentTemplateArn: string;
}

export type ClassicSettings = RuntimeSettings & ClassicOnlySettings;

export const CLASSIC_SETTINGS_SPEC: SettingsSpec<ClassicSettings> = extendSpec<ClassicOnlySettings>({
    env: { assessmentTargetArn: "ASSESSMENT_TARGET_ARN", assessmentTemplateArn: "ASSESSMENT_TEMPLATE_ARN" },
    json: [],
    numbers: [],
});

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
