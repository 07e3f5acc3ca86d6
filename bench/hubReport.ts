// The hub's bench table (bench/hub.ts measures): 50 accounts × 15 regions × 40 AMIs, or 2 × 3 × 40 with --quick.
import { printTable } from "./common";
import { DIGEST_MINIMUM_S3_CALLS, HUB_BUILD_TARGET_MS, HUB_HEAP_TARGET_BYTES, PAGE_OPEN_TARGET_MS, benchHub } from "./hub";

const MB = 1024 * 1024;

export async function reportHub(quick: boolean, judged: (pass: boolean, target: string) => string) {
    const size = quick ? { accounts: 2, regions: 3, amis: 40 } : { accounts: 50, regions: 15, amis: 40 };
    console.log(`\nHub: index build for ${size.accounts} accounts × ${size.regions} regions × ${size.amis} AMIs, 10 ms per faked S3 call...`);
    const hub = await benchHub({ ...size, latencyMs: 10 });
    const open = hub.pageOpenMs === undefined ? "not measured: no chromium" : `${Math.round(hub.pageOpenMs)} ms`;
    printTable(
        ["hub", "measured", "detail", "target"],
        [
            ["index build", `${(hub.buildMs / 1000).toFixed(1)} s`, `${hub.rows} rows, ${hub.buildS3Calls} S3 calls, ${hub.pages} pages`, judged(hub.buildMs < HUB_BUILD_TARGET_MS, `< ${HUB_BUILD_TARGET_MS / 1000} s`)],
            ["heap added (peak)", `${(hub.heapAddedPeakBytes / MB).toFixed(0)} MB`, `over the collected heap before the build; index.json ${(hub.indexJsonBytes / MB).toFixed(1)} MB`, judged(hub.heapAddedPeakBytes < HUB_HEAP_TARGET_BYTES / 2, "< half of 512 MB")],
            ["largest page", `${Math.round(hub.largestPageBytes / 1024)} KB`, `opens in ${open} (chromium, load + first frame)`, hub.pageOpenMs === undefined ? "not judged" : judged(hub.pageOpenMs < PAGE_OPEN_TARGET_MS, `< ${PAGE_OPEN_TARGET_MS} ms`)],
            ["digest S3 calls", String(hub.digestS3Calls), `minimum ${DIGEST_MINIMUM_S3_CALLS}: the index, the last digest's state, the new state`, judged(hub.digestS3Calls === DIGEST_MINIMUM_S3_CALLS, `= ${DIGEST_MINIMUM_S3_CALLS}`)],
            ["bucket policy", `${hub.policyCapacity} spokes`, "admitted within S3's 20 KB (exact analyze role ARNs); more: split into hub stacks", "informational"],
        ],
    );
    return hub;
}
