// The text defects issue 19 found in a rendered report, one test each: every test failed before its fix.
import type { Instance } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { errorText } from "../../../pipeline/run/errors";
import { launchDeathReason } from "../../../pipeline/launch/launchCheck";
import { renderReportHtml } from "../../../pipeline/report/reportHtml";
import { reportMarkdown, summaryText } from "../../../pipeline/report/reportText";
import { computeTrend } from "../../../pipeline/report/trend";
import { amiOf, finding, reportOf } from "../../support/reportFixtures";

const A = "ami-0aaaaaaaaaaaaaaaa";
const B = "ami-0bbbbbbbbbbbbbbbb";

describe("report text defects (issue 19)", () => {
    it("names an EC2 state reason's code once: its Message already starts with the Code", () => {
        // EC2 API Reference, StateReason: Message is "Client.InternalError: A client error caused the instance to terminate during launch."
        const dead = {
            InstanceId: "i-1",
            State: { Name: "terminated" },
            StateReason: { Code: "Client.InternalError", Message: "Client.InternalError: Client error on launch" },
        } as Instance;
        expect(launchDeathReason({ imageId: "ami-1", tags: {}, status: "ASSESSING", instanceId: "i-1" }, dead, [])).to.equal(
            "instance i-1 was terminated right after launch (Client.InternalError: Client error on launch)",
        );
        expect(errorText(Object.assign(new Error("Throttling: Rate exceeded"), { name: "Throttling" }))).to.equal("Throttling: Rate exceeded");
        expect(errorText(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }))).to.equal("Throttling: Rate exceeded");
    });

    it("names a CVE once in \"New since the last run\", even when it is found in several packages", () => {
        const previous = reportOf([amiOf(A, [])]);
        const twoPackages = [
            finding({ severity: "High", cveId: "CVE-2026-1111", vulnerablePackages: [{ name: "openssl" }] }),
            finding({ severity: "High", cveId: "CVE-2026-1111", vulnerablePackages: [{ name: "openssl-libs" }] }),
        ];
        const current = reportOf([amiOf(A, twoPackages)], { runArnId: "0-RUN2" });
        const trend = computeTrend(current, previous);
        expect(renderReportHtml(current, trend)).to.contain("New since the last run (1): CVE-2026-1111</p>");
        expect(reportMarkdown(current, {}, trend)).to.contain("**New since the last run (1):** CVE-2026-1111\n");
    });

    it("never prints \"−0 fixed\": only the parts of a trend that are not zero", () => {
        const previous = reportOf([amiOf(A, [finding({ severity: "High", cveId: "CVE-2026-1111" })])]);
        const current = reportOf([amiOf(A, [finding({ severity: "High", cveId: "CVE-2026-1111" }), finding({ severity: "Critical", cveId: "CVE-2026-9999" })])]);
        const trend = computeTrend(current, previous);
        for (const text of [renderReportHtml(current, trend), reportMarkdown(current, {}, trend)]) {
            expect(text).to.not.match(/[−-]0 fixed|\b0 fixed|\+0 new/);
            expect(text).to.contain("worse (+1 new, 1 unchanged)");
        }
    });

    it("names in the headline the AMIs that got better, not only those that got worse", () => {
        const high = finding({ severity: "High", cveId: "CVE-2026-1111" });
        const previous = reportOf([amiOf(A, []), amiOf(B, [high])]);
        const current = reportOf([amiOf(A, [finding({ severity: "Critical", cveId: "CVE-2026-9999" })]), amiOf(B, [])]);
        const { headline } = computeTrend(current, previous);
        expect(headline).to.equal(`2 AMIs, 1 worse, 1 better: ${A} PASS -> FAIL, +1 critical (CVE-2026-9999); better: ${B} FAIL -> PASS, -1 high`);
    });

    it("ranks a Medium CIS finding above Low CVEs in the report, whatever their EPSS or exploit", () => {
        const report = reportOf([
            amiOf(A, [
                finding({ severity: "Low", cveId: "CVE-2026-0001", exploitAvailable: true, epssScore: 0.4 }),
                finding({ severity: "Low", cveId: "CVE-2026-0002", epssScore: 0.2 }),
                finding({ severity: "Medium", title: "Ensure SSH root login is disabled", rulesPackageArn: "cis" }),
            ]),
        ]);
        const section = renderReportHtml(report).split(`<h2 id="${A}">`)[1];
        const order = [...section.matchAll(/data-label="Severity">(\w+)</g)].map((m) => m[1]);
        expect(order).to.deep.equal(["Medium", "Low", "Low"]);
    });

    it("does not repeat a NOT ASSESSED AMI's whole reason in its next step", () => {
        const reason = "agent on i-0c was UNHEALTHY after 600 s";
        const report = reportOf([amiOf(A, [], { verdict: "NOT ASSESSED", detail: reason })]);
        const occurrences = (text: string) => text.split(reason).length - 1;
        expect(occurrences(summaryText(report))).to.equal(1);
        expect(summaryText(report)).to.contain(`NOT ASSESSED  ${A}: ${reason}\n  Next step: make ${A} able to run the Inspector agent`);
        expect(occurrences(reportMarkdown(report))).to.equal(1);
        expect(reportMarkdown(report)).to.contain(`**Reason:** ${reason}`);
    });
});
