// Reporting one Inspector v2 run exactly once: claim the report, read the findings and save them
// before the instances go (Inspector closes a terminated instance's findings), terminate, publish,
// and only then mark the run delivered and close it. A reporter that fails before publishing gives
// the claim back; one that dies is taken over after REPORT_CLAIM_SECONDS and reuses the saved
// evidence. Dying between publish and the delivered marker means a second, identical report:
// at-least-once delivery, never none.
import { withDeprecations } from "../../pipeline/verdict/amiDeprecation";
import { tagAssessedAmis } from "../../pipeline/verdict/amiTags";
import { findingFails, withEffectiveSeverity } from "../../pipeline/verdict/consolidate";
import { VerdictPolicy, failsUnderPolicy, policyFromSettings } from "../../pipeline/verdict/policy";
import { sendRunVerdicts } from "./verdictSinks";
import type { FindingSummary } from "../../pipeline/verdict/findingModel";
import type { Severity } from "../../pipeline/run/settings";
import { publishReport } from "../../pipeline/report/publishReport";
import { deliverToHub } from "../../pipeline/hub/sendSummary";
import type { AssessmentReport, RunOutcome } from "../../pipeline/report/report";
import { findPipelineInstances } from "../../pipeline/cleanup/instances";
import { errorText } from "../../pipeline/run/errors";
import { RUN_TAG } from "../../pipeline/run/tags";
import { makeRunId } from "../../pipeline/run/runId";
import { terminateRunInstances } from "../../pipeline/cleanup/runCleanup";
import { claim, deleteKey, putIfAbsent, readJson, release } from "../../pipeline/run/runState";
import type { V2AnalyzeDeps } from "./analyzeContract";
import { CisInstanceResult, CisScanStatus, deleteCisScan } from "./cis";
import type { CoverageVerdict } from "./coverage";
import { FindingPackage, listReportableFindings } from "./findings";
import { v2Report } from "./report";
import { V2RunManifest, startLockKey, v2RunKeys } from "./run";
import { releaseLaunchClaims } from "../../pipeline/launch/slots";
import { goneAmis, withGoneAmis } from "./amiGone";

import { REPORT_CLAIM_SECONDS } from "../../pipeline/run/manifest";
export { REPORT_CLAIM_SECONDS };

export interface RunEvidence {
    /** Instances whose scan coverage confirmed and whose findings settled: only these prove a PASS. */
    recorded: Set<string>;
    /** Scans coverage confirmed whose findings had not settled: what they found can FAIL, never PASS. */
    unsettled?: Set<string>;
    verdicts: Record<string, CoverageVerdict>;
    cis?: { scanStatus: CisScanStatus; instances: Record<string, CisInstanceResult> };
    outcome: RunOutcome;
}

export type FinalizeResult =
    | { runId: string; status: "reporting-elsewhere"; by: string }
    | { runId: string; status: "already-reported" }
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

/**
 * Pure: why each instance cannot PASS on this run's CIS evidence. A run without cve has no
 * vulnerability evidence at all (config refuses it at preview; an older deployment may still run
 * one). With cis asked for, PASS needs that instance's CIS scan COMPLETED: a scan never created,
 * timed out, or ended SSM_UNMANAGED proves nothing (reference §5, §10).
 */
export function cisShortfalls(manifest: Pick<V2RunManifest, "rulesPackages" | "instances" | "cisScanConfigurationArn">, cis: RunEvidence["cis"]): Record<string, string> {
    const shortfalls: Record<string, string> = {};
    for (const { instanceId } of manifest.instances) {
        if (!manifest.rulesPackages.includes("cve")) {
            shortfalls[instanceId] = "the run's rules packages lack cve, so no vulnerability finding was read; a PASS cannot be confirmed";
            continue;
        }
        if (!manifest.rulesPackages.includes("cis")) continue;
        const result = cis?.instances[instanceId];
        if (result?.status === "COMPLETED") continue;
        const why = !manifest.cisScanConfigurationArn
            ? "no CIS scan was created for this run (see the notes)"
            : !result
              ? `the CIS scan (${cis?.scanStatus ?? "not read"}) has no result for it`
              : `its CIS scan ${result.status}${result.reason ? `: ${result.reason}` : ""}`;
        shortfalls[instanceId] = `CIS was asked for, but ${why}; a PASS needs a COMPLETED CIS result`;
    }
    return shortfalls;
}

/**
 * What the report is built from, saved before the instances are terminated: Inspector closes a
 * terminated instance's findings, so a reporter that died after terminating could not read them
 * again. The first snapshot wins (If-None-Match), so every retry reports the same evidence.
 */
export interface EvidenceSnapshot {
    runId: string;
    takenAt: string;
    outcome: RunOutcome;
    scanned: string[];
    notScannedReasons: Record<string, string>;
    /** ListFindings' ACTIVE findings of the run's instances. */
    findings: FindingSummary[];
    /** Instances with partial evidence (findings unsettled, deep inspection pending, agentless only). */
    partial?: string[];
    cisFindings: FindingSummary[];
    cisNotes: string[];
}

async function takeEvidence(deps: V2AnalyzeDeps, manifest: V2RunManifest, evidence: RunEvidence): Promise<EvidenceSnapshot> {
    const { s3, settings } = deps;
    const key = v2RunKeys(settings.reportPrefix, manifest.runId).evidence;
    const saved = await readJson<EvidenceSnapshot>(s3, settings.reportBucket, key);
    if (saved) return saved.value;
    const instanceIds = manifest.instances.map((instance) => instance.instanceId);
    // A scanned instance that is already gone (reaped, or terminated by hand) has had its findings
    // closed: zero ACTIVE findings would read as a PASS that nothing proves.
    const live = new Set((await findPipelineInstances(deps.ec2, settings.pipelineName, { [RUN_TAG]: manifest.runId })).map((instance) => instance.InstanceId));
    const notScannedReasons: Record<string, string> = Object.fromEntries(
        Object.values(evidence.verdicts).map((verdict) => [verdict.instanceId, `${verdict.detail} (coverage ${verdict.reason})`]),
    );
    for (const instanceId of evidence.unsettled ?? []) notScannedReasons[instanceId] = FINDINGS_NOT_SETTLED;
    const gone = (instanceId: string) => {
        if (live.has(instanceId)) return false;
        notScannedReasons[instanceId] = "scanned, but the instance was terminated before its findings were read (Inspector closes a terminated instance's findings), so its result cannot be confirmed";
        return true;
    };
    // Scanned but without the CIS result asked for: what was found can still FAIL it, never PASS.
    const cisShort = cisShortfalls(manifest, evidence.cis);
    for (const [instanceId, reason] of Object.entries(cisShort)) if (evidence.recorded.has(instanceId)) notScannedReasons[instanceId] = reason;
    const scanned = [...evidence.recorded].filter((instanceId) => !gone(instanceId) && !cisShort[instanceId]);
    const cisPartial = [...evidence.recorded].filter((instanceId) => cisShort[instanceId]);
    const partialIds = [...(evidence.unsettled ?? []), ...Object.values(evidence.verdicts).filter((v) => v.partial).map((v) => v.instanceId), ...cisPartial];
    const partial = partialIds.filter((instanceId) => !gone(instanceId));
    const packages = manifest.rulesPackages.filter((p): p is FindingPackage => p === "cve" || p === "network-reachability");
    const listed = await listReportableFindings(deps.inspector2, instanceIds, packages, { sleep: deps.sleep });
    const cis = cisEvidence(manifest, evidence.cis);
    const snapshot: EvidenceSnapshot = {
        runId: manifest.runId,
        takenAt: deps.now().toISOString(),
        outcome: evidence.outcome,
        scanned: scanned.sort(),
        partial: partial.sort(),
        notScannedReasons,
        findings: listed.findings,
        cisFindings: cis.findings,
        cisNotes: cis.notes,
    };
    if ((await putIfAbsent(s3, settings.reportBucket, key, JSON.stringify(snapshot))) === "created") return snapshot;
    // Another reporter saved first (it took the claim over from us, or we from it): its evidence is the run's.
    return (await readJson<EvidenceSnapshot>(s3, settings.reportBucket, key))?.value ?? snapshot;
}

/** Pure: whether a finding fails its AMI under the run's policy (accepted risks and failWhen), as consolidation judges it. */
export function failsUnderRunPolicy(manifest: Pick<V2RunManifest, "instances" | "amis">, policy: VerdictPolicy): (finding: FindingSummary) => boolean {
    const amiOf = new Map(manifest.instances.map((instance) => [instance.instanceId, instance.imageId]));
    return (finding) => {
        const imageId = finding.imageId ?? amiOf.get(finding.instanceId ?? "") ?? "";
        const name = manifest.amis.find((ami) => ami.imageId === imageId)?.name;
        return failsUnderPolicy(withEffectiveSeverity(finding, policy.failWhen.severity), { imageId, name }, policy);
    };
}

/** What the report says of a confirmed scan whose findings never settled. */
export const FINDINGS_NOT_SETTLED =
    "scanned, but its findings had not settled by the deadline (ListFindings lags behind coverage; it never returned the scan event's count, or two identical reads apart), so a PASS cannot be confirmed";

/**
 * Pure: the instances whose evidence gives a verdict: every fully proven one, and a partial one
 * only when what was found already FAILs it (a FAIL stands on what was found; a PASS needs it all).
 */
export function provingInstances(
    snapshot: Pick<EvidenceSnapshot, "scanned" | "partial" | "findings">,
    threshold: Severity,
    fails: (finding: FindingSummary) => boolean = (finding) => findingFails(finding, threshold),
): Set<string> {
    const failing = new Set(snapshot.findings.filter((finding) => finding.instanceId && fails(finding)).map((finding) => finding.instanceId!));
    return new Set([...snapshot.scanned, ...(snapshot.partial ?? []).filter((instanceId) => failing.has(instanceId))]);
}

export async function finalizeRun(deps: V2AnalyzeDeps, manifest: V2RunManifest, evidence: RunEvidence): Promise<FinalizeResult> {
    const { s3, settings } = deps;
    const { runId } = manifest;
    const keys = v2RunKeys(settings.reportPrefix, runId);
    const holder = `analyze-${makeRunId(deps.now(), deps.random)}`;
    const claimed = await claim(s3, settings.reportBucket, keys.reportClaim, { holder, expiresAt: new Date(deps.now().getTime() + REPORT_CLAIM_SECONDS * 1000).toISOString() }, deps.now());
    if (claimed.status === "held") return { runId, status: "reporting-elsewhere", by: claimed.by.holder };
    // The reporter we took over from (or one that finished since our caller looked) may have delivered.
    if (await readJson(s3, settings.reportBucket, keys.deliveredMarker)) {
        await closeDeliveredRun(deps, manifest);
        return { runId, status: "already-reported" };
    }

    const instanceIds = manifest.instances.map((instance) => instance.instanceId);
    let report: AssessmentReport;
    let snapshot: EvidenceSnapshot;
    let termination: Awaited<ReturnType<typeof terminateRunInstances>>;
    const problems: string[] = [];
    try {
        snapshot = await takeEvidence(deps, manifest, evidence);
        termination = await terminateRunInstances(deps.ec2, settings.pipelineName, runId, instanceIds);
        problems.push(...snapshot.cisNotes);
        if (termination.lookupError) problems.push(`Looking up this run's instances by tag failed (${termination.lookupError}); the hourly reaper will catch any missed.`);
        const generatedAt = deps.now();
        const policy = policyFromSettings(settings, generatedAt);
        report = v2Report({
            ...settings,
            region: deps.region,
            // An AMI deregistered mid-run gets no verdict (amiGone.ts).
            manifest: withGoneAmis(manifest, await goneAmis(deps.ec2, manifest.amis, deps.sleep)),
            policy,
            scanned: provingInstances(snapshot, policy.failWhen.severity, failsUnderRunPolicy(manifest, policy)),
            notScannedReasons: snapshot.notScannedReasons,
            findings: [...snapshot.findings, ...snapshot.cisFindings],
            outcome: snapshot.outcome,
            generatedAt,
            terminated: termination.terminated,
            terminationFailed: termination.failed,
            problems,
        });
        // Before publishing, so the report says what was deprecated; repeating it on a retry changes nothing more.
        report = await withDeprecations(deps.ec2, report, manifest.amis, settings, deps.now());
        await publishReport(s3, deps.sns, settings.resultsTopicArn, report, settings.reportPrefix, { email: deps.hub?.perRunEmails ?? true });
    } catch (error) {
        // Nothing went out: give the claim back so that the retry (or the next sweep) reports at
        // once instead of waiting out REPORT_CLAIM_SECONDS. A reporter that dies cannot; the expiry covers it.
        await release(s3, settings.reportBucket, keys.reportClaim, holder).catch(() => undefined);
        throw error;
    }
    await putIfAbsent(s3, settings.reportBucket, keys.deliveredMarker, JSON.stringify({ runId, holder, deliveredAt: deps.now().toISOString() }));
    // The hub's run summary (docs/hub.md): never throws; one that failed is resent by the next sweep.
    const toHub = await deliverToHub(s3, deps.hub, report);
    if (toHub.status === "failed") problems.push(`The run summary did not reach the hub (${toHub.error}); the next sweep resends it.`);

    // Housekeeping after delivery: each step is repeatable, and a failure here never costs the report.
    const closed = await closeRun(deps, manifest, report);
    problems.push(...closed.problems);
    return {
        runId,
        status: "reported",
        outcome: report.outcome,
        verdicts: report.verdictCounts,
        findings: snapshot.findings.length,
        terminated: termination.terminated,
        tagged: closed.tagged,
        problems,
    };
}

/**
 * After delivery: tag the assessed AMIs, delete the CIS scan, free the start lock and, last,
 * close the run. Repeatable; an open marker left behind means these have not all happened.
 */
async function closeRun(deps: V2AnalyzeDeps, manifest: V2RunManifest, report: AssessmentReport | undefined): Promise<{ tagged: string[]; problems: string[] }> {
    const { s3, settings } = deps;
    const keys = v2RunKeys(settings.reportPrefix, manifest.runId);
    const problems: string[] = [];
    let tagged: string[] = [];
    if (report) {
        const tagging = await tagAssessedAmis(deps.ec2, report.amis, new Date(report.generatedAt));
        for (const failed of tagging.failed) problems.push(`could not tag ${failed.imageId}: ${failed.error}`);
        tagged = tagging.tagged;
    }
    // Verdicts to EventBridge and Security Hub, once per run; missing ones keep the run open for the next sweep.
    const sinks = report ? await sendRunVerdicts(deps, manifest, report as AssessmentReport) : undefined;
    problems.push(...(sinks?.problems ?? []));
    if (manifest.cisScanConfigurationArn) {
        await deleteCisScan(deps.inspector2, manifest.cisScanConfigurationArn).catch((error) => problems.push(`could not delete the CIS scan configuration: ${errorText(error)}`));
    }
    await release(s3, settings.reportBucket, startLockKey(settings.reportPrefix), manifest.runId);
    // The run's AMIs and instance slots are free for the next publish or schedule (slots.ts).
    await releaseLaunchClaims(s3, settings.reportBucket, settings.reportPrefix, manifest.runId, manifest.claims);
    if (sinks?.status !== "incomplete") await deleteKey(s3, settings.reportBucket, keys.openMarker);
    return { tagged, problems };
}

/** A run found delivered but still open: its reporter died during housekeeping; finish it from the stored report. */
export async function closeDeliveredRun(deps: V2AnalyzeDeps, manifest: V2RunManifest): Promise<void> {
    const { s3, settings } = deps;
    const stored = await readJson<AssessmentReport>(s3, settings.reportBucket, v2RunKeys(settings.reportPrefix, manifest.runId).reportJson);
    await closeRun(deps, manifest, stored?.value);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
