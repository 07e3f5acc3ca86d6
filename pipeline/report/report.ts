// Pure: the full report of one run, as written to S3 (JSON) and rendered by reportText.
import type { AmiAssessment, Consolidation, UnmappedFindings, Verdict } from "../verdict/consolidate";
import type { DeprecationResult } from "../verdict/amiDeprecation";
import type { RunManifest } from "../run/manifest";
import type { EngineName, Severity } from "../run/settings";
import type { FailWhen, RiskWithStatus } from "../verdict/policy";

export const REPORT_SCHEMA_VERSION = 2;

/** A finding the engine listed but could not read; the report says how many and why. */
export interface UnreadFinding {
    findingArn: string;
    reason: string;
}

/**
 * How a run ended. COMPLETED: assessed. DEADLINE_REACHED: duration ran out before every instance
 * was confirmed scanned. INSPECTOR_NOT_ENABLED: nothing could be assessed in this account and region.
 * Anything else: the engine's own failed run state (Classic's FAILED, ERROR, CANCELED).
 */
export type RunOutcome = "COMPLETED" | "DEADLINE_REACHED" | "INSPECTOR_NOT_ENABLED" | (string & {});

export type ManifestStatus = { found: true; runId: string; startedAt: string } | { found: false; reason: string };

export interface AssessmentReport {
    schemaVersion: number;
    /** The only field that tells the engines apart. */
    engine: EngineName;
    pipelineName: string;
    region: string;
    runArn: string;
    /** The run's short id: Classic's run ARN id ("0-MnOpQr56"), or start's run id. */
    runArnId: string;
    /** Classic's assessment template; v2 has none. */
    templateArn?: string;
    outcome: RunOutcome;
    /** When Inspector says the run ended. */
    completedAt?: string;
    generatedAt: string;
    severityThreshold: Severity;
    manifest: ManifestStatus;
    findings: {
        /** What Inspector's notification announced, per rules package and in total. */
        announcedByRulesPackage?: Record<string, number>;
        announced?: number;
        listed: number;
        read: number;
        unread: UnreadFinding[];
    };
    verdictCounts: Record<Verdict, number>;
    amis: AmiAssessment[];
    unmapped: UnmappedFindings[];
    instances: { terminated: string[]; terminationFailed: { instanceId: string; error: string }[] };
    /** Plain-language caveats: missing manifest, lookups that failed, counts that disagree. */
    notes: string[];
    /** What started the run when not the schedule (assess on publish); absent for scheduled runs. */
    trigger?: string;
    /** deprecateFailingAmis: what this run deprecated or undeprecated, and what it left alone. */
    deprecations?: DeprecationResult;
    /** The verdict policy the run applied: failWhen and every accepted risk with its status on the run's date. */
    policy?: { failWhen: FailWhen; acceptedRisks: RiskWithStatus[] };
    location: { bucket: string; jsonKey: string; markdownKey: string };
}

export interface ReportParts {
    engine: EngineName;
    pipelineName: string;
    region: string;
    runArn: string;
    runArnId: string;
    templateArn?: string;
    outcome: RunOutcome;
    completedAt?: string;
    generatedAt: Date;
    severityThreshold: Severity;
    manifest: RunManifest | undefined;
    manifestProblem?: string;
    findingsCount?: Record<string, number>;
    listed: number;
    read: number;
    unread: UnreadFinding[];
    consolidation: Consolidation;
    terminated: string[];
    terminationFailed: { instanceId: string; error: string }[];
    /** Caveats found while gathering (failed lookups and the like). */
    problems: string[];
    location: AssessmentReport["location"];
    policy?: AssessmentReport["policy"];
}

export function buildReport(parts: ReportParts): AssessmentReport {
    const announced = parts.findingsCount ? Object.values(parts.findingsCount).reduce((sum, n) => sum + n, 0) : undefined;
    const notes: string[] = [];
    if (!parts.manifest) {
        notes.push(
            `The run manifest was not available (${parts.manifestProblem ?? "unknown reason"}): AMIs come from instance tags only, ` +
                "so AMIs that failed to launch or whose agent was unhealthy are not listed.",
        );
    }
    if (parts.outcome === "DEADLINE_REACHED") {
        notes.push("The run's duration ran out before every instance was confirmed scanned; those AMIs are NOT ASSESSED with the reason Inspector's coverage gave.");
    } else if (parts.outcome === "INSPECTOR_NOT_ENABLED") {
        notes.push("Inspector could not assess anything in this account and region; no instance was launched.");
    } else if (parts.outcome !== "COMPLETED") {
        notes.push(`The assessment run ended in state ${parts.outcome}; no AMI was assessed.`);
    }
    if (announced !== undefined && parts.outcome === "COMPLETED" && announced !== parts.listed) {
        notes.push(`Inspector announced ${announced} finding(s) but ListFindings returned ${parts.listed}.`);
    }
    if (parts.unread.length > 0) {
        notes.push(`${parts.unread.length} of ${parts.listed} finding(s) could not be read; AMIs without a failing finding are NOT ASSESSED rather than PASS.`);
    }
    const unmappedCount = parts.consolidation.unmapped.reduce((sum, group) => sum + group.findings.length, 0);
    if (unmappedCount > 0) {
        notes.push(
            `${unmappedCount} finding(s) came from instance(s) that could not be tied to a golden AMI ` +
                `(${parts.consolidation.unmapped.map((group) => group.agentId).join(", ")}); they change no verdict.`,
        );
    }
    if (parts.terminationFailed.length > 0) {
        notes.push(`${parts.terminationFailed.length} instance(s) could not be terminated; the hourly reaper will try again.`);
    }
    notes.push(...parts.problems);

    return {
        schemaVersion: REPORT_SCHEMA_VERSION,
        engine: parts.engine,
        pipelineName: parts.pipelineName,
        region: parts.region,
        runArn: parts.runArn,
        runArnId: parts.runArnId,
        templateArn: parts.templateArn,
        outcome: parts.outcome,
        completedAt: parts.completedAt,
        generatedAt: parts.generatedAt.toISOString(),
        severityThreshold: parts.severityThreshold,
        manifest: parts.manifest
            ? { found: true, runId: parts.manifest.runId, startedAt: parts.manifest.startedAt }
            : { found: false, reason: parts.manifestProblem ?? "unknown reason" },
        findings: { announcedByRulesPackage: parts.findingsCount, announced, listed: parts.listed, read: parts.read, unread: parts.unread },
        verdictCounts: parts.consolidation.verdictCounts,
        amis: parts.consolidation.amis,
        unmapped: parts.consolidation.unmapped,
        instances: { terminated: parts.terminated, terminationFailed: parts.terminationFailed },
        notes,
        ...(parts.policy ? { policy: parts.policy } : {}),
        ...(parts.manifest?.trigger ? { trigger: parts.manifest.trigger } : {}),
        location: parts.location,
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
