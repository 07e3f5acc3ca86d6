// Whole cycles of the verdict policy (issue 21) on the stateful fake: where verdicts go
// (EventBridge, Security Hub) and accepted risks across their expiry. Scenarios in
// tests/support/cycles/inspector2/policy.ts.
import { describeCycles } from "../../support/cycles/assertCycles";
import { policyScenarios } from "../../support/cycles/inspector2/policy";

describeCycles("Inspector v2 verdict policy, whole cycle (real handlers, fake EventBridge and Security Hub)", policyScenarios);
