// Pure: an Inspector v2 run's report in the shape both engines share. PASS needs proof: an
// instance whose coverage confirmed a scan after launch, or a fresh Inspector AMI scan result.
import { consolidate } from "../../pipeline/verdict/consolidate";
import type { FindingSummary } from "../../pipeline/verdict/findingModel";
import type { AmiRecord } from "../../pipeline/run/manifest";
import { AssessmentReport, RunOutcome, buildReport } from "../../pipeline/report/report";
import type { Severity } from "../../pipeline/run/settings";
import { VerdictPolicy, risksWithStatus } from "../../pipeline/verdict/policy";
import { agentlessFindings, v2RunKeys, V2RunManifest } from "./run";

export interface V2ReportInput {
    pipelineName: string;
    region: string;
    severityThreshold: Severity;
    reportBucket: string;
    reportPrefix: string;
    manifest: Pick<V2RunManifest, "runId" | "startedAt" | "amis" | "instances" | "agentless" | "notes" | "trigger">;
    /** Instances whose scan coverage confirmed; every other launched instance is NOT_SCANNED. */
    scanned: ReadonlySet<string>;
    /** Why each unconfirmed instance is not scanned, in plain words (coverage's reason). */
    notScannedReasons: Record<string, string>;
    findings: FindingSummary[];
    outcome: RunOutcome;
    generatedAt: Date;
    terminated: string[];
    terminationFailed: { instanceId: string; error: string }[];
    problems: string[];
    /** Accepted risks and failWhen; absent: severityThreshold alone decides. */
    policy?: VerdictPolicy;
}

/** The manifest's AMI records with the proof applied: launched but unconfirmed means NOT_SCANNED. */
export function provenAmis(amis: AmiRecord[], scanned: ReadonlySet<string>, reasons: Record<string, string>): AmiRecord[] {
    return amis.map((ami) => {
        if (ami.status !== "ASSESSING" || !ami.instanceId || scanned.has(ami.instanceId)) return ami;
        return { ...ami, status: "NOT_SCANNED", reason: `${ami.instanceId}: ${reasons[ami.instanceId] ?? "Inspector never reported a scan of it"}` };
    });
}

export function v2Report(input: V2ReportInput): AssessmentReport {
    const { manifest } = input;
    const keys = v2RunKeys(input.reportPrefix, manifest.runId);
    const amis = provenAmis(manifest.amis, input.scanned, input.notScannedReasons);
    const amiByInstance = Object.fromEntries(manifest.instances.map((instance) => [instance.instanceId, instance.imageId]));
    const consolidation = consolidate({
        findings: [...input.findings, ...agentlessFindings(manifest)],
        amiByInstance,
        manifest: { amis },
        severityThreshold: input.policy?.failWhen.severity ?? input.severityThreshold,
        unreadFindings: 0,
        policy: input.policy,
    });
    return buildReport({
        engine: "inspector2",
        pipelineName: input.pipelineName,
        region: input.region,
        runArn: manifest.runId,
        runArnId: manifest.runId,
        outcome: input.outcome,
        completedAt: input.generatedAt.toISOString(),
        generatedAt: input.generatedAt,
        severityThreshold: input.severityThreshold,
        manifest: { ...manifest, amis },
        listed: input.findings.length,
        read: input.findings.length,
        unread: [],
        consolidation,
        terminated: input.terminated,
        terminationFailed: input.terminationFailed,
        problems: [...manifest.notes, ...input.problems],
        location: { bucket: input.reportBucket, jsonKey: keys.reportJson, markdownKey: keys.reportMarkdown },
        policy: input.policy ? { failWhen: input.policy.failWhen, acceptedRisks: risksWithStatus(input.policy.acceptedRisks, input.policy.now) } : undefined,
    });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
