// Runs a Pulumi program under Pulumi's mock runtime and records every resource it would
// create, with inputs fully resolved. Used by `npm run plan`, the tests and the benchmarks.
// Mocked cloud values (ARNs, IDs) are shaped like the real ones so that policies read true.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

export const MOCK_ACCOUNT = "123456789012";

export interface PlannedResource {
    type: string;
    name: string;
    /** URN of the parent resource (the stack for top-level resources). */
    parent: string;
    urn: string;
    id: string;
    inputs: any;
    state: any;
}

export interface Plan {
    resources: PlannedResource[];
    exports: Record<string, unknown>;
}

export interface MockCloud {
    /** Regions whose mocked account has no default VPC. */
    regionsWithoutDefaultVpc?: string[];
}

function partitionOf(region: string): string {
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

function shortId(seed: string, length = 8): string {
    return createHash("sha1").update(seed).digest("hex").slice(0, length);
}

/** Computed attributes a real provider would return, by resource type. */
function computedState(type: string, name: string, inputs: any): Record<string, unknown> {
    const region: string = inputs.region ?? "us-east-1";
    const arn = (service: string, resource: string) => `arn:${partitionOf(region)}:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;
    switch (type) {
        case "aws:sns/topic:Topic":
            return { arn: arn("sns", `${name}-${shortId(name, 7)}`), name: `${name}-${shortId(name, 7)}` };
        case "aws:sqs/queue:Queue":
            return { arn: arn("sqs", `${name}-${shortId(name, 7)}`), url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT}/${name}` };
        case "aws:s3/bucket:Bucket": {
            const bucket = `${inputs.bucketPrefix ?? name}${shortId(name, 12)}`;
            return { bucket, arn: `arn:${partitionOf(region)}:s3:::${bucket}` };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: arn("logs", `log-group:${inputs.name}`) };
        case "aws:iam/role:Role": {
            const roleName = `${name}-${shortId(name, 7)}`;
            return { name: roleName, arn: `arn:${partitionOf(region)}:iam::${MOCK_ACCOUNT}:role/${roleName}` };
        }
        case "aws:iam/instanceProfile:InstanceProfile": {
            const profileName = `${name}-${shortId(name, 7)}`;
            return { name: profileName, arn: `arn:${partitionOf(region)}:iam::${MOCK_ACCOUNT}:instance-profile/${profileName}` };
        }
        case "aws:lambda/function:Function": {
            const functionName = `${name}-${shortId(name, 7)}`;
            return { name: functionName, arn: arn("lambda", `function:${functionName}`) };
        }
        case "aws:inspector/resourceGroup:ResourceGroup":
            return { arn: arn("inspector", `resourcegroup/0-${shortId(name)}`) };
        case "aws:inspector/assessmentTarget:AssessmentTarget":
            return { arn: arn("inspector", `target/0-${shortId(name)}`) };
        case "aws:inspector/assessmentTemplate:AssessmentTemplate":
            return { arn: `${inputs.targetArn}/template/0-${shortId(name)}` };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { arn: arn("ec2", `security-group/sg-${shortId(name, 17)}`) };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: arn("events", `rule/${name}-${shortId(name, 7)}`), name: `${name}-${shortId(name, 7)}` };
        default:
            return {};
    }
}

function resourceId(type: string, name: string): string {
    if (type === "aws:ec2/securityGroup:SecurityGroup") return `sg-${shortId(name, 17)}`;
    if (type === "aws:s3/bucket:Bucket") return "";
    return `${name}-id`;
}

function mockedCall(token: string, args: any, cloud: MockCloud): Record<string, unknown> {
    const region: string = args.region ?? "us-east-1";
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/planner`, userId: "AIDAPLANNER", id: MOCK_ACCOUNT };
        case "aws:ec2/getVpcs:getVpcs":
            return { ids: cloud.regionsWithoutDefaultVpc?.includes(region) ? [] : [`vpc-${shortId(`default-${region}`, 17)}`], id: region };
        case "aws:ec2/getSubnets:getSubnets":
            return { ids: [`subnet-${shortId(`${region}a`, 17)}`, `subnet-${shortId(`${region}b`, 17)}`], id: region };
        case "aws:ec2/getSubnet:getSubnet":
            return { id: args.id, vpcId: `vpc-${shortId(`custom-${args.id}`, 17)}` };
        default:
            throw new Error(`no mock for ${token}`);
    }
}

/**
 * Runs `program` (which returns the stack's exports) under mocks with the given config
 * ("namespace:key" -> raw string, as Pulumi stores it). Rejects with the program's first error.
 */
export async function runUnderMocks(
    program: () => Record<string, unknown>,
    options: { project?: string; stack: string; config: Record<string, string>; cloud?: MockCloud },
): Promise<Plan> {
    const resources: PlannedResource[] = [];
    const parents = new Map<string, string>();
    const urns = new Map<string, string>();
    // Errors inside apply() reach Pulumi's log, not the caller: surface the first one as ours.
    let fail: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const onRejection = (reason: unknown) => fail(reason);
    process.on("unhandledRejection", onRejection);
    // Pulumi records a stack trace for every internal promise; under ts-node each one is
    // source-mapped, which was 40% of planning time. Plain V8 traces are enough here.
    const prepareStackTrace = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    const log = require("@pulumi/pulumi/log");
    const logError = log.error;
    log.error = (message: string) => {
        fail(new Error(cleanLoggedError(message)));
        return Promise.resolve();
    };
    try {
        pulumi.runtime.setAllConfig(options.config);
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
                    const key = `${args.type}::${args.name}`;
                    const id = resourceId(args.type, args.name) || (state as any).bucket;
                    resources.push({ type: args.type, name: args.name, parent: parents.get(key) ?? "", urn: "", id, inputs: args.inputs, state });
                    return { id, state };
                },
                call: (args) => mockedCall(args.token, args.inputs, options.cloud ?? {}),
            },
            options.project ?? "golden-ami-assessment",
            options.stack,
            true,
        );
        recordParentsAndUrns(parents, urns);
        const exports = program();
        const resolved = await Promise.race([
            failed,
            new Promise<Record<string, unknown>>((resolve) => pulumi.output(exports).apply((v) => resolve(v as any))),
        ]);
        await Promise.race([failed, waitForRegistrations()]);
        for (const r of resources) r.urn = urns.get(`${r.type}::${r.name}`) ?? "";
        return { resources, exports: resolved };
    } catch (error) {
        // A failed program leaves promises that never settle; Pulumi would report them as leaks at exit.
        const store = require("@pulumi/pulumi/runtime/state").getStore();
        store.leakCandidates.clear();
        store.logErrorCount++;
        throw error;
    } finally {
        process.off("unhandledRejection", onRejection);
        log.error = logError;
        Error.prepareStackTrace = prepareStackTrace;
    }
}

/** Pulumi wraps an apply() error in serialization context; the config error inside is what users need. */
function cleanLoggedError(message: string): string {
    const invalid = /Invalid [\s\S]*$/.exec(message);
    return (invalid ? invalid[0] : message).split("\n")[0];
}

/** The mock API does not show parents; the mock monitor's requests do. */
function recordParentsAndUrns(parents: Map<string, string>, urns: Map<string, string>): void {
    const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
        const key = `${req.getType()}::${req.getName()}`;
        parents.set(key, req.getParent());
        return register(req, (err: unknown, resp: any) => {
            if (resp) urns.set(key, resp.getUrn());
            callback(err, resp);
        });
    };
}

/** Waits until every resource registration (and the closure serialization behind it) is done. */
async function waitForRegistrations(): Promise<void> {
    // waitForRPCs is Pulumi's own "all registrations settled" signal (internal, but stable for years).
    const settings = require("@pulumi/pulumi/runtime/settings");
    await settings.waitForRPCs();
}

/** Runs this project's index.ts afresh under mocks. */
export function planIndex(options: { stack: string; config: Record<string, string>; cloud?: MockCloud }): Promise<Plan> {
    const indexPath = require.resolve("../index");
    return runUnderMocks(() => {
        delete require.cache[indexPath];
        return require(indexPath);
    }, options);
}
