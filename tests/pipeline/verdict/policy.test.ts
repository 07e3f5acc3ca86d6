// The verdict policy (issue 21), rule by rule and combined: accepted risks (scope, expiry), the
// fix-age rule (at the limit, without a date, without a fix), the severity rule, and what
// consolidation makes of them (counted vs accepted, failedBy).
import { expect } from "chai";
import { consolidate } from "../../../pipeline/verdict/consolidate";
import type { FindingSummary } from "../../../pipeline/verdict/findingModel";
import {
    AcceptedRisk, EXPIRING_SOON_DAYS, FailWhen, VerdictPolicy, acceptedBy, evaluateAmi, expiryEnd, failureOf, namePatternMatches, policyFromSettings, riskStatus,
} from "../../../pipeline/verdict/policy";

const NOW = new Date("2026-12-03T12:00:00.000Z");
const DAY = 24 * 3600 * 1000;
const AMI = { imageId: "ami-0aaa0000000000001", name: "golden-al2023-2026-12" };
const OTHER = { imageId: "ami-0bbb0000000000002", name: "golden-ubuntu-2026-12" };

function finding(over: Partial<FindingSummary> = {}): FindingSummary {
    return { arn: `arn:f/${over.cveId ?? "x"}/${over.severity ?? "High"}`, severity: "High", title: "openssl", recommendation: "", cveId: "CVE-2026-1111", instanceId: "i-1", ...over };
}

const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const risk = (over: Partial<AcceptedRisk> = {}): AcceptedRisk => ({ id: "CVE-2026-1111", reason: "no exploit path", owner: "secops@example.com", expires: "2027-03-01", ...over });
const policy = (failWhen: FailWhen, acceptedRisks: AcceptedRisk[] = [], now = NOW): VerdictPolicy => ({ failWhen, acceptedRisks, now });

describe("verdict policy: failWhen", () => {
    const fixRule: FailWhen = { severity: "High", fixAvailableForDays: { High: 14 } };

    it("fails a High whose fix has been available longer than the limit, naming the rule", () => {
        expect(failureOf(finding({ fixAvailable: "YES", fixAvailableSince: daysAgo(21) }), fixRule, NOW)).to.equal("CVE-2026-1111 High, fix available for 21 days > 14");
    });

    it("passes a fix age exactly at the limit (14 days is not more than 14), and one a fraction of a day over", () => {
        expect(failureOf(finding({ fixAvailable: "YES", fixAvailableSince: daysAgo(14) }), fixRule, NOW)).to.equal(undefined);
        expect(failureOf(finding({ fixAvailable: "YES", fixAvailableSince: daysAgo(14.9) }), fixRule, NOW), "whole days, as Allowed AMIs counts them").to.equal(undefined);
        expect(failureOf(finding({ fixAvailable: "YES", fixAvailableSince: daysAgo(15) }), fixRule, NOW)).to.contain("15 days > 14");
    });

    it("counts a fix with no date as older than any limit (fail closed: ListFindings gives no date)", () => {
        expect(failureOf(finding({ fixAvailable: "YES" }), fixRule, NOW)).to.equal("CVE-2026-1111 High, fix available since an unknown date (counted as more than 14 days)");
        expect(failureOf(finding({ fixAvailable: "PARTIAL", fixAvailableSince: "not a date" }), fixRule, NOW)).to.contain("unknown date");
    });

    it("never fails a finding without a fix on the fix-age rule", () => {
        expect(failureOf(finding({ fixAvailable: "NO" }), fixRule, NOW)).to.equal(undefined);
        expect(failureOf(finding({}), fixRule, NOW), "fixAvailable unknown: no fix is known").to.equal(undefined);
    });

    it("keeps the severity rule for severities without a fix-age entry, and never fails below it", () => {
        expect(failureOf(finding({ severity: "Critical", fixAvailable: "NO" }), fixRule, NOW)).to.equal("CVE-2026-1111 Critical, at or above High");
        expect(failureOf(finding({ severity: "Medium" }), fixRule, NOW)).to.equal(undefined);
        expect(failureOf(finding({ severity: "Undefined" }), { severity: "Informational" }, NOW)).to.equal(undefined);
    });

    it("applies a fix-age rule below the severity threshold (Medium with a fix older than 30 days)", () => {
        const rule: FailWhen = { severity: "High", fixAvailableForDays: { Medium: 30 } };
        expect(failureOf(finding({ severity: "Medium", fixAvailable: "YES", fixAvailableSince: daysAgo(31) }), rule, NOW)).to.contain("Medium, fix available for 31 days > 30");
        expect(failureOf(finding({ severity: "Medium", fixAvailable: "YES", fixAvailableSince: daysAgo(29) }), rule, NOW)).to.equal(undefined);
    });

    it("names a CIS check by its ID and a finding without either by its title", () => {
        expect(failureOf(finding({ cveId: undefined, checkId: "1.1.1.1", severity: "Medium" }), { severity: "Medium" }, NOW)).to.match(/^1\.1\.1\.1 Medium/);
        expect(failureOf(finding({ cveId: undefined, title: "port 22 open" }), { severity: "High" }, NOW)).to.match(/^port 22 open High/);
    });

    it("defaults to severityThreshold alone when failWhen is not configured", () => {
        expect(policyFromSettings({ severityThreshold: "Medium" }, NOW)).to.deep.equal({ failWhen: { severity: "Medium" }, acceptedRisks: [], now: NOW });
    });
});

describe("verdict policy: accepted risks", () => {
    it("accepts the CVE on every AMI when the entry names none", () => {
        expect(acceptedBy(finding(), AMI, policy({ severity: "High" }, [risk()]))).to.deep.equal(risk());
        expect(acceptedBy(finding({ cveId: "CVE-2026-2222" }), AMI, policy({ severity: "High" }, [risk()]))).to.equal(undefined);
    });

    it("does not accept it on an AMI outside the entry's scope (ID or name pattern)", () => {
        const scoped = policy({ severity: "High" }, [risk({ amis: [OTHER.imageId] })]);
        expect(acceptedBy(finding(), AMI, scoped)).to.equal(undefined);
        expect(acceptedBy(finding(), OTHER, scoped)).to.not.equal(undefined);
        const byName = policy({ severity: "High" }, [risk({ amis: ["golden-ubuntu-*"] })]);
        expect(acceptedBy(finding(), AMI, byName)).to.equal(undefined);
        expect(acceptedBy(finding(), OTHER, byName)).to.not.equal(undefined);
        expect(namePatternMatches("golden-?l2023-*", AMI.name)).to.equal(true);
        expect(namePatternMatches("golden.al2023*", AMI.name), "a dot is literal").to.equal(false);
    });

    it("holds through its expiry day (UTC) and not a moment after: an entry expiring mid-schedule counts again from the next run", () => {
        const entry = risk({ expires: "2026-12-10" });
        const lastDay = new Date("2026-12-10T23:59:59.999Z");
        const nextDay = new Date(expiryEnd("2026-12-10"));
        expect(acceptedBy(finding(), AMI, policy({ severity: "High" }, [entry], lastDay))).to.not.equal(undefined);
        expect(acceptedBy(finding(), AMI, policy({ severity: "High" }, [entry], nextDay))).to.equal(undefined);
        // Weekly runs: the run before the date accepts it, the run after counts the finding again.
        const before = evaluateAmi([finding()], AMI, policy({ severity: "High" }, [entry], new Date("2026-12-07T10:00:00Z")));
        const after = evaluateAmi([finding()], AMI, policy({ severity: "High" }, [entry], new Date("2026-12-14T10:00:00Z")));
        expect([before.accepted.length, before.failedBy]).to.deep.equal([1, []]);
        expect([after.accepted.length, after.failedBy]).to.deep.equal([0, ["CVE-2026-1111 High, at or above High"]]);
    });

    it("is expiring soon within 14 days of its end, expired after it", () => {
        expect(riskStatus({ expires: "2027-03-01" }, NOW)).to.equal("active");
        expect(riskStatus({ expires: "2026-12-16" }, NOW), `${EXPIRING_SOON_DAYS} days`).to.equal("expiring-soon");
        expect(riskStatus({ expires: "2026-12-02" }, NOW)).to.equal("expired");
    });
});

describe("verdict policy: combined, through consolidation", () => {
    const findings = [
        finding({ arn: "a", cveId: "CVE-2026-1111", severity: "High", fixAvailable: "YES", fixAvailableSince: daysAgo(21), instanceId: "i-1" }),
        finding({ arn: "b", cveId: "CVE-2026-2222", severity: "High", fixAvailable: "NO", instanceId: "i-1" }),
        finding({ arn: "c", cveId: "CVE-2026-3333", severity: "Critical", fixAvailable: "YES", instanceId: "i-1" }),
    ];
    const run = (p: VerdictPolicy) =>
        consolidate({ findings, amiByInstance: { "i-1": AMI.imageId }, manifest: { amis: [{ ...AMI, tags: {}, instanceId: "i-1", status: "ASSESSING" }] }, severityThreshold: p.failWhen.severity, unreadFindings: 0, policy: p }).amis[0];

    it("FAILs with every rule that failed it, High by fix age and Critical by severity", () => {
        const ami = run(policy({ severity: "High", fixAvailableForDays: { High: 14 } }));
        expect(ami.verdict).to.equal("FAIL");
        expect(ami.failedBy).to.deep.equal(["CVE-2026-3333 Critical, at or above High", "CVE-2026-1111 High, fix available for 21 days > 14"]);
        expect(ami.failingCounts).to.deep.equal({ Critical: 1, High: 1 });
        expect(ami.findings.map((f) => f.arn), "the High without a fix is listed, not failing").to.include("b");
    });

    it("turns the FAIL into a PASS when the failing CVEs are accepted, listing them apart and not counting them", () => {
        const ami = run(policy({ severity: "High", fixAvailableForDays: { High: 14 } }, [risk({ id: "CVE-2026-1111" }), risk({ id: "cve-2026-3333", amis: [AMI.imageId] })]));
        expect(ami.verdict).to.equal("PASS");
        expect(ami.failedBy).to.equal(undefined);
        expect(ami.accepted!.map((a) => a.finding.arn).sort()).to.deep.equal(["a", "c"]);
        expect(ami.findings.map((f) => f.arn)).to.deep.equal(["b"]);
        expect(ami.counts).to.deep.include({ Critical: 0, High: 1 });
    });

    it("still FAILs when the acceptance is scoped to another AMI", () => {
        const ami = run(policy({ severity: "High" }, [risk({ id: "CVE-2026-3333", amis: [OTHER.imageId] })]));
        expect(ami.verdict).to.equal("FAIL");
        expect(ami.accepted).to.deep.equal([]);
        expect(ami.failedBy).to.include("CVE-2026-3333 Critical, at or above High");
    });
});
