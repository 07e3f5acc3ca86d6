// Runs a Pulumi program under Pulumi's mock runtime and records every resource it would
// create, with inputs fully resolved. Used by `npm run plan`, the tests and the benchmarks.
// Mocked cloud values (ARNs, IDs) are shaped like the real ones so that policies read true.
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../infra/partition";
import { MOCK_ACCOUNT, MockAccounts, MockCloud, computedState, mockedCall, resourceId } from "../components/testing";

export { MOCK_ACCOUNT, MockCloud };


export interface PlannedResource {
    type: string;
    name: string;
    /** URN of the parent resource (the stack's `pulumi:pulumi:Stack` for top-level resources). */
    parent: string;
    urn: string;
    id: string;
    inputs: any;
    state: any;
    /** Names of the resources in its explicit `dependsOn` (deleted after it; created before it). */
    dependsOn?: string[];
    /** Set when the resource is kept (not deleted) on destroy or removal. */
    retainOnDelete?: boolean;
}

export interface Plan {
    resources: PlannedResource[];
    exports: Record<string, unknown>;
    /** Things the harness could not model (e.g. a data source without a mock). */
    warnings: string[];
}

/**
 * Pulumi captures and formats a stack for every internal promise (debuggablePromise), and a whole one
 * for every resource's source position (Resource.callsites raises stackTraceLimit to Infinity for it):
 * together over half of the plan's time. While a program runs under mocks, stackTraceLimit becomes an
 * accessor, which V8 does not read: no stack is captured (errors keep their messages; `stack` is
 * undefined) and Pulumi's assignments are ignored. GAA_PLAN_STACKS=1 keeps stacks, to debug a failing
 * program. Returns the property to restore, or undefined when left as it was.
 */
function withoutStacks(): PropertyDescriptor | undefined {
    if (process.env.GAA_PLAN_STACKS === "1") return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit");
    Object.defineProperty(Error, "stackTraceLimit", { configurable: true, get: () => 0, set: () => undefined });
    return descriptor;
}

interface Registered {
    resource: pulumi.Resource;
    type: string;
    name: string;
    parent?: pulumi.Resource;
    dependsOn: pulumi.Resource[];
    retainOnDelete?: boolean;
}

/**
 * The state handed back to Pulumi without its code archives. Pulumi formats every registration's
 * response into a debug message (`resp: ${response}`) even when debug logging is off, which for a
 * Lambda's bundled code cost ~50 ms per function, a third of the plan. Nothing reads a function's
 * `code` output; the plan keeps the full state.
 */
function withoutArchives(state: Record<string, unknown>): Record<string, unknown> {
    const isArchive = (value: unknown) => pulumi.asset.Archive.isInstance(value) || pulumi.asset.Asset.isInstance(value);
    return Object.values(state).some(isArchive) ? Object.fromEntries(Object.entries(state).filter(([, value]) => !isArchive(value))) : state;
}

/** The explicit dependencies given as plain resources (the only form this program uses). */
function plainDependsOn(dependsOn: unknown): pulumi.Resource[] {
    const list = Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : [];
    return list.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d));
}

/** The value of an Output through the public API (apply), without `promise()`. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/**
 * Runs `program` (which returns the stack's exports) under mocks with the given config
 * ("namespace:key" -> raw string, as Pulumi stores it). Rejects with the program's first error.
 *
 * Only Pulumi's public API is used: `setMocks` for resources and data sources,
 * `runInPulumiStack` for the stack root and its outputs, `registerStackTransformation` to see
 * every resource object and its parent as it is constructed (the mock API gives neither parent
 * nor URN), and each resource's own `urn` output, which resolves once the mock has registered it.
 */
export async function runUnderMocks(
    program: () => Record<string, unknown>,
    options: { project?: string; stack: string; config: Record<string, string>; cloud?: MockCloud },
): Promise<Plan> {
    const mocked = new Map<string, { id: string; inputs: any; state: any }[]>();
    const registered: Registered[] = [];
    const warnings: string[] = [];
    const accounts = new MockAccounts();
    // An error inside apply() rejects a registration nobody awaits: surface the first one as ours.
    let fail: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const onRejection = (reason: unknown) => fail(reason);
    process.on("unhandledRejection", onRejection);
    // Pulumi records a stack trace for every internal promise; under ts-node each one is
    // source-mapped, which was 40% of planning time. Plain V8 traces are enough here.
    const prepareStackTrace = Error.prepareStackTrace;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    const stackTraceLimit = withoutStacks();
    try {
        pulumi.runtime.setAllConfig(options.config);
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    accounts.observe(args.type, args.name, args.inputs);
                    const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs, accounts.of(args.provider)) };
                    const id = resourceId(args.type, args.name) || (state as any).bucket;
                    const key = `${args.type}::${args.name}`;
                    mocked.set(key, [...(mocked.get(key) ?? []), { id, inputs: args.inputs, state }]);
                    return { id, state: withoutArchives(state) };
                },
                call: (args) => mockedCall(args.token, args.inputs, options.cloud ?? {}, warnings, accounts.of(args.provider)),
            },
            options.project ?? "golden-ami-assessment",
            options.stack,
            true,
        );
        const outputs = pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                registered.push({ resource: args.resource, type: args.type, name: args.name, parent: args.opts.parent, dependsOn: plainDependsOn(args.opts.dependsOn), retainOnDelete: args.opts.retainOnDelete });
                return undefined;
            });
            return program();
        });
        const exports = (await Promise.race([failed, outputs])) ?? {};
        const stackUrn = await Promise.race([failed, valueOf(pulumi.runtime.getStackResource()!.urn)]);
        // Every resource is registered once its URN resolves; resources created inside apply()
        // may appear meanwhile, so wait until no new ones do.
        const urns = new Map<Registered, string>();
        for (let seen = 0; seen < registered.length; ) {
            const batch = registered.slice(seen);
            seen = registered.length;
            const resolved = await Promise.race([failed, Promise.all(batch.map((r) => valueOf(r.resource.urn)))]);
            batch.forEach((r, i) => urns.set(r, resolved[i]));
        }
        const resources = await plannedResources(registered, mocked, urns, stackUrn);
        // The stack registers its outputs once every exported value resolves (the hub's wait on its
        // provider's caller identity); let that happen before the next plan replaces the mocks.
        await Promise.race([failed, valueOf(pulumi.output(exports))]);
        await new Promise((resolve) => setImmediate(resolve));
        return { resources, exports: exports as Record<string, unknown>, warnings };
    } catch (error) {
        const message = cleanError(error);
        // Tell Pulumi the program failed (as its own runner does), so that the promises a failed
        // program leaves unsettled are not reported as leaks when the process exits. Without an
        // engine, log.error also prints to the console; the caller reports the error itself.
        const consoleError = console.error;
        console.error = () => undefined;
        try {
            await pulumi.log.error(message);
        } finally {
            console.error = consoleError;
        }
        throw error instanceof Error && error.message === message ? error : new Error(message);
    } finally {
        process.off("unhandledRejection", onRejection);
        Error.prepareStackTrace = prepareStackTrace;
        if (stackTraceLimit) Object.defineProperty(Error, "stackTraceLimit", stackTraceLimit);
    }
}

/** Each registered resource with what the mock answered for it (the n-th registration of a name gets the n-th answer). */
async function plannedResources(
    registered: Registered[],
    mocked: Map<string, { id: string; inputs: any; state: any }[]>,
    urns: Map<Registered, string>,
    stackUrn: string,
): Promise<PlannedResource[]> {
    const taken = new Map<string, number>();
    const resources: PlannedResource[] = [];
    const byResource = new Map(registered.map((p) => [p.resource, p]));
    for (const r of registered) {
        const key = `${r.type}::${r.name}`;
        const index = taken.get(key) ?? 0;
        taken.set(key, index + 1);
        const mock = mocked.get(key)?.[index];
        if (!mock) continue;
        const urn = urns.get(r)!;
        const parent = r.parent ? (urns.get(byResource.get(r.parent)!) ?? (await valueOf(r.parent.urn))) : stackUrn;
        const dependsOn = r.dependsOn.map((d) => byResource.get(d)?.name ?? "(unknown)");
        resources.push({ type: r.type, name: r.name, parent, urn, id: mock.id, inputs: mock.inputs, state: mock.state, dependsOn, ...(r.retainOnDelete ? { retainOnDelete: true } : {}) });
    }
    return resources;
}

/** Pulumi may wrap an apply() error in serialization context; the config error inside is what users need. */
function cleanError(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const invalid = /Invalid [\s\S]*$/.exec(message);
    if (!invalid) return message.split("\n")[0];
    // ConfigErrors puts one "Invalid ..." line per key: keep them all, drop what Pulumi appended.
    const lines = invalid[0].split("\n");
    const end = lines.findIndex((line) => !line.startsWith("Invalid "));
    return lines.slice(0, end < 0 ? lines.length : Math.max(end, 1)).join("\n");
}

/** Runs this project's index.ts afresh under mocks. */
export function planIndex(options: { stack: string; config: Record<string, string>; cloud?: MockCloud }): Promise<Plan> {
    const indexPath = require.resolve("../index");
    return runUnderMocks(() => {
        delete require.cache[indexPath];
        return require(indexPath);
    }, options);
}

/**
 * A stack holds one partition's regions (GovCloud and commercial need different credentials),
 * so a multi-partition deployment is one stack per partition: plans index.ts once per partition
 * of `golden-ami-assessment:regions` (in their order) and merges the plans, exports by region.
 */
export async function planIndexPerPartition(options: { stack: string; config: Record<string, string>; cloud?: MockCloud }): Promise<Plan> {
    const regions: string[] = JSON.parse(options.config["golden-ami-assessment:regions"]);
    const groups = new Map<string, string[]>();
    for (const region of regions) groups.set(partitionOf(region), [...(groups.get(partitionOf(region)) ?? []), region]);
    const merged: Plan = { resources: [], exports: {}, warnings: [] };
    for (const group of groups.values()) {
        const config: Record<string, string> = { ...options.config, "aws:region": group[0], "golden-ami-assessment:regions": JSON.stringify(group) };
        const subnets = options.config["golden-ami-assessment:subnets"];
        if (subnets !== undefined) {
            const inGroup = Object.entries(JSON.parse(subnets) as Record<string, string>).filter(([region]) => group.includes(region));
            config["golden-ami-assessment:subnets"] = JSON.stringify(Object.fromEntries(inGroup));
        }
        const plan = await planIndex({ ...options, config });
        merged.resources.push(...plan.resources);
        merged.warnings.push(...plan.warnings);
        for (const [key, value] of Object.entries(plan.exports)) {
            const previous = merged.exports[key];
            merged.exports[key] = isRecord(previous) && isRecord(value) ? { ...previous, ...value } : value;
        }
    }
    return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
