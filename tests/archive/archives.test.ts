// The Lambda code archives are bundled and self-contained: what Pulumi would upload is one
// minified __index.js per function, with the handler and the SDK clients it uses, and it runs in a
// fresh process that sees nothing but that file (no NODE_PATH, no node_modules, no runtime SDK).
// Proven twice: for this project's stack (index.ts under mocks) and for a consumer installing the
// `npm pack` tarball.
import { expect } from "chai";
import { builtinModules } from "module";
import * as fs from "fs";
import * as path from "path";
import { planIndex } from "../../scripts/mockRuntime";
import { ArchiveFiles, archiveFiles, makeTempDir, removeDir, requiredModules, writeArchive } from "../support/archive";
import { Consumer, createConsumer, packProject, planConsumer } from "../support/consumer";
import { FreshRun, PROJECT_NODE_MODULES, assertIsolated, callNames, runHandler } from "../support/freshProcess";

const PROJECT_ROOT = path.resolve(__dirname, "../..");
const OWN_PACKAGE = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));

type Role = "start" | "analyze" | "reaper";
const ROLES: Role[] = ["start", "analyze", "reaper"];

/** A handler is known by its engine and role; the reaper is the same on both engines. */
type HandlerKey = "classic:start" | "classic:analyze" | "inspector2:start" | "inspector2:analyze" | "reaper";
const keyOf = (fn: BuiltFunction): HandlerKey => (fn.role === "reaper" ? "reaper" : (`${fn.env.ENGINE}:${fn.role}` as HandlerKey));

/** SDK client classes each handler bundles (keepNames keeps them by name); the rest must be absent. */
const CLIENTS: Record<HandlerKey, string[]> = {
    "classic:start": ["EC2Client", "InspectorClient", "S3Client", "SNSClient"],
    "classic:analyze": ["EC2Client", "InspectorClient", "S3Client", "SNSClient"],
    "inspector2:start": ["EC2Client", "Inspector2Client", "S3Client", "SNSClient"],
    "inspector2:analyze": ["EC2Client", "Inspector2Client", "S3Client", "SNSClient"],
    reaper: ["EC2Client", "SNSClient"],
};
const ALL_CLIENTS = ["EC2Client", "InspectorClient", "Inspector2Client", "S3Client", "SNSClient"];
/** Names only the inlined handler code has (Pulumi names its wrappers __<function>; keepNames keeps them). */
const HANDLER_MARKERS: Record<HandlerKey, string[]> = {
    "classic:start": ["__startHandlerFactory", "__waitForHealthyAgents", "__launchInstance"],
    "classic:analyze": ["__analyzeHandlerFactory", "__listFindingArns", "__describeFindings", "__consolidate"],
    "inspector2:start": ["__startHandlerFactory", "__ec2ScanningStatus", "__launchRun", "__launchInstance"],
    "inspector2:analyze": ["__analyzeHandlerFactory", "__readCoverage", "__listReportableFindings", "__finalizeRun", "__consolidate"],
    reaper: ["__reaperHandlerFactory", "__reapStaleInstances"],
};
/** Optional SDK signers, required inside try/catch only for SigV4a (multi-region) requests, which no handler makes. */
const OPTIONAL_REQUIRES = ["@aws-sdk/signature-v4-crt", "@aws-sdk/signature-v4a"];
const BUILTINS = new Set(builtinModules);

interface BuiltFunction {
    role?: Role;
    name: string;
    region: string;
    env: Record<string, string>;
    files: ArchiveFiles;
    dir: string;
}

/** The handler's role by name suffix; undefined for a function this suite has no scenario for. */
function roleOf(name: string): Role | undefined {
    return ROLES.find((r) => name.endsWith(`-${r}`));
}

// ---------------------------------------------------------------- static checks of one archive

function checkArchive(fn: BuiltFunction): void {
    expect(Object.keys(fn.files), `${fn.name}: archive files`).to.deep.equal(["__index.js"]);
    expect(fs.readdirSync(fn.dir), `${fn.name}: archive root`).to.deep.equal(["__index.js"]);
    const code = fn.files["__index.js"];
    // Minified: long lines (template literals keep their own line breaks).
    expect(code.length / code.split("\n").length, `${fn.name}: minified`).to.be.greaterThan(2000);
    for (const specifier of requiredModules(code)) {
        const builtin = specifier.startsWith("node:") || BUILTINS.has(specifier.split("/")[0]);
        expect(builtin || OPTIONAL_REQUIRES.includes(specifier), `${fn.name}: requires ${specifier}`).to.equal(true);
    }
    expect(code, `${fn.name}: mentions the project path`).to.not.contain(PROJECT_ROOT);
    expect(code, `${fn.name}: mentions node_modules`).to.not.contain("node_modules/");
    expect(code, `${fn.name}: exports the handler`).to.match(/\bhandler\b/);
    if (!fn.role) return;
    for (const marker of HANDLER_MARKERS[keyOf(fn)]) expect(code, `${fn.name}: inlined handler code`).to.contain(`"${marker}"`);
    for (const client of ALL_CLIENTS) {
        expect(code.includes(`"${client}"`), `${fn.name}: bundles ${client}`).to.equal(CLIENTS[keyOf(fn)].includes(client));
    }
}

// ---------------------------------------------------------------- fresh-process scenarios

const isoAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const tagsOf = (tags: { Key: string; Value: string }[]) => Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

function expectRan(run: FreshRun, expectedCalls: string[]): void {
    const context = `\nerror: ${JSON.stringify(run.error)}\ncalls: ${callNames(run).join(", ")}\nstderr: ${run.stderr.slice(-2000)}`;
    expect(run.ok, `handler failed${context}`).to.equal(true);
    expect(run.calls.filter((c) => c.unscripted), `unscripted calls${context}`).to.deep.equal([]);
    expect(callNames(run), `calls${context}`).to.deep.equal(expectedCalls);
}

/** The handler ran on the clients bundled in its archive: nothing loaded from outside, no network. */
function expectSelfContained(run: FreshRun, fn: BuiltFunction): void {
    expect(run.loads, `${fn.name}: modules loaded from outside the archive`).to.deep.equal([]);
    expect(run.network, `${fn.name}: network requests`).to.deep.equal([]);
    const clients = new Set(run.calls.map((c) => c.client));
    for (const client of clients) expect(run.clients, `${fn.name}: ${client} defined by the bundle`).to.include(client);
}

async function runReaper(fn: BuiltFunction): Promise<void> {
    const pipelineTag = "golden-ami-assessment:pipeline";
    const instance = (id: string, launchTime: string) => ({
        InstanceId: id,
        ImageId: "ami-0aaaaaaaaaaaaaaaa",
        State: { Name: "running" },
        LaunchTime: launchTime,
        Tags: [
            { Key: pipelineTag, Value: fn.env.PIPELINE_NAME },
            { Key: "golden-ami-assessment:source-ami", Value: "ami-0aaaaaaaaaaaaaaaa" },
        ],
    });
    const run = await runHandler({
        archiveDir: fn.dir,
        env: fn.env,
        region: fn.region,
        event: { "detail-type": "Scheduled Event", source: "aws.events", detail: {} },
        script: {
            // One instance from two days ago (stale), one from ten minutes ago (still in its run).
            DescribeInstancesCommand: { Reservations: [{ Instances: [instance("i-0stale000000000001", isoAgo(2 * 86400)), instance("i-0fresh00000000001", isoAgo(600))] }] },
            TerminateInstancesCommand: { TerminatingInstances: [{ InstanceId: "i-0stale000000000001" }] },
            PublishCommand: { MessageId: "m-reaper" },
        },
    });
    expectRan(run, ["DescribeInstancesCommand", "TerminateInstancesCommand", "PublishCommand"]);
    expectSelfContained(run, fn);
    const [describe, terminate, publish] = run.calls;
    expect(describe.client).to.equal("EC2Client");
    expect(describe.input.Filters).to.deep.include({ Name: `tag:${pipelineTag}`, Values: [fn.env.PIPELINE_NAME] });
    expect(terminate.input).to.deep.equal({ InstanceIds: ["i-0stale000000000001"] });
    expect(publish.client).to.equal("SNSClient");
    expect(publish.input.TopicArn).to.equal(fn.env.RESULTS_TOPIC_ARN);
    expect(publish.input.Subject).to.contain("terminated 1 leftover");
    expect(run.result.liveCount).to.equal(2);
    expect(run.result.stale.map((s: { instanceId: string }) => s.instanceId)).to.deep.equal(["i-0stale000000000001"]);
    expect(run.result.notified).to.equal(true);
}

/** A completed Classic run of two AMIs and three findings, as analyze finds it. */
function classicCompletionFixture(fn: BuiltFunction) {
    const templateArn = fn.env.ASSESSMENT_TEMPLATE_ARN;
    const runArn = `${templateArn}/run/0-fresh001`;
    const region = templateArn.split(":")[3];
    const cvePackage = `arn:aws:inspector:${region}:316112463485:rulespackage/0-gEjTy7T7`;
    const [amiA, amiB, instA, instB] = ["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb", "i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb"];
    const manifest = {
        runId: "2026-03-30T12-00-00Z-fresh1",
        assessmentRunArn: runArn,
        assessmentTemplateArn: templateArn,
        startedAt: "2026-03-30T12:00:00.000Z",
        amis: [
            { imageId: amiA, name: "golden-a", tags: {}, instanceId: instA, status: "ASSESSING" },
            { imageId: amiB, name: "golden-b", tags: {}, instanceId: instB, status: "ASSESSING" },
        ],
    };
    const finding = (n: number, agentId: string, severity: string, cveId: string) => ({
        arn: `${runArn}/finding/0-0000000${n}`,
        serviceAttributes: { schemaVersion: 1, assessmentRunArn: runArn, rulesPackageArn: cvePackage },
        assetAttributes: { schemaVersion: 1, agentId },
        title: `Instance ${agentId} is vulnerable to ${cveId}`,
        recommendation: `Update the package that fixes ${cveId}`,
        severity,
        attributes: [{ key: "CVE_ID", value: cveId }],
        userAttributes: [],
    });
    const findings = [finding(1, instA, "High", "CVE-2026-1001"), finding(2, instA, "Low", "CVE-2026-1002"), finding(3, instB, "Low", "CVE-2026-1003")];
    const instance = (id: string, ami: string) => ({
        InstanceId: id,
        ImageId: ami,
        State: { Name: "running" },
        LaunchTime: "2026-03-30T12:00:10.000Z",
        Tags: [
            { Key: "golden-ami-assessment:pipeline", Value: fn.env.PIPELINE_NAME },
            { Key: "golden-ami-assessment:run-id", Value: manifest.runId },
        ],
    });
    const message = JSON.stringify({
        template: templateArn,
        findingsCount: `{${cvePackage}=3}`,
        run: runArn,
        time: "2026-03-30T13:20:45.050Z",
        event: "ASSESSMENT_RUN_COMPLETED",
        target: templateArn.replace(/\/template\/.*$/, ""),
    });
    return { templateArn, runArn, amiA, amiB, instA, instB, manifest, findings, instance, message };
}

async function runAnalyze(fn: BuiltFunction): Promise<void> {
    const { templateArn, runArn, amiA, amiB, instA, instB, manifest, findings, instance, message } = classicCompletionFixture(fn);
    const run = await runHandler({
        archiveDir: fn.dir,
        env: fn.env,
        region: fn.region,
        event: { Records: [{ EventSource: "aws:sns", Sns: { MessageId: "sns-1", Message: message } }] },
        script: {
            // The manifest; then nothing delivered, no earlier report or index, no start lock.
            GetObjectCommand: [{ Body: { $text: JSON.stringify(manifest) } }, { $error: { name: "NoSuchKey", message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } } }],
            DescribeInstancesCommand: { Reservations: [{ Instances: [instance(instA, amiA), instance(instB, amiB)] }] },
            ListAssessmentRunAgentsCommand: {
                assessmentRunAgents: [instA, instB].map((agentId) => ({ agentId, assessmentRunArn: runArn, agentHealth: "HEALTHY", agentHealthCode: "IDLE", telemetryMetadata: [{ messageType: "InspectorTelemetry", count: 10 }] })),
            },
            TerminateInstancesCommand: {},
            ListFindingsCommand: { findingArns: findings.map((f) => f.arn) },
            DescribeFindingsCommand: { findings, failedItems: {} },
            PutObjectCommand: { ETag: '"stub"' },
            PublishCommand: { MessageId: "m-analyze" },
            CreateTagsCommand: {},
            DeleteObjectCommand: {},
        },
    });
    expectRan(run, [
        "GetObjectCommand",
        "DescribeInstancesCommand",
        "TerminateInstancesCommand",
        "GetObjectCommand",
        "PutObjectCommand",
        "ListFindingsCommand",
        "DescribeFindingsCommand",
        "ListAssessmentRunAgentsCommand",
        "GetObjectCommand",
        "PutObjectCommand",
        "PutObjectCommand",
        "PutObjectCommand",
        "PublishCommand",
        "GetObjectCommand",
        "PutObjectCommand",
        "PutObjectCommand",
        "PutObjectCommand",
        "PutObjectCommand",
        "CreateTagsCommand",
        "CreateTagsCommand",
        "GetObjectCommand",
        // The run's open marker: the sweep has nothing more to do.
        "DeleteObjectCommand",
    ]);
    expectSelfContained(run, fn);
    const byName = (name: string) => run.calls.filter((c) => c.command === name);
    expect(byName("GetObjectCommand")[0].input).to.deep.equal({ Bucket: fn.env.REPORT_BUCKET, Key: `${fn.env.REPORT_PREFIX}runs/0-fresh001/manifest.json` });
    expect(byName("TerminateInstancesCommand")[0].input.InstanceIds.sort()).to.deep.equal([instA, instB]);
    expect(byName("ListFindingsCommand")[0].client).to.equal("InspectorClient");
    expect(byName("ListFindingsCommand")[0].input.assessmentRunArns).to.deep.equal([runArn]);
    expect(byName("DescribeFindingsCommand")[0].input.findingArns).to.deep.equal(findings.map((f) => f.arn));
    const puts = byName("PutObjectCommand");
    for (const put of puts) expect(put.input.Bucket).to.equal(fn.env.REPORT_BUCKET);
    expect(puts[0].input.Key, "the report is claimed first").to.equal(`${fn.env.REPORT_PREFIX}runs/0-fresh001/report.claim`);
    expect(puts[0].input.IfNoneMatch, "the report is claimed once").to.equal("*");
    expect(puts[puts.length - 1].input.Key, "delivered is marked last, after publishing").to.equal(`${fn.env.REPORT_PREFIX}runs/0-fresh001/delivered`);
    expect(puts[puts.length - 1].input.IfNoneMatch).to.equal("*");
    expect(puts.map((p) => p.input.Key).sort()).to.deep.equal(
        [
            ...["report.claim", "report.json", "report.md", "report.html", "delivered"].map((k) => `${fn.env.REPORT_PREFIX}runs/0-fresh001/${k}`),
            ...["index.json", "index.html", "latest.json"].map((k) => `${fn.env.REPORT_PREFIX}${k}`),
        ].sort(),
    );
    const publish = byName("PublishCommand")[0];
    expect(publish.client).to.equal("SNSClient");
    expect(publish.input.TopicArn).to.equal(fn.env.RESULTS_TOPIC_ARN);
    const verdictOf = (ami: string) => tagsOf(byName("CreateTagsCommand").find((c) => c.input.Resources[0] === ami)!.input.Tags)["golden-ami-assessment:verdict"].split(" ")[0];
    expect({ [amiA]: verdictOf(amiA), [amiB]: verdictOf(amiB) }, "severity threshold from env").to.deep.equal({ [amiA]: "FAIL", [amiB]: "PASS" });
    const [record] = run.result.records;
    expect(record.status).to.equal("processed");
    expect(record.findings).to.deep.equal({ listed: 3, read: 3, unread: 0 });
    expect(record.verdicts).to.deep.equal({ FAIL: 1, "NOT ASSESSED": 0, PASS: 1 });
    expect(byName("DeleteObjectCommand")[0].input).to.deep.equal({ Bucket: fn.env.REPORT_BUCKET, Key: `${fn.env.REPORT_PREFIX}classic-open/0-fresh001` });
    await runClassicSweep(fn, runArn, templateArn, manifest);
}

/** The sweep schedule, through the same archive: one open run, still collecting data, is left alone. */
async function runClassicSweep(fn: BuiltFunction, runArn: string, templateArn: string, manifest: { runId: string; startedAt: string }): Promise<void> {
    const swept = await runHandler({
        archiveDir: fn.dir,
        env: fn.env,
        region: fn.region,
        event: { "detail-type": "Scheduled Event", source: "aws.events", detail: {} },
        script: {
            ListObjectsV2Command: { Contents: [{ Key: `${fn.env.REPORT_PREFIX}classic-open/0-fresh001` }], IsTruncated: false },
            GetObjectCommand: { Body: { $text: JSON.stringify({ assessmentRunArn: runArn, runId: manifest.runId, startedAt: manifest.startedAt }) } },
            DescribeAssessmentRunsCommand: { assessmentRuns: [{ arn: runArn, assessmentTemplateArn: templateArn, state: "COLLECTING_DATA" }], failedItems: {} },
        },
    });
    expectRan(swept, ["ListObjectsV2Command", "GetObjectCommand", "DescribeAssessmentRunsCommand"]);
    expectSelfContained(swept, fn);
    expect(swept.calls[0].input).to.deep.include({ Bucket: fn.env.REPORT_BUCKET, Prefix: `${fn.env.REPORT_PREFIX}classic-open/` });
    expect(swept.calls[2].client).to.equal("InspectorClient");
    expect(swept.calls[2].input).to.deep.equal({ assessmentRunArns: [runArn] });
    expect(swept.result).to.deep.equal({ records: [], sweep: { waiting: [{ runArn, reason: "still COLLECTING_DATA" }] } });
}

async function runStart(fn: BuiltFunction): Promise<void> {
    const templateArn = fn.env.ASSESSMENT_TEMPLATE_ARN;
    const runArn = `${templateArn}/run/0-started1`;
    const image = (id: string, architecture: string) => ({
        ImageId: id,
        Name: `golden-${architecture}`,
        Architecture: architecture,
        RootDeviceName: "/dev/xvda",
        RootDeviceType: "ebs",
        PlatformDetails: "Linux/UNIX",
        State: "available",
        Tags: [{ Key: "golden", Value: "true" }],
    });
    const run = await runHandler({
        archiveDir: fn.dir,
        env: fn.env,
        region: fn.region,
        event: { "detail-type": "Scheduled Event", source: "aws.events", detail: {} },
        // The Lambda's time is nearly up, so start polls the agents once instead of waiting.
        remainingMs: 120_000,
        script: {
            DescribeInstancesCommand: { Reservations: [] },
            DescribeImagesCommand: { Images: [image("ami-0aaaaaaaaaaaaaaaa", "x86_64"), image("ami-0bbbbbbbbbbbbbbbb", "arm64")] },
            ListAssessmentRunsCommand: { assessmentRunArns: [] },
            RunInstancesCommand: [{ Instances: [{ InstanceId: "i-0aaaaaaaaaaaaaaaa" }] }, { Instances: [{ InstanceId: "i-0bbbbbbbbbbbbbbbb" }] }],
            PreviewAgentsCommand: {
                agentPreviews: [
                    { agentId: "i-0aaaaaaaaaaaaaaaa", agentHealth: "HEALTHY" },
                    { agentId: "i-0bbbbbbbbbbbbbbbb", agentHealth: "UNHEALTHY" },
                ],
            },
            TerminateInstancesCommand: {},
            StartAssessmentRunCommand: { assessmentRunArn: runArn },
            PutObjectCommand: { ETag: '"stub"' },
            PublishCommand: { MessageId: "m-start" },
        },
    });
    expectRan(run, [
        "DescribeInstancesCommand",
        "DescribeImagesCommand",
        "ListAssessmentRunsCommand",
        "PutObjectCommand",
        "RunInstancesCommand",
        "RunInstancesCommand",
        // The launch check: did either instance die at launch?
        "DescribeInstancesCommand",
        "PreviewAgentsCommand",
        "TerminateInstancesCommand",
        "StartAssessmentRunCommand",
        "PutObjectCommand",
        // The open marker, for the sweep.
        "PutObjectCommand",
        "PublishCommand",
    ]);
    expectSelfContained(run, fn);
    expectClassicStartCalls(run, fn, runArn, templateArn);
}

/** What Classic start sent: the AMI query, launches, the agent preview, the lock, manifest, open marker and notice. */
function expectClassicStartCalls(run: Awaited<ReturnType<typeof runHandler>>, fn: BuiltFunction, runArn: string, templateArn: string): void {
    const byName = (name: string) => run.calls.filter((c) => c.command === name);
    expect(byName("DescribeImagesCommand")[0].input.Owners).to.deep.equal(JSON.parse(fn.env.AMI_OWNERS));
    expect(byName("DescribeImagesCommand")[0].input.Filters).to.deep.include({ Name: "tag:golden", Values: ["true"] });
    const launches = byName("RunInstancesCommand").map((c) => c.input);
    expect(launches.map((l) => [l.ImageId, l.InstanceType])).to.deep.equal([
        ["ami-0aaaaaaaaaaaaaaaa", JSON.parse(fn.env.INSTANCE_TYPES).x86_64],
        ["ami-0bbbbbbbbbbbbbbbb", JSON.parse(fn.env.INSTANCE_TYPES).arm64],
    ]);
    for (const launch of launches) {
        expect(launch.SubnetId).to.equal(JSON.parse(fn.env.SUBNET_IDS)[0]);
        expect(launch.SecurityGroupIds).to.deep.equal([fn.env.SECURITY_GROUP_ID]);
        expect(tagsOf(launch.TagSpecifications[0].Tags)["golden-ami-assessment:pipeline"]).to.equal(fn.env.PIPELINE_NAME);
    }
    const preview = byName("PreviewAgentsCommand")[0];
    expect(preview.client).to.equal("InspectorClient");
    expect(preview.input.previewAgentsArn).to.equal(fn.env.ASSESSMENT_TARGET_ARN);
    expect(byName("TerminateInstancesCommand")[0].input).to.deep.equal({ InstanceIds: ["i-0bbbbbbbbbbbbbbbb"] });
    expect(byName("StartAssessmentRunCommand")[0].input.assessmentTemplateArn).to.equal(templateArn);
    const lock = byName("PutObjectCommand")[0].input;
    expect([lock.Bucket, lock.Key, lock.IfNoneMatch]).to.deep.equal([fn.env.REPORT_BUCKET, `${fn.env.REPORT_PREFIX}locks/start.json`, "*"]);
    const put = byName("PutObjectCommand")[1].input;
    expect([put.Bucket, put.Key]).to.deep.equal([fn.env.REPORT_BUCKET, `${fn.env.REPORT_PREFIX}runs/0-started1/manifest.json`]);
    const open = byName("PutObjectCommand")[2].input;
    expect([open.Bucket, open.Key]).to.deep.equal([fn.env.REPORT_BUCKET, `${fn.env.REPORT_PREFIX}classic-open/0-started1`]);
    expect(JSON.parse(open.Body)).to.deep.include({ assessmentRunArn: runArn });
    expect(JSON.parse(put.Body).amis.map((a: { imageId: string; status: string }) => [a.imageId, a.status])).to.deep.equal([
        ["ami-0aaaaaaaaaaaaaaaa", "ASSESSING"],
        ["ami-0bbbbbbbbbbbbbbbb", "AGENT_UNHEALTHY"],
    ]);
    const publish = byName("PublishCommand")[0];
    expect(publish.input.TopicArn).to.equal(fn.env.RESULTS_TOPIC_ARN);
    expect(publish.input.Subject).to.contain("1 of 2 golden AMIs not assessed");
    expect(run.result.outcome).to.equal("RUN_STARTED");
    expect(run.result.assessmentRunArn).to.equal(runArn);
}

/** Inspector v2 start in an account where v2 is not enabled: it launches nothing and reports why. */
async function runStartV2(fn: BuiltFunction): Promise<void> {
    const image = { ImageId: "ami-0aaaaaaaaaaaaaaaa", Name: "golden-x86", Architecture: "x86_64", RootDeviceName: "/dev/xvda", RootDeviceType: "ebs", State: "available", Tags: [{ Key: "golden", Value: "true" }] };
    const run = await runHandler({
        archiveDir: fn.dir,
        env: fn.env,
        region: fn.region,
        event: { "detail-type": "Scheduled Event", source: "aws.events", detail: {} },
        script: {
            DescribeInstancesCommand: { Reservations: [] },
            DescribeImagesCommand: { Images: [image] },
            BatchGetAccountStatusCommand: { accounts: [{ accountId: "123456789012", state: { status: "DISABLED" }, resourceState: { ec2: { status: "DISABLED" } } }], failedAccounts: [] },
            GetConfigurationCommand: {},
            // No previous report, no index yet: a first run.
            GetObjectCommand: { $error: { name: "NoSuchKey", message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } } },
            PutObjectCommand: {},
            PublishCommand: { MessageId: "m-v2" },
        },
    });
    expect(run.ok, `handler failed: ${JSON.stringify(run.error)} calls ${callNames(run).join(", ")}`).to.equal(true);
    expectSelfContained(run, fn);
    expect(callNames(run)).not.to.include("RunInstancesCommand");
    const report = JSON.parse(run.calls.find((c) => c.command === "PutObjectCommand" && c.input.Key.endsWith("report.json"))!.input.Body);
    expect(report.engine).to.equal("inspector2");
    expect(report.outcome).to.equal("INSPECTOR_NOT_ENABLED");
    expect(report.amis[0].verdict).to.equal("NOT ASSESSED");
    expect(report.amis[0].notAssessed.detail).to.contain("aws inspector2 enable");
    expect(run.result.outcome).to.equal("REPORTED");
}

/** Inspector v2 analyze on a sweep with no open run: it looks, finds nothing to do, and says so. */
async function runAnalyzeV2(fn: BuiltFunction): Promise<void> {
    const run = await runHandler({
        archiveDir: fn.dir,
        env: fn.env,
        region: fn.region,
        event: { "detail-type": "Scheduled Event", source: "aws.events", detail: {} },
        script: { ListObjectsV2Command: { Contents: [], IsTruncated: false } },
    });
    expectRan(run, ["ListObjectsV2Command"]);
    expectSelfContained(run, fn);
    expect(run.calls[0].input.Prefix).to.equal(`${fn.env.REPORT_PREFIX}open/`);
    expect(run.result).to.deep.equal({ trigger: "sweep", runs: [] });
}

const SCENARIOS: Record<HandlerKey, (fn: BuiltFunction) => Promise<void>> = {
    "classic:start": runStart,
    "classic:analyze": runAnalyze,
    "inspector2:start": runStartV2,
    "inspector2:analyze": runAnalyzeV2,
    reaper: runReaper,
};

// ---------------------------------------------------------------- the suites

function built(name: string, region: string, env: Record<string, string>, files: ArchiveFiles, tempDirs: string[]): BuiltFunction {
    const dir = writeArchive(files);
    tempDirs.push(dir);
    return { role: roleOf(name), name, region, env, files, dir };
}

/** The suites for one set of functions: static checks for all, scenarios for the roles known here. */
function archiveSuites(functions: () => BuiltFunction[]): void {
    it("has a start, an analyze and a reaper function; each archive is one minified __index.js with only what its handler uses", () => {
        expect(functions().map((f) => f.role).filter(Boolean).sort()).to.deep.equal([...ROLES].sort());
        for (const fn of functions()) checkArchive(fn);
    });
    for (const role of ROLES) {
        it(`${role}: runs in a fresh node with nothing but its archive, against stubbed AWS`, async () => {
            const fn = functions().find((f) => f.role === role)!;
            await SCENARIOS[keyOf(fn)](fn);
        });
    }
}

describe("Lambda code archives: bundled and self-contained", function () {
    this.timeout(300_000);
    const tempDirs: string[] = [];
    after(() => tempDirs.forEach(removeDir));

    describe("this project's stack, engine inspector2 (index.ts under mocks, one region)", () => {
        const functions: BuiltFunction[] = [];
        before(async () => {
            const plan = await planIndex({
                stack: "test",
                config: {
                    "aws:region": "us-east-1",
                    "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
                    "golden-ami-assessment:rulesPackages": JSON.stringify(["cve", "cis"]),
                },
            });
            for (const r of plan.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
                functions.push(built(r.name, r.inputs.region, r.inputs.environment.variables, await archiveFiles(r.inputs.code), tempDirs));
            }
        });
        archiveSuites(() => functions);
    });

    describe("this project's stack, engine classic (index.ts under mocks, one region)", () => {
        const functions: BuiltFunction[] = [];
        const reaper = () => functions.find((f) => f.role === "reaper")!;

        before(async () => {
            const plan = await planIndex({
                stack: "test",
                config: {
                    "aws:region": "us-east-1",
                    "golden-ami-assessment:engine": "classic",
                    "golden-ami-assessment:regions": JSON.stringify(["us-east-1"]),
                    "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
                    "golden-ami-assessment:notificationEmails": JSON.stringify(["secops@example.com"]),
                },
            });
            for (const r of plan.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
                functions.push(built(r.name, r.inputs.region, r.inputs.environment.variables, await archiveFiles(r.inputs.code), tempDirs));
            }
        });

        archiveSuites(() => functions);

        it("nothing outside the archive is resolvable from it: not the SDK, not our package", async () => {
            expect(fs.existsSync(path.join(PROJECT_NODE_MODULES, "@aws-sdk", "client-ec2", "package.json")), "our node_modules has it").to.equal(true);
            const fn = reaper();
            assertIsolated(fn.dir);
            fs.writeFileSync(path.join(fn.dir, "probe.js"), "for (const m of process.argv.slice(2)) { try { require.resolve(m); console.log('resolved ' + m); } catch { console.log('missing ' + m); } }");
            const probes = ["@aws-sdk/client-ec2", "@aws-sdk/client-sns", "@smithy/core", OWN_PACKAGE.name];
            const { spawnSync } = await import("child_process");
            const out = spawnSync(process.execPath, ["probe.js", ...probes], { cwd: fn.dir, env: { PATH: process.env.PATH ?? "" }, encoding: "utf8" });
            fs.rmSync(path.join(fn.dir, "probe.js"));
            expect(out.stdout.trim().split("\n")).to.deep.equal(probes.map((m) => `missing ${m}`));
        });

        it("reaper fails loudly in a container missing its settings", async () => {
            const fn = reaper();
            const env = { ...fn.env };
            delete env.RESULTS_TOPIC_ARN;
            const run = await runHandler({ archiveDir: fn.dir, env, region: fn.region, event: {}, script: {} });
            expect(run.ok).to.equal(false);
            expect(run.phase).to.equal("load");
            expect(run.error?.message).to.equal("environment variable RESULTS_TOPIC_ARN is not set");
            expect(run.error?.stack, "keepNames: readable stack").to.contain("readSettings");
        });
    });

    describe("a consumer installing the npm pack tarball", () => {
        const functions: BuiltFunction[] = [];
        let consumer: Consumer;

        before(async function () {
            const packDir = makeTempDir("gaa-pack");
            tempDirs.push(packDir);
            const tarball = packProject(packDir);
            consumer = createConsumer(tarball, { forceFallback: process.env.GAA_CONSUMER_INSTALL === "link" });
            tempDirs.push(consumer.dir);
            console.log(`      consumer installed by ${consumer.install.method} (${consumer.install.note})`);
            for (const fn of planConsumer(consumer.dir)) functions.push(built(fn.name, fn.region, fn.env, fn.files, tempDirs));
        });

        it("uses the package from the tarball, with esbuild installed as its dependency", () => {
            const installed = path.join(consumer.dir, "node_modules", OWN_PACKAGE.name);
            expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(false);
            expect(fs.existsSync(path.join(installed, OWN_PACKAGE.main))).to.equal(true);
            const esbuild = path.join(consumer.dir, "node_modules", "esbuild");
            expect(fs.existsSync(path.join(esbuild, "package.json")), "esbuild installed").to.equal(true);
            if (consumer.install.method === "npm install --offline") expect(fs.lstatSync(esbuild).isSymbolicLink(), "esbuild installed by npm").to.equal(false);
            expect(fs.existsSync(path.join(consumer.dir, "node_modules", ".cache")), "no staging").to.equal(false);
        });

        archiveSuites(() => functions);
    });
});
