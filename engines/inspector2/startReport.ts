// The report of a run that launched nothing (agentless only, Inspector not enabled, every launch
// failed): start publishes it at once, in the same shape analyze would, through the same claim,
// delivered marker and verdict tags.
import { tagAssessedAmis } from "../../pipeline/verdict/amiTags";
import { AmiRecord, REPORT_CLAIM_SECONDS } from "../../pipeline/run/manifest";
import { publishReport } from "../../pipeline/report/publishReport";
import type { AssessmentReport, RunOutcome } from "../../pipeline/report/report";
import { claim, putIfAbsent, readJson, release } from "../../pipeline/run/runState";
import { policyFromSettings } from "../../pipeline/verdict/policy";
import { v2Report } from "./report";
import { sendRunVerdicts } from "./verdictSinks";
import { v2RunKeys } from "./run";
import type { AssessmentPlan, V2StartDeps, V2StartResult } from "./startContract";

/** Publishes the report of a run that launched nothing (agentless only, or Inspector not enabled). */
export async function reportWithoutLaunch(deps: V2StartDeps, runId: string, plan: AssessmentPlan, outcome: RunOutcome, unlaunched: AmiRecord[], trigger?: string): Promise<V2StartResult> {
    const { settings } = deps;
    const amis = [...plan.settled, ...unlaunched];
    const now = deps.now();
    const report = v2Report({
        ...settings,
        region: deps.region,
        manifest: { runId, startedAt: now.toISOString(), amis, instances: [], agentless: plan.agentless, notes: [], ...(trigger ? { trigger } : {}) },
        policy: policyFromSettings(settings, now),
        scanned: new Set(),
        notScannedReasons: {},
        findings: [],
        outcome,
        generatedAt: now,
        terminated: [],
        terminationFailed: [],
        problems: [],
    });
    await deliverOnce(deps, runId, report, amis);
    return { runId, outcome: "REPORTED", amis, reportOutcome: outcome };
}

/**
 * The launched runs' path (finalize.ts): claim the report, publish unless already delivered, mark
 * it delivered, then tag the AMIs with their verdicts and send them to EventBridge (and Security Hub).
 * A tagging or sending failure is logged, never thrown.
 */
async function deliverOnce(deps: V2StartDeps, runId: string, report: AssessmentReport, amis: AmiRecord[]): Promise<void> {
    const { settings, s3 } = deps;
    const keys = v2RunKeys(settings.reportPrefix, runId);
    const holder = `start-${runId}`;
    const claimed = await claim(s3, settings.reportBucket, keys.reportClaim, { holder, expiresAt: new Date(deps.now().getTime() + REPORT_CLAIM_SECONDS * 1000).toISOString() }, deps.now());
    if (claimed.status === "held" || (await readJson(s3, settings.reportBucket, keys.deliveredMarker))) return;
    try {
        await publishReport(s3, deps.sns, settings.resultsTopicArn, report, settings.reportPrefix, { email: deps.hub?.perRunEmails ?? true });
    } catch (error) {
        await release(s3, settings.reportBucket, keys.reportClaim, holder).catch(() => undefined);
        throw error;
    }
    await putIfAbsent(s3, settings.reportBucket, keys.deliveredMarker, JSON.stringify({ runId, holder, deliveredAt: deps.now().toISOString() }));
    // The hub's run summary is sent by analyze's next sweep (docs/hub.md): the hub admits analyze's role only.
    const tagging = await tagAssessedAmis(deps.ec2, report.amis, new Date(report.generatedAt));
    for (const failed of tagging.failed) deps.log?.(`could not tag ${failed.imageId}: ${failed.error}`);
    // No sweep follows a run start reports itself: what does not go out now is logged (and in the progress object).
    const sinks = await sendRunVerdicts(deps, { runId, amis }, report).catch((error) => ({ status: "incomplete", problems: [String(error)] }));
    for (const problem of sinks.problems) deps.log?.(problem);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
