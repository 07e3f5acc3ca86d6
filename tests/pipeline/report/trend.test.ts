import { expect } from "chai";
import { computeTrend, findingIdentity } from "../../../pipeline/report/trend";
import { amiOf, finding, reportOf } from "../../support/reportFixtures";

const cve = (id: string, severity: "Critical" | "High" | "Medium" | "Low" = "High") => finding({ severity, cveId: id });

describe("computeTrend", () => {
    it("matches findings by CVE (or title without instance IDs) and rules package, not by ARN", () => {
        const a = finding({ severity: "High", cveId: "CVE-2026-1", title: "Instance i-0123456789abcdef0 is vulnerable to CVE-2026-1" });
        const b = finding({ severity: "High", cveId: "CVE-2026-1", title: "Instance i-0fedcba9876543210 is vulnerable to CVE-2026-1" });
        expect(a.arn).to.not.equal(b.arn);
        expect(findingIdentity(a)).to.equal(findingIdentity(b));
        expect(findingIdentity({ title: "SSH root login on i-0123456789abcdef0", rulesPackageArn: "cis" })).to.equal(findingIdentity({ title: "SSH root login on i-0aaaaaaaaaaaaaaaa", rulesPackageArn: "cis" }));
        expect(findingIdentity({ title: "x", rulesPackageArn: "cis" })).to.not.equal(findingIdentity({ title: "x", rulesPackageArn: "cve" }));
    });

    it("counts new, fixed and unchanged findings per AMI", () => {
        const previous = reportOf([amiOf("ami-1", [cve("CVE-2026-1"), cve("CVE-2026-2"), cve("CVE-2026-3", "Medium")])]);
        const current = reportOf([amiOf("ami-1", [cve("CVE-2026-1"), cve("CVE-2026-3", "Medium"), cve("CVE-2026-4", "Low")])]);
        const [t] = computeTrend(current, previous).amis;
        expect(t.newFindings.map((f) => f.cveId)).to.deep.equal(["CVE-2026-4"]);
        expect(t.fixedFindings.map((f) => f.cveId)).to.deep.equal(["CVE-2026-2"]);
        expect(t.unchanged).to.equal(2);
        expect(t.direction).to.equal("better");
        expect(t.delta.High).to.equal(-1);
    });

    it("calls an AMI worse on more failing or Critical/High findings, better on fewer, same otherwise", () => {
        const previous = reportOf([
            amiOf("ami-worse", [cve("CVE-1")]),
            amiOf("ami-better", [cve("CVE-1"), cve("CVE-2", "Critical")]),
            amiOf("ami-same", [cve("CVE-1", "Low")]),
            amiOf("ami-pass-to-fail", [cve("CVE-1", "Low")]),
        ]);
        const current = reportOf([
            amiOf("ami-worse", [cve("CVE-1"), cve("CVE-5", "Critical"), cve("CVE-6", "Critical")]),
            amiOf("ami-better", [cve("CVE-1")]),
            amiOf("ami-same", [cve("CVE-9", "Low")]),
            amiOf("ami-pass-to-fail", [cve("CVE-1", "Low"), cve("CVE-7", "High")]),
        ]);
        const trend = computeTrend(current, previous);
        const direction = Object.fromEntries(trend.amis.map((a) => [a.imageId, a.direction]));
        expect(direction).to.deep.equal({ "ami-worse": "worse", "ami-better": "better", "ami-same": "same", "ami-pass-to-fail": "worse" });
        expect(trend.worse).to.equal(2);
        expect(trend.better).to.equal(1);
        expect(trend.headline).to.equal("4 AMIs, 2 worse, 1 better: ami-worse +2 critical (CVE-5, CVE-6); ami-pass-to-fail PASS -> FAIL, +1 high (CVE-7); better: ami-better -1 critical");
    });

    it("handles AMIs new in this run and AMIs gone since the last", () => {
        const previous = reportOf([amiOf("ami-old", [cve("CVE-1")]), amiOf("ami-kept", [])]);
        const current = reportOf([amiOf("ami-kept", []), amiOf("ami-new", [cve("CVE-2")])]);
        const trend = computeTrend(current, previous);
        expect(trend.amis.map((a) => [a.imageId, a.direction])).to.deep.equal([
            ["ami-kept", "same"],
            ["ami-new", "new"],
            ["ami-old", "gone"],
        ]);
        expect(trend.amis[1].newFindings).to.deep.equal([]);
        expect(trend.headline).to.equal("2 AMIs, none worse, 1 new, 1 gone");
    });

    it("does not compare an AMI that was NOT ASSESSED in either run", () => {
        const previous = reportOf([amiOf("ami-1", [cve("CVE-1")])]);
        const current = reportOf([amiOf("ami-1", [], { verdict: "NOT ASSESSED" })]);
        expect(computeTrend(current, previous).amis[0].direction).to.equal("not comparable");
    });

    it("says so when there is no previous run", () => {
        const trend = computeTrend(reportOf([amiOf("ami-1", [cve("CVE-1")]), amiOf("ami-2", [])]), undefined);
        expect(trend.previous).to.equal(undefined);
        expect(trend.amis.map((a) => a.direction)).to.deep.equal(["new", "new"]);
        expect(trend.headline).to.equal("2 AMIs, no previous run to compare with");
    });

    it("names the better AMIs when none got worse", () => {
        const trend = computeTrend(reportOf([amiOf("ami-1", [])]), reportOf([amiOf("ami-1", [cve("CVE-1"), cve("CVE-2")])]));
        expect(trend.headline).to.equal("1 AMI, none worse, 1 better: ami-1 FAIL -> PASS, -2 high");
    });
});
