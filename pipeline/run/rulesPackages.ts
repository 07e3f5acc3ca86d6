// What can be assessed, named the same on every engine; each engine says which it can serve.
export type RulesPackageName = "cve" | "cis" | "security-best-practices" | "network-reachability";

export const RULES_PACKAGE_NAMES: readonly RulesPackageName[] = ["cve", "cis", "security-best-practices", "network-reachability"];

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
