// The hub's two handlers, thin I/O shells around hubIndex, hubPages and digest. The index builder
// reads one object per spoke (its latest summary) plus the spoke list and the previous index; the
// digest reads the index and what the last digest saw, publishes once and records what it sent.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import { publishNotice } from "../report/notify";
import { s3ConsoleUrl } from "../report/reportText";
import { putText } from "../report/reportStore";
import { createS3Client, createSnsClient } from "../run/clients";
import { mapWithConcurrency } from "../run/concurrency";
import { errorText } from "../run/errors";
import { isS3Error, putJson, readJson } from "../run/runState";
import { buildDigest, DigestState } from "./digest";
import { buildHubIndex, ExpectedSpoke, HubIndex, spokeKey } from "./hubIndex";
import { HUB_FOLDER, renderHubPages } from "./hubPages";
import { hubSpokeKeys, RunSummary, spokePrefix, SUMMARY_SCHEMA_VERSION } from "./summary";

export const HUB_KEYS = { spokes: `${HUB_FOLDER}spokes.json`, index: `${HUB_FOLDER}index.json`, html: `${HUB_FOLDER}index.html`, digestState: `${HUB_FOLDER}digest-state.json` };
/** Reads and writes in flight at once: quick, and far below S3's per-prefix request rates. */
export const HUB_CONCURRENCY = 32;

export interface HubSettings {
    hubBucket: string;
    resultsTopicArn: string;
    region: string;
}

export interface HubDeps {
    s3: S3Client;
    sns: SNSClient;
    settings: HubSettings;
    now: () => Date;
    log?: (message: string, detail?: Record<string, unknown>) => void;
}

export function readHubSettings(env: Record<string, string | undefined>): HubSettings {
    const get = (name: string) => {
        const value = env[name];
        if (!value) throw new Error(`environment variable ${name} is not set`);
        return value;
    };
    return { hubBucket: get("HUB_BUCKET"), resultsTopicArn: get("RESULTS_TOPIC_ARN"), region: get("AWS_REGION") };
}

/** The spokes the stack created, and when the hub learned of them (the object's LastModified). */
async function readSpokes(s3: S3Client, bucket: string): Promise<{ spokes: ExpectedSpoke[]; listedAt: Date }> {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: HUB_KEYS.spokes }));
    const parsed = JSON.parse((await object.Body?.transformToString("utf-8")) ?? "{}") as { spokes?: ExpectedSpoke[] };
    return { spokes: parsed.spokes ?? [], listedAt: object.LastModified ?? new Date(0) };
}

/** One spoke's latest summary; an unreadable one counts as none (the spoke shows silent) and is logged. */
async function readLatest(deps: HubDeps, spoke: ExpectedSpoke, problems: string[]): Promise<RunSummary | undefined> {
    if (spoke.engine === "classic") return undefined;
    const key = hubSpokeKeys(spokePrefix(spoke.account, spoke.region), "").latest;
    try {
        const summary = (await readJson<RunSummary>(deps.s3, deps.settings.hubBucket, key))?.value;
        if (summary && (summary.schemaVersion !== SUMMARY_SCHEMA_VERSION || summary.account !== spoke.account || summary.region !== spoke.region)) {
            problems.push(`${key}: not this spoke's summary (schema ${summary.schemaVersion}, ${summary.account} ${summary.region})`);
            return undefined;
        }
        return summary;
    } catch (error) {
        if (error instanceof SyntaxError || isS3Error(error, ["AccessDenied"], 403)) {
            problems.push(`${key}: ${errorText(error)}`);
            return undefined;
        }
        throw error;
    }
}

export interface IndexBuild {
    rows: number;
    spokes: number;
    silent: string[];
    pages: number;
    problems: string[];
}

export async function buildAndPublishIndex(deps: HubDeps): Promise<IndexBuild> {
    const { s3, settings } = deps;
    const { spokes, listedAt } = await readSpokes(s3, settings.hubBucket);
    // An unreadable previous index only costs the trends (every row "new"); a throttle or an outage fails the build, to be retried.
    const previous = (await readJson<HubIndex>(s3, settings.hubBucket, HUB_KEYS.index).catch((error) => (error instanceof SyntaxError ? undefined : Promise.reject(error))))?.value;
    const problems: string[] = [];
    const latest = await mapWithConcurrency(spokes, HUB_CONCURRENCY, (spoke) => readLatest(deps, spoke, problems));
    const summaries = new Map<string, RunSummary>();
    spokes.forEach((spoke, i) => latest[i] && summaries.set(spokeKey(spoke), latest[i]!));
    const index = buildHubIndex({ spokes, summaries, previous, now: deps.now(), listedAt });
    const pages = renderHubPages(index);
    // Pages first and index.json last: the index is what the next build and the digest trust.
    await mapWithConcurrency(pages, HUB_CONCURRENCY, (page) => putText(s3, settings.hubBucket, page.key, page.html, "text/html; charset=utf-8"));
    await putText(s3, settings.hubBucket, HUB_KEYS.index, JSON.stringify(index), "application/json");
    const silent = index.spokes.filter((s) => s.state === "silent").map(spokeKey);
    return { rows: index.rows.length, spokes: spokes.length, silent, pages: pages.length, problems };
}

export interface DigestResult {
    status: "sent" | "no-index";
    changes: number;
}

/** Three S3 calls (the index, the last digest's state, the new state) and one publish. */
export async function sendDigest(deps: HubDeps): Promise<DigestResult> {
    const { s3, sns, settings } = deps;
    const index = (await readJson<HubIndex>(s3, settings.hubBucket, HUB_KEYS.index))?.value;
    if (!index) return { status: "no-index", changes: 0 };
    const previous = (await readJson<DigestState>(s3, settings.hubBucket, HUB_KEYS.digestState))?.value;
    const digest = buildDigest(index, previous, s3ConsoleUrl(settings.region, settings.hubBucket, HUB_KEYS.html));
    await publishNotice(sns, settings.resultsTopicArn, digest.subject, digest.message, `The full view: ${HUB_KEYS.html} in the hub bucket.`);
    // After publishing: a crash in between sends the same changes again (at least once), never none.
    await putJson(s3, settings.hubBucket, HUB_KEYS.digestState, digest.state);
    return { status: "sent", changes: digest.changes.length };
}

function defaultDeps(): HubDeps {
    return { s3: createS3Client(), sns: createSnsClient(), settings: readHubSettings(process.env), now: () => new Date() };
}

/** Runs once per container. */
export function hubIndexHandlerFactory(): (event: unknown) => Promise<IndexBuild> {
    const deps = defaultDeps();
    return async () => {
        const result = await buildAndPublishIndex(deps);
        console.log(JSON.stringify({ message: "hub index built", ...result, problems: result.problems.slice(0, 20) }));
        return result;
    };
}

export function hubDigestHandlerFactory(): (event: unknown) => Promise<DigestResult> {
    const deps = defaultDeps();
    return async () => sendDigest(deps);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
