// The hub at scale: its index build for N accounts × M regions × K AMIs (one summary per spoke in
// the fake hub bucket, every S3 call taking `latencyMs` of real time), the heap it needs, the
// pages' size and time to open in chromium, the digest's S3 calls against their minimum, and how
// many spokes one hub's bucket policy admits within S3's 20 KB.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { BUCKET_POLICY_MAX_BYTES, hubBucketPolicy } from "../infra/hubPolicies";
import { buildAndPublishIndex, HUB_KEYS, sendDigest } from "../pipeline/hub/hubHandlers";
import { ExpectedSpoke } from "../pipeline/hub/hubIndex";
import { RunSummary, hubSpokeKeys, spokePrefix } from "../pipeline/hub/summary";
import { FakeAws } from "../tests/support/fakeAws";
import { CHROMIUM, hasChromium } from "../tests/support/browser";
import { REGIONS_14 } from "./common";

export const HUB_BUILD_TARGET_MS = 10_000;
export const HUB_HEAP_TARGET_BYTES = 512 * 1024 * 1024;
export const PAGE_OPEN_TARGET_MS = 1000;
/** The digest reads the index and its last state, and writes its new state. */
export const DIGEST_MINIMUM_S3_CALLS = 3;

const NOW = new Date("2026-12-03T10:00:00Z");
const REGIONS_15 = [...REGIONS_14, "ca-central-1"];

function summaryOf(account: string, region: string, amis: number, seed: number): RunSummary {
    return {
        schemaVersion: 1,
        account,
        region,
        pipeline: `gaa-prod-${account}-${region}`,
        engine: "inspector2",
        run: `2026-12-02T10-00-00Z-${seed.toString(36)}`,
        generatedAt: new Date(NOW.getTime() - 20 * 3600_000).toISOString(),
        outcome: "COMPLETED",
        counts: {},
        amis: Array.from({ length: amis }, (_, i) => {
            const verdict = (i + seed) % 10 === 0 ? "FAIL" : (i + seed) % 17 === 0 ? "NOT ASSESSED" : "PASS";
            return { imageId: `ami-${(seed * 1000 + i).toString(16).padStart(17, "0")}`, name: `golden-${region}-${i}`, verdict, failing: verdict === "FAIL" ? 3 : 0, topCves: verdict === "FAIL" ? ["CVE-2026-10001", "CVE-2026-10002", "CVE-2026-20003"] : [] };
        }),
        report: { s3Uri: `s3://bucket-${account}/reports/runs/x/report.html`, consoleUrl: `https://s3.console.aws.amazon.com/s3/object/bucket-${account}?region=${region}&prefix=reports%2Fruns%2Fx%2Freport.html` },
    };
}

/** Median of 5 loads, by the page's own clock (performance.now() counts from navigation start). */
export async function openTimeMs(html: string): Promise<number | undefined> {
    if (!hasChromium()) return undefined;
    const { chromium } = await import("playwright-core");
    const dir = mkdtempSync(join(tmpdir(), "gaa-hub-bench-"));
    const file = join(dir, "page.html");
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
        const tab = await browser.newPage();
        await tab.goto(`file://${file}`); // warm-up
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
            await tab.goto(`file://${file}`, { waitUntil: "load" });
            // The browser's own clock: from navigation start to the end of load, then to the first frame after it (laid out, painted).
            times.push(await tab.evaluate(() => new Promise<number>((resolve) => (globalThis as any).requestAnimationFrame(() => resolve((globalThis as any).performance.now())))));
        }
        return times.sort((a, b) => a - b)[2];
    } finally {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Spokes one bucket policy admits with role ARNs of `nameLength` characters (binary search). */
export function policyCapacity(nameLength = 40): number {
    const fits = (n: number) =>
        JSON.stringify(hubBucketPolicy("aws", "gaa-production-hub-reports-0123456789abcdef", Array.from({ length: n }, (_, i) => ({ region: REGIONS_15[i % 15], analyzeRoleArn: `arn:aws:iam::${String(100000000000 + i)}:role/${"r".repeat(nameLength)}` })))).length <= BUCKET_POLICY_MAX_BYTES;
    let low = 0;
    let high = 2000;
    while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (fits(mid)) low = mid;
        else high = mid - 1;
    }
    return low;
}

export interface HubBench {
    accounts: number;
    regions: number;
    amisPerSpoke: number;
    rows: number;
    latencyMs: number;
    buildMs: number;
    buildS3Calls: number;
    /** What the build adds to the heap at its peak, over a collected heap before it (the bench process holds other sections' data). */
    heapAddedPeakBytes: number;
    pages: number;
    largestPageBytes: number;
    indexHtmlBytes: number;
    indexJsonBytes: number;
    pageOpenMs?: number;
    digestS3Calls: number;
    digestMinimum: number;
    policyCapacity: number;
}

/** A full collection, so the heap measured before the build holds only live data (no --expose-gc needed). */
function fullGc(): void {
    setFlagsFromString("--expose-gc");
    (runInNewContext("gc") as () => void)();
}

export async function benchHub(options: { accounts: number; regions: number; amis: number; latencyMs: number }): Promise<HubBench> {
    const hub = new FakeAws(NOW);
    const spokes: ExpectedSpoke[] = [];
    for (let a = 0; a < options.accounts; a++) {
        for (const region of REGIONS_15.slice(0, options.regions)) {
            const account = String(200000000000 + a);
            spokes.push({ account, region, engine: "inspector2", scheduleSeconds: 7 * 86400 });
            const key = hubSpokeKeys(spokePrefix(account, region), "").latest;
            hub.objects.set(key, { body: JSON.stringify(summaryOf(account, region, options.amis, spokes.length)), etag: `"${spokes.length}"`, lastModified: NOW });
        }
    }
    hub.objects.set(HUB_KEYS.spokes, { body: JSON.stringify({ spokes }), etag: '"spokes"', lastModified: new Date(NOW.getTime() - 86400_000) });
    hub.latencyMs = options.latencyMs;
    const deps = { s3: hub.s3, sns: hub.sns, settings: { hubBucket: "hub", resultsTopicArn: "arn:aws:sns:us-east-1:1:hub", region: "us-east-1" }, now: () => NOW };
    fullGc();
    const baseHeap = getHeapStatistics().used_heap_size;
    let peak = baseHeap;
    const sampler = setInterval(() => (peak = Math.max(peak, getHeapStatistics().used_heap_size)), 5);
    const callsBefore = hub.calls.length;
    const started = performance.now();
    const build = await buildAndPublishIndex(deps);
    const buildMs = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, getHeapStatistics().used_heap_size);
    const buildS3Calls = hub.calls.length - callsBefore;
    const pages = [...hub.objects.entries()].filter(([key]) => key.endsWith(".html"));
    const largest = pages.reduce((a, b) => (b[1].body.length > a[1].body.length ? b : a));
    const digestBefore = hub.calls.filter((c) => !c.startsWith("Publish")).length;
    await sendDigest(deps);
    const digestS3Calls = hub.calls.filter((c) => !c.startsWith("Publish")).length - digestBefore;
    return {
        accounts: options.accounts,
        regions: options.regions,
        amisPerSpoke: options.amis,
        rows: build.rows,
        latencyMs: options.latencyMs,
        buildMs,
        buildS3Calls,
        heapAddedPeakBytes: peak - baseHeap,
        pages: build.pages,
        largestPageBytes: Buffer.byteLength(largest[1].body),
        indexHtmlBytes: Buffer.byteLength(hub.object("hub/index.html")!.body),
        indexJsonBytes: Buffer.byteLength(hub.object(HUB_KEYS.index)!.body),
        pageOpenMs: await openTimeMs(largest[1].body),
        digestS3Calls,
        digestMinimum: DIGEST_MINIMUM_S3_CALLS,
        policyCapacity: policyCapacity(),
    };
}
