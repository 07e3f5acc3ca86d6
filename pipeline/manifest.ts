// What start hands to analyze through the report bucket: which AMIs a run covers and
// which could not be assessed. Keys derive from the Inspector run ARN, which analyze
// receives in the completion message.

export type AmiStatus = "ASSESSING" | "LAUNCH_FAILED" | "AGENT_UNHEALTHY";

export interface AmiRecord {
    imageId: string;
    name?: string;
    architecture?: string;
    platform?: string;
    /** The AMI's own tags at launch time. */
    tags: Record<string, string>;
    instanceId?: string;
    status: AmiStatus;
    /** Why it is not assessed (launch error, agent health). */
    reason?: string;
}

export interface RunManifest {
    /** start's id for this run; the value of RUN_TAG on its instances. */
    runId: string;
    assessmentRunArn: string;
    assessmentTemplateArn: string;
    /** ISO 8601. */
    startedAt: string;
    amis: AmiRecord[];
}

/** "0-MnOpQr56" from ".../template/0-GhIjKl34/run/0-MnOpQr56". */
export function runArnId(assessmentRunArn: string): string {
    const match = /\/run\/([^/]+)$/.exec(assessmentRunArn);
    if (!match) throw new Error(`not an Inspector assessment run ARN: ${assessmentRunArn}`);
    return match[1];
}

/** Object keys for one run, all under the report prefix. */
export function runKeys(reportPrefix: string, assessmentRunArn: string) {
    const base = `${reportPrefix}runs/${runArnId(assessmentRunArn)}/`;
    return {
        manifest: `${base}manifest.json`,
        reportJson: `${base}report.json`,
        reportMarkdown: `${base}report.md`,
        /** Written with If-None-Match: * so that a second delivery of the same completion publishes nothing. */
        deliveredMarker: `${base}delivered`,
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
