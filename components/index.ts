export { GoldenAmiAssessment, GoldenAmiAssessmentArgs } from "./goldenAmiAssessment";
export { DEFAULTS } from "./defaults";
export { ConfigError } from "./config";
export { INSPECTOR_CLASSIC_REGIONS, INSPECTOR_CLASSIC_REGION_NAMES } from "../engines/classic/regions";
export { INSPECTOR2_REGION_NAMES } from "../engines/inspector2/regions";
export { RulesPackageName, ENGINE_NAMES } from "./engines";
export { ScanMode } from "./config";
export { EngineName, Severity } from "../pipeline/settings";
export { setAssessmentMocks, MockedResource, MockCloud, MOCK_ACCOUNT } from "./testing";
