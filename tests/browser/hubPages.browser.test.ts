// The hub's first page in a real browser (Debian's chromium), with a full page of rows, failing
// first and long AMI names: nothing scrolls sideways at 1280 px or on a 400 px phone.
import { expect } from "chai";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHubIndex, spokeKey } from "../../pipeline/hub/hubIndex";
import { renderHubPages } from "../../pipeline/hub/hubPages";
import type { RunSummary } from "../../pipeline/hub/summary";
import { NO_CHROMIUM, hasChromium, measureInChromium } from "../support/browser";

const SCREENSHOT_DIR = process.env.GAA_SCREENSHOT_DIR ?? join(tmpdir(), "gaa-report-screenshots");
const NOW = new Date("2026-12-03T10:00:00Z");

function busyHub() {
    const spokes = ["111100002222", "333300004444"].flatMap((account) => ["us-east-1", "ap-southeast-2"].map((region) => ({ account, region, engine: "inspector2", scheduleSeconds: 7 * 86400 })));
    const summaries = new Map<string, RunSummary>();
    for (const spoke of spokes) {
        summaries.set(spokeKey(spoke), {
            schemaVersion: 1, ...spoke, pipeline: `gaa-prod-${spoke.region}`, run: "2026-12-02T10-00-00Z-wy5uwa", generatedAt: "2026-12-02T10:41:00.000Z", outcome: "COMPLETED", counts: { FAIL: 40, PASS: 160 },
            amis: Array.from({ length: 200 }, (_, i) => ({ imageId: `ami-${String(i).padStart(17, "0")}`, name: `golden-${spoke.region}-amazon-linux-2023-hardened-with-a-very-long-name-${i}`, verdict: i % 5 ? "PASS" : "FAIL", failing: i % 5 ? 0 : 3, topCves: i % 5 ? [] : ["CVE-2026-10001", "CVE-2026-10002", "CVE-2026-20003", "CVE-2026-20004", "CVE-2026-20005"] })),
            report: { s3Uri: "s3://b/k", consoleUrl: "https://s3.console.aws.amazon.com/s3/object/b?region=us-east-1&prefix=reports%2Fruns%2Fx%2Freport.html" },
        });
    }
    return buildHubIndex({ spokes, summaries, now: NOW, listedAt: NOW });
}

describe("hub page in a real browser (chromium)", function () {
    before(function () {
        if (!hasChromium()) {
            console.log(`      skipped: ${NO_CHROMIUM}`);
            this.skip();
        }
    });

    it("does not scroll sideways at 1280 px or 400 px", async () => {
        const home = renderHubPages(busyHub()).find((page) => page.key === "hub/index.html")!;
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const measured = await measureInChromium(home.html, [1280, 400], { screenshotDir: SCREENSHOT_DIR, name: "hub", rightEdgesOf: "th, td" });
        for (const width of [1280, 400]) {
            const m = measured[width];
            expect(m.scrollWidth, `scrollWidth at ${width} px (screenshot ${m.screenshot})`).to.be.at.most(m.clientWidth);
            expect(Math.max(...m.rightEdges), `the right edge of every table cell at ${width} px`).to.be.at.most(m.clientWidth);
        }
        console.log(`      screenshots: ${measured[1280].screenshot}, ${measured[400].screenshot}`);
    });
});
