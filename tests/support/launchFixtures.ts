// Fakes for the start and reaper tests: golden AMIs, an EC2 that remembers what it launched,
// a clock that sleeps instantly, and client mocks that never disturb other test files.
import { EC2ServiceException, Filter, Image, Instance, Tag } from "@aws-sdk/client-ec2";
import { InspectorServiceException } from "@aws-sdk/client-inspector";
import type { Client, MetadataBearer } from "@smithy/types";
import { AwsStub, mockClient } from "aws-sdk-client-mock";

export const REGION = "us-east-1";
export const ACCOUNT = "111122223333";
export const PIPELINE = "golden";
export const TARGET_ARN = `arn:aws:inspector:${REGION}:${ACCOUNT}:target/0-AbCdEf12`;
export const TEMPLATE_ARN = `${TARGET_ARN}/template/0-GhIjKl34`;
export const RUN_ARN = `${TEMPLATE_ARN}/run/0-MnOpQr56`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:golden-results`;
export const NOW = new Date("2026-11-23T10:00:00.000Z");

/**
 * Mocks one client instance. Giving it an own `send` first keeps the stub on this instance:
 * mocking the class (or an instance whose `send` is a class-level stub) would replace the
 * class-level mocks other test files set up at load time.
 */
export function isolatedMock<TInput extends object, TOutput extends MetadataBearer, TConfiguration>(
    client: Client<TInput, TOutput, TConfiguration>,
): AwsStub<TInput, TOutput, TConfiguration>;
/** client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match. */
export function isolatedMock(client: object): AwsStub<any, any, any>;
export function isolatedMock(client: object): AwsStub<any, any, any> {
    Object.defineProperty(client, "send", {
        value: () => Promise.reject(new Error("unmocked AWS call")),
        writable: true,
        configurable: true,
    });
    return mockClient(client as Client<any, any, any>);
}

/** An error shaped like one the EC2 SDK deserializes (the name is EC2's error code). */
export function ec2Error(name: string, message = `${name} (test)`): EC2ServiceException {
    return new EC2ServiceException({ name, $fault: name.startsWith("Insufficient") ? "server" : "client", $metadata: { httpStatusCode: 400 }, message });
}

export function inspectorError(name: string, message = `${name} (test)`, httpStatusCode = 400): InspectorServiceException {
    return new InspectorServiceException({ name, $fault: httpStatusCode >= 500 ? "server" : "client", $metadata: { httpStatusCode }, message });
}

export function fakeImage(imageId: string, options: { architecture?: string; platform?: string; tags?: Tag[] | null; name?: string; rootDeviceName?: string } = {}): Image {
    return {
        ImageId: imageId,
        Name: options.name ?? `golden-${imageId}`,
        Architecture: (options.architecture ?? "x86_64") as Image["Architecture"],
        Platform: options.platform as Image["Platform"],
        PlatformDetails: options.platform === "windows" ? "Windows" : "Linux/UNIX",
        RootDeviceName: options.rootDeviceName ?? "/dev/xvda",
        RootDeviceType: "ebs",
        State: "available",
        // null -> no Tags field at all, as DescribeImages returns for an untagged AMI.
        Tags: options.tags === null ? undefined : options.tags ?? [{ Key: "Golden", Value: "true" }],
    };
}

/** A clock whose sleep advances time at once and records what was asked. */
export function fakeClock(start: Date = NOW) {
    const clock = {
        ms: start.getTime(),
        sleeps: [] as number[],
        now: () => new Date(clock.ms),
        sleep: async (ms: number) => {
            clock.sleeps.push(ms);
            clock.ms += ms;
        },
        advance: (ms: number) => {
            clock.ms += ms;
        },
    };
    return clock;
}

const TERMINAL_STATES = ["shutting-down", "terminated"];

/** DescribeInstances filtering as EC2 does it for the filters our code uses (tag:K and instance-state-name). */
export function matchesFilters(instance: Instance, filters: Filter[] | undefined): boolean {
    return (filters ?? []).every((filter) => {
        const values = filter.Values ?? [];
        if (filter.Name === "instance-state-name") return values.includes(instance.State?.Name ?? "");
        if (filter.Name?.startsWith("tag:")) {
            const key = filter.Name.slice(4);
            const tag = (instance.Tags ?? []).find((t) => t.Key === key);
            return tag !== undefined && values.includes(tag.Value ?? "");
        }
        throw new Error(`test fake does not know filter ${filter.Name}`);
    });
}

export function isLive(instance: Instance): boolean {
    return !TERMINAL_STATES.includes(instance.State?.Name ?? "");
}

export function instanceTag(instance: Instance, key: string): string | undefined {
    return instance.Tags?.find((tag) => tag.Key === key)?.Value;
}

export function decodeUserData(base64: string | undefined): string {
    return Buffer.from(base64 ?? "", "base64").toString("utf8");
}
