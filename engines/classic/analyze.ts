// The analyze Lambda: on an assessment run's completion (or failure), consolidate its findings
// per golden AMI, report once, tag the AMIs and terminate the run's instances. On the sweep
// schedule, do the same for every run that ended without its completion being processed.
import { EC2Client, Instance } from "@aws-sdk/client-ec2";
import { InspectorClient } from "@aws-sdk/client-inspector";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { withDeprecations } from "../../pipeline/verdict/amiDeprecation";
import { tagAssessedAmis } from "../../pipeline/verdict/amiTags";
import { createEc2Client, createS3Client, createSnsClient } from "../../pipeline/run/clients";
import { createInspectorClient } from "./client";
import { Consolidation, Verdict, consolidate } from "../../pipeline/verdict/consolidate";
import { summarizeFinding } from "./findingModel";
import { DescribedFindings, describeFindings, listFindingArns } from "./findings";
import { parseInspectorMessage, regionOfArn } from "./inspectorMessage";
import { TerminationResult, findPipelineInstances, terminateInstances } from "../../pipeline/cleanup/instances";
import { errorText } from "../../pipeline/run/errors";
import { ClassicRunManifest as RunManifest, runArnId, runKeys } from "./manifest";
import { publishReport } from "../../pipeline/report/publishReport";
import { AssessmentReport, buildReport } from "../../pipeline/report/report";
import { readManifest } from "../../pipeline/report/reportStore";
import { makeRunId } from "../../pipeline/run/runId";
import { claim, putIfAbsent, readJson, release } from "../../pipeline/run/runState";
import { DEFAULT_SCHEDULE_INTERVAL_SECONDS, STALE_AFTER_SCHEDULES, StaleAmi, findStaleAmis, formatAge } from "../../pipeline/cleanup/stale";
import { AssessmentProof, assessmentProof, listRunAgents } from "./proof";
import { deleteOpenMarker } from "./openRuns";
import { startLockKey } from "./runControl";
import { sweepOpenRuns } from "./sweep";
import { EndedRunNotice, sweepNote } from "./sweepDecision";
import { ScheduledEvent, isScheduledEvent } from "../../pipeline/run/scheduledEvent";
import { readSettings } from "../../pipeline/run/settings";
import { CLASSIC_SETTINGS_SPEC, ClassicSettings } from "./settings";
import { lookUpSourceAmis, sourceAmiOfInstance } from "../../pipeline/launch/sourceAmis";
import { RUN_TAG } from "../../pipeline/run/tags";

export const ANALYZE_SETTINGS = [
    "engine",
    "pipelineName",
    "assessmentTemplateArn",
    "severityThreshold",
    "resultsTopicArn",
    "reportBucket",
    "reportPrefix",
    "deprecateFailingAmis",
    "accountId",
] as const;
export type AnalyzeSettings = Pick<ClassicSettings, (typeof ANALYZE_SETTINGS)[number]> & Pick<ClassicSettings, "scheduleIntervalSeconds">;

/** Longer than analyze's 15-minute timeout: a live reporter is never taken over. */
import { REPORT_CLAIM_SECONDS } from "../../pipeline/run/manifest";
export { REPORT_CLAIM_SECONDS };

/** The part of a Lambda SNS event analyze reads. */
export interface SnsEvent {
    Records: { Sns: { Message: string; MessageId?: string } }[];
}

export type Log = (message: string, detail?: Record<string, unknown>) => void;

export interface AnalyzeDeps {
    ec2: EC2Client;
    inspector: InspectorClient;
    sns: SNSClient;
    s3: S3Client;
    settings: AnalyzeSettings;
    now: () => Date;
    log?: Log;
    /** Backoff between own retries; tests pass a recorder. */
    sleep?: (ms: number) => Promise<void>;
    /** For the report claim's holder id; Math.random unless a test pins it. */
    random?: () => number;
}

/** Something that went wrong without stopping the rest. */
export interface Failure {
    step: "find-instances" | "terminate" | "describe-findings" | "look-up-instances" | "tag-ami" | "release-lock" | "close-run";
    target?: string;
    error: string;
}

export type RecordResult =
    | { status: "ignored"; messageId?: string; reason: string }
    /** Sweep only: another invocation (a completion message) holds the report claim; a later sweep looks again. */
    | { status: "held"; runArn: string; sweptState: string; reason: string }
    | {
          /** "duplicate": this completion was delivered before; nothing published, instances still cleaned up. */
          status: "processed" | "duplicate";
          messageId?: string;
          /** Set when the sweep found the run ended (its state per DescribeAssessmentRuns), not a completion message. */
          sweptState?: string;
          runArn: string;
          outcome: string;
          verdicts: Record<Verdict, number>;
          findings: { listed: number; read: number; unread: number };
          terminated: string[];
          tagged: string[];
          failures: Failure[];
          report: { bucket: string; jsonKey: string; markdownKey: string };
          /** Golden AMIs whose last verdict is older than two schedules (or missing). */
          stale?: StaleAmi[];
      };

export interface AnalyzeResult {
    records: RecordResult[];
    /** Set when the schedule woke analyze: the open runs the sweep left for later, and why. */
    sweep?: { waiting: { runArn: string; reason: string }[] };
}

/** What woke analyze for one run: a completion message, or the sweep finding the run ended. */
interface Origin {
    messageId?: string;
    sweptState?: string;
}

const logOf = (deps: AnalyzeDeps): Log => deps.log ?? ((message, detail) => console.log(JSON.stringify({ message, ...detail })));
const sleepOf = (deps: AnalyzeDeps) => deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

export function makeAnalyzeHandler(deps: AnalyzeDeps): (event: SnsEvent | ScheduledEvent) => Promise<AnalyzeResult> {
    const log = logOf(deps);

    return async (event) => {
        if (isScheduledEvent(event)) return sweep(deps);
        const records: RecordResult[] = [];
        const errors: unknown[] = [];
        // Every record gets its turn; errors are rethrown at the end so Lambda retries (delivery is idempotent).
        for (const record of (event as SnsEvent)?.Records ?? []) {
            const messageId = record?.Sns?.MessageId;
            try {
                const result = await analyzeRecord(deps, record?.Sns?.Message, messageId);
                log(`analyze: ${result.status}`, { ...result });
                records.push(result);
            } catch (error) {
                log("analyze: record failed", { messageId, error: errorText(error) });
                errors.push(error);
            }
        }
        if (errors.length === 1) throw errors[0];
        if (errors.length > 1) throw new AggregateError(errors, `analyze failed for ${errors.length} records: ${errors.map(errorText).join("; ")}`);
        return { records };
    };
}

/** The schedule: every open run that has ended goes the completion message's way. */
async function sweep(deps: AnalyzeDeps): Promise<AnalyzeResult> {
    const log = logOf(deps);
    const { settings } = deps;
    const sweepDeps = { inspector: deps.inspector, s3: deps.s3, bucket: settings.reportBucket, reportPrefix: settings.reportPrefix, now: deps.now, sleep: sleepOf(deps), log };
    const visits = await sweepOpenRuns(sweepDeps, async (notice, sweptState) => {
        const result = await analyzeEndedRun(deps, notice, { sweptState });
        log(`analyze sweep: ${result.status}`, { ...result });
        return result;
    });
    const records = visits.flatMap((visit) => (visit.action === "report" ? [visit.result] : []));
    const waiting = visits.flatMap((visit) => (visit.action === "wait" ? [{ runArn: visit.runArn, reason: visit.reason }] : []));
    return { records, sweep: { waiting } };
}

async function analyzeRecord(deps: AnalyzeDeps, message: string | undefined, messageId: string | undefined): Promise<RecordResult> {
    const notice = parseInspectorMessage(message);
    if (notice.kind === "malformed") return { status: "ignored", messageId, reason: `malformed message: ${notice.reason}` };
    if (notice.kind === "other") return { status: "ignored", messageId, reason: `event ${notice.event} needs no action` };
    return analyzeEndedRun(deps, notice, { messageId });
}

/** One ended run, from its completion message or the sweep: clean up, then report it once. */
async function analyzeEndedRun(deps: AnalyzeDeps, notice: EndedRunNotice, origin: Origin): Promise<RecordResult> {
    const { s3, settings } = deps;
    const { runArn } = notice;
    const keys = runKeys(settings.reportPrefix, runArn);
    const bucket = settings.reportBucket;
    const { manifest, problem: manifestProblem } = await readManifest<RunManifest>(s3, bucket, keys.manifest, (m) =>
        m.assessmentRunArn === runArn ? undefined : `belongs to run ${String(m.assessmentRunArn)}`,
    );
    // A run of an earlier template (replaced for a duration or rules change) is still ours when start's manifest names it.
    if (notice.templateArn !== settings.assessmentTemplateArn && !manifest) {
        return { status: "ignored", messageId: origin.messageId, reason: `run of another assessment template: ${notice.templateArn}, and no manifest of this pipeline names it` };
    }
    const failures: Failure[] = [];

    // Clean up first: once the run has ended the instances serve no purpose, and a later failure must not leave them running.
    const runInstances = await findRunInstances(deps, manifest, notice.time, failures);
    const termination = await terminateInstances(deps.ec2, runInstances.map((instance) => instance.InstanceId ?? "").filter(Boolean));
    for (const failed of termination.failed) failures.push({ step: "terminate", target: failed.instanceId, error: failed.error });

    const location = { bucket, jsonKey: keys.reportJson, markdownKey: keys.reportMarkdown };
    const run: RunContext = { notice, runArn, manifest, manifestProblem, runInstances, termination, failures, location, sweptState: origin.sweptState };
    if (await readJson(s3, bucket, keys.deliveredMarker)) return duplicate(deps, run, origin);

    // The right to report, with an expiry: a reporter that dies (crash, timeout) is taken over by a later retry.
    const holder = `analyze-${makeRunId(deps.now(), deps.random)}`;
    const claimed = await claim(s3, bucket, keys.reportClaim, { holder, expiresAt: new Date(deps.now().getTime() + REPORT_CLAIM_SECONDS * 1000).toISOString() }, deps.now());
    if (claimed.status === "held") {
        const reason = `the report of ${runArn} is being delivered by ${claimed.by.holder} (claim until ${claimed.by.expiresAt}); retry later`;
        // The sweep comes again anyway; a completion message is thrown back so that Lambda retries (if that reporter died, a later attempt takes over).
        if (origin.sweptState) return { status: "held", runArn, sweptState: origin.sweptState, reason };
        throw new Error(reason);
    }
    // The reporter we took over from may have delivered after all.
    if (claimed.status === "taken-over" && (await readJson(s3, bucket, keys.deliveredMarker))) return duplicate(deps, run, origin);
    return deliverReport(deps, run, origin, holder);
}

/** Delivered before: nothing is published; the run is closed (lock, open marker) in case its reporter died before doing so. */
async function duplicate(deps: AnalyzeDeps, run: RunContext, origin: Origin): Promise<RecordResult> {
    const { notice, runArn, location } = run;
    await closeRun(deps, run);
    const stored = await readJson<AssessmentReport>(deps.s3, location.bucket, location.jsonKey).catch(() => undefined);
    return {
        status: "duplicate",
        ...origin,
        runArn,
        outcome: stored?.value.outcome ?? (notice.kind === "completed" ? "COMPLETED" : notice.state),
        verdicts: stored?.value.verdictCounts ?? { FAIL: 0, "NOT ASSESSED": 0, PASS: 0 },
        findings: { listed: 0, read: 0, unread: 0 },
        terminated: run.termination.terminated,
        tagged: [],
        failures: run.failures,
        report: location,
    };
}

/** Holding the claim: assess, publish, mark delivered, then tag the AMIs and close the run. */
async function deliverReport(deps: AnalyzeDeps, run: RunContext, origin: Origin, holder: string): Promise<RecordResult> {
    const { ec2, s3, settings } = deps;
    const { runArn, manifest, failures, location } = run;
    const keys = runKeys(settings.reportPrefix, runArn);
    let assessed: Assessed;
    try {
        assessed = await assessRun(deps, run);
        // Before publishing, so the report says what was deprecated; repeating it on a retry changes nothing more.
        assessed.report = await withDeprecations(ec2, assessed.report, manifest?.amis, settings, deps.now());
        await publishReport(s3, deps.sns, settings.resultsTopicArn, assessed.report, settings.reportPrefix);
    } catch (error) {
        // Nothing went out: hand the claim back so that Lambda's retry (or SNS's redelivery, or the sweep) delivers at once.
        await release(s3, location.bucket, keys.reportClaim, holder).catch((releaseError) =>
            logOf(deps)("analyze: could not release the report claim", { runArn, error: errorText(releaseError) }),
        );
        throw error;
    }
    // Dying between publish and this marker means a second, identical report: at least once, never none.
    await putIfAbsent(s3, location.bucket, keys.deliveredMarker, JSON.stringify({ runArn, ...origin, holder, deliveredAt: deps.now().toISOString() }));

    const assessedAt = validDate(run.notice.time) ?? deps.now();
    const { report, consolidation, listed, described, stale } = assessed;
    const tagging = await tagAssessedAmis(ec2, consolidation.amis, assessedAt);
    for (const failed of tagging.failed) failures.push({ step: "tag-ami", target: failed.imageId, error: failed.error });
    await closeRun(deps, run);
    return {
        status: "processed",
        ...origin,
        runArn,
        outcome: report.outcome,
        verdicts: report.verdictCounts,
        findings: { listed: listed.length, read: described.findings.length, unread: described.unread.length },
        terminated: run.termination.terminated,
        tagged: tagging.tagged,
        failures,
        report: location,
        stale,
    };
}

/** One ended run, its instances already cleaned up: what the run found, and the report of it. */
interface RunContext {
    notice: EndedRunNotice;
    runArn: string;
    manifest: RunManifest | undefined;
    manifestProblem?: string;
    runInstances: Instance[];
    termination: TerminationResult;
    failures: Failure[];
    location: AssessmentReport["location"];
    /** Set when the sweep, not a completion message, found the run ended. */
    sweptState?: string;
}

interface Assessed {
    report: AssessmentReport;
    consolidation: Consolidation;
    listed: string[];
    described: DescribedFindings;
    stale: StaleAmi[];
}

/** Reads the run's findings and proof of assessment, consolidates per AMI and builds the report. */
async function assessRun(deps: AnalyzeDeps, run: RunContext): Promise<Assessed> {
    const { inspector, settings } = deps;
    const sleep = sleepOf(deps);
    const { notice, runArn, manifest, manifestProblem, runInstances, termination, failures, location } = run;
    let listed: string[] = [];
    let described: DescribedFindings = { findings: [], unread: [] };
    const problems: string[] = [];
    let proof: AssessmentProof | undefined;
    if (notice.kind === "completed") {
        listed = await listFindingArns(inspector, runArn);
        described = await describeFindings(inspector, listed, { sleep });
        if (described.unread.length > 0) {
            failures.push({ step: "describe-findings", error: `${described.unread.length} finding(s) unread, e.g. ${described.unread[0].reason}` });
        }
    }
    const amiByInstance = await mapInstancesToAmis(deps, manifest, runInstances, described, failures);
    if (notice.kind === "completed") {
        const agents = await listRunAgents(inspector, runArn, sleep);
        const announced = notice.findingsCount ? Object.values(notice.findingsCount).reduce((sum, n) => sum + n, 0) : undefined;
        proof = assessmentProof(Object.keys(amiByInstance), agents, announced, listed.length);
    }
    const consolidation = consolidate({
        findings: described.findings.map(summarizeFinding),
        amiByInstance,
        manifest,
        severityThreshold: settings.severityThreshold,
        failedRunState: notice.kind === "run-failed" ? notice.state : undefined,
        unreadFindings: described.unread.length,
        assessedInstances: proof?.assessed,
        unprovenReasons: proof?.reasons,
    });
    const stale = markStale(deps, consolidation, manifest, problems);
    if (run.sweptState) problems.push(sweepNote(run.sweptState));
    const report = buildReport({
        engine: "classic",
        pipelineName: settings.pipelineName,
        region: regionOfArn(runArn) ?? "unknown region",
        runArn,
        runArnId: runArnId(runArn),
        templateArn: notice.templateArn,
        outcome: notice.kind === "completed" ? "COMPLETED" : notice.state,
        completedAt: notice.time,
        generatedAt: deps.now(),
        severityThreshold: settings.severityThreshold,
        manifest,
        manifestProblem,
        findingsCount: notice.kind === "completed" ? notice.findingsCount : undefined,
        listed: listed.length,
        read: described.findings.length,
        unread: described.unread,
        consolidation,
        terminated: termination.terminated,
        terminationFailed: termination.failed,
        problems: [...failures.filter((f) => f.step === "find-instances" || f.step === "look-up-instances").map((f) => f.error), ...problems],
        location,
    });
    return { report, consolidation, listed, described, stale };
}

/**
 * The run is over and reported: the next start may launch (only the run's own lock, holder = its
 * run id, is freed) and the sweep has nothing more to do. Repeatable; a failure is recorded, not thrown.
 */
async function closeRun(deps: AnalyzeDeps, run: RunContext): Promise<void> {
    const { s3, settings } = deps;
    if (run.manifest) {
        try {
            await release(s3, settings.reportBucket, startLockKey(settings.reportPrefix), run.manifest.runId);
        } catch (error) {
            run.failures.push({ step: "release-lock", error: `could not release the start lock (${errorText(error)}); it expires on its own` });
        }
    }
    try {
        await deleteOpenMarker(s3, settings.reportBucket, settings.reportPrefix, run.runArn);
    } catch (error) {
        run.failures.push({ step: "close-run", error: `could not delete the run's open marker (${errorText(error)}); the next sweep finds it delivered and tries again` });
    }
}

/** AMIs without a verdict from this run whose last verdict is older than two schedules (or missing), as the manifest saw their tags. */
function markStale(deps: AnalyzeDeps, consolidation: Consolidation, manifest: RunManifest | undefined, problems: string[]): StaleAmi[] {
    if (!manifest) return [];
    const interval = deps.settings.scheduleIntervalSeconds ?? DEFAULT_SCHEDULE_INTERVAL_SECONDS;
    const maxAge = STALE_AFTER_SCHEDULES * interval;
    const verdicts = new Map(consolidation.amis.map((ami) => [ami.imageId, ami.verdict]));
    const stale = findStaleAmis(manifest.amis, (imageId) => verdicts.get(imageId), deps.now(), maxAge);
    for (const entry of stale) {
        const ami = consolidation.amis.find((a) => a.imageId === entry.imageId);
        if (ami) ami.stale = { lastVerdict: entry.lastVerdict, lastAssessedAt: entry.lastAssessedAt, detail: entry.detail };
    }
    if (stale.length > 0) {
        problems.push(
            `Stale: ${stale.length} golden AMI(s) got no verdict from this run and have no verdict younger than two schedules (${formatAge(maxAge)}): ` +
                stale.map((entry) => `${entry.imageId}${entry.name ? ` (${entry.name})` : ""}: ${entry.detail}`).join("; ") + ".",
        );
    }
    return stale;
}

/** The run's live instances by tag; without a manifest, every live pipeline instance launched before the run ended. */
async function findRunInstances(deps: AnalyzeDeps, manifest: RunManifest | undefined, endedAt: string | undefined, failures: Failure[]): Promise<Instance[]> {
    const { ec2, settings } = deps;
    try {
        if (manifest) return await findPipelineInstances(ec2, settings.pipelineName, { [RUN_TAG]: manifest.runId });
        const instances = await findPipelineInstances(ec2, settings.pipelineName);
        // An instance launched after the run ended belongs to a later run that may still be assessing.
        const end = validDate(endedAt);
        return end ? instances.filter((instance) => !instance.LaunchTime || new Date(instance.LaunchTime) <= end) : instances;
    } catch (error) {
        failures.push({
            step: "find-instances",
            error: `could not list the run's instances (${errorText(error)}); the hourly reaper will terminate them`,
        });
        return [];
    }
}

/** instance ID -> golden AMI: the manifest first, then the instances' tags, then a lookup for the rest. */
async function mapInstancesToAmis(
    deps: AnalyzeDeps,
    manifest: RunManifest | undefined,
    runInstances: Instance[],
    described: DescribedFindings,
    failures: Failure[],
): Promise<Record<string, string>> {
    const amiByInstance: Record<string, string> = {};
    for (const instance of runInstances) {
        const ami = sourceAmiOfInstance(instance);
        if (instance.InstanceId && ami) amiByInstance[instance.InstanceId] = ami;
    }
    for (const ami of manifest?.amis ?? []) if (ami.instanceId) amiByInstance[ami.instanceId] = ami.imageId;
    const unknownAgents = new Set<string>();
    for (const finding of described.findings) {
        const agentId = finding.assetAttributes?.agentId;
        if (agentId && !(agentId in amiByInstance)) unknownAgents.add(agentId);
    }
    if (unknownAgents.size > 0) {
        const lookup = await lookUpSourceAmis(deps.ec2, [...unknownAgents]);
        Object.assign(amiByInstance, lookup.amiByInstance);
        for (const error of lookup.errors) failures.push({ step: "look-up-instances", error });
    }
    return amiByInstance;
}

function validDate(text: string | undefined): Date | undefined {
    const date = text ? new Date(text) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** Called once per container by Pulumi's callbackFactory: settings and clients are reused across invocations. */
export function analyzeHandlerFactory(): (event: SnsEvent | ScheduledEvent) => Promise<AnalyzeResult> {
    const settings: AnalyzeSettings = readSettings(process.env, ANALYZE_SETTINGS, CLASSIC_SETTINGS_SPEC);
    // Optional: without it a weekly schedule is assumed for stale verdicts.
    if (process.env[CLASSIC_SETTINGS_SPEC.env.scheduleIntervalSeconds]) {
        Object.assign(settings, readSettings(process.env, ["scheduleIntervalSeconds"], CLASSIC_SETTINGS_SPEC));
    }
    return makeAnalyzeHandler({
        ec2: createEc2Client(),
        inspector: createInspectorClient(),
        sns: createSnsClient(),
        s3: createS3Client(),
        settings,
        now: () => new Date(),
    });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
