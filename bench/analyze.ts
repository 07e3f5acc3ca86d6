// The analyze handler on a big run: F findings over N instances, every AWS call mocked with a
// fixed latency. Counts calls per API against the minimum the API limits allow, and compares
// wall time with the bound that latency and the DescribeFindings concurrency impose.
import { CreateTagsCommand, DescribeInstancesCommand, DescribeInstancesCommandInput, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import * as inspectorSdk from "@aws-sdk/client-inspector";
import { InspectorClient } from "@aws-sdk/client-inspector";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { AnalyzeSettings, makeAnalyzeHandler } from "../engines/classic/analyze";
import { DESCRIBE_FINDINGS_BATCH_SIZE, DESCRIBE_FINDINGS_CONCURRENCY, LIST_FINDINGS_PAGE_SIZE } from "../engines/classic/findings";
import { TERMINATE_BATCH } from "../pipeline/cleanup/instances";
import { INSTANCE_LOOKUP_BATCH_SIZE } from "../pipeline/launch/sourceAmis";
import {
    COMPLETED_AT,
    PIPELINE_NAME,
    RUN_ARN,
    TEMPLATE_ARN,
    completedMessage,
    countByPackage,
    describeFindingsResponse,
    fakeFindings,
    fakeInstance,
    fakeManifest,
    listFindingsResponse,
    snsEvent,
} from "../tests/support/fixtures";
import { sleep } from "./common";

// client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match.
const ListFindingsCommand = inspectorSdk.ListFindingsCommand as any;
const DescribeFindingsCommand = inspectorSdk.DescribeFindingsCommand as any;
const ListAssessmentRunAgentsCommand = inspectorSdk.ListAssessmentRunAgentsCommand as any;
/** The run ARN id of the fixtures' completion message, which names the run's folder. */
const RUN_ID_OF_BENCH = RUN_ARN.split("/run/")[1];

export interface AnalyzeBenchOptions {
    findings: number;
    instances: number;
    latencyMs: number;
}

export interface CallCount {
    call: string;
    made: number;
    minimum: number;
    why: string;
    maxInFlight: number;
}

export interface AnalyzeBench {
    options: AnalyzeBenchOptions;
    latencyMs: number;
    concurrency: number;
    calls: CallCount[];
    totalMade: number;
    totalMinimum: number;
    wallMs: number;
    /** totalMinimum × latency ÷ DESCRIBE_FINDINGS_CONCURRENCY. */
    boundMs: number;
    /** What the data dependencies allow: sequential pages and steps, describes `concurrency` at a time. */
    criticalPathMs: number;
    criticalPathDetail: string;
    summary: string;
}

export async function benchAnalyze(options: AnalyzeBenchOptions): Promise<AnalyzeBench> {
    // Warm-up on a small run (JIT, SDK command classes), then the measured run.
    await runOnce({ ...options, findings: 100 });
    return runOnce(options);
}

/** A run of `options.instances` instances and their findings, behind mocked clients that count and delay every call. */
function fakeRunWorld(options: AnalyzeBenchOptions) {
    const { latencyMs } = options;
    const instanceIds = Array.from({ length: options.instances }, (_, i) => `i-${String(i + 1).padStart(17, "0")}`);
    const imageIds = Array.from({ length: options.instances }, (_, i) => `ami-${String(i + 1).padStart(17, "0")}`);
    const findings = fakeFindings({ count: options.findings, instanceIds });
    const findingsByArn = new Map(findings.map((finding) => [finding.arn!, finding]));
    const findingArns = findings.map((finding) => finding.arn!);
    const manifest = fakeManifest(imageIds.map((imageId, i) => ({ imageId, instanceId: instanceIds[i], status: "ASSESSING" as const })));
    const runInstances = instanceIds.map((id, i) => fakeInstance(id, imageIds[i]));

    const ec2 = new EC2Client({ region: "us-east-1" });
    const inspector = new InspectorClient({ region: "us-east-1" });
    const s3 = new S3Client({ region: "us-east-1" });
    const sns = new SNSClient({ region: "us-east-1" });
    const ec2Mock = mockClient(ec2);
    const inspectorMock = mockClient(inspector as any);
    const s3Mock = mockClient(s3);
    const snsMock = mockClient(sns);

    const made: Record<string, number> = {};
    const inFlight: Record<string, number> = {};
    const maxInFlight: Record<string, number> = {};
    /** Every call: counted, `latencyMs` long, with its in-flight peak recorded. */
    const slow =
        <I>(name: string, answer: (input: I) => unknown) =>
        async (input: I) => {
            made[name] = (made[name] ?? 0) + 1;
            inFlight[name] = (inFlight[name] ?? 0) + 1;
            maxInFlight[name] = Math.max(maxInFlight[name] ?? 0, inFlight[name]);
            try {
                await sleep(latencyMs);
                return answer(input);
            } finally {
                inFlight[name]--;
            }
        };

    inspectorMock.on(ListFindingsCommand).callsFake(slow("ListFindings", (input: any) => listFindingsResponse(findingArns, input)));
    inspectorMock.on(DescribeFindingsCommand).callsFake(slow("DescribeFindings", (input: any) => describeFindingsResponse(findingsByArn, input)));
    ec2Mock.on(DescribeInstancesCommand).callsFake(
        slow("DescribeInstances", (input: DescribeInstancesCommandInput) => {
            const ids = input.Filters?.find((filter) => filter.Name === "instance-id")?.Values;
            return { Reservations: [{ Instances: ids ? runInstances.filter((instance) => ids.includes(instance.InstanceId!)) : runInstances }] };
        }),
    );
    ec2Mock.on(TerminateInstancesCommand).callsFake(slow("TerminateInstances", () => ({})));
    ec2Mock.on(CreateTagsCommand).callsFake(slow("CreateTags", () => ({})));
    const manifestKey = `reports/runs/${RUN_ID_OF_BENCH}/manifest.json`;
    s3Mock.on(GetObjectCommand).callsFake(
        slow("GetObject", (input: { Key?: string }) => {
            if (input.Key === manifestKey) return { Body: { transformToString: async () => JSON.stringify(manifest) } };
            // A first run: no delivered marker, no previous report, no index, no lock.
            throw new S3ServiceException({ name: "NoSuchKey", $fault: "client", $metadata: { httpStatusCode: 404 }, message: "NoSuchKey" });
        }),
    );
    inspectorMock.on(ListAssessmentRunAgentsCommand).callsFake(
        slow("ListAssessmentRunAgents", () => ({
            assessmentRunAgents: instanceIds.map((agentId) => ({ agentId, assessmentRunArn: RUN_ARN, agentHealth: "HEALTHY", agentHealthCode: "IDLE", telemetryMetadata: [{ messageType: "InspectorTelemetry", count: 42 }] })),
        })),
    );
    s3Mock.on(PutObjectCommand).callsFake(slow("PutObject", () => ({ ETag: '"bench"' })));
    s3Mock.on(DeleteObjectCommand).callsFake(slow("DeleteObject", () => ({})));
    snsMock.on(PublishCommand).callsFake(slow("Publish", () => ({ MessageId: "bench" })));

    return { ec2, inspector, s3, sns, mocks: [ec2Mock, inspectorMock, s3Mock, snsMock], made, maxInFlight, manifest, findings };
}

/** The least any implementation within the API limits can do for this run. */
function minimumCalls(options: AnalyzeBenchOptions, world: ReturnType<typeof fakeRunWorld>, record: { tagged: unknown[]; failures: { step: string }[] }): Omit<CallCount, "made" | "maxInFlight">[] {
    const { manifest, findings } = world;
    const knownInstances = new Set(manifest.amis.map((ami) => ami.instanceId));
    const unknownAgents = new Set(findings.map((f) => f.assetAttributes?.agentId).filter((id) => id && !knownInstances.has(id)));
    const assessedAmis = record.tagged.length + record.failures.filter((f) => f.step === "tag-ami").length;
    return [
        { call: "s3:GetObject", minimum: 5, why: "manifest, delivered marker, previous report pointer, index, start lock (first run: all but the manifest missing)" },
        { call: "inspector:ListAssessmentRunAgents", minimum: ceil(options.instances, 500), why: `proof of assessment: ${options.instances} agents / 500 per page` },
        { call: "ec2:DescribeInstances", minimum: 1 + ceil(unknownAgents.size, INSTANCE_LOOKUP_BATCH_SIZE), why: `run's instances by tag (1 page) + ${unknownAgents.size} unknown agents / ${INSTANCE_LOOKUP_BATCH_SIZE}` },
        { call: "ec2:TerminateInstances", minimum: ceil(options.instances, TERMINATE_BATCH), why: `${options.instances} instances / ${TERMINATE_BATCH} per call` },
        { call: "inspector:ListFindings", minimum: Math.max(1, ceil(options.findings, LIST_FINDINGS_PAGE_SIZE)), why: `${options.findings} findings / ${LIST_FINDINGS_PAGE_SIZE} per page` },
        { call: "inspector:DescribeFindings", minimum: ceil(options.findings, DESCRIBE_FINDINGS_BATCH_SIZE), why: `${options.findings} findings / ${DESCRIBE_FINDINGS_BATCH_SIZE} per call` },
        { call: "s3:PutObject", minimum: 8, why: "report claim, report.json/.md/.html, index.json/.html, latest pointer, delivered marker" },
        { call: "s3:DeleteObject", minimum: 1, why: "the run's open marker (the sweep's); more only to release a failed claim or the start lock" },
        { call: "sns:Publish", minimum: 1, why: "the summary" },
        { call: "ec2:CreateTags", minimum: assessedAmis, why: `one per AMI with a verdict (${assessedAmis})` },
    ];
}

const ceil = (n: number, size: number) => Math.ceil(n / size);

async function runOnce(options: AnalyzeBenchOptions): Promise<AnalyzeBench> {
    const { latencyMs } = options;
    const world = fakeRunWorld(options);
    const { ec2, inspector, s3, sns, made, maxInFlight, findings } = world;
    const settings: AnalyzeSettings = {
        engine: "classic",
        pipelineName: PIPELINE_NAME,
        assessmentTemplateArn: TEMPLATE_ARN,
        severityThreshold: "High",
        resultsTopicArn: "arn:aws:sns:us-east-1:111122223333:results",
        reportBucket: "bench-reports",
        reportPrefix: "reports/",
    };
    const handler = makeAnalyzeHandler({ ec2, inspector, s3, sns, settings, now: () => new Date(COMPLETED_AT), log: () => undefined });
    const event = snsEvent(completedMessage({ findingsCount: countByPackage(findings) }));

    const started = performance.now();
    let result;
    try {
        result = await handler(event);
    } finally {
        for (const mock of world.mocks) mock.restore();
    }
    const wallMs = performance.now() - started;
    const record = result.records[0];
    if (record.status !== "processed") throw new Error(`analyze did not process the run: ${JSON.stringify(record)}`);

    const minimum = minimumCalls(options, world, record);
    const calls: CallCount[] = minimum.map((m) => {
        const name = m.call.split(":")[1];
        return { ...m, made: made[name] ?? 0, maxInFlight: maxInFlight[name] ?? 0 };
    });
    const totalMade = calls.reduce((sum, c) => sum + c.made, 0);
    const totalMinimum = calls.reduce((sum, c) => sum + c.minimum, 0);
    const byName = (call: string) => calls.find((c) => c.call === call)!;

    const concurrency = DESCRIBE_FINDINGS_CONCURRENCY;
    const tagConcurrency = Math.max(1, byName("ec2:CreateTags").maxInFlight);
    const sequential = ["s3:GetObject", "inspector:ListAssessmentRunAgents", "ec2:DescribeInstances", "ec2:TerminateInstances", "inspector:ListFindings", "s3:PutObject", "sns:Publish"].reduce((sum, c) => sum + byName(c).minimum, 0);
    const describeRounds = ceil(byName("inspector:DescribeFindings").minimum, concurrency);
    const tagRounds = ceil(byName("ec2:CreateTags").minimum, tagConcurrency);
    return {
        options,
        latencyMs,
        concurrency,
        calls,
        totalMade,
        totalMinimum,
        wallMs,
        boundMs: (totalMinimum * latencyMs) / concurrency,
        criticalPathMs: (sequential + describeRounds + tagRounds) * latencyMs,
        criticalPathDetail: `(${sequential} sequential + ${describeRounds} describe rounds of ${concurrency} + ${tagRounds} tag rounds of ${tagConcurrency}) × ${latencyMs} ms`,
        summary: `${record.status}; findings listed ${record.findings.listed}, read ${record.findings.read}, unread ${record.findings.unread}; verdicts ${JSON.stringify(record.verdicts)}; terminated ${record.terminated.length}; failures ${record.failures.length}`,
    };
}
