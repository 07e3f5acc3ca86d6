import { EC2Client, Instance, RunInstancesCommand, RunInstancesCommandInput, DescribeImagesCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import * as inspectorSdk from "@aws-sdk/client-inspector";
import { AgentsAlreadyRunningAssessmentException, InspectorClient } from "@aws-sdk/client-inspector";
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, PutObjectCommandInput, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { PublishCommand, PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { expect } from "chai";
import { FINDINGS_SETTLE_SECONDS } from "../../../pipeline/cleanup/stale";
import { VERDICT_TAG } from "../../../pipeline/run/tags";
import { ACTIVE_RUN_STATES } from "../../../engines/classic/assessmentRuns";
import { EC2_TAG_LIMIT } from "../../../pipeline/launch/launch";
import { ClassicRunManifest as RunManifest, runKeys } from "../../../engines/classic/manifest";
import { openRunKey } from "../../../engines/classic/openRuns";
import { settingsToEnv } from "../../../pipeline/run/settings";
import { CLASSIC_SETTINGS_SPEC } from "../../../engines/classic/settings";
import { START_SETTINGS, StartSettings, makeStartHandler, startHandlerFactory } from "../../../engines/classic/start";
import { PIPELINE_TAG, RUN_TAG, SOURCE_AMI_TAG } from "../../../pipeline/run/tags";
import { LINUX_AGENT_SCRIPT, WINDOWS_AGENT_SCRIPT } from "../../../engines/classic/userData";
import { Ec2World, liveInstanceIds, mockEc2World, newEc2World, terminatedInstanceIds } from "../../support/ec2World";
import {
    NOW,
    PIPELINE,
    RUN_ARN,
    TARGET_ARN,
    TEMPLATE_ARN,
    TOPIC_ARN,
    decodeUserData,
    ec2Error,
    fakeClock,
    fakeImage,
    inspectorError,
    isolatedMock,
} from "../../support/launchFixtures";
import { restoreProcessEnvAfterEach } from "../../support/processEnv";

// client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match.
const ListAssessmentRunsCommand = inspectorSdk.ListAssessmentRunsCommand as any;
const PreviewAgentsCommand = inspectorSdk.PreviewAgentsCommand as any;
const StartAssessmentRunCommand = inspectorSdk.StartAssessmentRunCommand as any;
const StopAssessmentRunCommand = inspectorSdk.StopAssessmentRunCommand as any;
const LOCK_KEY = "reports/locks/start.json";
const MANIFEST_KEY = "reports/runs/0-MnOpQr56/manifest.json";

const SETTINGS: StartSettings = {
    engine: "classic",
    pipelineName: PIPELINE,
    amiTags: { Golden: "true", Env: "prod" },
    amiOwners: ["self", "123456789012"],
    instanceTypes: { x86_64: "t3.medium", arm64: "t4g.medium" },
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-assess",
    assessmentTargetArn: TARGET_ARN,
    assessmentTemplateArn: TEMPLATE_ARN,
    durationSeconds: 3600,
    resultsTopicArn: TOPIC_ARN,
    reportBucket: "reports-bucket",
    reportPrefix: "reports/",
    agentWaitSeconds: 600,
    reapGraceSeconds: 3600,
    // Above the AMI counts here: these tests are about one run's launches, tests of waves set their own.
    maxConcurrentInstances: 50,
    kmsKeyArns: [],
};
const RUN_ID_PATTERN = /^2026-11-23T10-00-00Z-[0-9a-z]{6}$/;

describe("start handler", () => {
    let world: Ec2World;
    let clock: ReturnType<typeof fakeClock>;
    let ec2: EC2Client;
    let inspector: InspectorClient;
    let s3: S3Client;
    let sns: SNSClient;
    let ec2Mock: ReturnType<typeof mockEc2World>;
    let inspectorMock: ReturnType<typeof isolatedMock>;
    let s3Mock: ReturnType<typeof isolatedMock>;
    let snsMock: ReturnType<typeof isolatedMock>;
    /** Agent health by instance ID and poll number (1-based); HEALTHY unless a test says otherwise. */
    let agentHealth: (instanceId: string, poll: number) => string | undefined;
    let polls: number;
    /** The report bucket: conditional writes as S3 does them. */
    let objects: Map<string, string>;

    beforeEach(() => {
        world = newEc2World();
        clock = fakeClock();
        ec2 = new EC2Client({ region: "us-east-1" });
        inspector = new InspectorClient({ region: "us-east-1" });
        s3 = new S3Client({ region: "us-east-1" });
        sns = new SNSClient({ region: "us-east-1" });
        ec2Mock = mockEc2World(ec2, world, clock.now);
        inspectorMock = isolatedMock(inspector);
        s3Mock = isolatedMock(s3);
        snsMock = isolatedMock(sns);
        agentHealth = () => "HEALTHY";
        polls = 0;

        inspectorMock.on(ListAssessmentRunsCommand).resolves({ assessmentRunArns: [] });
        inspectorMock.on(PreviewAgentsCommand).callsFake(() => {
            polls++;
            world.events.push("PreviewAgents");
            const agents = world.instances
                .filter((instance) => instance.State?.Name === "pending" || instance.State?.Name === "running")
                .map((instance) => ({ agentId: instance.InstanceId!, agentHealth: agentHealth(instance.InstanceId!, polls) }))
                .filter((agent) => agent.agentHealth !== undefined);
            return { agentPreviews: agents };
        });
        inspectorMock.on(StartAssessmentRunCommand).callsFake(() => {
            world.events.push("StartAssessmentRun");
            return { assessmentRunArn: RUN_ARN };
        });
        objects = new Map();
        s3Mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
            world.events.push(input.Key === LOCK_KEY ? "PutObject lock" : "PutObject");
            if (input.IfNoneMatch === "*" && objects.has(input.Key!)) {
                throw new S3ServiceException({ name: "PreconditionFailed", $fault: "client", $metadata: { httpStatusCode: 412 }, message: "precondition" });
            }
            objects.set(input.Key!, String(input.Body));
            return { ETag: `"${objects.size}"` };
        });
        s3Mock.on(GetObjectCommand).callsFake((input) => {
            const body = objects.get(input.Key);
            if (body === undefined) throw new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: "The specified key does not exist." });
            return { Body: { transformToString: async () => body }, ETag: `"x"` };
        });
        s3Mock.on(DeleteObjectCommand).callsFake((input) => {
            objects.delete(input.Key);
            return {};
        });
        inspectorMock.on(StopAssessmentRunCommand).callsFake(() => {
            world.events.push("StopAssessmentRun");
            return {};
        });
        snsMock.on(PublishCommand).callsFake((input: PublishCommandInput) => {
            world.events.push(`Publish ${input.Subject}`);
            return { MessageId: "m-1" };
        });
    });

    function handler(settings: StartSettings = SETTINGS) {
        return makeStartHandler({ ec2, inspector, sns, s3, settings, now: clock.now, sleep: clock.sleep });
    }

    function goldenImages(...images: ReturnType<typeof fakeImage>[]) {
        world.imagePages = [images];
    }

    const runInputs = (): RunInstancesCommandInput[] => ec2Mock.commandCalls(RunInstancesCommand).map((call) => call.args[0].input);
    const published = (): PublishCommandInput[] => snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input as PublishCommandInput);
    const manifestPuts = () => s3Mock.commandCalls(PutObjectCommand).filter((call) => call.args[0].input.Key !== LOCK_KEY);
    const manifest = (): RunManifest => JSON.parse(String(manifestPuts()[0].args[0].input.Body));

    async function rejection(promise: Promise<unknown>): Promise<Error> {
        return promise.then(
            () => expect.fail("expected the handler to throw"),
            (error: Error) => error,
        );
    }

    describe("a run that starts", () => {
        it("launches one encrypted, tagged, agent-installing instance per golden AMI, starts the run and writes the manifest", async () => {
            goldenImages(
                fakeImage("ami-1", { architecture: "x86_64", name: "base-linux" }),
                fakeImage("ami-2", { architecture: "arm64", rootDeviceName: "/dev/sda1", tags: [{ Key: "Golden", Value: "true" }, { Key: "Team", Value: "core" }] }),
                fakeImage("ami-3", { platform: "windows", rootDeviceName: "/dev/sda1" }),
            );
            const result = await handler()();

            expect(result.outcome).to.equal("RUN_STARTED");
            expect(result.runId).to.match(RUN_ID_PATTERN);
            const inputs = runInputs();
            expect(inputs.map((input) => input.ImageId)).to.deep.equal(["ami-1", "ami-2", "ami-3"]);
            const arm = inputs[1];
            expect(arm).to.deep.include({
                InstanceType: "t4g.medium",
                MinCount: 1,
                MaxCount: 1,
                SubnetId: "subnet-a",
                SecurityGroupIds: ["sg-assess"],
                InstanceInitiatedShutdownBehavior: "terminate",
            });
            expect(arm.BlockDeviceMappings).to.deep.equal([{ DeviceName: "/dev/sda1", Ebs: { Encrypted: true, DeleteOnTermination: true } }]);
            expect(arm.MetadataOptions?.HttpTokens).to.equal("optional");
            expect(arm.ClientToken).to.include(result.runId).and.include("ami-2");
            const expectedTags = [
                { Key: PIPELINE_TAG, Value: PIPELINE },
                { Key: RUN_TAG, Value: result.runId },
                { Key: SOURCE_AMI_TAG, Value: "ami-2" },
                { Key: "Golden", Value: "true" },
                { Key: "Team", Value: "core" },
            ];
            expect(arm.TagSpecifications).to.deep.equal([
                { ResourceType: "instance", Tags: expectedTags },
                { ResourceType: "volume", Tags: expectedTags },
            ]);
            expect(inputs[0].InstanceType).to.equal("t3.medium");
            expect(decodeUserData(inputs[0].UserData)).to.equal(LINUX_AGENT_SCRIPT);
            expect(decodeUserData(inputs[2].UserData)).to.equal(WINDOWS_AGENT_SCRIPT);

            expect(inspectorMock.commandCalls(PreviewAgentsCommand)[0].args[0].input).to.deep.equal({ previewAgentsArn: TARGET_ARN, maxResults: 500, nextToken: undefined });
            expect(clock.sleeps, "agents were healthy at the first poll: no waiting").to.deep.equal([]);
            expect(inspectorMock.commandCalls(StartAssessmentRunCommand)[0].args[0].input).to.deep.equal({
                assessmentTemplateArn: TEMPLATE_ARN,
                assessmentRunName: `${PIPELINE}-${result.runId}`,
            });

            const put = manifestPuts()[0].args[0].input;
            expect(put).to.deep.include({ Bucket: "reports-bucket", Key: runKeys("reports/", RUN_ARN).manifest, ContentType: "application/json" });
            expect(put.Key).to.equal("reports/runs/0-MnOpQr56/manifest.json");
            expect(manifest()).to.deep.equal({
                runId: result.runId,
                assessmentRunArn: RUN_ARN,
                assessmentTemplateArn: TEMPLATE_ARN,
                engine: "classic",
                startedAt: NOW.toISOString(),
                amis: [
                    { imageId: "ami-1", name: "base-linux", architecture: "x86_64", platform: "Linux/UNIX", tags: { Golden: "true" }, status: "ASSESSING", instanceId: "i-1" },
                    { imageId: "ami-2", name: "golden-ami-2", architecture: "arm64", platform: "Linux/UNIX", tags: { Golden: "true", Team: "core" }, status: "ASSESSING", instanceId: "i-2" },
                    { imageId: "ami-3", name: "golden-ami-3", architecture: "x86_64", platform: "Windows", tags: { Golden: "true" }, status: "ASSESSING", instanceId: "i-3" },
                ],
            });
            expect(result).to.deep.include({ assessmentRunArn: RUN_ARN, manifestKey: put.Key, notified: false });
            expect(published(), "a clean start is reported by analyze, not here").to.deep.equal([]);
            expect(liveInstanceIds(world), "the run's instances stay up for the assessment").to.deep.equal(["i-1", "i-2", "i-3"]);
            expect(world.events.indexOf("StartAssessmentRun")).to.be.below(world.events.indexOf("PutObject"));
        });

        it("reads golden AMIs over several DescribeImages pages, with one tag filter per tag, the owners and the available state", async () => {
            world.imagePages = [[fakeImage("ami-1"), fakeImage("ami-2")], [], [fakeImage("ami-3")], [fakeImage("ami-4")]];
            const result = await handler()();
            const calls = ec2Mock.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input);
            expect(calls.map((input) => input.NextToken)).to.deep.equal([undefined, "page-1", "page-2", "page-3"]);
            expect(calls[0]).to.deep.include({
                Owners: ["self", "123456789012"],
                Filters: [
                    { Name: "tag:Golden", Values: ["true"] },
                    { Name: "tag:Env", Values: ["prod"] },
                    { Name: "state", Values: ["available"] },
                ],
            });
            expect(result.amis.map((ami) => [ami.imageId, ami.status])).to.deep.equal([
                ["ami-1", "ASSESSING"],
                ["ami-2", "ASSESSING"],
                ["ami-3", "ASSESSING"],
                ["ami-4", "ASSESSING"],
            ]);
        });

        it("launches AMIs without any tags (Tags undefined) with only our tags", async () => {
            goldenImages(fakeImage("ami-1", { tags: null }));
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_STARTED");
            expect(runInputs()[0].TagSpecifications![0].Tags!.map((tag) => tag.Key)).to.deep.equal([PIPELINE_TAG, RUN_TAG, SOURCE_AMI_TAG]);
            expect(manifest().amis[0].tags).to.deep.equal({});
        });

        it("keeps an AMI with 60 tags to 50 on instance and volume, ours kept and winning", async () => {
            const tags = [...Array(60).keys()].map((i) => ({ Key: `tag-${String(i).padStart(2, "0")}`, Value: `v${i}` }));
            tags.push({ Key: PIPELINE_TAG, Value: "not-this-pipeline" }, { Key: "aws:cloudformation:stack-name", Value: "x" });
            goldenImages(fakeImage("ami-1", { tags }));
            const result = await handler()();
            for (const spec of runInputs()[0].TagSpecifications!) {
                expect(spec.Tags).to.have.length(EC2_TAG_LIMIT);
                expect(spec.Tags).to.deep.include({ Key: PIPELINE_TAG, Value: PIPELINE });
                expect(spec.Tags).to.deep.include({ Key: RUN_TAG, Value: result.runId });
                expect(spec.Tags).to.deep.include({ Key: SOURCE_AMI_TAG, Value: "ami-1" });
                expect(spec.Tags!.filter((tag) => tag.Key === PIPELINE_TAG)).to.have.length(1);
                expect(spec.Tags!.some((tag) => tag.Key!.startsWith("aws:"))).to.equal(false);
            }
        });

        it("uses the AMI's instance-type override tag only for a configured type", async () => {
            goldenImages(
                fakeImage("ami-1", { tags: [{ Key: "golden-ami-assessment:instance-type", Value: "t4g.medium" }] }),
                fakeImage("ami-2", { tags: [{ Key: "golden-ami-assessment:instance-type", Value: "m6i.large" }] }),
            );
            await handler()();
            expect(runInputs().map((input) => [input.ImageId, input.InstanceType])).to.deep.equal([["ami-1", "t4g.medium"]]);
        });

        it("never has more than 5 launches in flight", async () => {
            goldenImages(...[...Array(12).keys()].map((i) => fakeImage(`ami-${String(i).padStart(2, "0")}`)));
            const result = await handler()();
            expect(runInputs()).to.have.length(12);
            expect(world.maxLaunchesInFlight).to.equal(5);
            expect(result.amis.every((ami) => ami.status === "ASSESSING")).to.equal(true);
        });
    });

    describe("waves and launch checks", () => {
        it("launches at most maxConcurrentInstances, oldest verdict first, and hands the rest to analyze as WAITING", async () => {
            const dated = (iso: string) => [{ Key: "Golden", Value: "true" }, { Key: VERDICT_TAG, Value: `PASS ${iso}` }];
            goldenImages(
                fakeImage("ami-new"),
                fakeImage("ami-recent", { tags: dated("2026-11-20T00:00:00.000Z") }),
                fakeImage("ami-old", { tags: dated("2026-10-01T00:00:00.000Z") }),
            );
            const result = await handler({ ...SETTINGS, maxConcurrentInstances: 2 })();
            expect(result.outcome).to.equal("RUN_STARTED");
            expect(runInputs().map((input) => input.ImageId)).to.deep.equal(["ami-new", "ami-old"]);
            const manifest = JSON.parse(objects.get(MANIFEST_KEY)!) as RunManifest;
            const waiting = manifest.amis.find((ami) => ami.imageId === "ami-recent")!;
            expect(waiting.status).to.equal("WAITING");
            expect(waiting.reason).to.match(/maxConcurrentInstances is 2/);
            // The Classic target is every pipeline instance: only launched ones are in it.
            expect(world.instances.map((instance) => instance.ImageId).sort()).to.deep.equal(["ami-new", "ami-old"]);
        });

        it("marks an instance that died at launch LAUNCH_FAILED and waits only for the agents of the others", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-cmk"));
            world.runInstancesFailure = undefined;
            const result = await (async () => {
                const run = handler();
                // EC2 takes the instance down at once, as it does when the snapshot's KMS key is not usable.
                const original = world.instances.push.bind(world.instances);
                world.instances.push = (...items) => {
                    for (const item of items) if (item.ImageId === "ami-cmk") item.State = { Name: "terminated" };
                    for (const item of items) if (item.ImageId === "ami-cmk") item.StateReason = { Code: "Client.InternalError", Message: "Client error on launch" };
                    return original(...items);
                };
                return run();
            })();
            expect(result.outcome).to.equal("RUN_STARTED");
            const dead = result.amis.find((ami) => ami.imageId === "ami-cmk")!;
            expect(dead.status).to.equal("LAUNCH_FAILED");
            expect(dead.reason).to.match(/^instance i-cmk was terminated right after launch \(Client.InternalError: Client error on launch\)/);
            // Its agent was never waited for: only the live instance's was polled.
            expect(result.amis.find((ami) => ami.imageId === "ami-1")!.status).to.equal("ASSESSING");
        });
    });

    describe("launch failures", () => {
        it("records a failed launch with its reason, launches the others, and reports it", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2", { name: "gone-image" }), fakeImage("ami-3"));
            world.runInstancesFailure = (input) =>
                input.ImageId === "ami-2" ? { error: ec2Error("InvalidAMIID.NotFound", "The image id '[ami-2]' does not exist") } : undefined;
            const result = await handler()();

            expect(result.outcome).to.equal("RUN_STARTED");
            expect(result.amis.map((ami) => [ami.imageId, ami.status, ami.instanceId])).to.deep.equal([
                ["ami-1", "ASSESSING", "i-1"],
                ["ami-2", "LAUNCH_FAILED", undefined],
                ["ami-3", "ASSESSING", "i-3"],
            ]);
            const failed = manifest().amis[1];
            expect(failed).to.include({ status: "LAUNCH_FAILED" });
            expect(failed.reason).to.include("InvalidAMIID.NotFound: The image id '[ami-2]' does not exist");
            const [notice] = published();
            expect(notice.TopicArn).to.equal(TOPIC_ARN);
            expect(notice.Subject).to.equal(`[${PIPELINE}] assessment started; 1 of 3 golden AMIs not assessed`);
            expect(notice.Message).to.include("ami-2 (gone-image): NOT ASSESSED, launch failed: subnet-a: InvalidAMIID.NotFound");
        });

        it("records an AMI whose architecture has no instance type without calling RunInstances for it", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2", { architecture: "i386" }));
            const result = await handler()();
            expect(runInputs().map((input) => input.ImageId)).to.deep.equal(["ami-1"]);
            expect(result.amis[1]).to.include({ status: "LAUNCH_FAILED" });
            expect(result.amis[1].reason).to.include("no instance type for architecture i386");
        });

        it("moves to the next subnet when the first has no capacity", async () => {
            goldenImages(fakeImage("ami-1"));
            world.runInstancesFailure = (input) => (input.SubnetId === "subnet-a" ? { error: ec2Error("InsufficientInstanceCapacity", "no t3.medium in us-east-1a") } : undefined);
            const result = await handler()();
            expect(runInputs().map((input) => input.SubnetId)).to.deep.equal(["subnet-a", "subnet-b"]);
            expect(runInputs()[0].ClientToken).not.to.equal(runInputs()[1].ClientToken);
            expect(result.amis[0]).to.include({ status: "ASSESSING", instanceId: "i-1" });
            expect(result.outcome).to.equal("RUN_STARTED");
        });

        it("reports NOTHING_LAUNCHED, without waiting for agents or starting a run, when every launch fails", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2"));
            world.runInstancesFailure = () => ({ error: ec2Error("InsufficientInstanceCapacity", "none anywhere") });
            const result = await handler()();
            expect(result.outcome).to.equal("NOTHING_LAUNCHED");
            expect(runInputs()).to.have.length(4);
            expect(inspectorMock.commandCalls(PreviewAgentsCommand)).to.have.length(0);
            expect(inspectorMock.commandCalls(StartAssessmentRunCommand)).to.have.length(0);
            expect(manifestPuts()).to.have.length(0);
            const [notice] = published();
            expect(notice.Subject).to.equal(`[${PIPELINE}] none of 2 golden AMIs could be launched; nothing assessed`);
            expect(notice.Message).to.include("subnet-a: InsufficientInstanceCapacity: none anywhere; subnet-b: InsufficientInstanceCapacity: none anywhere");
        });
    });

    describe("agents", () => {
        it("terminates and reports instances whose agent never became healthy by the deadline, and assesses the healthy ones", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2", { name: "imdsv2-only" }), fakeImage("ami-3"));
            agentHealth = (instanceId, poll) => {
                if (instanceId === "i-1") return poll >= 3 ? "HEALTHY" : "UNKNOWN";
                if (instanceId === "i-2") return "UNHEALTHY";
                return undefined; // i-3: the agent never registers
            };
            const result = await handler()();

            // 600 s at 15 s per poll: 40 sleeps, 41 polls, the last at the deadline.
            expect(clock.sleeps).to.have.length(40);
            expect(clock.sleeps.reduce((a, b) => a + b, 0)).to.equal(600_000);
            expect(inspectorMock.commandCalls(PreviewAgentsCommand)).to.have.length(41);
            expect(result.outcome).to.equal("RUN_STARTED");
            expect(result.amis.map((ami) => [ami.imageId, ami.status])).to.deep.equal([
                ["ami-1", "ASSESSING"],
                ["ami-2", "AGENT_UNHEALTHY"],
                ["ami-3", "AGENT_UNHEALTHY"],
            ]);
            expect(result.amis[1].reason).to.include("UNHEALTHY after 600s");
            expect(result.amis[2].reason).to.include("no Inspector agent reported within 600s");
            expect(result.unhealthyTermination).to.deep.equal({ terminated: ["i-2", "i-3"], failed: [] });
            expect(liveInstanceIds(world)).to.deep.equal(["i-1"]);
            // Terminated before the run starts, so the target holds only assessable instances.
            expect(world.events.indexOf("TerminateInstances i-2,i-3")).to.be.below(world.events.indexOf("StartAssessmentRun"));
            expect(manifest().amis.map((ami) => ami.status)).to.deep.equal(["ASSESSING", "AGENT_UNHEALTHY", "AGENT_UNHEALTHY"]);
            const [notice] = published();
            expect(notice.Subject).to.equal(`[${PIPELINE}] assessment started; 2 of 3 golden AMIs not assessed`);
            expect(notice.Message).to.include("ami-2 (imdsv2-only): NOT ASSESSED, instance i-2: Inspector agent UNHEALTHY after 600s");
            expect(notice.Message).to.include("Instances with unhealthy agents terminated: i-2, i-3");
        });

        it("terminates everything and starts no run when no agent became healthy", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2"));
            agentHealth = () => "UNHEALTHY";
            const result = await handler()();
            expect(result.outcome).to.equal("NO_HEALTHY_AGENTS");
            expect(inspectorMock.commandCalls(StartAssessmentRunCommand)).to.have.length(0);
            expect(manifestPuts()).to.have.length(0);
            expect(liveInstanceIds(world)).to.deep.equal([]);
            expect(result.cleanup?.terminated).to.have.members(["i-1", "i-2"]);
            const [notice] = published();
            expect(notice.Subject).to.equal(`[${PIPELINE}] no Inspector agent became healthy on 2 golden AMIs; nothing assessed`);
            expect(notice.Message).to.include("Instances of this run terminated: i-1, i-2");
        });

        it("rides out a throttled PreviewAgents and polls again", async () => {
            goldenImages(fakeImage("ami-1"));
            inspectorMock
                .on(PreviewAgentsCommand)
                .rejectsOnce(inspectorError("ThrottlingException", "Rate exceeded"))
                .resolves({ agentPreviews: [{ agentId: "i-1", agentHealth: "HEALTHY" }] });
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_STARTED");
            expect(inspectorMock.commandCalls(PreviewAgentsCommand)).to.have.length(2);
            expect(clock.sleeps).to.deep.equal([15_000]);
        });

        it("ends the agent wait early enough to finish inside the Lambda timeout", async () => {
            goldenImages(fakeImage("ami-1"));
            agentHealth = () => "UNKNOWN";
            const result = await handler()({}, { getRemainingTimeInMillis: () => 300_000 });
            // 300 s left minus the 120 s reserve: 180 s of waiting instead of 600 s.
            expect(clock.sleeps.reduce((a, b) => a + b, 0)).to.equal(180_000);
            expect(result.outcome).to.equal("NO_HEALTHY_AGENTS");
        });
    });

    describe("the start lock", () => {
        it("takes the pipeline's start lock before launching, with the run id and an expiry past the run's instances", async () => {
            goldenImages(fakeImage("ami-1"));
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_STARTED");
            const lockPut = s3Mock.commandCalls(PutObjectCommand).find((call) => call.args[0].input.Key === LOCK_KEY)!.args[0].input;
            expect(lockPut).to.deep.include({ Bucket: "reports-bucket", IfNoneMatch: "*" });
            expect(JSON.parse(String(lockPut.Body))).to.deep.equal({
                holder: result.runId,
                expiresAt: new Date(NOW.getTime() + (3600 + 600 + 3600) * 1000).toISOString(),
            });
            expect(world.events.indexOf("PutObject lock")).to.be.below(world.events.findIndex((event) => event.startsWith("RunInstances")));
            expect(objects.has(LOCK_KEY), "a started run keeps the lock until analyze delivers").to.equal(true);
        });

        it("two starts at once launch one fleet: the second finds the lock held and reports RUN_IN_PROGRESS", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2"));
            const [first, second] = await Promise.all([handler()(), handler()()]);
            const outcomes = [first.outcome, second.outcome].sort();
            expect(outcomes).to.deep.equal(["RUN_IN_PROGRESS", "RUN_STARTED"]);
            expect(runInputs()).to.have.length(2);
            expect(inspectorMock.commandCalls(StartAssessmentRunCommand)).to.have.length(1);
            const skipped = first.outcome === "RUN_IN_PROGRESS" ? first : second;
            expect(skipped.notified).to.equal(true);
            expect(published().map((p) => p.Subject)).to.deep.include(`[${PIPELINE}] previous assessment still running; this one skipped`);
        });

        it("takes over a lock whose holder expired", async () => {
            goldenImages(fakeImage("ami-1"));
            objects.set(LOCK_KEY, JSON.stringify({ holder: "dead-run", expiresAt: new Date(NOW.getTime() - 1000).toISOString() }));
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_STARTED");
            expect(JSON.parse(objects.get(LOCK_KEY)!).holder).to.equal(result.runId);
        });

        it("releases the lock when the run does not start (refused, no healthy agent, nothing launched, failure)", async () => {
            goldenImages(fakeImage("ami-1"));
            inspectorMock.on(StartAssessmentRunCommand).rejects(inspectorError("LimitExceededException", "500 instances"));
            expect((await handler()()).outcome).to.equal("RUN_REFUSED");
            expect(objects.has(LOCK_KEY)).to.equal(false);

            agentHealth = () => "UNHEALTHY";
            expect((await handler()()).outcome).to.equal("NO_HEALTHY_AGENTS");
            expect(objects.has(LOCK_KEY)).to.equal(false);

            world.runInstancesFailure = () => ({ error: ec2Error("InsufficientInstanceCapacity", "none anywhere") });
            expect((await handler()()).outcome).to.equal("NOTHING_LAUNCHED");
            expect(objects.has(LOCK_KEY)).to.equal(false);

            world.runInstancesFailure = undefined as any;
            inspectorMock.on(PreviewAgentsCommand).rejects(inspectorError("NoSuchEntityException", "target not found"));
            await rejection(handler()());
            expect(objects.has(LOCK_KEY)).to.equal(false);
        });
    });

    describe("the assessment run", () => {
        it("skips with a notice when a run of the template is still in progress", async () => {
            goldenImages(fakeImage("ami-1"));
            inspectorMock.on(ListAssessmentRunsCommand).resolves({ assessmentRunArns: [RUN_ARN] });
            const result = await handler()();
            expect(result).to.deep.include({ outcome: "RUN_IN_PROGRESS", activeRunArns: [RUN_ARN], notified: true });
            expect(inspectorMock.commandCalls(ListAssessmentRunsCommand)[0].args[0].input).to.deep.include({
                assessmentTemplateArns: [TEMPLATE_ARN],
                filter: { states: [...ACTIVE_RUN_STATES] },
            });
            expect(runInputs()).to.have.length(0);
            const [notice] = published();
            expect(notice.Subject).to.equal(`[${PIPELINE}] previous assessment still running; this one skipped`);
            expect(notice.Message).to.include(RUN_ARN);
        });

        it("on AgentsAlreadyRunningAssessmentException terminates everything it launched and reports the busy agents", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2"));
            const otherRun = `${TEMPLATE_ARN}/run/0-Other`;
            inspectorMock.on(StartAssessmentRunCommand).rejects(
                new AgentsAlreadyRunningAssessmentException({
                    message: "The agents are already running an assessment",
                    $metadata: { httpStatusCode: 400 },
                    agents: [{ agentId: "i-1", assessmentRunArn: otherRun }],
                    agentsTruncated: false,
                    canRetry: false,
                }),
            );
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_REFUSED");
            expect(result.reason).to.include("AgentsAlreadyRunningAssessmentException");
            expect(liveInstanceIds(world)).to.deep.equal([]);
            expect(result.cleanup?.terminated).to.have.members(["i-1", "i-2"]);
            expect(manifestPuts()).to.have.length(0);
            const [notice] = published();
            expect(notice.Subject).to.include("assessment run refused").and.include("AgentsAlreadyRunningAssessmentException");
            expect(notice.Message).to.include(`- i-1 in ${otherRun}`).and.include("cannot be retried");
            expect(notice.Message).to.include("Instances of this run terminated: i-1, i-2");
        });

        it("on any other refusal (access denied) terminates everything it launched and names the reason", async () => {
            goldenImages(fakeImage("ami-1"));
            inspectorMock.on(StartAssessmentRunCommand).rejects(inspectorError("AccessDeniedException", "not authorized to perform inspector:StartAssessmentRun"));
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_REFUSED");
            expect(liveInstanceIds(world)).to.deep.equal([]);
            expect(published()[0].Message).to.include("Reason: AccessDeniedException: not authorized to perform inspector:StartAssessmentRun");
        });
    });

    describe("nothing launched is left running", () => {
        it("terminates what it launched (remembered or found by run tag), publishes a notice and rethrows on an unexpected error", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2"));
            // ami-2's RunInstances answer is lost although EC2 launched it: only the run tag finds it.
            world.runInstancesFailure = (input) => (input.ImageId === "ami-2" ? { error: new Error("socket hang up"), created: true } : undefined);
            s3Mock.on(PutObjectCommand, { Key: MANIFEST_KEY }).rejects(new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "Access Denied" }));

            const error = await rejection(handler()());
            expect(error.name).to.equal("AccessDenied");
            // The run had started: it is stopped first, and only then are its instances terminated.
            expect(inspectorMock.commandCalls(StopAssessmentRunCommand).map((call) => call.args[0].input)).to.deep.equal([
                { assessmentRunArn: RUN_ARN, stopAction: "SKIP_EVALUATION" },
            ]);
            expect(world.events.indexOf("StopAssessmentRun")).to.be.below(world.events.findIndex((event) => event.startsWith("TerminateInstances")));
            expect(liveInstanceIds(world)).to.deep.equal([]);
            expect(terminatedInstanceIds(world)).to.have.members(["i-1", "i-2"]);
            const [notice] = published();
            expect(notice.Subject!.startsWith(`[${PIPELINE}] start failed, nothing assessed: AccessDenied: Access Denied`)).to.equal(true);
            expect(notice.Message).to.include(`Assessment run: ${RUN_ARN}`);
            expect(notice.Message).to.include("the assessment run was stopped (SKIP_EVALUATION)");
            expect(notice.Message).to.include("Instances of this run terminated: i-1, i-2");
            expect(objects.has(LOCK_KEY), "the run did not go ahead: the lock is free").to.equal(false);
        });

        /** The first PutObject of `key` is throttled (S3's SlowDown); the next one is stored. */
        const slowDownOnce = (key: string) =>
            s3Mock
                .on(PutObjectCommand, { Key: key })
                .rejectsOnce(new S3ServiceException({ name: "SlowDown", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "Slow Down" }))
                .callsFake((input: PutObjectCommandInput) => {
                    objects.set(input.Key!, String(input.Body));
                    return {};
                });

        it("writes the run's open marker for the sweep after the manifest, retrying throttling", async () => {
            goldenImages(fakeImage("ami-1"));
            const openKey = openRunKey("reports/", RUN_ARN);
            expect(openKey).to.equal("reports/classic-open/0-MnOpQr56");
            slowDownOnce(openKey);
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_STARTED");
            expect(JSON.parse(objects.get(openKey)!)).to.deep.equal({ assessmentRunArn: RUN_ARN, runId: result.runId, startedAt: NOW.toISOString() });
            const keys = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
            expect(keys.indexOf(MANIFEST_KEY)).to.be.below(keys.indexOf(openKey));
            expect(liveInstanceIds(world)).to.deep.equal(["i-1"]);
        });

        it("stops the run and terminates its instances when the open marker cannot be written", async () => {
            goldenImages(fakeImage("ami-1"));
            s3Mock.on(PutObjectCommand, { Key: openRunKey("reports/", RUN_ARN) }).rejects(new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "Access Denied" }));
            const error = await rejection(handler()());
            expect(error.name).to.equal("AccessDenied");
            expect(inspectorMock.commandCalls(StopAssessmentRunCommand).map((call) => call.args[0].input)).to.deep.equal([{ assessmentRunArn: RUN_ARN, stopAction: "SKIP_EVALUATION" }]);
            expect(liveInstanceIds(world)).to.deep.equal([]);
            expect(published()[0].Message).to.include("the run manifest or its open marker could not be written, so the assessment run was stopped (SKIP_EVALUATION)");
            expect(objects.has(LOCK_KEY)).to.equal(false);
        });

        it("retries a throttled manifest write and starts the run", async () => {
            goldenImages(fakeImage("ami-1"));
            slowDownOnce(MANIFEST_KEY);
            const result = await handler()();
            expect(result.outcome).to.equal("RUN_STARTED");
            expect(objects.has(MANIFEST_KEY)).to.equal(true);
            expect(inspectorMock.commandCalls(StopAssessmentRunCommand)).to.have.length(0);
            expect(liveInstanceIds(world)).to.deep.equal(["i-1"]);
        });

        it("never terminates the instances of a run it could not stop when the manifest cannot be written", async () => {
            goldenImages(fakeImage("ami-1"));
            s3Mock.on(PutObjectCommand, { Key: MANIFEST_KEY }).rejects(new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "Access Denied" }));
            inspectorMock.on(StopAssessmentRunCommand).rejects(inspectorError("AccessDeniedException", "not authorized to perform inspector:StopAssessmentRun"));
            const error = await rejection(handler()());
            expect(error.name).to.equal("AccessDenied");
            expect(liveInstanceIds(world), "the run is going on: its instance stays").to.deep.equal(["i-1"]);
            expect(world.events.some((event) => event.startsWith("TerminateInstances"))).to.equal(false);
            const [notice] = published();
            expect(notice.Message).to.include("stopping the assessment run failed (AccessDeniedException: not authorized to perform inspector:StopAssessmentRun)");
            expect(notice.Message).to.include("left running");
            expect(objects.has(LOCK_KEY), "the run goes on: it keeps the lock").to.equal(true);
        });

        it("terminates and rethrows when agent polling fails for good", async () => {
            goldenImages(fakeImage("ami-1"));
            inspectorMock.on(PreviewAgentsCommand).rejects(inspectorError("NoSuchEntityException", "target not found"));
            const error = await rejection(handler()());
            expect(error.name).to.equal("NoSuchEntityException");
            expect(liveInstanceIds(world)).to.deep.equal([]);
            expect(inspectorMock.commandCalls(StartAssessmentRunCommand)).to.have.length(0);
            expect(published()[0].Subject).to.include("start failed");
        });

        it("still rethrows the original error when the failure notice cannot be published", async () => {
            goldenImages(fakeImage("ami-1"));
            inspectorMock.on(PreviewAgentsCommand).rejects(inspectorError("NoSuchEntityException", "target not found"));
            snsMock.on(PublishCommand).rejects(new Error("SNS down"));
            const error = await rejection(handler()());
            expect(error.name).to.equal("NoSuchEntityException");
            expect(liveInstanceIds(world)).to.deep.equal([]);
        });

        it("reports instances it could not terminate", async () => {
            goldenImages(fakeImage("ami-1"), fakeImage("ami-2"));
            world.unterminatable.add("i-2");
            inspectorMock.on(StartAssessmentRunCommand).rejects(inspectorError("LimitExceededException", "500 instances"));
            const result = await handler()();
            expect(result.cleanup).to.deep.include({ terminated: ["i-1"] });
            expect(result.cleanup?.failed.map((failure) => failure.instanceId)).to.deep.equal(["i-2"]);
            expect(published()[0].Message).to.include("Instances of this run NOT TERMINATED (terminate by hand): i-2: UnauthorizedOperation");
        });

        it("fails before launching anything when DescribeImages is still throttled after the SDK's retries", async () => {
            ec2Mock.on(DescribeImagesCommand).rejects(ec2Error("RequestLimitExceeded", "Request limit exceeded."));
            const error = await rejection(handler()());
            expect(error.name).to.equal("RequestLimitExceeded");
            expect(runInputs()).to.have.length(0);
        });
    });

    describe("before launching", () => {
        it("publishes a notice naming the tags and owners searched when no golden AMI is found, and stops", async () => {
            world.imagePages = [[], []];
            const result = await handler()();
            expect(result).to.deep.include({ outcome: "NO_AMIS", amis: [], notified: true });
            expect(ec2Mock.commandCalls(DescribeImagesCommand)).to.have.length(2);
            expect(inspectorMock.commandCalls(ListAssessmentRunsCommand)).to.have.length(0);
            expect(runInputs()).to.have.length(0);
            const [notice] = published();
            expect(notice.Subject).to.equal(`[${PIPELINE}] no golden AMIs found; nothing assessed`);
            expect(notice.Message).to.include("Golden=true, Env=prod").and.include("self, 123456789012");
        });

        it("first terminates instances left by earlier runs, and reports them, leaving recent ones alone", async () => {
            const leftover = (id: string, ageSeconds: number): Instance => ({
                InstanceId: id,
                State: { Name: "running" },
                LaunchTime: new Date(NOW.getTime() - ageSeconds * 1000),
                Tags: [
                    { Key: PIPELINE_TAG, Value: PIPELINE },
                    { Key: RUN_TAG, Value: "old-run" },
                    { Key: SOURCE_AMI_TAG, Value: "ami-old" },
                ],
            });
            world.instances.push(leftover("i-stale", 3 * 3600), leftover("i-recent", 3600));
            goldenImages(fakeImage("ami-1"));
            const result = await handler()();
            expect(world.events[0]).to.equal("DescribeInstances");
            expect(world.events[1]).to.equal("TerminateInstances i-stale");
            expect(result.reaped).to.deep.include({ maxAgeSeconds: 900 + 3600 + FINDINGS_SETTLE_SECONDS + 300 + 3600 });
            expect((result.reaped as { stale: { instanceId: string }[] }).stale.map((s) => s.instanceId)).to.deep.equal(["i-stale"]);
            expect(liveInstanceIds(world)).to.deep.equal(["i-recent", "i-1"]);
            const [notice] = published();
            expect(notice.Subject).to.equal(`[${PIPELINE}] terminated 1 leftover assessment instance`);
            expect(notice.Message).to.include("i-stale from ami-old").and.include("age 3h 00m");
            expect(result.outcome).to.equal("RUN_STARTED");
        });

        it("goes on with the assessment when reaping fails, and says why in the result", async () => {
            goldenImages(fakeImage("ami-1"));
            world.describeInstancesFailures.push(ec2Error("RequestLimitExceeded", "Request limit exceeded."));
            const result = await handler()();
            expect(result.reaped).to.deep.equal({ error: "RequestLimitExceeded: Request limit exceeded." });
            expect(result.outcome).to.equal("RUN_STARTED");
        });
    });
});

describe("startHandlerFactory", () => {
    restoreProcessEnvAfterEach();

    it("reads its settings from the environment once and returns a handler", () => {
        Object.assign(process.env, settingsToEnv(SETTINGS, CLASSIC_SETTINGS_SPEC), { AWS_REGION: "us-east-1" });
        expect(startHandlerFactory()).to.be.a("function");
    });

    it("fails loudly naming a missing setting", () => {
        Object.assign(process.env, settingsToEnv({ ...SETTINGS, assessmentTargetArn: undefined }, CLASSIC_SETTINGS_SPEC), { AWS_REGION: "us-east-1" });
        delete process.env.ASSESSMENT_TARGET_ARN;
        expect(() => startHandlerFactory()).to.throw(/ASSESSMENT_TARGET_ARN/);
    });

    it("asks for exactly the settings it uses", () => {
        expect([...START_SETTINGS].sort()).to.deep.equal(Object.keys(SETTINGS).sort());
    });
});
