// The Lambda code archives are serialized and self-contained: what Pulumi would upload holds the
// handlers inlined plus only the packages the nodejs22.x runtime lacks, and it runs in a fresh
// process that sees nothing but the archive and the runtime's SDK clients. Proven twice: for this
// project's stack (index.ts under mocks) and for a consumer installing the `npm pack` tarball.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { RUNTIME_PROVIDED_PACKAGES } from "../../components/handlerFunction";
import { planIndex } from "../../scripts/mockRuntime";
import { ArchiveEntries, archiveEntries, indexJs, listPackages, makeTempDir, materializeArchive, removeDir, requiredModules } from "../support/archive";
import { Consumer, createConsumer, packProject, planConsumer } from "../support/consumer";
import { FreshRun, LAMBDA_RUNTIME_CLIENTS, PROJECT_NODE_MODULES, callNames, makeRuntimeDir, runHandler } from "../support/freshProcess";

const PROJECT_ROOT = path.resolve(__dirname, "../..");
const OWN_PACKAGE = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
const INSPECTOR_CLIENT = "@aws-sdk/client-inspector";
const INSPECTOR_VERSION: string = OWN_PACKAGE.pulumi.runtimeDependencies[INSPECTOR_CLIENT];

type Role = "start" | "analyze" | "reaper";
const ROLES: Role[] = ["start", "analyze", "reaper"];

/** The SDK clients each handler's __index.js requires (nothing else may be required). */
const REQUIRED_CLIENTS: Record<Role, string[]> = {
    start: ["@aws-sdk/client-ec2", INSPECTOR_CLIENT, "@aws-sdk/client-s3", "@aws-sdk/client-sns"],
    analyze: ["@aws-sdk/client-ec2", INSPECTOR_CLIENT, "@aws-sdk/client-s3", "@aws-sdk/client-sns"],
    reaper: ["@aws-sdk/client-ec2", "@aws-sdk/client-sns"],
};
/** Text only the inlined handler code contains (Pulumi keeps function names as comments). */
const HANDLER_MARKERS: Record<Role, string[]> = {
    start: ["/*startHandlerFactory*/", "/*waitForHealthyAgents*/", "/*launchInstance*/", "exports.handler = "],
    analyze: ["/*analyzeHandlerFactory*/", "/*listFindingArns*/", "/*describeFindings*/", "/*consolidate*/", "exports.handler = "],
    reaper: ["/*reaperHandlerFactory*/", "/*reapStaleInstances*/", "exports.handler = "],
};

/** Build and test tools: none may ever ship in a Lambda archive. */
const TOOLS = new Set([
    ...Object.keys(OWN_PACKAGE.devDependencies ?? {}).filter((name) => !name.startsWith("@pulumi/")),
    "mocha",
    "chai",
    "ts-node",
    "typescript",
    "aws-sdk-client-mock",
    "sinon",
    "js-yaml",
    "@npmcli/arborist",
    "protobufjs",
    "@grpc/grpc-js",
]);

interface BuiltFunction {
    role: Role;
    name: string;
    region: string;
    env: Record<string, string>;
    entries: ArchiveEntries;
    dir: string;
}

function roleOf(name: string): Role {
    const role = ROLES.find((r) => name.endsWith(`-${r}`));
    if (!role) throw new Error(`not a handler function: ${name}`);
    return role;
}

const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

// ---------------------------------------------------------------- static checks of one archive

function checkArchiveContents(fn: BuiltFunction): void {
    const packages = listPackages(fn.dir);
    const names = packages.map((p) => p.name);
    expect(names.filter((n) => n.startsWith("@pulumi/")), `${fn.name}: @pulumi packages`).to.deep.equal([]);
    expect(names.filter((n) => TOOLS.has(n) || n.startsWith("@types/")), `${fn.name}: build/test tools`).to.deep.equal([]);
    expect(names.filter((n) => LAMBDA_RUNTIME_CLIENTS.includes(n)), `${fn.name}: runtime-provided clients`).to.deep.equal([]);
    expect(
        packages.filter((p) => p.name === OWN_PACKAGE.name).map((p) => p.path),
        `${fn.name}: our own package is in the archive (was its package.json "pulumi" section ignored?)`,
    ).to.deep.equal([]);
    const topLevel = fs.readdirSync(fn.dir).sort();
    expect(topLevel, `${fn.name}: archive root`).to.deep.equal(fn.role === "reaper" ? ["__index.js"] : ["__index.js", "node_modules"]);
    if (fn.role === "reaper") {
        // EC2 and SNS come from the runtime: the reaper ships nothing but its code.
        expect(packages, `${fn.name}: packages`).to.deep.equal([]);
    } else {
        const inspector = packages.find((p) => p.path === `node_modules/${INSPECTOR_CLIENT}`);
        expect(inspector, `${fn.name}: bundles ${INSPECTOR_CLIENT}`).to.not.equal(undefined);
        expect(inspector!.version).to.equal(INSPECTOR_VERSION);
        expect(fs.existsSync(path.join(fn.dir, "node_modules", INSPECTOR_CLIENT, "dist-cjs", "index.js"))).to.equal(true);
    }
}

function checkIndexJs(fn: BuiltFunction): void {
    const code = indexJs(fn.dir);
    const required = requiredModules(code);
    for (const specifier of required) {
        expect(specifier, `${fn.name}: relative or absolute require`).to.match(/^[@a-z]/);
        expect(specifier, `${fn.name}: requires Pulumi`).to.not.match(/^@pulumi\//);
        expect(specifier, `${fn.name}: requires our package`).to.not.contain(OWN_PACKAGE.name);
        expect(specifier, `${fn.name}: requires our sources`).to.not.match(/(^|\/)(callbacks|components|bin)(\/|$)/);
    }
    expect([...new Set(required.map(packageOf))].sort(), `${fn.name}: required packages`).to.deep.equal([...REQUIRED_CLIENTS[fn.role]].sort());
    expect(code, `${fn.name}: mentions the project path`).to.not.contain(PROJECT_ROOT);
    expect(code, `${fn.name}: mentions node_modules/${OWN_PACKAGE.name}`).to.not.contain(`node_modules/${OWN_PACKAGE.name}`);
    for (const marker of HANDLER_MARKERS[fn.role]) expect(code, `${fn.name}: inlined handler code`).to.contain(marker);
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

/** Where each SDK client module came from: the bundled one from the archive, the rest from the runtime dir. */
function expectClientOrigins(run: FreshRun, fn: BuiltFunction): void {
    const archiveReal = fs.realpathSync(fn.dir) + path.sep;
    const projectReal = fs.realpathSync(PROJECT_NODE_MODULES) + path.sep;
    for (const client of REQUIRED_CLIENTS[fn.role]) {
        const load = run.loads.find((l) => packageOf(l.request) === client);
        expect(load, `${fn.name}: ${client} loaded`).to.not.equal(undefined);
        if (client === INSPECTOR_CLIENT) {
            expect(load!.filename, `${fn.name}: ${client} from the archive`).to.satisfy((f: string) => f.startsWith(archiveReal));
        } else {
            // Through the runtime dir's symlink to our copy: not shipped in the archive.
            expect(load!.filename, `${fn.name}: ${client} from the runtime`).to.satisfy((f: string) => !f.startsWith(archiveReal) && f.startsWith(projectReal));
        }
    }
}

async function runReaper(fn: BuiltFunction, runtime: string): Promise<void> {
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
        runtimeNodeModules: runtime,
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
    expectClientOrigins(run, fn);
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

async function runAnalyze(fn: BuiltFunction, runtime: string): Promise<void> {
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
    const run = await runHandler({
        archiveDir: fn.dir,
        runtimeNodeModules: runtime,
        env: fn.env,
        region: fn.region,
        event: { Records: [{ EventSource: "aws:sns", Sns: { MessageId: "sns-1", Message: message } }] },
        script: {
            GetObjectCommand: { Body: { $text: JSON.stringify(manifest) } },
            DescribeInstancesCommand: { Reservations: [{ Instances: [instance(instA, amiA), instance(instB, amiB)] }] },
            TerminateInstancesCommand: {},
            ListFindingsCommand: { findingArns: findings.map((f) => f.arn) },
            DescribeFindingsCommand: { findings, failedItems: {} },
            PutObjectCommand: { ETag: '"stub"' },
            PublishCommand: { MessageId: "m-analyze" },
            CreateTagsCommand: {},
        },
    });
    expectRan(run, [
        "GetObjectCommand",
        "DescribeInstancesCommand",
        "TerminateInstancesCommand",
        "ListFindingsCommand",
        "DescribeFindingsCommand",
        "PutObjectCommand",
        "PutObjectCommand",
        "PutObjectCommand",
        "PublishCommand",
        "CreateTagsCommand",
        "CreateTagsCommand",
    ]);
    expectClientOrigins(run, fn);
    const byName = (name: string) => run.calls.filter((c) => c.command === name);
    expect(byName("GetObjectCommand")[0].input).to.deep.equal({ Bucket: fn.env.REPORT_BUCKET, Key: `${fn.env.REPORT_PREFIX}runs/0-fresh001/manifest.json` });
    expect(byName("TerminateInstancesCommand")[0].input.InstanceIds.sort()).to.deep.equal([instA, instB]);
    expect(byName("ListFindingsCommand")[0].client).to.equal("InspectorClient");
    expect(byName("ListFindingsCommand")[0].input.assessmentRunArns).to.deep.equal([runArn]);
    expect(byName("DescribeFindingsCommand")[0].input.findingArns).to.deep.equal(findings.map((f) => f.arn));
    const puts = byName("PutObjectCommand");
    for (const put of puts) expect(put.input.Bucket).to.equal(fn.env.REPORT_BUCKET);
    expect(puts[0].input.IfNoneMatch, "delivery claimed once").to.equal("*");
    expect(puts.map((p) => p.input.Key).sort()).to.deep.equal(["delivered", "report.json", "report.md"].map((k) => `${fn.env.REPORT_PREFIX}runs/0-fresh001/${k}`).sort());
    const publish = byName("PublishCommand")[0];
    expect(publish.client).to.equal("SNSClient");
    expect(publish.input.TopicArn).to.equal(fn.env.RESULTS_TOPIC_ARN);
    const verdictOf = (ami: string) => tagsOf(byName("CreateTagsCommand").find((c) => c.input.Resources[0] === ami)!.input.Tags)["golden-ami-assessment:verdict"];
    expect({ [amiA]: verdictOf(amiA), [amiB]: verdictOf(amiB) }, "severity threshold from env").to.deep.equal({ [amiA]: "FAIL", [amiB]: "PASS" });
    const [record] = run.result.records;
    expect(record.status).to.equal("processed");
    expect(record.findings).to.deep.equal({ listed: 3, read: 3, unread: 0 });
    expect(record.verdicts).to.deep.equal({ FAIL: 1, "NOT ASSESSED": 0, PASS: 1 });
}

async function runStart(fn: BuiltFunction, runtime: string): Promise<void> {
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
        runtimeNodeModules: runtime,
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
        "RunInstancesCommand",
        "RunInstancesCommand",
        "PreviewAgentsCommand",
        "TerminateInstancesCommand",
        "StartAssessmentRunCommand",
        "PutObjectCommand",
        "PublishCommand",
    ]);
    expectClientOrigins(run, fn);
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
    const put = byName("PutObjectCommand")[0].input;
    expect([put.Bucket, put.Key]).to.deep.equal([fn.env.REPORT_BUCKET, `${fn.env.REPORT_PREFIX}runs/0-started1/manifest.json`]);
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

const SCENARIOS: Record<Role, (fn: BuiltFunction, runtime: string) => Promise<void>> = { start: runStart, analyze: runAnalyze, reaper: runReaper };

// ---------------------------------------------------------------- the suites

describe("Lambda code archives: serialized and self-contained", function () {
    this.timeout(300_000);
    const tempDirs: string[] = [];
    let runtime: string;

    before(() => {
        runtime = makeRuntimeDir();
        tempDirs.push(path.dirname(runtime));
    });
    after(() => tempDirs.forEach(removeDir));

    it("models the runtime with exactly the clients the component leaves out", () => {
        expect([...RUNTIME_PROVIDED_PACKAGES].sort()).to.deep.equal([...LAMBDA_RUNTIME_CLIENTS].sort());
    });

    describe("this project's stack (index.ts under mocks, one region)", () => {
        const functions = {} as Record<Role, BuiltFunction>;

        before(async () => {
            const plan = await planIndex({
                stack: "test",
                config: {
                    "aws:region": "us-east-1",
                    "golden-ami-assessment:regions": JSON.stringify(["us-east-1"]),
                    "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
                    "golden-ami-assessment:notificationEmails": JSON.stringify(["secops@example.com"]),
                },
            });
            const lambdas = plan.resources.filter((r) => r.type === "aws:lambda/function:Function");
            expect(lambdas.map((r) => roleOf(r.name)).sort()).to.deep.equal([...ROLES].sort());
            for (const resource of lambdas) {
                const entries = await archiveEntries(resource.inputs.code);
                const dir = materializeArchive(entries);
                tempDirs.push(dir);
                const role = roleOf(resource.name);
                functions[role] = { role, name: resource.name, region: resource.inputs.region, env: resource.inputs.environment.variables, entries, dir };
            }
        });

        for (const role of ROLES) {
            it(`${role}: ships no Pulumi, no tools, no runtime-provided client; ${role === "reaper" ? "nothing but __index.js" : `bundles ${INSPECTOR_CLIENT}`}`, () => {
                checkArchiveContents(functions[role]);
            });
            it(`${role}: __index.js inlines our code and requires only the SDK clients`, () => {
                checkIndexJs(functions[role]);
            });
            it(`${role}: runs in a fresh node with only the archive and the runtime's clients, against stubbed AWS`, async () => {
                await SCENARIOS[role](functions[role], runtime);
            });
        }

        it("start cannot load without its bundled Classic client (the archive provides it, not our node_modules)", async () => {
            expect(fs.existsSync(path.join(PROJECT_NODE_MODULES, INSPECTOR_CLIENT, "package.json")), "our node_modules has it").to.equal(true);
            const bundled = path.join(functions.start.dir, "node_modules", INSPECTOR_CLIENT);
            const aside = path.join(functions.start.dir, "inspector-set-aside");
            fs.renameSync(bundled, aside);
            let run: FreshRun;
            try {
                run = await runHandler({ archiveDir: functions.start.dir, runtimeNodeModules: runtime, env: functions.start.env, region: functions.start.region, event: {}, script: {} });
            } finally {
                fs.renameSync(aside, bundled);
            }
            expect(run.ok).to.equal(false);
            expect(run.phase).to.equal("load");
            expect(run.error?.code).to.equal("MODULE_NOT_FOUND");
            expect(run.error?.message).to.contain(`Cannot find module '${INSPECTOR_CLIENT}/`);
            expect(run.calls).to.deep.equal([]);
        });

        it("reaper cannot load without the runtime's clients (they come only from NODE_PATH)", async () => {
            const emptyRuntime = path.join(makeTempDir("gaa-empty-runtime"), "node_modules");
            tempDirs.push(path.dirname(emptyRuntime));
            fs.mkdirSync(emptyRuntime);
            const run = await runHandler({ archiveDir: functions.reaper.dir, runtimeNodeModules: emptyRuntime, env: functions.reaper.env, region: functions.reaper.region, event: {}, script: {} });
            expect(run.ok).to.equal(false);
            expect(run.phase).to.equal("load");
            expect(run.error?.code).to.equal("MODULE_NOT_FOUND");
            expect(run.error?.message).to.contain("Cannot find module '@aws-sdk/client-");
        });

        it("reaper fails loudly in a container missing its settings", async () => {
            const env = { ...functions.reaper.env };
            delete env.RESULTS_TOPIC_ARN;
            const run = await runHandler({ archiveDir: functions.reaper.dir, runtimeNodeModules: runtime, env, region: functions.reaper.region, event: {}, script: {} });
            expect(run.ok).to.equal(false);
            expect(run.phase).to.equal("load");
            expect(run.error?.message).to.equal("environment variable RESULTS_TOPIC_ARN is not set");
        });
    });

    describe("a consumer installing the npm pack tarball", () => {
        const functions = {} as Record<Role, BuiltFunction>;
        let consumer: Consumer;

        before(async function () {
            const packDir = makeTempDir("gaa-pack");
            tempDirs.push(packDir);
            const tarball = packProject(packDir);
            consumer = createConsumer(tarball, { forceFallback: process.env.GAA_CONSUMER_INSTALL === "link" });
            tempDirs.push(consumer.dir);
            console.log(`      consumer installed by ${consumer.install.method} (${consumer.install.note})`);
            const built = planConsumer(consumer.dir);
            expect(built.map((f) => roleOf(f.name)).sort()).to.deep.equal([...ROLES].sort());
            for (const fn of built) {
                const dir = materializeArchive(fn.entries);
                tempDirs.push(dir);
                const role = roleOf(fn.name);
                functions[role] = { role, name: fn.name, region: fn.region, env: fn.env, entries: fn.entries, dir };
            }
        });

        it("uses the package from the tarball, and archives built from the consumer's own node_modules", () => {
            const installed = path.join(consumer.dir, "node_modules", OWN_PACKAGE.name);
            expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(false);
            expect(fs.existsSync(path.join(installed, OWN_PACKAGE.main))).to.equal(true);
            const consumerReal = fs.realpathSync(consumer.dir) + path.sep;
            for (const fn of Object.values(functions)) {
                for (const [key, entry] of Object.entries(fn.entries)) {
                    if (entry.kind !== "text") expect(fs.realpathSync(entry.path), `${fn.name} ${key}`).to.satisfy((p: string) => p.startsWith(consumerReal));
                }
            }
        });

        for (const role of ROLES) {
            it(`${role}: ships no Pulumi, no tools, no runtime-provided client, not our package; ${role === "reaper" ? "nothing but __index.js" : `bundles ${INSPECTOR_CLIENT}`}`, () => {
                checkArchiveContents(functions[role]);
            });
            it(`${role}: __index.js has our code inlined, no require of ${OWN_PACKAGE.name}`, () => {
                checkIndexJs(functions[role]);
            });
            it(`${role}: runs in a fresh node against stubbed AWS`, async () => {
                await SCENARIOS[role](functions[role], runtime);
            });
        }
    });
});
