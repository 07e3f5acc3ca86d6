// Reporting one Inspector v2 run exactly once: claim the report, read the findings before the
// instances go (Inspector drops a terminated instance's findings after about 3 days), terminate,
// publish, and only then mark the run delivered and close it.
import { tagAssessedAmis } from "../../pipeline/amiTags";
import type { FindingSummary } from "../../pipeline/findingModel";
import { publishReport } from "../../pipeline/publishReport";
import type { RunOutcome } from "../../pipeline/report";
import { makeRunId } from "../../pipeline/runId";
import { terminateRunInstances } from "../../pipeline/runCleanup";
import { claim, deleteKey, putIfAbsent, release } from "../../pipeline/runState";
import type { V2AnalyzeDeps } from "./analyze";
import { CisInstanceResult, CisScanStatus, deleteCisScan } from "./cis";
import type { CoverageVerdict } from "./coverage";
import { FindingPackage, listActiveFindings } from "./findings";
import { v2Report } from "./report";
import { V2RunManifest, startLockKey, v2RunKeys } from "./run";

/** Longer than analyze's 15-minute timeout: a live reporter is never taken over. */
export const REPORT_CLAIM_SECONDS = 16 * 60;

export interface RunEvidence {
    recorded: Set<string>;
    verdicts: Record<string, CoverageVerdict>;
    cis?: { scanStatus: CisScanStatus; instances: Record<string, CisInstanceResult> };
    outcome: RunOutcome;
}

export type FinalizeResult =
    | { runId: string; status: "reporting-elsewhere"; by: string }
    | { runId: string; status: "reported"; outcome: RunOutcome; verdicts: Record<string, number>; findings: number; terminated: string[]; tagged: string[]; problems: string[] };

/** Failed CIS checks join the findings; a CIS scan that did not finish is said, not hidden. */
function cisEvidence(manifest: V2RunManifest, cis: RunEvidence["cis"]): { findings: FindingSummary[]; notes: string[] } {
    if (!manifest.cisScanConfigurationArn || !cis) return { findings: [], notes: [] };
    const notes: string[] = [];
    if (cis.scanStatus !== "COMPLETED") notes.push(`The CIS scan ended ${cis.scanStatus}: CIS results are incomplete.`);
    for (const instance of manifest.instances) {
        const result = cis.instances[instance.instanceId];
        if (!result) notes.push(`No CIS result for ${instance.instanceId} (${instance.imageId}).`);
        else if (result.status !== "COMPLETED") notes.push(`CIS scan of ${instance.instanceId} (${instance.imageId}) ${result.status}${result.reason ? `: ${result.reason}` : ""}.`);
    }
    return { findings: Object.values(cis.instances).flatMap((result) => result.failedChecks), notes };
}

export async function finalizeRun(deps: V2AnalyzeDeps, manifest: V2RunManifest, evidence: RunEvidence): Promise<FinalizeResult> {
    const { s3, settings } = deps;
    const { runId } = manifest;
    const keys = v2RunKeys(settings.reportPrefix, runId);
    const holder = `analyze-${makeRunId(deps.now(), deps.random)}`;
    const claimed = await claim(s3, settings.reportBucket, keys.reportClaim, { holder, expiresAt: new Date(deps.now().getTime() + REPORT_CLAIM_SECONDS * 1000).toISOString() }, deps.now());
    if (claimed.status === "held") return { runId, status: "reporting-elsewhere", by: claimed.by.holder };

    const instanceIds = manifest.instances.map((instance) => instance.instanceId);
    const packages = manifest.rulesPackages.filter((p): p is FindingPackage => p === "cve" || p === "network-reachability");
    const listed = await listActiveFindings(deps.inspector2, instanceIds, packages, { sleep: deps.sleep });
    const cis = cisEvidence(manifest, evidence.cis);
    const termination = await terminateRunInstances(deps.ec2, settings.pipelineName, runId, instanceIds);
    const problems = [...cis.notes];
    if (termination.lookupError) problems.push(`Looking up this run's instances by tag failed (${termination.lookupError}); the hourly reaper will catch any missed.`);

    const report = v2Report({
        ...settings,
        region: deps.region,
        manifest,
        scanned: evidence.recorded,
        notScannedReasons: Object.fromEntries(Object.values(evidence.verdicts).map((verdict) => [verdict.instanceId, `${verdict.detail} (coverage ${verdict.reason})`])),
        findings: [...listed.findings, ...cis.findings],
        outcome: evidence.outcome,
        generatedAt: deps.now(),
        terminated: termination.terminated,
        terminationFailed: termination.failed,
        problems,
    });
    await publishReport(s3, deps.sns, settings.resultsTopicArn, report);
    await putIfAbsent(s3, settings.reportBucket, keys.deliveredMarker, JSON.stringify({ runId, holder, deliveredAt: deps.now().toISOString() }));

    // Housekeeping after delivery: each step is repeatable, and a failure here never costs the report.
    const tagging = await tagAssessedAmis(deps.ec2, report.amis, deps.now());
    for (const failed of tagging.failed) problems.push(`could not tag ${failed.imageId}: ${failed.error}`);
    if (manifest.cisScanConfigurationArn) await deleteCisScan(deps.inspector2, manifest.cisScanConfigurationArn);
    await deleteKey(s3, settings.reportBucket, keys.openMarker);
    await release(s3, settings.reportBucket, startLockKey(settings.reportPrefix), runId);
    return { runId, status: "reported", outcome: report.outcome, verdicts: report.verdictCounts, findings: listed.findings.length, terminated: termination.terminated, tagged: tagging.tagged, problems };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
