// A small in-memory EC2 behind a client mock: RunInstances creates tagged instances,
// DescribeInstances filters them, TerminateInstances changes their state. Tests arrange
// failures through the world's hooks and read back what happened from its event log.
import {
    DescribeImagesCommand,
    DescribeInstancesCommand,
    EC2Client,
    Image,
    Instance,
    RunInstancesCommand,
    RunInstancesCommandInput,
    TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { ec2Error, isLive, isolatedMock, matchesFilters } from "./launchFixtures";

export interface Ec2World {
    /** DescribeImages pages, served in order with NextToken "page-N". */
    imagePages: Image[][];
    instances: Instance[];
    /** Return an error to make this RunInstances call fail; `created` makes EC2 launch it anyway (lost answer). */
    runInstancesFailure?: (input: RunInstancesCommandInput) => { error: Error; created?: boolean } | undefined;
    /** Errors the next DescribeInstances calls fail with, one per call. */
    describeInstancesFailures: Error[];
    /** Instance IDs EC2 refuses to terminate. */
    unterminatable: Set<string>;
    /** Calls in the order they happened, e.g. "RunInstances ami-1 subnet-a", "TerminateInstances i-1,i-2". */
    events: string[];
    launchesInFlight: number;
    maxLaunchesInFlight: number;
}

export function newEc2World(): Ec2World {
    return { imagePages: [[]], instances: [], describeInstancesFailures: [], unterminatable: new Set(), events: [], launchesInFlight: 0, maxLaunchesInFlight: 0 };
}

export function instanceIdFor(imageId: string): string {
    return `i-${imageId.replace(/^ami-/, "")}`;
}

export function mockEc2World(ec2: EC2Client, world: Ec2World, now: () => Date) {
    const mock = isolatedMock(ec2);
    mock.on(DescribeImagesCommand).callsFake((input) => {
        const page = input.NextToken ? Number(input.NextToken.replace("page-", "")) : 0;
        world.events.push(`DescribeImages ${page}`);
        return { Images: world.imagePages[page] ?? [], NextToken: page + 1 < world.imagePages.length ? `page-${page + 1}` : undefined };
    });
    mock.on(RunInstancesCommand).callsFake(async (input: RunInstancesCommandInput) => {
        world.launchesInFlight++;
        world.maxLaunchesInFlight = Math.max(world.maxLaunchesInFlight, world.launchesInFlight);
        // Let other launches start, as real calls overlap.
        await new Promise((resolve) => setImmediate(resolve));
        world.launchesInFlight--;
        world.events.push(`RunInstances ${input.ImageId} ${input.SubnetId}`);
        const failure = world.runInstancesFailure?.(input);
        const instanceId = instanceIdFor(input.ImageId!);
        if (!failure || failure.created) {
            const tags = input.TagSpecifications?.find((spec) => spec.ResourceType === "instance")?.Tags ?? [];
            world.instances.push({ InstanceId: instanceId, ImageId: input.ImageId, State: { Name: "pending" }, LaunchTime: now(), Tags: tags });
        }
        if (failure) throw failure.error;
        return { Instances: [{ InstanceId: instanceId }] };
    });
    mock.on(DescribeInstancesCommand).callsFake((input) => {
        world.events.push("DescribeInstances");
        const failure = world.describeInstancesFailures.shift();
        if (failure) throw failure;
        // Asked by ID, EC2 also returns instances that are gone (for about an hour); by filter, the world serves live ones.
        const ids: string[] | undefined = input.InstanceIds;
        const found = ids
            ? // IDs here repeat across runs (one per AMI): the latest instance holds the ID, as in EC2 where IDs are unique.
              ids.flatMap((id) => world.instances.filter((instance) => instance.InstanceId === id).slice(-1))
            : world.instances.filter((instance) => isLive(instance) && matchesFilters(instance, input.Filters));
        // EC2 has finished booting an instance by the time anyone looks: pending becomes running.
        for (const instance of found) if (instance.State?.Name === "pending") instance.State = { Name: "running" };
        return { Reservations: found.length ? [{ Instances: structuredClone(found) }] : [] };
    });
    mock.on(TerminateInstancesCommand).callsFake((input) => {
        const ids: string[] = input.InstanceIds ?? [];
        world.events.push(`TerminateInstances ${ids.join(",")}`);
        const refused = ids.find((id) => world.unterminatable.has(id));
        if (refused) throw ec2Error("UnauthorizedOperation", `You are not authorized to terminate ${refused}`);
        for (const id of ids) {
            const instance = world.instances.find((i) => i.InstanceId === id);
            if (instance) instance.State = { Name: "shutting-down" };
        }
        return { TerminatingInstances: ids.map((InstanceId) => ({ InstanceId })) };
    });
    return mock;
}

export function liveInstanceIds(world: Ec2World): string[] {
    return world.instances.filter(isLive).map((instance) => instance.InstanceId!);
}

export function terminatedInstanceIds(world: Ec2World): string[] {
    return world.instances.filter((instance) => !isLive(instance)).map((instance) => instance.InstanceId!);
}
