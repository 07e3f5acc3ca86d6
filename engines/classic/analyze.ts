// The analyze Lambda: on an assessment run's completion (or failure), consolidate its findings
// per golden AMI, report once, tag the AMIs and terminate the run's instances.
import { EC2Client, Instance } from "@aws-sdk/client-ec2";
import { InspectorClient } from "@aws-sdk/client-inspector";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { tagAssessedAmis } from "../../pipeline/amiTags";
import { createEc2Client, createS3Client, createSnsClient } from "../../pipeline/clients";
import { createInspectorClient } from "./client";
import { Verdict, consolidate } from "../../pipeline/consolidate";
import { summarizeFinding } from "./findingModel";
import { DescribedFindings, describeFindings, listFindingArns } from "./findings";
import { parseInspectorMessage, regionOfArn } from "./inspectorMessage";
import { errorText, findPipelineInstances, terminateInstances } from "../../pipeline/instances";
import { ClassicRunManifest as RunManifest, runArnId, runKeys } from "./manifest";
import { publishNotice } from "../../pipeline/notify";
import { buildReport } from "../../pipeline/report";
import { claimDelivery, putText, readManifest, releaseDelivery } from "../../pipeline/reportStore";
import { reportMarkdown, reportSubject, s3Url, summaryText } from "../../pipeline/reportText";
import { readSettings } from "../../pipeline/settings";
import { CLASSIC_SETTINGS_SPEC, ClassicSettings } from "./settings";
import { lookUpSourceAmis, sourceAmiOfInstance } from "../../pipeline/sourceAmis";
import { RUN_TAG } from "../../pipeline/tags";

export const ANALYZE_SETTINGS = [
    "engine",
    "pipelineName",
    "assessmentTemplateArn",
    "severityThreshold",
    "resultsTopicArn",
    "reportBucket",
    "reportPrefix",
] as const;
export type AnalyzeSettings = Pick<ClassicSettings, (typeof ANALYZE_SETTINGS)[number]>;

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
}

/** Something that went wrong without stopping the rest. */
export interface Failure {
    step: "find-instances" | "terminate" | "describe-findings" | "look-up-instances" | "tag-ami";
    target?: string;
    error: string;
}

export type RecordResult =
    | { status: "ignored"; messageId?: string; reason: string }
    | {
          /** "duplicate": this completion was delivered before; nothing published, instances still cleaned up. */
          status: "processed" | "duplicate";
          messageId?: string;
          runArn: string;
          outcome: string;
          verdicts: Record<Verdict, number>;
          findings: { listed: number; read: number; unread: number };
          terminated: string[];
          tagged: string[];
          failures: Failure[];
          report: { bucket: string; jsonKey: string; markdownKey: string };
      };

export interface AnalyzeResult {
    records: RecordResult[];
}

export function makeAnalyzeHandler(deps: AnalyzeDeps): (event: SnsEvent) => Promise<AnalyzeResult> {
    const log: Log = deps.log ?? ((message, detail) => console.log(JSON.stringify({ message, ...detail })));
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

    return async (event) => {
        const records: RecordResult[] = [];
        const errors: unknown[] = [];
        // Every record gets its turn; errors are rethrown at the end so Lambda retries (delivery is idempotent).
        for (const record of event?.Records ?? []) {
            const messageId = record?.Sns?.MessageId;
            try {
                const result = await analyzeRecord(record?.Sns?.Message, messageId);
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

    async function analyzeRecord(message: string | undefined, messageId: string | undefined): Promise<RecordResult> {
        const { ec2, inspector, s3, settings } = deps;
        const notice = parseInspectorMessage(message);
        if (notice.kind === "malformed") return { status: "ignored", messageId, reason: `malformed message: ${notice.reason}` };
        if (notice.kind === "other") return { status: "ignored", messageId, reason: `event ${notice.event} needs no action` };
        if (notice.templateArn !== settings.assessmentTemplateArn) {
            return { status: "ignored", messageId, reason: `run of another assessment template: ${notice.templateArn}` };
        }

        const { runArn } = notice;
        const keys = runKeys(settings.reportPrefix, runArn);
        const failures: Failure[] = [];
        const { manifest, problem: manifestProblem } = await readManifest<RunManifest>(s3, settings.reportBucket, keys.manifest, (m) =>
            m.assessmentRunArn === runArn ? undefined : `belongs to run ${String(m.assessmentRunArn)}`,
        );

        // Clean up first: once the run has ended the instances serve no purpose, and a later failure must not leave them running.
        const runInstances = await findRunInstances(manifest, notice.time, failures);
        const termination = await terminateInstances(ec2, runInstances.map((instance) => instance.InstanceId ?? "").filter(Boolean));
        for (const failed of termination.failed) failures.push({ step: "terminate", target: failed.instanceId, error: failed.error });

        let listed: string[] = [];
        let described: DescribedFindings = { findings: [], unread: [] };
        if (notice.kind === "completed") {
            listed = await listFindingArns(inspector, runArn);
            described = await describeFindings(inspector, listed, { sleep });
            if (described.unread.length > 0) {
                failures.push({ step: "describe-findings", error: `${described.unread.length} finding(s) unread, e.g. ${described.unread[0].reason}` });
            }
        }

        const amiByInstance = await mapInstancesToAmis(manifest, runInstances, described, failures);
        const consolidation = consolidate({
            findings: described.findings.map(summarizeFinding),
            amiByInstance,
            manifest,
            severityThreshold: settings.severityThreshold,
            failedRunState: notice.kind === "run-failed" ? notice.state : undefined,
            unreadFindings: described.unread.length,
        });
        const location = { bucket: settings.reportBucket, jsonKey: keys.reportJson, markdownKey: keys.reportMarkdown };
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
            problems: failures.filter((f) => f.step === "find-instances" || f.step === "look-up-instances").map((f) => f.error),
            location,
        });
        const result = {
            messageId,
            runArn,
            outcome: report.outcome,
            verdicts: report.verdictCounts,
            findings: { listed: listed.length, read: described.findings.length, unread: described.unread.length },
            terminated: termination.terminated,
            tagged: [] as string[],
            failures,
            report: location,
        };

        const marker = JSON.stringify({ runArn, messageId, deliveredAt: deps.now().toISOString() });
        if ((await claimDelivery(s3, settings.reportBucket, keys.deliveredMarker, marker)) === "duplicate") {
            return { status: "duplicate", ...result };
        }
        try {
            await putText(s3, settings.reportBucket, keys.reportJson, JSON.stringify(report), "application/json");
            await putText(s3, settings.reportBucket, keys.reportMarkdown, reportMarkdown(report), "text/markdown; charset=utf-8");
            await publishNotice(deps.sns, settings.resultsTopicArn, reportSubject(report), summaryText(report), `Full report: ${s3Url(location.bucket, location.markdownKey)}`);
        } catch (error) {
            // Hand the claim back so that Lambda's retry (or SNS's redelivery) can deliver.
            await releaseDelivery(s3, settings.reportBucket, keys.deliveredMarker);
            throw error;
        }

        const assessedAt = validDate(notice.time) ?? deps.now();
        const tagging = await tagAssessedAmis(ec2, consolidation.amis, assessedAt);
        for (const failed of tagging.failed) failures.push({ step: "tag-ami", target: failed.imageId, error: failed.error });
        return { status: "processed", ...result, tagged: tagging.tagged };
    }

    /** The run's live instances by tag; without a manifest, every live pipeline instance launched before the run ended. */
    async function findRunInstances(manifest: RunManifest | undefined, endedAt: string | undefined, failures: Failure[]): Promise<Instance[]> {
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
}

function validDate(text: string | undefined): Date | undefined {
    const date = text ? new Date(text) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** Called once per container by Pulumi's callbackFactory: settings and clients are reused across invocations. */
export function analyzeHandlerFactory(): (event: SnsEvent) => Promise<AnalyzeResult> {
    const settings = readSettings(process.env, ANALYZE_SETTINGS, CLASSIC_SETTINGS_SPEC);
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
