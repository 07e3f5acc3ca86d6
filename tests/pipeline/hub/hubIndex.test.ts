// The hub's pure parts: the summary, the index (order, trend, staleness, silence), the pages
// (paging, filters by link, no scripts) and the digest (counts, changes, failing AMIs).
import { expect } from "chai";
import { buildDigest } from "../../../pipeline/hub/digest";
import { ExpectedSpoke, HubIndex, buildHubIndex, spokeKey } from "../../../pipeline/hub/hubIndex";
import { PAGE_ROWS, renderHubPages } from "../../../pipeline/hub/hubPages";
import { readHubTarget } from "../../../pipeline/hub/sendSummary";
import { RunSummary, SummaryAmi, runSummary } from "../../../pipeline/hub/summary";
import type { AssessmentReport } from "../../../pipeline/report/report";

const NOW = new Date("2026-12-03T10:00:00Z");
const DAY = 86_400_000;
const spoke = (account: string, region: string, engine = "inspector2"): ExpectedSpoke => ({ account, region, engine, scheduleSeconds: 7 * 86400 });

function summary(account: string, region: string, run: string, amis: Partial<SummaryAmi>[], at = NOW): RunSummary {
    return {
        schemaVersion: 1,
        account,
        region,
        pipeline: `gaa-dev-${region}`,
        engine: "inspector2",
        run,
        generatedAt: at.toISOString(),
        outcome: "COMPLETED",
        counts: {},
        amis: amis.map((a, i) => ({ imageId: `ami-${i}`, verdict: "PASS", failing: 0, topCves: [], ...a })),
        report: { s3Uri: "s3://b/k", consoleUrl: "https://console/x" },
    };
}

function index(spokes: ExpectedSpoke[], summaries: RunSummary[], previous?: HubIndex, now = NOW): HubIndex {
    return buildHubIndex({ spokes, summaries: new Map(summaries.map((s) => [spokeKey(s), s])), previous, now, listedAt: new Date(NOW.getTime() - DAY) });
}

describe("hub index", () => {
    it("orders FAIL, NOT ASSESSED, stale, PASS", () => {
        const built = index([spoke("1", "r")], [summary("1", "r", "run1", [{ verdict: "PASS" }, { verdict: "PASS", stale: true }, { verdict: "NOT ASSESSED" }, { verdict: "FAIL", failing: 2, topCves: ["CVE-1"] }])]);
        expect(built.rows.map((r) => r.status)).to.deep.equal(["FAIL", "NOT ASSESSED", "STALE", "PASS"]);
        expect(built.rows.map((r) => r.trend)).to.deep.equal(["new", "new", "new", "new"]);
    });

    it("compares each AMI with the previous run for its trend, and keeps it when the same run is seen again", () => {
        const first = index([spoke("1", "r")], [summary("1", "r", "run1", [{ verdict: "PASS" }, { verdict: "FAIL" }])]);
        const second = index([spoke("1", "r")], [summary("1", "r", "run2", [{ verdict: "FAIL" }, { verdict: "PASS" }])], first);
        expect(second.rows.map((r) => [r.imageId, r.trend, r.previousVerdict])).to.deep.equal([["ami-0", "worse", "PASS"], ["ami-1", "better", "FAIL"]]);
        const again = index([spoke("1", "r")], [summary("1", "r", "run2", [{ verdict: "FAIL" }, { verdict: "PASS" }])], second);
        expect(again.rows.map((r) => r.trend)).to.deep.equal(["worse", "better"]);
    });

    it("flags a spoke silent after two schedules without a summary (its PASSes stale), and never silent for Classic", () => {
        const spokes = [spoke("1", "r"), spoke("2", "r"), spoke("3", "r", "classic")];
        const built = index(spokes, [summary("1", "r", "run1", [{}], new Date(NOW.getTime() - 15 * DAY))], undefined, NOW);
        expect(built.spokes.map((s) => s.state)).to.deep.equal(["silent", "reporting", "unsupported"]);
        expect(built.rows[0].status).to.equal("STALE");
        // Spoke 2 never reported: counted from when the hub learned of it (a day ago), not silent yet.
        const later = index(spokes, [], undefined, new Date(NOW.getTime() + 14 * DAY));
        expect(later.spokes.map((s) => s.state)).to.deep.equal(["silent", "silent", "unsupported"]);
    });
});

describe("hub pages", () => {
    const many = (n: number) => index([spoke("1", "us-east-1"), spoke("2", "eu-west-1")], [summary("1", "us-east-1", "a", Array.from({ length: n }, (_, i) => ({ verdict: i % 10 === 0 ? "FAIL" : "PASS" }))), summary("2", "eu-west-1", "b", [{ verdict: "NOT ASSESSED" }])]);

    it("pages every list and filters by verdict, account and region with plain links", () => {
        const pages = renderHubPages(many(1200));
        const keys = pages.map((p) => p.key);
        expect(keys).to.include.members(["hub/index.html", "hub/pages/all-2.html", "hub/pages/all-3.html", "hub/pages/status-fail-1.html", "hub/pages/status-pass-3.html", "hub/pages/account-1-3.html", "hub/pages/region-eu-west-1-1.html", "hub/pages/status-stale-1.html"]);
        for (const page of pages) {
            expect(page.html.match(/<tr><td data-label="Verdict"/g)?.length ?? 0, page.key).to.be.at.most(PAGE_ROWS);
            expect(page.html, page.key).to.not.match(/<script|https?:\/\/(?!console)/);
        }
        const home = pages.find((p) => p.key === "hub/index.html")!.html;
        expect(home).to.include('href="pages/status-fail-1.html"').and.include('href="pages/account-2-1.html"').and.include('id="accounts"');
        const inner = pages.find((p) => p.key === "hub/pages/all-2.html")!.html;
        expect(inner).to.include('href="../index.html"').and.include('href="all-3.html"');
    });

    it("escapes what a summary says", () => {
        const built = index([spoke("1", "r")], [summary("1", "r", "run1", [{ name: "<img src=x>", verdict: "FAIL", topCves: ["<b>"] }])]);
        const html = renderHubPages(built)[0].html;
        expect(html).to.include("&lt;img src=x&gt;").and.not.include("<img src=x>");
    });
});

describe("hub digest", () => {
    it("counts per account and region, lists the failing AMIs with their CVEs, and what changed since the last digest", () => {
        const spokes = [spoke("1", "r1"), spoke("2", "r2")];
        const before = index(spokes, [summary("1", "r1", "a", [{ verdict: "PASS" }, { verdict: "FAIL", topCves: ["CVE-2026-1"] }]), summary("2", "r2", "b", [{ verdict: "PASS" }])]);
        const first = buildDigest(before, undefined, "https://hub");
        expect(first.subject).to.equal("Golden AMI hub digest: 1 FAIL, 0 NOT ASSESSED");
        expect(first.message).to.include("(first digest)").and.include("1 r1: 1 FAIL, 0 NOT ASSESSED, 0 STALE, 1 PASS").and.include("1 r1 ami-1: CVE-2026-1");
        const after = index(spokes, [summary("1", "r1", "c", [{ verdict: "FAIL", topCves: ["CVE-2026-2"] }, { verdict: "PASS" }]), summary("2", "r2", "d", [])], before);
        const second = buildDigest(after, first.state, "https://hub");
        expect(second.changes.map((c) => [c.key, c.from, c.to])).to.deep.equal([["1/r1/ami-0", "PASS", "FAIL"], ["1/r1/ami-1", "FAIL", "PASS"], ["2/r2/ami-0", "PASS", undefined]]);
        expect(second.message).to.include("1/r1/ami-0: PASS -> FAIL").and.include("2/r2/ami-0: gone (was PASS)");
    });
});

describe("run summary", () => {
    it("carries account, region, pipeline, run, verdicts, counts, top CVEs and the report link", () => {
        const report = {
            engine: "inspector2",
            pipelineName: "gaa-dev-eu-west-1",
            region: "eu-west-1",
            runArnId: "run-1",
            generatedAt: NOW.toISOString(),
            outcome: "COMPLETED",
            verdictCounts: { FAIL: 1, PASS: 0, "NOT ASSESSED": 0 },
            amis: [{ imageId: "ami-1", name: "web", verdict: "FAIL", failingCounts: { High: 2 }, findings: [{ severity: "Medium", cveId: "CVE-2026-9" }, { severity: "Critical", cveId: "CVE-2026-1" }, { severity: "High", cveId: "CVE-2026-1" }], topFindings: [] }],
            location: { bucket: "spoke-bucket", jsonKey: "reports/runs/run-1/report.json", markdownKey: "x" },
        } as unknown as AssessmentReport;
        const s = runSummary(report, "222200001111");
        expect(s).to.deep.include({ account: "222200001111", region: "eu-west-1", pipeline: "gaa-dev-eu-west-1", run: "run-1", counts: { FAIL: 1, PASS: 0, "NOT ASSESSED": 0 } });
        expect(s.amis).to.deep.equal([{ imageId: "ami-1", name: "web", verdict: "FAIL", failing: 2, topCves: ["CVE-2026-1", "CVE-2026-9"] }]);
        expect(s.report.s3Uri).to.equal("s3://spoke-bucket/reports/runs/run-1/report.html");
        expect(s.report.consoleUrl).to.contain("eu-west-1").and.contain("report.html");
    });

    it("reads the hub target from all three variables or none", () => {
        expect(readHubTarget({})).to.equal(undefined);
        expect(readHubTarget({ HUB_BUCKET: "h", HUB_PREFIX: "spokes/1/r/", PER_RUN_EMAILS: "false" })).to.deep.equal({ bucket: "h", prefix: "spokes/1/r/", perRunEmails: false });
        expect(() => readHubTarget({ HUB_BUCKET: "h" })).to.throw("HUB_PREFIX");
        expect(() => readHubTarget({ HUB_BUCKET: "h", HUB_PREFIX: "elsewhere/" })).to.throw("spokes/<account>/<region>/");
    });
});
