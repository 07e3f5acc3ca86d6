// Issue 19, "the report read at a glance": top risks across the fleet, bars on one scale, NOT
// ASSESSED never drawn like a clean AMI, links a person can click, and a Markdown as rich as the HTML.
import { expect } from "chai";
import { publishReport } from "../../../pipeline/report/publishReport";
import { barScale, renderReportHtml, severityBar } from "../../../pipeline/report/reportHtml";
import { reportEmail, reportMarkdown, s3ConsoleUrl, summaryText } from "../../../pipeline/report/reportText";
import { HIGH_EPSS, topRisks } from "../../../pipeline/report/topRisks";
import { computeTrend } from "../../../pipeline/report/trend";
import { FakeAws } from "../../support/fakeAws";
import { amiOf, finding, reportOf } from "../../support/reportFixtures";

const A = "ami-0aaaaaaaaaaaaaaaa";
const B = "ami-0bbbbbbbbbbbbbbbb";
const C = "ami-0cccccccccccccccc";

const rectWidths = (svg: string) => [...svg.matchAll(/<rect x="[\d.]+" y="0" width="([\d.]+)"[^>]*><title>/g)].map((m) => Number(m[1]));

function fleet() {
    const exploited = (severity: "High" | "Low") => finding({ severity, cveId: "CVE-2026-7777", exploitAvailable: true, epssScore: 0.92, fixAvailable: "YES" });
    return reportOf(
        [
            amiOf(A, [exploited("High"), finding({ severity: "Medium", cveId: "CVE-2026-1000", epssScore: HIGH_EPSS }), finding({ severity: "Low" }), finding({ severity: "Low" })]),
            amiOf(B, [exploited("High"), finding({ severity: "Critical", cveId: "CVE-2026-2000", epssScore: HIGH_EPSS - 0.001 })]),
            amiOf(C, [], { verdict: "NOT ASSESSED", detail: "no proof of assessment: SSM agent not reporting" }),
        ],
        { engine: "inspector2" },
    );
}

describe("report at a glance: top risks", () => {
    it("lists across all AMIs the findings with a known exploit or an EPSS at the threshold, each once with its AMIs", () => {
        const risks = topRisks(fleet().amis);
        expect(risks.map((r) => [r.finding.cveId, r.imageIds])).to.deep.equal([
            ["CVE-2026-7777", [A, B]],
            ["CVE-2026-1000", [A]],
        ]);
    });

    it("comes first in the HTML, before the verdicts, with links to each AMI's section", () => {
        const html = renderReportHtml(fleet());
        const section = html.split('<h2 id="top-risks">')[1].split("<h2")[0];
        expect(html.indexOf('id="top-risks"')).to.be.lessThan(html.indexOf("<h2>Verdicts</h2>"));
        expect(section).to.contain(`<a href="#${A}"><code>${A}</code></a>, <a href="#${B}"><code>${B}</code></a>`);
        expect(section).to.contain("known exploit, EPSS 92.0%");
        expect(section).to.not.contain("CVE-2026-2000");
    });

    it("says there are none, or that Classic reports no exploit or EPSS data, rather than leaving the reader guessing", () => {
        const clean = reportOf([amiOf(A, [finding({ severity: "High", cveId: "CVE-2026-1", epssScore: 0.01 })])], { engine: "inspector2" });
        expect(renderReportHtml(clean)).to.contain("None: no finding has a known exploit or an EPSS of 10.0% or more.");
        expect(renderReportHtml({ ...clean, engine: "classic" })).to.contain("Inspector Classic reports neither known exploits nor EPSS");
    });

    it("is in the email and the Markdown too", () => {
        const report = fleet();
        expect(summaryText(report)).to.contain(`Top risks (known exploit or EPSS of 10.0% or more), across all AMIs:\n- CVE-2026-7777 (High; known exploit, EPSS 92.0%): ${A}, ${B}\n`);
        expect(reportMarkdown(report)).to.contain(`| High | CVE-2026-7777 | known exploit, EPSS 92.0% | ${A}, ${B} |`);
    });
});

describe("report at a glance: severity bars", () => {
    it("share one scale: an AMI with 2 findings fills half the width of one with 4", () => {
        const report = fleet();
        const scale = barScale(report.amis);
        expect(scale).to.equal(4);
        const sum = (svg: string) => rectWidths(svg).reduce((a, b) => a + b, 0);
        expect(sum(severityBar(report.amis[0], scale))).to.be.closeTo(300, 0.05);
        expect(sum(severityBar(report.amis[1], scale))).to.be.closeTo(150, 0.05);
        const html = renderReportHtml(report);
        expect(html).to.contain("a full bar is 4 findings, the most any AMI has");
    });

    it("draw a NOT ASSESSED AMI dashed and say so in words, never like an assessed AMI without findings", () => {
        const report = fleet();
        const notAssessed = severityBar(report.amis[2], 4);
        const clean = severityBar({ imageId: "ami-clean", counts: report.amis[2].counts, verdict: "PASS" }, 4);
        expect(notAssessed).to.not.equal(clean.replace("ami-clean", C));
        expect(notAssessed).to.contain('stroke-dasharray="4 3"').and.contain(`aria-label="${C}: not assessed"`);
        expect(clean).to.contain('aria-label="ami-clean: no findings"').and.not.contain("stroke-dasharray");
        const row = renderReportHtml(report).split(`<a href="#${C}">`)[1].split("</tr>")[0];
        expect(row).to.contain('<span class="na">not assessed</span>').and.not.contain("no findings");
    });

    it("show NOT ASSESSED counts as unknown in the Markdown, not as zeros", () => {
        expect(reportMarkdown(fleet())).to.contain(`| NOT ASSESSED | ${C} |  | – | – | – | – | – | – |`);
    });
});

describe("report at a glance: links and Markdown", () => {
    it("links to the S3 console page of the object, with the console host of the region's partition", () => {
        expect(s3ConsoleUrl("eu-west-1", "gaa-reports", "reports/runs/r 1/report.html")).to.equal(
            "https://s3.console.aws.amazon.com/s3/object/gaa-reports?region=eu-west-1&prefix=reports%2Fruns%2Fr%201%2Freport.html",
        );
        expect(s3ConsoleUrl("us-gov-west-1", "b", "k")).to.equal("https://console.amazonaws-us-gov.com/s3/object/b?region=us-gov-west-1&prefix=k");
        expect(s3ConsoleUrl("cn-north-1", "b", "k")).to.equal("https://console.amazonaws.cn/s3/object/b?region=cn-north-1&prefix=k");
    });

    it("points the email's \"Full report\" and its truncation pointer at the HTML, never at an s3:// URI", () => {
        const email = reportEmail(reportOf([amiOf(A, [])], { region: "us-gov-east-1" }));
        const html = "https://console.amazonaws-us-gov.com/s3/object/gaa-reports?region=us-gov-east-1&prefix=reports%2Fruns%2Fr1%2Freport.html";
        expect(email.message).to.contain(`Full report: ${html}\n`);
        expect(email.pointer).to.equal(`Full report: ${html}`);
        expect(email.message).to.not.contain("s3://");
    });

    it("carries the trend, known exploits and EPSS in report.md, as the HTML does", async () => {
        const world = new FakeAws(new Date("2026-11-23T10:00:00Z"));
        const first = reportOf([amiOf(A, [])], { runArnId: "r1", runArn: "r1", generatedAt: "2026-11-16T10:00:00.000Z" });
        await publishReport(world.s3, world.sns, "arn:aws:sns:us-east-1:111122223333:results", first, "reports/");
        const second = fleet();
        second.location = { bucket: "gaa-reports", jsonKey: "reports/runs/r2/report.json", markdownKey: "reports/runs/r2/report.md" };
        Object.assign(second, { runArn: "r2", runArnId: "r2", generatedAt: "2026-11-23T10:00:00.000Z" });
        await publishReport(world.s3, world.sns, "arn:aws:sns:us-east-1:111122223333:results", second, "reports/");
        const md = world.object("reports/runs/r2/report.md")!.body;
        expect(md).to.contain(`**Trend:** ${computeTrend(second, first).headline}`);
        expect(md).to.contain("| Since last run |");
        expect(md).to.contain("**New since the last run (4):** CVE-2026-7777, CVE-2026-1000, finding ");
        expect(md).to.match(/\*\*High\*\*: Instance i-\w+ is vulnerable to CVE-2026-7777 \(known exploit, EPSS 92\.0%\)/);
    });
});
