export { GoldenAmiAssessment, GoldenAmiAssessmentArgs } from "./goldenAmiAssessment";
export { DEFAULTS } from "./defaults";
export { ConfigError } from "./config";
export { RulesPackageName, INSPECTOR_CLASSIC_REGIONS, INSPECTOR_CLASSIC_REGION_NAMES } from "../engines/classic/regions";
export { Severity } from "../pipeline/settings";
