// Every Inspector v2 whole-cycle scenario, for mocha (tests/engines/inspector2/cycle.test.ts) and the bench.
import { CycleScenario } from "../outcome";
import { basicScenarios } from "./basic";
import { crashScenarios } from "./crashes";
import { throttleScenarios } from "./throttles";
import { timedScenarios } from "./timed";

export const inspector2Scenarios: CycleScenario[] = [...basicScenarios, ...timedScenarios, ...throttleScenarios, ...crashScenarios];
