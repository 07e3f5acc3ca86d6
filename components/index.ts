export { GoldenAmiAssessment, GoldenAmiAssessmentArgs } from "./goldenAmiAssessment";
export { DEFAULTS } from "./defaults";
export { ConfigError } from "./config";
export { RulesPackageName, INSPECTOR_CLASSIC_REGIONS, INSPECTOR_CLASSIC_REGION_NAMES } from "./inspectorClassic/regions";
export { Severity } from "../callbacks/settings";
