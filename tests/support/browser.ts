// A real headless browser for the HTML report: Debian's chromium driven by playwright-core, with a
// fresh profile each time and nothing reaching the network. Absent chromium means "cannot check
// here", never a pass: the caller skips with this module's reason.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const NO_CHROMIUM = `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium; .ci/run does) to test the HTML report in a real browser`;

const FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

export function hasChromium(): boolean {
    return existsSync(CHROMIUM);
}

export interface PageMeasure {
    scrollWidth: number;
    clientWidth: number;
    /** The right edge of each element matched by the selector given, in CSS pixels. */
    rightEdges: number[];
}

/** Opens each HTML file at each viewport width, screenshots the whole page and measures horizontal overflow. */
export async function measureInChromium(
    html: string,
    widths: number[],
    options: { screenshotDir: string; name: string; rightEdgesOf: string },
): Promise<Record<number, PageMeasure & { screenshot: string }>> {
    const { chromium } = await import("playwright-core");
    const profile = mkdtempSync(join(tmpdir(), "gaa-chromium-"));
    const page = join(profile, `${options.name}.html`);
    writeFileSync(page, html);
    let context: BrowserContext | undefined;
    try {
        // launchPersistentContext is how playwright takes a --user-data-dir: a fresh one per run.
        context = await chromium.launchPersistentContext(join(profile, "user-data"), { executablePath: CHROMIUM, headless: true, args: FLAGS, offline: true });
        const tab = context.pages()[0] ?? (await context.newPage());
        const results: Record<number, PageMeasure & { screenshot: string }> = {};
        for (const width of widths) {
            await tab.setViewportSize({ width, height: 900 });
            await tab.goto(`file://${page}`);
            const measure = await tab.evaluate((selector): PageMeasure => {
                // Runs in the page; this project compiles without the DOM library.
                const document = (globalThis as { document?: any }).document;
                const root = document.documentElement;
                return {
                    scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth),
                    clientWidth: root.clientWidth,
                    rightEdges: [...document.querySelectorAll(selector)].map((element: any) => element.getBoundingClientRect().right),
                };
            }, options.rightEdgesOf);
            const screenshot = join(options.screenshotDir, `${options.name}-${width}.png`);
            await tab.screenshot({ path: screenshot, fullPage: true });
            // The first screen, as a reader sees it on opening the page.
            await tab.screenshot({ path: screenshot.replace(/\.png$/, "-top.png") });
            results[width] = { ...measure, screenshot };
        }
        return results;
    } finally {
        await context?.close();
        rmSync(profile, { recursive: true, force: true });
    }
}
