import { Severity } from "../pipeline/settings";
import { RulesPackageName } from "../engines/classic/regions";

/** Deliberate defaults: assess weekly for an hour with the agent-based packages, fail on High. */
export const DEFAULTS = {
    amiOwners: ["self"],
    rulesPackages: ["cve", "cis", "security-best-practices"] as RulesPackageName[],
    duration: "1h",
    schedule: "rate(7 days)",
    severityThreshold: "High" as Severity,
    reportRetentionDays: 365,
    logRetentionDays: 30,
    agentWaitSeconds: 600,
    reapGraceSeconds: 3600,
    reaperSchedule: "rate(1 hour)",
    /** Everything the handlers write goes under this prefix; IAM is scoped to it. */
    reportPrefix: "reports/",
};
