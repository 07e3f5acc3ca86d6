// Every Classic whole-cycle scenario, for mocha (tests/engines/classic/cycle.test.ts) and the bench.
import { CycleScenario } from "../outcome";
import { basicScenarios } from "./basic";
import { crashScenarios } from "./crashes";
import { throttleScenarios } from "./throttles";

export const classicScenarios: CycleScenario[] = [...basicScenarios, ...throttleScenarios, ...crashScenarios];
