// The HTML report in a real browser (Debian's chromium): nothing scrolls sideways at 1280 px or on
// a 400 px phone, and the trend column is on screen. Screenshots are kept for a person to look at.
import { expect } from "chai";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderReportHtml } from "../../pipeline/report/reportHtml";
import { NO_CHROMIUM, hasChromium, measureInChromium } from "../support/browser";
import { busyReport } from "../support/reportFixtures";

export const SCREENSHOT_DIR = process.env.GAA_SCREENSHOT_DIR ?? join(tmpdir(), "gaa-report-screenshots");

describe("HTML report in a real browser (chromium)", function () {
    before(function () {
        if (!hasChromium()) {
            console.log(`      skipped: ${NO_CHROMIUM}`);
            this.skip();
        }
    });

    it("does not scroll sideways at 1280 px or 400 px, and shows the trend column at 1280 px", async () => {
        const { current, trend } = busyReport();
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const measured = await measureInChromium(renderReportHtml(current, trend), [1280, 400], { screenshotDir: SCREENSHOT_DIR, name: "report", rightEdgesOf: "th, td" });
        for (const width of [1280, 400]) {
            const m = measured[width];
            expect(m.scrollWidth, `scrollWidth at ${width} px (screenshot ${m.screenshot})`).to.be.at.most(m.clientWidth);
            expect(Math.max(...m.rightEdges), `the right edge of every table cell at ${width} px`).to.be.at.most(m.clientWidth);
        }
        console.log(`      screenshots: ${measured[1280].screenshot}, ${measured[400].screenshot}`);
    });
});
