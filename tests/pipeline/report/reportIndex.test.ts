import { expect } from "chai";
import { IndexEntry, relativeLink, renderIndexHtml } from "../../../pipeline/report/reportIndex";

const entry = (region: string, run: string, generatedAt: string, fail = 0): IndexEntry => ({
    region,
    runKey: run,
    generatedAt,
    verdictCounts: { FAIL: fail, PASS: 2, "NOT ASSESSED": 0 },
    htmlKey: `reports/runs/${run}/report.html`,
});

describe("renderIndexHtml", () => {
    const entries = [
        entry("us-east-1", "r1", "2026-03-01T00:00:00Z"),
        entry("eu-west-1", "r2", "2026-03-02T00:00:00Z", 1),
        entry("us-east-1", "r3", "2026-03-08T00:00:00Z", 2),
        entry("eu-west-1", "r4", "2026-03-09T00:00:00Z"),
        entry("us-east-1", "r5", "2026-02-20T00:00:00Z"),
    ];

    it("shows the latest report per region, with relative links", () => {
        const html = renderIndexHtml(entries, { lastN: 3 });
        const latest = html.split('<table id="latest">')[1].split("</table>")[0];
        expect([...latest.matchAll(/href="([^"]+)">([^<]+)</g)].map((m) => [m[1], m[2]])).to.deep.equal([
            ["runs/r4/report.html", "r4"],
            ["runs/r3/report.html", "r3"],
        ]);
        expect(latest).to.contain('<td class="FAIL">2 FAIL, 2 PASS, 0 NOT ASSESSED</td>');
        expect(html).to.not.match(/<script|https?:/i);
    });

    it("lists the last N runs, newest first", () => {
        const html = renderIndexHtml(entries, { lastN: 3 });
        const runs = html.split('<table id="runs">')[1].split("</table>")[0];
        expect([...runs.matchAll(/>(r\d)</g)].map((m) => m[1])).to.deep.equal(["r4", "r3", "r2"]);
        expect(html).to.contain("<h2>Last 3 runs</h2>");
    });

    it("escapes and encodes what it shows and links", () => {
        const html = renderIndexHtml([{ ...entry("<b>x</b>", 'r"1', "2026"), htmlKey: "reports/runs/a b/<x>.html" }], { lastN: 5 });
        expect(html).to.contain("&lt;b&gt;x&lt;/b&gt;").and.contain("r&quot;1").and.contain('href="runs/a%20b/%3Cx%3E.html"');
        expect(html).to.not.contain("<b>");
    });

    it("links relative to where the index is written", () => {
        expect(relativeLink("reports/index.html", "reports/runs/r1/report.html")).to.equal("runs/r1/report.html");
        expect(relativeLink("index.html", "reports/runs/r1/report.html")).to.equal("reports/runs/r1/report.html");
        expect(relativeLink("site/eu/index.html", "reports/runs/r1/report.html")).to.equal("../../reports/runs/r1/report.html");
        expect(renderIndexHtml([], { lastN: 10 })).to.contain("No reports yet.");
    });
});
