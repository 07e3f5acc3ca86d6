import { DescribeInstancesCommand, EC2Client, Instance, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { PublishCommand, PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { expect } from "chai";
import { LIVE_STATES } from "../../pipeline/cleanup/instances";
import { DRAIN_WAIT_MS, REAPER_SETTINGS, ReaperResult, ReaperSettings, makeReaperHandler, reaperHandlerFactory } from "../../callbacks/reaper";
import { settingsToEnv } from "../../pipeline/run/settings";
import { PIPELINE_TAG, RUN_TAG, SOURCE_AMI_TAG } from "../../pipeline/run/tags";
import { Ec2World, liveInstanceIds, mockEc2World, newEc2World } from "../support/ec2World";
import { NOW, PIPELINE, TOPIC_ARN, fakeClock, isolatedMock } from "../support/launchFixtures";
import { restoreProcessEnvAfterEach } from "../support/processEnv";

const SETTINGS: ReaperSettings = {
    pipelineName: PIPELINE,
    resultsTopicArn: TOPIC_ARN,
    durationSeconds: 3600,
    agentWaitSeconds: 600,
    reapGraceSeconds: 3600,
};
/** 900 (start) + 3600 (duration) + 600 (findings settle) + 300 (sweep) + 3600 (grace): maxRunSeconds. */
const MAX_AGE_SECONDS = 9000;

function assessmentInstance(instanceId: string, ageSeconds: number, options: { imageId?: string; pipeline?: string; state?: string } = {}): Instance {
    return {
        InstanceId: instanceId,
        State: { Name: (options.state ?? "running") as "running" },
        LaunchTime: new Date(NOW.getTime() - ageSeconds * 1000),
        Tags: [
            { Key: PIPELINE_TAG, Value: options.pipeline ?? PIPELINE },
            { Key: RUN_TAG, Value: "2026-11-23T06-00-00Z-abc123" },
            { Key: SOURCE_AMI_TAG, Value: options.imageId ?? "ami-1" },
        ],
    };
}

describe("reaper handler", () => {
    let world: Ec2World;
    let ec2: EC2Client;
    let sns: SNSClient;
    let ec2Mock: ReturnType<typeof mockEc2World>;
    let snsMock: ReturnType<typeof isolatedMock>;

    beforeEach(() => {
        world = newEc2World();
        ec2 = new EC2Client({ region: "us-east-1" });
        sns = new SNSClient({ region: "us-east-1" });
        ec2Mock = mockEc2World(ec2, world, () => NOW);
        snsMock = isolatedMock(sns);
        snsMock.on(PublishCommand).resolves({ MessageId: "m-1" });
    });

    const reaper = () => makeReaperHandler({ ec2, sns, settings: SETTINGS, now: fakeClock().now });
    const published = (): PublishCommandInput[] => snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input as PublishCommandInput);

    it("looks only for this pipeline's live instances", async () => {
        (await reaper()({})) as ReaperResult;
        expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0].args[0].input.Filters).to.deep.equal([
            { Name: `tag:${PIPELINE_TAG}`, Values: [PIPELINE] },
            { Name: "instance-state-name", Values: LIVE_STATES },
        ]);
    });

    it("terminates instances older than one run (start + duration + settle time + sweep + grace), leaves younger ones, and reports each", async () => {
        world.instances.push(
            assessmentInstance("i-stale", MAX_AGE_SECONDS + 1, { imageId: "ami-a" }),
            assessmentInstance("i-stopped", 26 * 3600, { imageId: "ami-b", state: "stopped" }),
            assessmentInstance("i-fresh", 20 * 60),
            assessmentInstance("i-edge", MAX_AGE_SECONDS),
            assessmentInstance("i-other-pipeline", 30 * 3600, { pipeline: "someone-else" }),
        );
        const result = (await reaper()({})) as ReaperResult;

        expect(result.stale.map((instance) => instance.instanceId)).to.deep.equal(["i-stopped", "i-stale"]);
        expect(result.termination).to.deep.equal({ terminated: ["i-stopped", "i-stale"], failed: [] });
        expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((call) => call.args[0].input.InstanceIds)).to.deep.equal([["i-stopped", "i-stale"]]);
        expect(liveInstanceIds(world)).to.deep.equal(["i-fresh", "i-edge", "i-other-pipeline"]);

        const notices = published();
        expect(notices).to.have.length(1);
        expect(notices[0].TopicArn).to.equal(TOPIC_ARN);
        expect(notices[0].Subject).to.equal(`[${PIPELINE}] terminated 2 leftover assessment instances`);
        expect(notices[0].Message).to.include("older than 2h 30m");
        expect(notices[0].Message).to.include("- i-stopped from ami-b (run 2026-11-23T06-00-00Z-abc123), stopped").and.include("age 26h 00m: terminated");
        expect(notices[0].Message).to.include("- i-stale from ami-a").and.include("age 2h 30m: terminated");
        expect(result.notified).to.equal(true);
    });

    it("reports instances it could not terminate, by ID and error, and still terminates the rest", async () => {
        world.instances.push(assessmentInstance("i-1", MAX_AGE_SECONDS + 600, { imageId: "ami-a" }), assessmentInstance("i-2", MAX_AGE_SECONDS + 600, { imageId: "ami-b" }));
        world.unterminatable.add("i-2");
        const result = (await reaper()({})) as ReaperResult;

        expect(result.termination.terminated).to.deep.equal(["i-1"]);
        expect(result.termination.failed).to.have.length(1);
        expect(result.termination.failed[0].instanceId).to.equal("i-2");
        expect(result.termination.failed[0].error).to.include("UnauthorizedOperation");
        expect(liveInstanceIds(world)).to.deep.equal(["i-2"]);
        const [notice] = published();
        expect(notice.Subject).to.equal(`[${PIPELINE}] could not terminate 1 of 2 leftover assessment instances`);
        expect(notice.Message).to.include("i-2 from ami-b").and.include("NOT TERMINATED: UnauthorizedOperation");
        expect(notice.Message).to.match(/i-1 from ami-a.*: terminated/);
    });

    it("publishes nothing and terminates nothing when nothing is stale", async () => {
        world.instances.push(assessmentInstance("i-fresh", 60));
        const result = (await reaper()({})) as ReaperResult;
        expect(result).to.deep.include({ liveCount: 1, stale: [], notified: false });
        expect(ec2Mock.commandCalls(TerminateInstancesCommand)).to.have.length(0);
        expect(snsMock.commandCalls(PublishCommand)).to.have.length(0);
    });

    describe("on the pipeline's deletion (Pulumi's CRUD-scoped invocation)", () => {
        it("does nothing when the invocation is created or updated", async () => {
            world.instances.push(assessmentInstance("i-running", 60));
            expect(await reaper()({ tf: { action: "create" } })).to.deep.include({ lifecycle: "create" });
            expect(await reaper()({ tf: { action: "update" } })).to.deep.include({ lifecycle: "update" });
            expect(ec2Mock.calls()).to.have.length(0);
        });

        it("terminates every instance of the pipeline, however young, waits until they are gone, and says so", async () => {
            world.instances.push(
                assessmentInstance("i-young", 60),
                assessmentInstance("i-stopped", 600, { state: "stopped" }),
                assessmentInstance("i-other-pipeline", 60, { pipeline: "someone-else" }),
            );
            const sleeps: number[] = [];
            const handler = makeReaperHandler({ ec2, sns, settings: SETTINGS, now: fakeClock().now, sleep: async (ms) => void sleeps.push(ms) });
            const result = (await handler({ tf: { action: "delete" } })) as any;
            expect(result.lifecycle).to.equal("delete");
            expect([...result.termination.terminated].sort()).to.deep.equal(["i-stopped", "i-young"]);
            expect(result.stillLive).to.deep.equal([]);
            expect(world.instances.find((i) => i.InstanceId === "i-other-pipeline")!.State!.Name).to.equal("running");
            expect(published()[0].Subject).to.contain("before deletion");
        });

        it("waits a bounded time for an instance that will not terminate, and names it", async () => {
            world.instances.push(assessmentInstance("i-stuck", 60));
            world.unterminatable.add("i-stuck");
            const sleeps: number[] = [];
            const handler = makeReaperHandler({ ec2, sns, settings: SETTINGS, now: fakeClock().now, sleep: async (ms) => void sleeps.push(ms) });
            const result = (await handler({ tf: { action: "delete" } })) as any;
            expect(result.termination.failed.map((f: { instanceId: string }) => f.instanceId)).to.deep.equal(["i-stuck"]);
            expect(result.stillLive).to.deep.equal(["i-stuck"]);
            expect(sleeps.length).to.equal(Math.ceil(DRAIN_WAIT_MS / 15_000));
            expect(published()[0].Message).to.contain("NOT TERMINATED (terminate by hand): i-stuck");
        });
    });

    it("fails loudly when it cannot list instances", async () => {
        world.describeInstancesFailures.push(Object.assign(new Error("denied"), { name: "UnauthorizedOperation" }));
        const error = await reaper()({}).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(error?.name).to.equal("UnauthorizedOperation");
        expect(snsMock.commandCalls(PublishCommand)).to.have.length(0);
    });
});

describe("reaperHandlerFactory", () => {
    restoreProcessEnvAfterEach();

    it("reads its settings from the environment once and returns a handler", () => {
        Object.assign(process.env, settingsToEnv(SETTINGS), { AWS_REGION: "us-east-1" });
        expect(reaperHandlerFactory()).to.be.a("function");
    });

    it("fails loudly naming a missing setting", () => {
        Object.assign(process.env, settingsToEnv(SETTINGS));
        delete process.env.REAP_GRACE_SECONDS;
        expect(() => reaperHandlerFactory()).to.throw(/REAP_GRACE_SECONDS/);
    });

    it("asks for exactly the settings it uses", () => {
        expect([...REAPER_SETTINGS].sort()).to.deep.equal(Object.keys(SETTINGS).sort());
    });
});
