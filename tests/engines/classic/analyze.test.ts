import { CreateTagsCommand, DescribeInstancesCommand, DescribeInstancesCommandInput, EC2Client, Instance, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import * as inspectorSdk from "@aws-sdk/client-inspector";
import { Finding, InspectorClient } from "@aws-sdk/client-inspector";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, PutObjectCommandInput, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { expect } from "chai";
import { ANALYZE_SETTINGS, AnalyzeDeps, AnalyzeResult, AnalyzeSettings, RecordResult, analyzeHandlerFactory, makeAnalyzeHandler } from "../../../engines/classic/analyze";
import { settingsToEnv } from "../../../pipeline/run/settings";
import { CLASSIC_SETTINGS_SPEC } from "../../../engines/classic/settings";
import { AssessmentReport } from "../../../pipeline/report/report";
import { runKeys } from "../../../engines/classic/manifest";
import { openRunKey } from "../../../engines/classic/openRuns";
import { SWEEP_COUNT_KEY, SWEEP_GRACE_SECONDS } from "../../../engines/classic/sweepDecision";
import { SNS_MESSAGE_MAX_BYTES } from "../../../pipeline/report/notify";
import { COUNTS_TAG, LAST_ASSESSED_TAG, RUN_TAG, TAG_PREFIX, VERDICT_TAG } from "../../../pipeline/run/tags";
import { htmlKeyOf, s3ConsoleUrl } from "../../../pipeline/report/reportText";
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
    oneFinding,
    snsEvent,
    stateChangedMessage,
} from "../../support/fixtures";
import { inspectorError, isolatedMock } from "../../support/launchFixtures";

// Instance mocks (not class mocks) so that other test files' mocks stay untouched.
const ec2 = new EC2Client({ region: "us-east-1" });
const inspector = new InspectorClient({ region: "us-east-1" });
const s3 = new S3Client({ region: "us-east-1" });
const sns = new SNSClient({ region: "us-east-1" });
const ec2Mock = isolatedMock(ec2);
const inspectorMock = isolatedMock(inspector);
const s3Mock = isolatedMock(s3);
const snsMock = isolatedMock(sns);
// client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match.
const ListFindingsCommand = inspectorSdk.ListFindingsCommand as any;
const DescribeFindingsCommand = inspectorSdk.DescribeFindingsCommand as any;
const ListAssessmentRunAgentsCommand = inspectorSdk.ListAssessmentRunAgentsCommand as any;
const DescribeAssessmentRunsCommand = inspectorSdk.DescribeAssessmentRunsCommand as any;

const BUCKET = "reports-bucket";
const PREFIX = "golden-ami/";
const KEYS = runKeys(PREFIX, RUN_ARN);
const LOCK_KEY = `${PREFIX}locks/start.json`;
const CLAIM_KEY = `${PREFIX}runs/0-MnOpQr56/report.claim`;
const TOPIC = "arn:aws:sns:us-east-1:111122223333:results";
const NOW = new Date("2026-03-30T13:21:00.000Z");
const SETTINGS: AnalyzeSettings = {
    engine: "classic",
    pipelineName: PIPELINE_NAME,
    assessmentTemplateArn: TEMPLATE_ARN,
    severityThreshold: "Medium",
    resultsTopicArn: TOPIC,
    reportBucket: BUCKET,
    reportPrefix: PREFIX,
    deprecateFailingAmis: false,
    accountId: "111122223333",
};

/** What the fakes behind the mocks hold; tests arrange it, the mocks serve it. */
interface World {
    objects: Map<string, string>;
    /** ListAssessmentRunAgents' answer; by default every instance's agent, healthy, with telemetry. */
    agents?: ReturnType<typeof healthyAgent>[];
    /** Instances DescribeInstances can see (by tag filters only the live ones are returned). */
    instances: Instance[];
    terminatedIds: Set<string>;
    findings: Finding[];
}
let world: World;
let sleeps: number[];

/** The completion message announcing exactly the findings the world holds. */
function complete(): string {
    return completedMessage({ findingsCount: countByPackage(world.findings) });
}

/** A run agent as ListAssessmentRunAgents returns it after a completed data collection. */
function healthyAgent(agentId: string) {
    return { agentId, assessmentRunArn: RUN_ARN, agentHealth: "HEALTHY", agentHealthCode: "IDLE", telemetryMetadata: [{ messageType: "InspectorTelemetry", count: 42, dataSize: 1234 }] };
}

function s3Error(name: string, status: number): S3ServiceException {
    return new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status }, message: name });
}

/** Filter semantics of DescribeInstances that the handler relies on: tag, state and instance-id filters. */
function describeInstances(input: DescribeInstancesCommandInput) {
    const matches = world.instances.filter((instance) =>
        (input.Filters ?? []).every((filter) => {
            if (filter.Name === "instance-id") return filter.Values!.includes(instance.InstanceId!);
            if (filter.Name === "instance-state-name") return !world.terminatedIds.has(instance.InstanceId!) && filter.Values!.includes("running");
            if (filter.Name?.startsWith("tag:")) return instance.Tags!.some((tag) => `tag:${tag.Key}` === filter.Name && filter.Values!.includes(tag.Value!));
            throw new Error(`unexpected filter ${filter.Name}`);
        }),
    );
    return { Reservations: matches.length > 0 ? [{ Instances: matches }] : [] };
}

function arrange(options: { manifest?: ReturnType<typeof fakeManifest>; instances?: Instance[]; findings?: Finding[] }) {
    if (options.manifest) world.objects.set(KEYS.manifest, JSON.stringify(options.manifest));
    world.instances = options.instances ?? [];
    world.findings = options.findings ?? [];
}

function handler(overrides: Partial<AnalyzeDeps> = {}) {
    return makeAnalyzeHandler({
        ec2,
        inspector,
        sns,
        s3,
        settings: SETTINGS,
        now: () => NOW,
        log: () => undefined,
        sleep: async (ms) => {
            sleeps.push(ms);
        },
        ...overrides,
    });
}

function processed(result: AnalyzeResult, index = 0): Extract<RecordResult, { status: "processed" | "duplicate" }> {
    const record = result.records[index];
    expect(record.status, JSON.stringify(record)).to.be.oneOf(["processed", "duplicate"]);
    return record as Extract<RecordResult, { status: "processed" | "duplicate" }>;
}

function writtenReport(): AssessmentReport {
    return JSON.parse(world.objects.get(KEYS.reportJson)!);
}

function published() {
    return snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
}

function terminatedIds(): string[] {
    return ec2Mock.commandCalls(TerminateInstancesCommand).flatMap((call) => call.args[0].input.InstanceIds ?? []);
}

function tagCalls() {
    return ec2Mock.commandCalls(CreateTagsCommand).map((call) => call.args[0].input);
}

const byArn = () => new Map(world.findings.map((finding) => [finding.arn!, finding]));

beforeEach(() => {
    ec2Mock.reset();
    inspectorMock.reset();
    s3Mock.reset();
    snsMock.reset();
    world = { objects: new Map(), instances: [], terminatedIds: new Set(), findings: [] };
    sleeps = [];

    s3Mock.on(GetObjectCommand).callsFake((input) => {
        const body = world.objects.get(input.Key);
        if (body === undefined) throw new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: "The specified key does not exist." });
        return { Body: { transformToString: async () => body }, ETag: etagOf(body) };
    });
    s3Mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
        // S3's conditional writes: If-None-Match: * fails with 412 when the key exists, If-Match when the ETag differs.
        if (input.IfNoneMatch === "*" && world.objects.has(input.Key!)) throw s3Error("PreconditionFailed", 412);
        if (input.IfMatch !== undefined && etagOf(world.objects.get(input.Key!)) !== input.IfMatch) throw s3Error("PreconditionFailed", 412);
        world.objects.set(input.Key!, String(input.Body));
        return { ETag: etagOf(String(input.Body)) };
    });
    s3Mock.on(DeleteObjectCommand).callsFake((input) => {
        world.objects.delete(input.Key);
        return {};
    });
    ec2Mock.on(DescribeInstancesCommand).callsFake(describeInstances);
    ec2Mock.on(TerminateInstancesCommand).callsFake((input) => {
        for (const id of input.InstanceIds) world.terminatedIds.add(id);
        return { TerminatingInstances: input.InstanceIds.map((InstanceId: string) => ({ InstanceId })) };
    });
    ec2Mock.on(CreateTagsCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: "published-1" });
    inspectorMock.on(ListFindingsCommand).callsFake((input) => listFindingsResponse(world.findings.map((f) => f.arn!), input));
    inspectorMock.on(DescribeFindingsCommand).callsFake((input) => describeFindingsResponse(byArn(), input));
    inspectorMock.on(ListAssessmentRunAgentsCommand).callsFake(() => ({
        assessmentRunAgents: world.agents ?? world.instances.map((i) => healthyAgent(i.InstanceId!)),
    }));
});

function etagOf(body: string | undefined): string | undefined {
    return body === undefined ? undefined : `"${Buffer.from(body).toString("base64").slice(-16)}-${body.length}"`;
}

describe("analyze handler", () => {
    describe("a completed run", () => {
        it("pages 1,234 findings 500 at a time, describes them 10 at a time with at most 8 in flight, and consolidates all", async () => {
            const instanceIds = ["i-0000000000000000a", "i-0000000000000000b", "i-0000000000000000c"];
            const amis = ["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb", "ami-0cccccccccccccccc"];
            const findings = fakeFindings({ count: 1234, instanceIds });
            arrange({
                manifest: fakeManifest(amis.map((imageId, i) => ({ imageId, instanceId: instanceIds[i] }))),
                instances: amis.map((imageId, i) => fakeInstance(instanceIds[i], imageId)),
                findings,
            });
            let inFlight = 0;
            let maxInFlight = 0;
            inspectorMock.on(DescribeFindingsCommand).callsFake(async (input) => {
                inFlight++;
                maxInFlight = Math.max(maxInFlight, inFlight);
                await new Promise((resolve) => setImmediate(resolve));
                inFlight--;
                return describeFindingsResponse(byArn(), input);
            });

            const result = await handler()(snsEvent(completedMessage({ findingsCount: countByPackage(findings) })));

            const listCalls = inspectorMock.commandCalls(ListFindingsCommand).map((call) => call.args[0].input);
            expect(listCalls).to.deep.equal([
                { assessmentRunArns: [RUN_ARN], maxResults: 500, nextToken: undefined },
                { assessmentRunArns: [RUN_ARN], maxResults: 500, nextToken: "offset-500" },
                { assessmentRunArns: [RUN_ARN], maxResults: 500, nextToken: "offset-1000" },
            ]);
            const describeCalls = inspectorMock.commandCalls(DescribeFindingsCommand).map((call) => call.args[0].input.findingArns!);
            expect(describeCalls).to.have.length(124);
            expect(Math.max(...describeCalls.map((arns) => arns.length))).to.equal(10);
            expect(new Set(describeCalls.flat())).to.have.property("size", 1234);
            expect(describeCalls.flat()).to.have.length(1234);
            expect(maxInFlight).to.be.within(2, 8);

            const record = processed(result);
            expect(record.status).to.equal("processed");
            expect(record.findings).to.deep.equal({ listed: 1234, read: 1234, unread: 0 });
            const report = writtenReport();
            const total = report.amis.reduce((sum, ami) => sum + Object.values(ami.counts).reduce((a, b) => a + b, 0), 0);
            expect(total).to.equal(1234);
            expect(report.amis.map((ami) => ami.findings.length)).to.deep.equal([412, 411, 411]);
            expect(report.findings.announced).to.equal(1234);
            expect(report.notes).to.deep.equal([]);
            expect(report.amis.every((ami) => ami.verdict === "FAIL")).to.equal(true);
            expect(terminatedIds().sort()).to.deep.equal(instanceIds);
            expect(published()).to.have.length(1);
        });

        it("terminates and reports PASS for an instance without findings, and tags every assessed AMI", async () => {
            arrange({
                manifest: fakeManifest([
                    { imageId: "ami-0aaaaaaaaaaaaaaaa", name: "web", instanceId: "i-0000000000000000a" },
                    { imageId: "ami-0bbbbbbbbbbbbbbbb", name: "db", instanceId: "i-0000000000000000b" },
                ]),
                instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa"), fakeInstance("i-0000000000000000b", "ami-0bbbbbbbbbbbbbbbb")],
                findings: [
                    oneFinding({ index: 1, agentId: "i-0000000000000000a", severity: "High", cveId: "CVE-2026-0001" }),
                    oneFinding({ index: 2, agentId: "i-0000000000000000a", severity: "Low", cveId: "CVE-2026-0002" }),
                ],
            });

            const result = await handler()(snsEvent(complete()));

            expect(terminatedIds().sort()).to.deep.equal(["i-0000000000000000a", "i-0000000000000000b"]);
            const report = writtenReport();
            const db = report.amis.find((ami) => ami.imageId === "ami-0bbbbbbbbbbbbbbbb")!;
            expect(db.verdict).to.equal("PASS");
            expect(db.counts).to.deep.equal({ Critical: 0, High: 0, Medium: 0, Low: 0, Informational: 0, Undefined: 0 });
            expect(db.instanceIds).to.deep.equal(["i-0000000000000000b"]);
            expect(processed(result).verdicts).to.deep.equal({ FAIL: 1, "NOT ASSESSED": 0, PASS: 1 });

            const tags = tagCalls();
            expect(tags).to.have.length(2);
            const dbTags = tags.find((call) => call.Resources![0] === "ami-0bbbbbbbbbbbbbbbb")!;
            expect(dbTags.Tags).to.deep.equal([
                { Key: LAST_ASSESSED_TAG, Value: COMPLETED_AT },
                { Key: VERDICT_TAG, Value: `PASS ${COMPLETED_AT}` },
                { Key: COUNTS_TAG, Value: "H0 M0 L0 I0" },
            ]);
            const webTags = tags.find((call) => call.Resources![0] === "ami-0aaaaaaaaaaaaaaaa")!;
            expect(webTags.Tags!.find((tag) => tag.Key === COUNTS_TAG)!.Value).to.equal("H1 M0 L1 I0");
            for (const call of tags) {
                expect(call.Resources).to.have.length(1);
                for (const tag of call.Tags!) {
                    expect(tag.Key!.startsWith(TAG_PREFIX)).to.equal(true);
                    expect(tag.Value!.length).to.be.at.most(256);
                    expect(tag.Value).to.match(/^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u);
                }
            }
            expect(processed(result).tagged).to.deep.equal(["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"]);
        });

        it("reports AMIs the manifest lists as not launched or agent-unhealthy as NOT ASSESSED with the reason, and leaves their tags alone", async () => {
            arrange({
                manifest: fakeManifest([
                    { imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" },
                    { imageId: "ami-0bbbbbbbbbbbbbbbb", status: "LAUNCH_FAILED", reason: "InsufficientInstanceCapacity: no t3.medium capacity" },
                    { imageId: "ami-0cccccccccccccccc", instanceId: "i-0000000000000000c", status: "AGENT_UNHEALTHY", reason: "agent UNHEALTHY after 600 s" },
                ]),
                instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa")],
            });

            const result = await handler()(snsEvent(complete()));

            expect(processed(result).verdicts).to.deep.equal({ FAIL: 0, "NOT ASSESSED": 2, PASS: 1 });
            const report = writtenReport();
            const launchFailed = report.amis.find((ami) => ami.imageId === "ami-0bbbbbbbbbbbbbbbb")!;
            expect(launchFailed.verdict).to.equal("NOT ASSESSED");
            expect(launchFailed.notAssessed).to.deep.equal({ code: "LAUNCH_FAILED", detail: "InsufficientInstanceCapacity: no t3.medium capacity" });
            expect(report.amis.find((ami) => ami.imageId === "ami-0cccccccccccccccc")!.notAssessed!.code).to.equal("AGENT_UNHEALTHY");
            const message = published()[0].Message!;
            expect(message).to.include("NOT ASSESSED  ami-0bbbbbbbbbbbbbbbb: InsufficientInstanceCapacity: no t3.medium capacity");
            expect(message).to.include("IMDSv1");
            expect(published()[0].Subject).to.equal("Golden AMI assessment: 0 FAIL, 1 PASS, 2 NOT ASSESSED (us-east-1)");
            expect(tagCalls().map((call) => call.Resources![0])).to.deep.equal(["ami-0aaaaaaaaaaaaaaaa"]);
        });

        it("without a manifest, reports from findings and instance tags, says so, and cleans up only instances launched before the run ended", async () => {
            arrange({
                instances: [
                    fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa", { runId: "some-run" }),
                    fakeInstance("i-0000000000000000b", "ami-0bbbbbbbbbbbbbbbb", { runId: "some-run" }),
                    fakeInstance("i-000000000000000ff", "ami-0ffffffffffffffff", { runId: "later-run", launchTime: new Date("2026-03-30T14:00:00Z") }),
                ],
                findings: [oneFinding({ index: 1, agentId: "i-0000000000000000a", severity: "Medium", cveId: "CVE-2026-0001" })],
            });

            const result = await handler()(snsEvent(complete()));

            const tagFilters = ec2Mock.commandCalls(DescribeInstancesCommand).map((call) => call.args[0].input.Filters!.map((f) => f.Name));
            expect(tagFilters[0]).to.not.include(`tag:${RUN_TAG}`);
            expect(terminatedIds().sort()).to.deep.equal(["i-0000000000000000a", "i-0000000000000000b"]);
            const report = writtenReport();
            expect(report.manifest).to.deep.equal({ found: false, reason: `no manifest at s3://${BUCKET}/${KEYS.manifest}` });
            expect(report.notes[0]).to.match(/manifest was not available/);
            expect(report.amis.map((ami) => [ami.imageId, ami.verdict, ami.inManifest])).to.deep.equal([
                ["ami-0aaaaaaaaaaaaaaaa", "FAIL", false],
                ["ami-0bbbbbbbbbbbbbbbb", "PASS", false],
            ]);
            expect(processed(result).status).to.equal("processed");
        });

        it("looks up agents the manifest does not name by instance-id filter, at most 200 per call, reading the source-AMI tag", async () => {
            const strays = Array.from({ length: 250 }, (_, i) => `i-${String(i).padStart(17, "0")}`);
            arrange({
                manifest: fakeManifest([{ imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" }]),
                // Already terminated stragglers: visible to a lookup by ID, not live.
                instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa"), ...strays.map((id) => fakeInstance(id, "ami-0dddddddddddddddd", { runId: "old" }))],
                findings: strays.map((agentId, index) => oneFinding({ index, agentId, severity: "Low" })),
            });
            strays.forEach((id) => world.terminatedIds.add(id));

            await handler()(snsEvent(complete()));

            const lookups = ec2Mock
                .commandCalls(DescribeInstancesCommand)
                .map((call) => call.args[0].input.Filters!)
                .filter((filters) => filters.some((f) => f.Name === "instance-id"));
            expect(lookups.map((filters) => filters[0].Values!.length)).to.deep.equal([200, 50]);
            const report = writtenReport();
            const stray = report.amis.find((ami) => ami.imageId === "ami-0dddddddddddddddd")!;
            expect(stray.findings).to.have.length(250);
            expect(stray.inManifest).to.equal(false);
            expect(report.unmapped).to.deep.equal([]);
        });
    });

    describe("a failed run", () => {
        for (const state of ["FAILED", "ERROR", "CANCELED"]) {
            it(`reports every AMI NOT ASSESSED and terminates the instances when the run ends ${state}`, async () => {
                arrange({
                    manifest: fakeManifest([
                        { imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" },
                        { imageId: "ami-0bbbbbbbbbbbbbbbb", status: "LAUNCH_FAILED", reason: "quota" },
                    ]),
                    instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa")],
                });

                const result = await handler()(snsEvent(stateChangedMessage(state)));

                expect(inspectorMock.commandCalls(ListFindingsCommand)).to.have.length(0);
                expect(terminatedIds()).to.deep.equal(["i-0000000000000000a"]);
                const record = processed(result);
                expect(record.outcome).to.equal(state);
                expect(record.verdicts).to.deep.equal({ FAIL: 0, "NOT ASSESSED": 2, PASS: 0 });
                const report = writtenReport();
                expect(report.amis.find((ami) => ami.imageId === "ami-0aaaaaaaaaaaaaaaa")!.notAssessed).to.deep.equal({
                    code: "RUN_FAILED",
                    detail: `the assessment run ended in state ${state}`,
                });
                expect(report.amis.find((ami) => ami.imageId === "ami-0bbbbbbbbbbbbbbbb")!.notAssessed!.code).to.equal("LAUNCH_FAILED");
                expect(published()[0].Subject).to.equal(`Golden AMI assessment run ${state}: 0 FAIL, 0 PASS, 2 NOT ASSESSED (us-east-1)`);
                expect(tagCalls()).to.have.length(0);
            });
        }
    });

    describe("events that need no action", () => {
        const ignored: [string, string][] = [
            ["ENABLE_ASSESSMENT_NOTIFICATIONS", JSON.stringify({ event: "ENABLE_ASSESSMENT_NOTIFICATIONS", time: COMPLETED_AT })],
            ["ASSESSMENT_RUN_STARTED", JSON.stringify({ event: "ASSESSMENT_RUN_STARTED", template: TEMPLATE_ARN, run: RUN_ARN, time: COMPLETED_AT })],
            ["FINDING_REPORTED", JSON.stringify({ event: "FINDING_REPORTED", template: TEMPLATE_ARN, run: RUN_ARN, finding: `${RUN_ARN}/finding/0-1` })],
            ["a state change to COLLECTING_DATA", stateChangedMessage("COLLECTING_DATA")],
            ["a state change to COMPLETED", stateChangedMessage("COMPLETED")],
        ];
        const otherTemplate: [string, string][] = [
            ["a completion of another template's run", completedMessage({ templateArn: `${TEMPLATE_ARN}x`, runArn: `${TEMPLATE_ARN}x/run/0-zzz` })],
            ["a failure of another template's run", stateChangedMessage("FAILED", { templateArn: `${TEMPLATE_ARN}x`, runArn: `${TEMPLATE_ARN}x/run/0-zzz` })],
        ];
        for (const [name, message] of otherTemplate) {
            it(`ignores ${name} that no manifest of this pipeline names, after only looking for the manifest`, async () => {
                const result = await handler()(snsEvent(message));
                expect(result.records.map((record) => record.status)).to.deep.equal(["ignored"]);
                expect(s3Mock.calls().map((call) => (call.args[0].input as { Key?: string }).Key)).to.deep.equal([`${PREFIX}runs/0-zzz/manifest.json`]);
                for (const mock of [ec2Mock, inspectorMock, snsMock]) expect(mock.calls()).to.have.length(0);
            });
        }
        for (const [name, message] of ignored) {
            it(`ignores ${name} without calling AWS`, async () => {
                const result = await handler()(snsEvent(message));
                expect(result.records).to.have.length(1);
                expect(result.records[0].status).to.equal("ignored");
                for (const mock of [ec2Mock, inspectorMock, s3Mock, snsMock]) expect(mock.calls()).to.have.length(0);
            });
        }

        it("logs and skips a malformed record and still processes the others in the event", async () => {
            arrange({ manifest: fakeManifest([{ imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" }]) });
            const logged: string[] = [];

            const result = await handler({ log: (message, detail) => logged.push(`${message} ${JSON.stringify(detail)}`) })(
                snsEvent("not json {", JSON.stringify({ event: "ASSESSMENT_RUN_COMPLETED", template: TEMPLATE_ARN }), complete()),
            );

            expect(result.records.map((record) => record.status)).to.deep.equal(["ignored", "ignored", "processed"]);
            expect((result.records[0] as { reason: string }).reason).to.match(/^malformed message: Message is not JSON/);
            expect((result.records[1] as { reason: string }).reason).to.match(/without a valid run ARN/);
            expect(logged.filter((line) => line.includes("malformed"))).to.have.length(2);
            expect(published()).to.have.length(1);
        });
    });

    describe("delivery exactly once", () => {
        beforeEach(() => {
            arrange({
                manifest: fakeManifest([{ imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" }]),
                instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa")],
                findings: [oneFinding({ index: 1, agentId: "i-0000000000000000a", severity: "High", cveId: "CVE-2026-0001" })],
            });
        });

        it("claims the report with an expiring claim, publishes, and only then writes the delivered marker", async () => {
            await handler()(snsEvent(complete()));

            const puts = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
            const claimPut = puts.find((put) => put.Key === CLAIM_KEY)!;
            expect(claimPut).to.include({ Bucket: BUCKET, IfNoneMatch: "*" });
            const claimBody = JSON.parse(String(claimPut.Body));
            expect(claimBody.holder).to.match(/^analyze-/);
            expect(claimBody.expiresAt).to.equal(new Date(NOW.getTime() + 16 * 60_000).toISOString());
            const marker = puts.find((put) => put.Key === KEYS.deliveredMarker)!;
            expect(marker).to.include({ IfNoneMatch: "*" });
            expect(JSON.parse(String(marker.Body))).to.deep.include({ runArn: RUN_ARN });
            const order = puts.map((put) => put.Key);
            expect(order.indexOf(CLAIM_KEY)).to.be.below(order.indexOf(KEYS.reportJson));
            expect(order.indexOf(KEYS.reportJson)).to.be.below(order.indexOf(KEYS.deliveredMarker));
            expect(order, "the delivered marker is the last thing written").to.have.property(String(order.length - 1), KEYS.deliveredMarker);
            expect(published()).to.have.length(1);
        });

        it("delivers through the shared report delivery: report.json, .md and .html, the index and the latest pointer", async () => {
            await handler()(snsEvent(complete()));
            expect(world.objects.has(KEYS.reportJson)).to.equal(true);
            expect(world.objects.has(KEYS.reportMarkdown)).to.equal(true);
            expect(world.objects.get(KEYS.reportJson.replace(/report\.json$/, "report.html"))).to.include("<html");
            expect(JSON.parse(world.objects.get(`${PREFIX}index.json`)!)).to.have.length(1);
            expect(JSON.parse(world.objects.get(`${PREFIX}latest.json`)!)).to.deep.equal({ jsonKey: KEYS.reportJson });
            expect(published()[0].Message).to.match(/^Trend: /);
        });

        it("publishes nothing for a second delivery of the same completion, still terminates, and does not throw", async () => {
            const analyze = handler();
            await analyze(snsEvent(complete()));
            // Something relaunched or a termination did not stick: the duplicate must still clean up.
            world.terminatedIds.clear();
            const reportBefore = world.objects.get(KEYS.reportJson);

            const second = await analyze(snsEvent(complete()));

            expect(processed(second).status).to.equal("duplicate");
            expect(processed(second).terminated).to.deep.equal(["i-0000000000000000a"]);
            expect(published()).to.have.length(1);
            expect(tagCalls()).to.have.length(1);
            expect(world.objects.get(KEYS.reportJson)).to.equal(reportBefore);
            const reportPuts = s3Mock.commandCalls(PutObjectCommand).filter((call) => call.args[0].input.Key === KEYS.reportJson);
            expect(reportPuts).to.have.length(1);
        });

        it("a reporter that died between claiming and publishing does not lose the report: a retry after the claim expired takes over and delivers", async () => {
            // The first invocation never gets past publishing (a Lambda timeout or crash).
            snsMock.on(PublishCommand).callsFake(() => new Promise(() => undefined));
            void handler()(snsEvent(complete()));
            for (let i = 0; i < 50 && snsMock.commandCalls(PublishCommand).length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
            expect(snsMock.commandCalls(PublishCommand), "the first reporter reached publishing").to.have.length(1);
            expect(world.objects.has(CLAIM_KEY)).to.equal(true);
            expect(world.objects.has(KEYS.deliveredMarker), "nothing is marked delivered before it is published").to.equal(false);
            snsMock.on(PublishCommand).resolves({ MessageId: "published-2" });

            // A retry while the claim is live backs off (and throws, so that Lambda retries again).
            let thrown: unknown;
            await handler({ now: () => new Date(NOW.getTime() + 60_000) })(snsEvent(complete())).catch((error) => (thrown = error));
            expect(String(thrown)).to.include("is being delivered by analyze-");

            const late = new Date(NOW.getTime() + 17 * 60_000);
            const retry = await handler({ now: () => late })(snsEvent(complete()));
            expect(processed(retry).status).to.equal("processed");
            expect(world.objects.has(KEYS.deliveredMarker)).to.equal(true);
            expect(snsMock.commandCalls(PublishCommand)).to.have.length(2);
        });

        it("gives the claim back and rethrows when publishing fails, so that a retry delivers at once", async () => {
            snsMock.on(PublishCommand).rejectsOnce(Object.assign(new Error("SNS is down"), { name: "InternalErrorException" })).resolves({ MessageId: "m" });
            const analyze = handler();

            let thrown: unknown;
            await analyze(snsEvent(complete())).catch((error) => (thrown = error));

            expect(thrown).to.be.instanceOf(Error).with.property("message", "SNS is down");
            const deletes = s3Mock.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input);
            expect(deletes).to.deep.equal([{ Bucket: BUCKET, Key: CLAIM_KEY }]);
            expect(world.objects.has(CLAIM_KEY)).to.equal(false);
            expect(world.objects.has(KEYS.deliveredMarker)).to.equal(false);
            expect(terminatedIds()).to.deep.equal(["i-0000000000000000a"]);
            expect(tagCalls()).to.have.length(0);

            const retry = await analyze(snsEvent(complete()));
            expect(processed(retry).status).to.equal("processed");
            expect(published()).to.have.length(2);
        });

        it("releases the start lock after delivery, only when the run's own start holds it", async () => {
            world.objects.set(LOCK_KEY, JSON.stringify({ holder: "2026-03-30T12-00-00Z-abc123", expiresAt: "2026-03-30T16:00:00.000Z" }));
            await handler()(snsEvent(complete()));
            expect(world.objects.has(LOCK_KEY)).to.equal(false);

            world.objects.clear();
            arrange({ manifest: fakeManifest([{ imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" }]), instances: [] });
            world.objects.set(LOCK_KEY, JSON.stringify({ holder: "a-later-start", expiresAt: "2026-03-30T16:00:00.000Z" }));
            await handler()(snsEvent(complete()));
            expect(world.objects.has(LOCK_KEY), "another start's lock is not ours to free").to.equal(true);
        });
    });

    describe("runs of a replaced template", () => {
        const OLD_TEMPLATE = `${TEMPLATE_ARN.replace(/template\/[^/]+$/, "template/0-OldTmpl1")}`;
        const OLD_RUN = `${OLD_TEMPLATE}/run/0-OldRun01`;
        const OLD_KEYS = runKeys(PREFIX, OLD_RUN);

        it("reports a run in progress when the template was replaced, matched through its manifest and run tag", async () => {
            world.objects.set(OLD_KEYS.manifest, JSON.stringify(fakeManifest([{ imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" }], OLD_RUN)));
            world.instances = [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa")];
            world.findings = [];
            world.agents = [{ ...healthyAgent("i-0000000000000000a"), assessmentRunArn: OLD_RUN }];

            const result = await handler()(snsEvent(completedMessage({ templateArn: OLD_TEMPLATE, runArn: OLD_RUN })));

            const record = processed(result);
            expect(record.status).to.equal("processed");
            expect(record.terminated).to.deep.equal(["i-0000000000000000a"]);
            const tagFilters = ec2Mock.commandCalls(DescribeInstancesCommand)[0].args[0].input.Filters!;
            expect(tagFilters).to.deep.include({ Name: `tag:${RUN_TAG}`, Values: ["2026-03-30T12-00-00Z-abc123"] });
            const report = JSON.parse(world.objects.get(OLD_KEYS.reportJson)!) as AssessmentReport;
            expect(report.templateArn).to.equal(OLD_TEMPLATE);
            expect(report.amis.map((ami) => ami.verdict)).to.deep.equal(["PASS"]);
            expect(published()).to.have.length(1);
        });

        it("still ignores another template's run whose manifest names a different run", async () => {
            world.objects.set(OLD_KEYS.manifest, JSON.stringify(fakeManifest([{ imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" }], `${OLD_TEMPLATE}/run/0-Other`)));
            const result = await handler()(snsEvent(completedMessage({ templateArn: OLD_TEMPLATE, runArn: OLD_RUN })));
            expect(result.records[0].status).to.equal("ignored");
            expect(published()).to.have.length(0);
            expect(terminatedIds()).to.deep.equal([]);
        });
    });

    describe("a PASS needs proof of assessment", () => {
        beforeEach(() => {
            arrange({
                manifest: fakeManifest([
                    { imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" },
                    { imageId: "ami-0bbbbbbbbbbbbbbbb", instanceId: "i-0000000000000000b" },
                ]),
                instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa"), fakeInstance("i-0000000000000000b", "ami-0bbbbbbbbbbbbbbbb")],
                findings: [oneFinding({ index: 1, agentId: "i-0000000000000000a", severity: "High", cveId: "CVE-2026-0001" })],
            });
        });

        const quiet = () => writtenReport().amis.find((ami) => ami.imageId === "ami-0bbbbbbbbbbbbbbbb")!;

        it("asks ListAssessmentRunAgents for the run's agents and passes an AMI whose agent collected data", async () => {
            await handler()(snsEvent(complete()));
            expect(inspectorMock.commandCalls(ListAssessmentRunAgentsCommand)[0].args[0].input).to.deep.include({ assessmentRunArn: RUN_ARN, maxResults: 500 });
            expect(quiet().verdict).to.equal("PASS");
        });

        const cases: [string, () => void, string][] = [
            ["its agent is not among the run's agents", () => (world.agents = [healthyAgent("i-0000000000000000a")]), "i-0000000000000000b: its agent is not among the run's agents"],
            [
                "its agent was UNHEALTHY",
                () => (world.agents = [healthyAgent("i-0000000000000000a"), { ...healthyAgent("i-0000000000000000b"), agentHealth: "UNHEALTHY", agentHealthCode: "UNHEALTHY", agentHealthDetails: "IMDSv2 only" } as any]),
                "i-0000000000000000b: its agent's health code was UNHEALTHY: IMDSv2 only",
            ],
            [
                "its agent's health is UNKNOWN",
                () => (world.agents = [healthyAgent("i-0000000000000000a"), { ...healthyAgent("i-0000000000000000b"), agentHealth: "UNKNOWN", agentHealthCode: "UNKNOWN" } as any]),
                "health code was UNKNOWN",
            ],
            [
                "its agent sent no telemetry",
                () => (world.agents = [healthyAgent("i-0000000000000000a"), { ...healthyAgent("i-0000000000000000b"), telemetryMetadata: [] }]),
                "i-0000000000000000b: its agent sent no telemetry, so data collection did not complete",
            ],
        ];
        for (const [name, arrangeAgents, reason] of cases) {
            it(`reports NOT ASSESSED, not PASS, when ${name}`, async () => {
                arrangeAgents();
                const result = await handler()(snsEvent(complete()));
                expect(quiet().verdict).to.equal("NOT ASSESSED");
                expect(quiet().notAssessed!.detail).to.match(/^no proof of assessment: /).and.include(reason);
                expect(processed(result).verdicts).to.deep.equal({ FAIL: 1, "NOT ASSESSED": 1, PASS: 0 });
                expect(tagCalls().map((call) => call.Resources![0]), "an unproven AMI keeps its last real verdict").to.deep.equal(["ami-0aaaaaaaaaaaaaaaa"]);
            });
        }

        it("reports NOT ASSESSED when the findings listed differ from the count the completion announced", async () => {
            await handler()(snsEvent(completedMessage({ findingsCount: { [Object.keys(countByPackage(world.findings))[0]]: 5 } })));
            expect(quiet().verdict).to.equal("NOT ASSESSED");
            expect(quiet().notAssessed!.detail).to.include("Inspector announced 5 finding(s) but ListFindings returned 1");
            expect(writtenReport().amis.find((ami) => ami.imageId === "ami-0aaaaaaaaaaaaaaaa")!.verdict, "a failing finding is proof enough of a FAIL").to.equal("FAIL");
        });

        it("reports NOT ASSESSED when the announced count cannot be read", async () => {
            const message = JSON.parse(complete());
            message.findingsCount = "garbled";
            await handler()(snsEvent(JSON.stringify(message)));
            expect(quiet().notAssessed!.detail).to.include("findingsCount could not be read");
        });
    });

    describe("stale verdicts", () => {
        const days = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
        beforeEach(() => {
            arrange({
                manifest: fakeManifest([
                    { imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a", tags: { [LAST_ASSESSED_TAG]: days(30), [VERDICT_TAG]: "PASS" } },
                    { imageId: "ami-0bbbbbbbbbbbbbbbb", name: "old", status: "LAUNCH_FAILED", reason: "quota", tags: { [LAST_ASSESSED_TAG]: days(15), [VERDICT_TAG]: "FAIL" } },
                    { imageId: "ami-0cccccccccccccccc", status: "LAUNCH_FAILED", reason: "quota", tags: { [LAST_ASSESSED_TAG]: days(3), [VERDICT_TAG]: "PASS" } },
                    { imageId: "ami-0dddddddddddddddd", status: "LAUNCH_FAILED", reason: "quota", tags: {} },
                ]),
                instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa")],
            });
        });

        it("lists golden AMIs without a verdict from this run whose last verdict is older than two weekly schedules, or missing", async () => {
            const result = await handler()(snsEvent(complete()));
            expect(processed(result).stale!.map((entry) => entry.imageId)).to.deep.equal(["ami-0bbbbbbbbbbbbbbbb", "ami-0dddddddddddddddd"]);
            const report = writtenReport();
            const old = report.amis.find((ami) => ami.imageId === "ami-0bbbbbbbbbbbbbbbb")!;
            expect(old.stale).to.deep.include({ lastVerdict: "FAIL", lastAssessedAt: days(15) });
            expect(report.amis.find((ami) => ami.imageId === "ami-0aaaaaaaaaaaaaaaa")!.stale, "assessed again now").to.equal(undefined);
            const note = report.notes.find((n) => n.startsWith("Stale:"))!;
            expect(note).to.include("ami-0bbbbbbbbbbbbbbbb (old): last verdict FAIL of").and.include("ami-0dddddddddddddddd: no verdict on record").and.include("14d 0h");
            expect(published()[0].Message).to.include("Stale:");
        });

        it("uses the configured schedule interval", async () => {
            const result = await handler({ settings: { ...SETTINGS, scheduleIntervalSeconds: 86_400 } })(snsEvent(complete()));
            expect(processed(result).stale!.map((entry) => entry.imageId)).to.deep.equal(["ami-0bbbbbbbbbbbbbbbb", "ami-0cccccccccccccccc", "ami-0dddddddddddddddd"]);
        });

        it("writes the verdict together with its date on every assessed AMI", async () => {
            await handler()(snsEvent(complete()));
            const [call] = tagCalls();
            expect(call.Resources).to.deep.equal(["ami-0aaaaaaaaaaaaaaaa"]);
            expect(call.Tags).to.deep.include({ Key: VERDICT_TAG, Value: `PASS ${COMPLETED_AT}` });
            expect(call.Tags).to.deep.include({ Key: LAST_ASSESSED_TAG, Value: COMPLETED_AT });
        });
    });

    describe("partial failures", () => {
        beforeEach(() => {
            arrange({
                manifest: fakeManifest([
                    { imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" },
                    { imageId: "ami-0bbbbbbbbbbbbbbbb", instanceId: "i-0000000000000000b" },
                ]),
                instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa"), fakeInstance("i-0000000000000000b", "ami-0bbbbbbbbbbbbbbbb")],
                findings: fakeFindings({ count: 25, instanceIds: ["i-0000000000000000a"] }),
            });
        });

        it("retries a DescribeFindings batch that was throttled, then reads every finding", async () => {
            inspectorMock.on(DescribeFindingsCommand).rejectsOnce(inspectorError("ThrottlingException")).callsFake((input) => describeFindingsResponse(byArn(), input));

            const result = await handler()(snsEvent(complete()));

            expect(inspectorMock.commandCalls(DescribeFindingsCommand)).to.have.length(4);
            expect(sleeps).to.deep.equal([1000]);
            expect(processed(result).findings).to.deep.equal({ listed: 25, read: 25, unread: 0 });
            expect(processed(result).failures).to.deep.equal([]);
        });

        it("retries retryable failedItems and reports the rest as unread; a PASS is not claimed while findings are missing", async () => {
            const missing = world.findings[3].arn!;
            const flaky = world.findings[4].arn!;
            let flakyAttempts = 0;
            inspectorMock.on(DescribeFindingsCommand).callsFake((input) => {
                const response = describeFindingsResponse(byArn(), input);
                response.findings = response.findings!.filter((finding) => finding.arn !== missing && !(finding.arn === flaky && flakyAttempts++ === 0));
                if (input.findingArns.includes(missing)) response.failedItems![missing] = { failureCode: "ACCESS_DENIED", retryable: false };
                if (input.findingArns.includes(flaky) && flakyAttempts === 1) response.failedItems![flaky] = { failureCode: "INTERNAL_ERROR", retryable: true };
                return response;
            });

            const result = await handler()(snsEvent(complete()));

            const calls = inspectorMock.commandCalls(DescribeFindingsCommand).map((call) => call.args[0].input.findingArns);
            expect(calls).to.deep.include([flaky]);
            const record = processed(result);
            expect(record.findings).to.deep.equal({ listed: 25, read: 24, unread: 1 });
            expect(record.failures.map((f) => f.step)).to.deep.equal(["describe-findings"]);
            const report = writtenReport();
            expect(report.findings.unread).to.deep.equal([{ findingArn: missing, reason: "failedItems: ACCESS_DENIED" }]);
            const quiet = report.amis.find((ami) => ami.imageId === "ami-0bbbbbbbbbbbbbbbb")!;
            expect(quiet.verdict).to.equal("NOT ASSESSED");
            expect(quiet.notAssessed!.code).to.equal("FINDINGS_UNREAD");
            expect(report.amis.find((ami) => ami.imageId === "ami-0aaaaaaaaaaaaaaaa")!.verdict).to.equal("FAIL");
        });

        it("gives up on a batch after three throttled attempts and reports its findings unread", async () => {
            inspectorMock.on(DescribeFindingsCommand, { findingArns: world.findings.slice(0, 10).map((f) => f.arn!) }).rejects(inspectorError("ThrottlingException"));

            const result = await handler()(snsEvent(complete()));

            expect(sleeps).to.deep.equal([1000, 2000]);
            expect(processed(result).findings).to.deep.equal({ listed: 25, read: 15, unread: 10 });
            expect(writtenReport().findings.unread[0].reason).to.equal("ThrottlingException: ThrottlingException (test)");
        });

        it("reports a failed tagging and a failed termination without stopping the rest", async () => {
            ec2Mock.on(CreateTagsCommand, { Resources: ["ami-0aaaaaaaaaaaaaaaa"] }).rejects(Object.assign(new Error("not your AMI"), { name: "UnauthorizedOperation" }));
            ec2Mock.on(TerminateInstancesCommand).rejects(Object.assign(new Error("denied"), { name: "UnauthorizedOperation" }));

            const result = await handler()(snsEvent(complete()));

            const record = processed(result);
            expect(record.tagged).to.deep.equal(["ami-0bbbbbbbbbbbbbbbb"]);
            expect(record.failures).to.deep.include({ step: "tag-ami", target: "ami-0aaaaaaaaaaaaaaaa", error: "UnauthorizedOperation: not your AMI" });
            expect(record.failures.filter((f) => f.step === "terminate").map((f) => f.target).sort()).to.deep.equal(["i-0000000000000000a", "i-0000000000000000b"]);
            expect(published()[0].Message).to.include("could not terminate i-0000000000000000a: UnauthorizedOperation: denied");
        });

        it("terminates the instances, claims nothing and rethrows when the findings cannot be listed", async () => {
            inspectorMock.on(ListFindingsCommand).rejects(inspectorError("AccessDeniedException"));

            let thrown: unknown;
            await handler()(snsEvent(complete())).catch((error) => (thrown = error));

            expect(thrown).to.have.property("name", "AccessDeniedException");
            expect(terminatedIds().sort()).to.deep.equal(["i-0000000000000000a", "i-0000000000000000b"]);
            expect(world.objects.has(KEYS.deliveredMarker)).to.equal(false);
            expect(published()).to.have.length(0);
        });
    });

    describe("size limits", () => {
        it("truncates a summary over 256 KB with a pointer to the report in S3, which keeps every finding", async () => {
            const instanceIds = Array.from({ length: 20 }, (_, i) => `i-${String(i).padStart(17, "0")}`);
            const findings = fakeFindings({ count: 3000, instanceIds, cvePoolSize: 3000, textLength: 2000 });
            arrange({
                manifest: fakeManifest(instanceIds.map((instanceId, i) => ({ imageId: `ami-${String(i).padStart(17, "0")}`, instanceId }))),
                instances: instanceIds.map((id, i) => fakeInstance(id, `ami-${String(i).padStart(17, "0")}`)),
                findings,
            });

            await handler()(snsEvent(completedMessage({ findingsCount: countByPackage(findings) })));

            const [notice] = published();
            expect(Buffer.byteLength(notice.Message!, "utf8")).to.be.at.most(SNS_MESSAGE_MAX_BYTES);
            expect(notice.Message).to.include(`[truncated] Full report: ${s3ConsoleUrl("us-east-1", BUCKET, htmlKeyOf(KEYS.reportJson))}`);
            expect(notice.Subject!.length).to.be.at.most(100);
            const report = writtenReport();
            expect(report.amis.reduce((sum, ami) => sum + ami.findings.length, 0)).to.equal(3000);
            expect(world.objects.get(KEYS.reportMarkdown)!.length).to.be.greaterThan(SNS_MESSAGE_MAX_BYTES);
        });
    });
});

describe("analyzeHandlerFactory", () => {
    let savedEnv: NodeJS.ProcessEnv;
    beforeEach(() => (savedEnv = { ...process.env }));
    afterEach(() => (process.env = savedEnv));

    it("reads its settings from the environment once and returns a handler", () => {
        Object.assign(process.env, settingsToEnv(SETTINGS, CLASSIC_SETTINGS_SPEC), { AWS_REGION: "us-east-1" });
        expect(analyzeHandlerFactory()).to.be.a("function");
    });

    it("fails loudly naming a missing setting", () => {
        Object.assign(process.env, settingsToEnv(SETTINGS, CLASSIC_SETTINGS_SPEC), { AWS_REGION: "us-east-1" });
        delete process.env.RESULTS_TOPIC_ARN;
        expect(() => analyzeHandlerFactory()).to.throw("environment variable RESULTS_TOPIC_ARN is not set");
    });

    it("asks for exactly the settings it uses", () => {
        expect([...ANALYZE_SETTINGS].sort()).to.deep.equal(Object.keys(SETTINGS).sort());
    });

    it("reads the optional schedule interval, and fails loudly on a malformed one", () => {
        Object.assign(process.env, settingsToEnv({ ...SETTINGS, scheduleIntervalSeconds: 86_400 }, CLASSIC_SETTINGS_SPEC), { AWS_REGION: "us-east-1" });
        expect(process.env.SCHEDULE_INTERVAL_SECONDS).to.equal("86400");
        expect(analyzeHandlerFactory()).to.be.a("function");
        process.env.SCHEDULE_INTERVAL_SECONDS = "weekly";
        expect(() => analyzeHandlerFactory()).to.throw("environment variable SCHEDULE_INTERVAL_SECONDS is not a number: weekly");
    });
});

describe("analyze handler, woken by the sweep schedule", () => {
    const SCHEDULED = { source: "aws.events", "detail-type": "Scheduled Event", detail: {} } as const;
    const OPEN_KEY = openRunKey(PREFIX, RUN_ARN);
    const ENDED = new Date(COMPLETED_AT);
    const LATER = new Date(ENDED.getTime() + SWEEP_GRACE_SECONDS * 1000 + 60_000);

    beforeEach(() => {
        s3Mock.on(ListObjectsV2Command).callsFake((input) => ({ Contents: [...world.objects.keys()].filter((key) => key.startsWith(input.Prefix)).map((Key) => ({ Key })), IsTruncated: false }));
        // What DescribeAssessmentRuns says of the run: COMPLETED, with findingCounts by severity matching the world.
        inspectorMock.on(DescribeAssessmentRunsCommand).callsFake(() => ({
            assessmentRuns: [{ arn: RUN_ARN, assessmentTemplateArn: TEMPLATE_ARN, state: "COMPLETED", completedAt: ENDED, stateChangedAt: ENDED, findingCounts: { High: world.findings.length } }],
            failedItems: {},
        }));
        arrange({
            manifest: fakeManifest([{ imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" }]),
            instances: [fakeInstance("i-0000000000000000a", "ami-0aaaaaaaaaaaaaaaa")],
            findings: [oneFinding({ index: 1, agentId: "i-0000000000000000a", severity: "High", cveId: "CVE-2026-0001" })],
        });
        world.objects.set(OPEN_KEY, JSON.stringify({ assessmentRunArn: RUN_ARN, runId: "run-1", startedAt: "2026-03-30T12:00:00.000Z" }));
    });

    it("reports an ended run as its completion would, with findingCounts as the announced count, then closes it", async () => {
        const result = await handler({ now: () => LATER })(SCHEDULED);
        expect(result.sweep).to.deep.equal({ waiting: [] });
        expect(processed(result)).to.deep.include({ status: "processed", sweptState: "COMPLETED", runArn: RUN_ARN, verdicts: { FAIL: 1, PASS: 0, "NOT ASSESSED": 0 } });
        expect(writtenReport().findings).to.deep.include({ announced: 1, listed: 1, announcedByRulesPackage: { [SWEEP_COUNT_KEY]: 1 } });
        expect(writtenReport().notes.some((note) => note.startsWith("Reported by the scheduled sweep: DescribeAssessmentRuns showed the run COMPLETED"))).to.equal(true);
        expect(JSON.parse(world.objects.get(KEYS.deliveredMarker)!)).to.deep.include({ runArn: RUN_ARN, sweptState: "COMPLETED" });
        expect(world.objects.has(OPEN_KEY), "the open marker is deleted after delivery").to.equal(false);
        expect(published()).to.have.length(1);
        expect(terminatedIds()).to.deep.equal(["i-0000000000000000a"]);
    });

    it("leaves a run that just ended to its completion message", async () => {
        const result = await handler({ now: () => new Date(ENDED.getTime() + 60_000) })(SCHEDULED);
        expect(result.records).to.deep.equal([]);
        expect(result.sweep?.waiting.map((w) => w.runArn)).to.deep.equal([RUN_ARN]);
        expect(published()).to.have.length(0);
        expect(terminatedIds()).to.deep.equal([]);
        expect(world.objects.has(OPEN_KEY)).to.equal(true);
    });

    it("does not throw when a completion message's analyze holds the claim: held, nothing published, the run stays open", async () => {
        world.objects.set(CLAIM_KEY, JSON.stringify({ holder: "analyze-other", expiresAt: new Date(LATER.getTime() + 60_000).toISOString() }));
        const result = await handler({ now: () => LATER })(SCHEDULED);
        expect(result.records).to.have.length(1);
        expect(result.records[0]).to.deep.include({ status: "held", runArn: RUN_ARN, sweptState: "COMPLETED" });
        expect(published()).to.have.length(0);
        expect(world.objects.has(OPEN_KEY)).to.equal(true);
        expect(world.objects.has(KEYS.deliveredMarker)).to.equal(false);
    });

    it("finds a run delivered but still open (its reporter died before closing it): publishes nothing, closes it", async () => {
        world.objects.set(KEYS.deliveredMarker, JSON.stringify({ runArn: RUN_ARN }));
        const result = await handler({ now: () => LATER })(SCHEDULED);
        expect(processed(result).status).to.equal("duplicate");
        expect(processed(result).sweptState).to.equal("COMPLETED");
        expect(published()).to.have.length(0);
        expect(world.objects.has(OPEN_KEY)).to.equal(false);
    });

    it("a completion message closes the run's open marker too", async () => {
        await handler()(snsEvent(complete()));
        expect(world.objects.has(OPEN_KEY)).to.equal(false);
        expect(inspectorMock.commandCalls(DescribeAssessmentRunsCommand)).to.have.length(0);
    });
});
