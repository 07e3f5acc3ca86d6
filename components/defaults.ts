import { EngineName, Severity } from "../pipeline/settings";
import type { ScanMode } from "./config";

/** Deliberate defaults: Inspector v2, assess weekly for at most an hour, fail on High; rules packages per engine (components/engines.ts). */
export const DEFAULTS = {
    engine: "inspector2" as EngineName,
    scanMode: "instance" as ScanMode,
    /** Enabling Inspector is account-wide and billed: never without the user's say. */
    enableInspector: false,
    amiOwners: ["self"],
    duration: "1h",
    schedule: "rate(7 days)",
    severityThreshold: "High" as Severity,
    reportRetentionDays: 365,
    logRetentionDays: 30,
    agentWaitSeconds: 600,
    reapGraceSeconds: 3600,
    reaperSchedule: "rate(1 hour)",
    /** Inspector v2: how often open runs are polled, behind the best-effort scan events. */
    sweepSchedule: "rate(5 minutes)",
    /** Inspector v2 agentless: AMI scan results older than this are stale. */
    amiScanMaxAgeDays: 7,
    /** Everything the handlers write goes under this prefix; IAM is scoped to it. */
    reportPrefix: "reports/",
};
