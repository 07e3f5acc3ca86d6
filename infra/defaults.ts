import { EngineName, Severity } from "../pipeline/run/settings";
import type { ScanMode } from "../pipeline/run/settings";

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
    /** Per run; 20 vCPUs at the default medium instance types. The rest wait for a later run. */
    maxConcurrentInstances: 10,
    /** Launching from snapshots under a customer-managed key needs the key listed: none by default. */
    kmsKeyArns: [] as string[],
    /** Changing AMIs beyond tags is opt-in. */
    deprecateFailingAmis: false,
    /** One start at a time, beside the S3 start lock. Off for accounts whose unreserved concurrency is at its minimum. */
    reserveStartConcurrency: true,
    /** Security Hub findings are opt-in: the account must have Security Hub enabled. */
    securityHub: false,
    /** Assess on publish reads CloudTrail CreateTags only when asked: it needs a trail (assessOnPublish's default is per engine: components/publishConfig.ts). */
    assessOnTag: false,
    /** How often the publish function launches queued AMIs whose slot has freed. */
    publishDrainSchedule: "rate(5 minutes)",
    reaperSchedule: "rate(1 hour)",
    /** How often analyze sweeps the open runs: v2 behind the best-effort scan events, Classic behind the completion topic. */
    sweepSchedule: "rate(5 minutes)",
    /** Inspector v2 agentless: AMI scan results older than this are stale. */
    amiScanMaxAgeDays: 7,
    /** Everything the handlers write goes under this prefix; IAM is scoped to it. */
    reportPrefix: "reports/",
    /** With a hub, an agentless stack's analyze sends the summaries of the runs start reported (docs/hub.md). */
    hubSweepSchedule: "rate(1 hour)",
};
