// What start hands to analyze through the report bucket: which AMIs a run covers and
// which could not be assessed. Each engine adds what it needs and names the run's folder.

/**
 * ASSESSING until proven otherwise; the rest say why an AMI has no verdict: the launch failed,
 * the agent (Classic's, or v2's SSM agent) never became ready, the engine never confirmed a scan,
 * or the AMI waits for a later wave (maxConcurrentInstances).
 */
export type AmiStatus = "ASSESSING" | "LAUNCH_FAILED" | "AGENT_UNHEALTHY" | "NOT_SCANNED" | "WAITING";

export interface AmiRecord {
    imageId: string;
    name?: string;
    architecture?: string;
    platform?: string;
    /** The AMI's own tags at launch time. */
    tags: Record<string, string>;
    /** The account that owns the AMI: only AMIs this account owns are ever deprecated. */
    ownerId?: string;
    /** Set when the AMI already had a deprecation time (ISO 8601). */
    deprecationTime?: string;
    /** Snapshots of its EBS mappings that are encrypted: a launch that dies may lack their KMS key. */
    encryptedSnapshotIds?: string[];
    instanceId?: string;
    status: AmiStatus;
    /** Why it is not assessed (launch error, agent health). */
    reason?: string;
}

export interface RunManifest {
    /** start's id for this run; the value of RUN_TAG on its instances. */
    runId: string;
    engine?: string;
    /** ISO 8601. */
    startedAt: string;
    amis: AmiRecord[];
    /** What started a run other than the schedule: "published 2026-12-03T10:00Z (EC2 AMI State Change: available)". */
    trigger?: string;
}

/** Object keys for one run, all under the report prefix; `runKey` names the run's folder. */
export function runFolderKeys(reportPrefix: string, runKey: string) {
    const base = `${reportPrefix}runs/${runKey}/`;
    return {
        base,
        manifest: `${base}manifest.json`,
        reportJson: `${base}report.json`,
        reportMarkdown: `${base}report.md`,
        /** Written with If-None-Match: * so that a second delivery of the same completion publishes nothing. */
        deliveredMarker: `${base}delivered`,
        /** The right to report; expires so that a crashed reporter's run is reported by a retry. */
        reportClaim: `${base}report.claim`,
    };
}

/** Longer than analyze's 15-minute Lambda timeout: a live reporter is never taken over. */
export const REPORT_CLAIM_SECONDS = 16 * 60;

/** The per-pipeline start lock (the bucket is the region's): one fleet at a time, on either engine. */
export function startLockKey(reportPrefix: string): string {
    return `${reportPrefix}locks/start.json`;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
