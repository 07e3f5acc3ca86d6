// deprecateFailingAmis: a FAIL AMI this account owns gets a deprecation time, so consoles and
// launch tooling show it as deprecated; a later PASS removes it. Only deprecations this pipeline
// made (marked by DEPRECATED_BY_TAG) are ever removed. The marker is written before the
// deprecation, so a crash in between leaves a marker that the next verdict completes or removes.
import { CreateTagsCommand, DeleteTagsCommand, DisableImageDeprecationCommand, EC2Client, EnableImageDeprecationCommand } from "@aws-sdk/client-ec2";
import type { AmiAssessment } from "./consolidate";
import { errorText } from "../run/errors";
import type { AmiRecord } from "../run/manifest";
import { DEPRECATED_BY_TAG } from "../run/tags";
import { verdictTagValue } from "./verdictTag";

export type DeprecationAction = "deprecate" | "undeprecate";

export interface DeprecationChange {
    imageId: string;
    action: DeprecationAction;
    /** For "deprecate": when EC2 shows the AMI as deprecated (ISO 8601). */
    deprecateAt?: string;
}

export interface DeprecationResult {
    changed: DeprecationChange[];
    /** AMIs a verdict would have changed but that are left alone, with why. */
    skipped: { imageId: string; reason: string }[];
    failed: { imageId: string; action: DeprecationAction; error: string }[];
}

/** EC2 refuses a time in the past and rounds to the minute: the start of the minute after next. */
export function deprecateAtFor(now: Date): Date {
    return new Date((Math.floor(now.getTime() / 60_000) + 2) * 60_000);
}

/** What to change for each AMI of the run. Pure. */
export function planDeprecations(amis: ReadonlyArray<AmiAssessment>, records: ReadonlyArray<AmiRecord>, accountId: string, now: Date) {
    const changes: DeprecationChange[] = [];
    const skipped: DeprecationResult["skipped"] = [];
    for (const ami of amis) {
        const record = records.find((candidate) => candidate.imageId === ami.imageId);
        if (!record || (ami.verdict !== "FAIL" && ami.verdict !== "PASS")) continue;
        const ours = Boolean(record.tags[DEPRECATED_BY_TAG]);
        if (ami.verdict === "PASS") {
            if (ours) changes.push({ imageId: ami.imageId, action: "undeprecate" });
            else if (record.deprecationTime) skipped.push({ imageId: ami.imageId, reason: `deprecated at ${record.deprecationTime} by someone else: left as it is` });
            continue;
        }
        if (record.ownerId !== accountId) {
            skipped.push({ imageId: ami.imageId, reason: `owned by ${record.ownerId ?? "an unknown account"}: only this account's (${accountId}) AMIs are deprecated` });
        } else if (record.deprecationTime && !ours) {
            skipped.push({ imageId: ami.imageId, reason: `already deprecated at ${record.deprecationTime} by someone else: left as it is` });
        } else if (!(ours && record.deprecationTime)) {
            changes.push({ imageId: ami.imageId, action: "deprecate", deprecateAt: deprecateAtFor(now).toISOString() });
        }
    }
    return { changes, skipped };
}

async function applyChange(ec2: EC2Client, change: DeprecationChange, now: Date): Promise<void> {
    const Resources = [change.imageId];
    if (change.action === "deprecate") {
        await ec2.send(new CreateTagsCommand({ Resources, Tags: [{ Key: DEPRECATED_BY_TAG, Value: verdictTagValue("FAIL", now) }] }));
        await ec2.send(new EnableImageDeprecationCommand({ ImageId: change.imageId, DeprecateAt: new Date(change.deprecateAt!) }));
    } else {
        await ec2.send(new DisableImageDeprecationCommand({ ImageId: change.imageId }));
        await ec2.send(new DeleteTagsCommand({ Resources, Tags: [{ Key: DEPRECATED_BY_TAG }] }));
    }
}

/** Applies the plan one AMI at a time; one AMI's failure is reported and the rest go on. */
export async function applyDeprecations(ec2: EC2Client, amis: ReadonlyArray<AmiAssessment>, records: ReadonlyArray<AmiRecord>, accountId: string, now: Date): Promise<DeprecationResult> {
    const { changes, skipped } = planDeprecations(amis, records, accountId, now);
    const result: DeprecationResult = { changed: [], skipped, failed: [] };
    for (const change of changes) {
        try {
            await applyChange(ec2, change, now);
            result.changed.push(change);
        } catch (error) {
            result.failed.push({ imageId: change.imageId, action: change.action, error: errorText(error) });
        }
    }
    return result;
}

/** What withDeprecations reads and adds: any report with its AMIs' verdicts and notes (the report layer builds on this one). */
export interface DeprecatableReport {
    amis: ReadonlyArray<AmiAssessment>;
    notes: string[];
    deprecations?: DeprecationResult;
}

/** The report with what deprecateFailingAmis changed, before it is published; unchanged when the option is off. */
export async function withDeprecations<R extends DeprecatableReport>(
    ec2: EC2Client,
    report: R,
    records: ReadonlyArray<AmiRecord> | undefined,
    settings: { deprecateFailingAmis?: boolean; accountId?: string },
    now: Date,
): Promise<R> {
    if (!settings.deprecateFailingAmis || !records) return report;
    if (!settings.accountId) return { ...report, notes: [...report.notes, "deprecateFailingAmis is on but the account ID is not configured; no AMI was deprecated."] };
    const deprecations = await applyDeprecations(ec2, report.amis, records, settings.accountId, now);
    const notes = deprecations.failed.map((failure) => `could not ${failure.action} ${failure.imageId}: ${failure.error}`);
    return { ...report, deprecations, notes: [...report.notes, ...notes] };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
