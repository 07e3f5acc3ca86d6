// Sending a delivered run's verdicts to EventBridge (always) and Security Hub (opt-in) once per run,
// under an S3 progress object beside the report. What was accepted is recorded per AMI, so a retry
// sends only what is missing; a crash between a send and the record resends it (at least once,
// like the report). After MAX_SINK_ATTEMPTS incomplete tries the run gives up and says so.
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { S3Client } from "@aws-sdk/client-s3";
import type { AmiRecord } from "../run/manifest";
import { errorText } from "../run/errors";
import { putJson, readJson } from "../run/runState";
import { VERDICT_TAG } from "../run/tags";
import { parseVerdictTag } from "../verdict/verdictTag";
import type { AssessmentReport } from "./report";
import { fullReportUrl } from "./reportText";
import { importVerdictFindings, verdictFinding, verdictFindingId } from "./securityHub";
import { SendResult, putVerdictEvents, verdictEventEntries } from "./verdictEvents";

/** Tries (one per sweep, 5 minutes apart) before a run stops waiting for its verdicts to go out. */
export const MAX_SINK_ATTEMPTS = 6;

export interface VerdictSinkProgress {
    /** Image IDs whose event EventBridge accepted. */
    events: string[];
    /** Finding Ids Security Hub imported. */
    securityHub: string[];
    attempts: number;
    done: boolean;
    gaveUp?: boolean;
    lastErrors?: string[];
}

export interface VerdictSinkDeps {
    s3: S3Client;
    bucket: string;
    /** The run's progress object. */
    key: string;
    /** Absent: no events are sent (a caller without the client). */
    events?: EventBridgeClient;
    /** Present only when securityHub is configured. */
    securityHub?: SecurityHubClient;
    sleep: (ms: number) => Promise<void>;
    now: () => Date;
}

export interface VerdictSinkInput {
    report: AssessmentReport;
    partition: string;
    account: string;
    /** The AMIs as the run found them: their verdict tag is the previous verdict. */
    amis: Pick<AmiRecord, "imageId" | "tags">[];
}

export type VerdictSinkStatus = "sent" | "already-sent" | "incomplete" | "gave-up" | "disabled";

/** Pure: each AMI's verdict before this run, from the verdict tag it carried at start. */
export function previousVerdicts(amis: Pick<AmiRecord, "imageId" | "tags">[]): Record<string, string | undefined> {
    return Object.fromEntries(amis.map((ami) => [ami.imageId, parseVerdictTag(ami.tags?.[VERDICT_TAG]).verdict]));
}

async function sendSafely(send: () => Promise<SendResult>, label: string): Promise<SendResult> {
    try {
        return await send();
    } catch (error) {
        return { sent: [], failed: [{ key: "*", error: `${label}: ${errorText(error)}` }], calls: 0 };
    }
}

/** Sends what the progress object does not yet record; "incomplete" means a later sweep should call again. */
export async function deliverVerdictsOnce(deps: VerdictSinkDeps, input: VerdictSinkInput): Promise<{ status: VerdictSinkStatus; problems: string[] }> {
    if (!deps.events) return { status: "disabled", problems: [] };
    const saved = (await readJson<VerdictSinkProgress>(deps.s3, deps.bucket, deps.key))?.value;
    if (saved?.done) return { status: "already-sent", problems: [] };
    const progress: VerdictSinkProgress = saved ?? { events: [], securityHub: [], attempts: 0, done: false };
    const { report } = input;
    const context = {
        partition: input.partition,
        account: input.account,
        region: report.region,
        pipeline: report.pipelineName,
        runId: report.runArnId,
        reportUrl: fullReportUrl(report),
        previousVerdicts: previousVerdicts(input.amis),
    };
    const retry = { sleep: deps.sleep };
    const eventsDue = report.amis.filter((ami) => !progress.events.includes(ami.imageId));
    const entries = verdictEventEntries(eventsDue, context, deps.now()).map((entry, i) => ({ key: eventsDue[i].imageId, entry }));
    const events = await sendSafely(() => putVerdictEvents(deps.events!, entries, retry), "PutEvents");
    progress.events.push(...events.sent);
    const errors = events.failed.map((f) => `EventBridge ${f.key}: ${f.error}`);
    if (deps.securityHub) {
        const due = report.amis.filter((ami) => !progress.securityHub.includes(verdictFindingId(context, ami.imageId)));
        const hub = await sendSafely(() => importVerdictFindings(deps.securityHub!, due.map((ami) => verdictFinding(ami, context, deps.now())), retry), "BatchImportFindings");
        progress.securityHub.push(...hub.sent);
        errors.push(...hub.failed.map((f) => `Security Hub ${f.key}: ${f.error}`));
    }
    progress.attempts++;
    progress.done = errors.length === 0 || progress.attempts >= MAX_SINK_ATTEMPTS;
    if (errors.length > 0) progress.lastErrors = errors;
    if (errors.length > 0 && progress.done) progress.gaveUp = true;
    await putJson(deps.s3, deps.bucket, deps.key, progress);
    if (errors.length === 0) return { status: "sent", problems: [] };
    const what = progress.done ? `gave up after ${progress.attempts} tries` : `try ${progress.attempts} of ${MAX_SINK_ATTEMPTS}; the next sweep tries again`;
    return { status: progress.done ? "gave-up" : "incomplete", problems: [`Verdicts not all sent (${what}): ${errors.slice(0, 5).join("; ")}`] };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
