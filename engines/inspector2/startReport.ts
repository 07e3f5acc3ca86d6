// The report of a run that launched nothing (agentless only, Inspector not enabled, every launch
// failed): start publishes it at once, in the same shape analyze would.
import type { AmiRecord } from "../../pipeline/manifest";
import { publishReport } from "../../pipeline/publishReport";
import type { RunOutcome } from "../../pipeline/report";
import { putIfAbsent } from "../../pipeline/runState";
import { v2Report } from "./report";
import { v2RunKeys } from "./run";
import type { AssessmentPlan, V2StartDeps, V2StartResult } from "./start";

/** Publishes the report of a run that launched nothing (agentless only, or Inspector not enabled). */
export async function reportWithoutLaunch(deps: V2StartDeps, runId: string, plan: AssessmentPlan, outcome: RunOutcome, unlaunched: AmiRecord[]): Promise<V2StartResult> {
    const { settings } = deps;
    const amis = [...plan.settled, ...unlaunched];
    const now = deps.now();
    const report = v2Report({
        ...settings,
        region: deps.region,
        manifest: { runId, startedAt: now.toISOString(), amis, instances: [], agentless: plan.agentless, notes: [] },
        scanned: new Set(),
        notScannedReasons: {},
        findings: [],
        outcome,
        generatedAt: now,
        terminated: [],
        terminationFailed: [],
        problems: [],
    });
    await publishReport(deps.s3, deps.sns, settings.resultsTopicArn, report, settings.reportPrefix);
    await putIfAbsent(deps.s3, settings.reportBucket, v2RunKeys(settings.reportPrefix, runId).deliveredMarker, JSON.stringify({ runId, deliveredAt: now.toISOString() }));
    return { runId, outcome: "REPORTED", amis, reportOutcome: outcome };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
