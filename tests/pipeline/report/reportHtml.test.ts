import { expect } from "chai";
import type { DeprecationResult } from "../../../pipeline/verdict/amiDeprecation";
import { deprecationLines } from "../../../pipeline/verdict/deprecationText";
import { advisoryLink, byRisk, deprecationsHtml, renderReportHtml, severityBar, topByRisk } from "../../../pipeline/report/reportHtml";
import { computeTrend } from "../../../pipeline/report/trend";
import { amiOf, finding, reportOf } from "../../support/reportFixtures";

function sample() {
    return reportOf(
        [
            amiOf("ami-0aaaaaaaaaaaaaaaa", [
                finding({ severity: "High", cveId: "CVE-2026-1111", inspectorScore: 8.8, epssScore: 0.02, fixAvailable: "YES", vulnerablePackages: [{ name: "glibc", version: "2.34-40", fixedInVersion: "2.34-52" }] }),
                finding({ severity: "Critical", cveId: "CVE-2026-2222", inspectorScore: 9.8, epssScore: 0.001, fixAvailable: "NO" }),
                finding({ severity: "Medium", cveId: "CVE-2026-3333", inspectorScore: 5.0, exploitAvailable: true, advisoryUrl: "https://alas.aws.amazon.com/AL2023/ALAS-2026-1.html" }),
            ], { name: "web-golden" }),
            amiOf("ami-0bbbbbbbbbbbbbbbb", [finding({ severity: "Low", title: "Ensure SSH root login is disabled", rulesPackageArn: "cis" })]),
            amiOf("ami-0cccccccccccccccc", [], { verdict: "NOT ASSESSED", detail: "agent on i-0c was UNHEALTHY after 600 s" }),
        ],
        { engine: "inspector2" },
    );
}

describe("renderReportHtml", () => {
    it("is one self-contained page: no scripts, no external stylesheets, fonts or images", () => {
        const html = renderReportHtml(sample());
        expect(html.startsWith("<!DOCTYPE html>")).to.equal(true);
        expect(html).to.not.match(/<script/i);
        expect(html).to.not.match(/<link\b/i);
        expect(html).to.not.match(/<img\b/i);
        expect(html).to.not.match(/@import|url\(|@font-face/i);
        expect(html).to.not.match(/\ssrc=/i);
        expect(html).to.match(/<style>[\s\S]*<\/style>/);
        // Links only to advisories, to the S3 console's page of report.json, and within the page.
        for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).to.match(/^(https:\/\/(nvd\.nist\.gov|alas\.aws\.amazon\.com|s3\.console\.aws\.amazon\.com)\/|#ami-)/);
    });

    it("has a verdict table with PASS, FAIL and NOT ASSESSED with its reason, and a severity bar per AMI", () => {
        const html = renderReportHtml(sample());
        expect(html).to.contain("Golden AMI assessment: 1 FAIL, 1 PASS, 1 NOT ASSESSED (us-east-1)");
        expect(html).to.contain('<td class="FAIL" data-label="Verdict">FAIL</td><td data-label="AMI"><a href="#ami-0aaaaaaaaaaaaaaaa"><code>ami-0aaaaaaaaaaaaaaaa</code></a><br>web-golden</td>');
        expect(html).to.contain('<td class="PASS" data-label="Verdict">PASS</td><td data-label="AMI"><a href="#ami-0bbbbbbbbbbbbbbbb"><code>ami-0bbbbbbbbbbbbbbbb</code>');
        expect(html).to.contain('<td class="NOT-ASSESSED" data-label="Verdict">NOT ASSESSED</td><td data-label="AMI"><a href="#ami-0cccccccccccccccc"><code>ami-0cccccccccccccccc</code></a></td>');
        expect(html).to.contain('<td data-label="Reason">agent on i-0c was UNHEALTHY after 600 s</td>');
        for (const id of ["ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb", "ami-0cccccccccccccccc"]) {
            expect(html).to.match(new RegExp(`<svg class="bar"[^>]*aria-label="${id}: `));
        }
        expect(html.match(/<svg /g)).to.have.length(6); // one in the table, one in each AMI's section
        expect(html).to.contain("<th>Engine</th><td>inspector2</td>");
        expect(html).to.contain("1 Critical, 1 High, 1 Medium");
    });

    it("lists findings by severity, then known exploit, EPSS and score; with fix, fixed-in version and advisory", () => {
        const html = renderReportHtml(sample());
        const section = html.split('<h2 id="ami-0aaaaaaaaaaaaaaaa">')[1].split("<h2")[0];
        const order = [...section.matchAll(/<code>(CVE-[\d-]+)<\/code>/g)].map((m) => m[1]);
        expect(order).to.deep.equal(["CVE-2026-2222", "CVE-2026-1111", "CVE-2026-3333"]);
        expect(section).to.contain("fix available: glibc 2.34-40 → 2.34-52");
        expect(section).to.contain("no fix yet");
        expect(section).to.contain('href="https://alas.aws.amazon.com/AL2023/ALAS-2026-1.html"');
        expect(section).to.contain('href="https://nvd.nist.gov/vuln/detail/CVE-2026-1111"');
        expect(section).to.contain('<td data-label="Exploit">yes</td><td class="n" data-label="EPSS">–</td>');
        expect(section).to.contain('<td class="n" data-label="EPSS">2.0%</td>');
    });

    it("ranks by severity first: a Medium CIS finding comes before Low CVEs with an exploit or a high EPSS", () => {
        const cis = finding({ severity: "Medium", title: "Ensure SSH root login is disabled", rulesPackageArn: "cis" });
        const lowExploit = finding({ severity: "Low", cveId: "CVE-2026-0001", exploitAvailable: true });
        const lowEpss = finding({ severity: "Low", cveId: "CVE-2026-0002", epssScore: 0.9, inspectorScore: 3.1 });
        expect(topByRisk([lowEpss, lowExploit, cis]).map((f) => f.arn)).to.deep.equal([cis, lowExploit, lowEpss].map((f) => f.arn));
    });

    it("within a severity, orders by known exploit, EPSS, then score falling back from Inspector score to numeric severity", () => {
        const a = finding({ severity: "High", numericSeverity: 7 });
        const b = finding({ severity: "High", inspectorScore: 7.5 });
        const c = finding({ severity: "High", epssScore: 0.2 });
        const d = finding({ severity: "High", exploitAvailable: true, epssScore: 0.01 });
        const e = finding({ severity: "Critical" });
        expect(topByRisk([a, b, c, d, e]).map((f) => f.arn)).to.deep.equal([e, d, c, b, a].map((f) => f.arn));
        expect([a, b].sort(byRisk)[0]).to.equal(b);
    });

    it("names what started a published AMI's run, and nothing for a scheduled run", () => {
        const ami = amiOf("ami-0aaaaaaaaaaaaaaaa", []);
        const published = renderReportHtml(reportOf([ami], { trigger: "published 2026-12-03T10:00Z (EC2 AMI State Change: available) <x>" }));
        expect(published).to.contain("<tr><th>Trigger</th><td>published 2026-12-03T10:00Z (EC2 AMI State Change: available) &lt;x&gt;</td></tr>");
        expect(renderReportHtml(reportOf([ami]))).to.not.contain("<th>Trigger</th>");
    });

    it("escapes every text: a <script> in a finding title or an AMI name stays text", () => {
        const report = reportOf([
            amiOf("ami-0aaaaaaaaaaaaaaaa", [finding({ severity: "High", title: '<script>alert("x")</script>', cveId: "CVE-2026-1111\"><script>" })], { name: "<img src=x onerror=alert(1)>" }),
        ], { pipelineName: "p</title><script>", notes: ["<b>note</b> & more"] });
        const html = renderReportHtml(report);
        expect(html).to.not.match(/<script/i);
        expect(html).to.not.contain("<img");
        expect(html).to.contain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
        expect(html).to.contain("&lt;img src=x onerror=alert(1)&gt;");
        expect(html).to.contain("&lt;b&gt;note&lt;/b&gt; &amp; more");
    });

    it("never links a non-http advisory URL, and links NVD only for a well-formed CVE", () => {
        expect(advisoryLink(finding({ severity: "High", advisoryUrl: "javascript:alert(1)", cveId: "CVE-2026-1234" }))).to.equal("https://nvd.nist.gov/vuln/detail/CVE-2026-1234");
        expect(advisoryLink(finding({ severity: "High", cveId: "not a cve" }))).to.equal(undefined);
    });

    it("reads reports without Critical counts or v2 fields, and shows the trend headline when given", () => {
        const old = reportOf([amiOf("ami-0aaaaaaaaaaaaaaaa", [finding({ severity: "High", cveId: "CVE-2026-1111" })])]);
        delete (old.amis[0].counts as any).Critical;
        expect(severityBar(old.amis[0])).to.contain("1 High");
        const current = reportOf([amiOf("ami-0aaaaaaaaaaaaaaaa", [finding({ severity: "High", cveId: "CVE-2026-1111" }), finding({ severity: "Critical", cveId: "CVE-2026-9999" })])]);
        const html = renderReportHtml(current, computeTrend(current, old));
        expect(html).to.contain('<p class="headline">1 AMI, 1 worse: ami-0aaaaaaaaaaaaaaaa +1 critical (CVE-2026-9999)</p>');
        expect(html).to.contain("New since the last run (1): CVE-2026-9999");
        expect(html).to.contain('<td class="worse" data-label="Since last run">worse (+1 new, 1 unchanged)</td>');
    });
});

describe("renderReportHtml: deprecateFailingAmis", () => {
    const deprecations: DeprecationResult = {
        changed: [
            { imageId: "ami-0aaaaaaaaaaaaaaaa", action: "deprecate", deprecateAt: "2026-03-30T13:23:00.000Z" },
            { imageId: "ami-0bbbbbbbbbbbbbbbb", action: "undeprecate" },
        ],
        skipped: [{ imageId: "ami-0cccccccccccccccc", reason: "owned by 999988887777: only this account's (111122223333) AMIs are deprecated" }],
        failed: [{ imageId: "ami-0dddddddddddddddd", action: "deprecate", error: "AuthFailure: Not authorized for image:ami-0dddddddddddddddd" }],
    };
    const plain = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").replace(/&#39;/g, "'").trim();

    it("lists what was deprecated, restored, left alone and failed, in the text report's words, before the notes", () => {
        const html = renderReportHtml(reportOf([amiOf("ami-0aaaaaaaaaaaaaaaa", [finding({ severity: "High" })])], { deprecations, notes: ["a note"] }));
        const section = html.split("<h2>AMI deprecations (deprecateFailingAmis)</h2>")[1]?.split("<h2>")[0];
        expect(section, "the deprecations section").to.be.a("string");
        const rows = [...section!.matchAll(/<tr><td>.*?<\/tr>/g)].map((m) => plain(m[0]));
        // Each row says what its text line says: "- <what> <AMI>: <why>".
        expect(rows.map((row) => row.replace(/^(.*?) (ami-\w+) /, "- $1 $2: "))).to.deep.equal(deprecationLines(deprecations));
        expect(section).to.contain("<td>deprecated</td><td><code>ami-0aaaaaaaaaaaaaaaa</code></td><td>it failed; EC2 shows it as deprecated from 2026-03-30T13:23:00.000Z</td>");
        expect(section).to.contain("<td>deprecation removed from</td><td><code>ami-0bbbbbbbbbbbbbbbb</code></td><td>it passed</td>");
        expect(html.indexOf("AMI deprecations")).to.be.lessThan(html.indexOf("<h2>Notes</h2>"));
    });

    it("escapes what it shows: a reason or an error with markup stays text", () => {
        const hostile: DeprecationResult = {
            changed: [],
            skipped: [{ imageId: 'ami-1"><script>', reason: "<img src=x onerror=alert(1)> & more" }],
            failed: [{ imageId: "ami-2", action: "undeprecate", error: "<script>alert('x')</script>" }],
        };
        const html = deprecationsHtml({ deprecations: hostile });
        expect(html).to.not.match(/<script|<img/i);
        expect(html).to.contain("<code>ami-1&quot;&gt;&lt;script&gt;</code>");
        expect(html).to.contain("&lt;img src=x onerror=alert(1)&gt; &amp; more");
        expect(html).to.contain("<td>could not undeprecate</td><td><code>ami-2</code></td><td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>");
    });

    it("prints nothing when the option is off or it changed nothing", () => {
        const ami = amiOf("ami-0aaaaaaaaaaaaaaaa", []);
        for (const report of [reportOf([ami]), reportOf([ami], { deprecations: { changed: [], skipped: [], failed: [] } })]) {
            const html = renderReportHtml(report);
            expect(html).to.not.contain("deprecat");
            expect(deprecationsHtml(report)).to.equal("");
        }
    });
});
