// Where verdicts go, unit by unit against the fake EventBridge and Security Hub
// (tests/support/fakeVerdictSinks.ts): the event entries and their batching and partial failures,
// the ASFF finding per verdict and its imports, the Allowed AMIs match, and the reports' policy text.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { allowedAmisCondition } from "../../../components/allowedAmis";
import { importVerdictFindings, verdictFinding, verdictSeverityLabel } from "../../../pipeline/report/securityHub";
import { EVENT_FAILED_BY_MAX, putVerdictEvents, verdictEventEntries } from "../../../pipeline/report/verdictEvents";
import { renderReportHtml } from "../../../pipeline/report/reportHtml";
import { reportMarkdown, summaryText } from "../../../pipeline/report/reportText";
import { FakeAws, FAKE_ACCOUNT, throttlingError } from "../../support/fakeAws";
import { FakeVerdictSinks } from "../../support/fakeVerdictSinks";
import { amiOf, finding, reportOf } from "../../support/reportFixtures";

const NOW = new Date("2026-12-03T12:00:00.000Z");
const CONTEXT = { partition: "aws", account: FAKE_ACCOUNT, region: "us-east-1", pipeline: "golden", runId: "run-1", reportUrl: "https://example.com/report.html", previousVerdicts: {} };
const noSleep = { sleep: async () => undefined };

function failing(imageId: string) {
    const ami = amiOf(imageId, [finding({ severity: "High", cveId: "CVE-2026-1111" })]);
    ami.failedBy = ["CVE-2026-1111 High, fix available for 21 days > 14"];
    return ami;
}

describe("verdict events (EventBridge)", () => {
    it("builds one default-bus entry per AMI, our source and detail type, failedBy capped", () => {
        const ami = failing("ami-0aaa0000000000001");
        ami.failedBy = Array.from({ length: 60 }, (_, i) => `CVE-2026-${1000 + i} High, at or above High`);
        const [entry] = verdictEventEntries([ami], { ...CONTEXT, previousVerdicts: { [ami.imageId]: "PASS" } }, NOW);
        expect(entry).to.not.have.property("EventBusName");
        expect([entry.Source, entry.DetailType]).to.deep.equal(["golden-ami-assessment", "Golden AMI Verdict"]);
        const detail = JSON.parse(entry.Detail!);
        expect(detail).to.deep.include({ verdict: "FAIL", previousVerdict: "PASS", imageId: ami.imageId, account: FAKE_ACCOUNT });
        expect(detail.failedBy).to.have.length(EVENT_FAILED_BY_MAX + 1);
        expect(detail.failedBy[EVENT_FAILED_BY_MAX]).to.equal("and 10 more (see the report)");
    });

    it("sends 23 entries in calls of at most 10, and sends again only the entries that failed with a passing code", async () => {
        const aws = new FakeAws(NOW);
        const sinks = new FakeVerdictSinks(aws);
        const amis = Array.from({ length: 23 }, (_, i) => failing(`ami-0aaa00000000000${String(i).padStart(2, "0")}`));
        sinks.failEntries(2, "ThrottlingException");
        const entries = verdictEventEntries(amis, CONTEXT, NOW).map((entry, i) => ({ key: amis[i].imageId, entry }));
        const result = await putVerdictEvents(sinks.events, entries, noSleep);
        expect(result.failed).to.deep.equal([]);
        expect(result.sent).to.have.length(23);
        expect(aws.calls.filter((c) => c.startsWith("PutEvents")), "10 + 10 + 3, then the 2 throttled entries again").to.deep.equal([
            "PutEvents 10 entries", "PutEvents 2 entries", "PutEvents 10 entries", "PutEvents 3 entries",
        ]);
        expect(new Set(sinks.sent.map((e) => e.detail.imageId)).size).to.equal(23);
    });

    it("gives up an entry refused for good, and retries a throttled call", async () => {
        const aws = new FakeAws(NOW);
        const sinks = new FakeVerdictSinks(aws);
        sinks.failEntries(1, "MalformedDetail");
        aws.failNext("PutEvents", 1, () => throttlingError());
        const amis = [failing("ami-0aaa0000000000001"), failing("ami-0aaa0000000000002")];
        const result = await putVerdictEvents(sinks.events, verdictEventEntries(amis, CONTEXT, NOW).map((entry, i) => ({ key: amis[i].imageId, entry })), noSleep);
        expect(result.failed).to.deep.equal([{ key: "ami-0aaa0000000000001", error: "MalformedDetail: MalformedDetail (fake)" }]);
        expect(result.sent).to.deep.equal(["ami-0aaa0000000000002"]);
        expect(result.calls).to.equal(2);
    });

    it("the fake refuses more than 10 entries in one call, as the API does", async () => {
        const sinks = new FakeVerdictSinks(new FakeAws(NOW));
        const amis = Array.from({ length: 11 }, (_, i) => failing(`ami-0aaa00000000000${String(i).padStart(2, "0")}`));
        const { PutEventsCommand } = await import("@aws-sdk/client-eventbridge");
        const error = await sinks.events.send(new PutEventsCommand({ Entries: verdictEventEntries(amis, CONTEXT, NOW) })).catch((e: Error) => e);
        expect((error as Error).name).to.equal("ValidationException");
    });
});

describe("verdict findings (Security Hub, ASFF)", () => {
    it("maps FAIL to the highest counted severity, PASS to an archived PASSED finding, NOT ASSESSED to INFORMATIONAL with the reason", () => {
        const fail = amiOf("ami-0aaa0000000000001", [finding({ severity: "Critical", cveId: "CVE-2026-9" }), finding({ severity: "Low" })]);
        fail.failedBy = ["CVE-2026-9 Critical, at or above High"];
        const f = verdictFinding(fail, CONTEXT, NOW);
        expect([f.Severity?.Label, f.FindingProviderFields?.Severity?.Label, f.Compliance?.Status, f.RecordState, f.Workflow]).to.deep.equal(["CRITICAL", "CRITICAL", "FAILED", "ACTIVE", undefined]);
        expect(f.Description).to.contain("CVE-2026-9 Critical, at or above High");
        expect(f.Id).to.equal("golden-ami-assessment/us-east-1/golden/ami-0aaa0000000000001");
        const pass = verdictFinding(amiOf("ami-0aaa0000000000002", []), CONTEXT, NOW);
        expect([pass.Severity?.Label, pass.Compliance?.Status, pass.RecordState, pass.Workflow?.Status]).to.deep.equal(["INFORMATIONAL", "PASSED", "ARCHIVED", "RESOLVED"]);
        const notAssessed = verdictFinding(amiOf("ami-0aaa0000000000003", [], { verdict: "NOT ASSESSED", detail: "no proof of assessment: SSM never managed it" }), CONTEXT, NOW);
        expect([notAssessed.Severity?.Label, notAssessed.Compliance?.Status, notAssessed.RecordState]).to.deep.equal(["INFORMATIONAL", "NOT_AVAILABLE", "ACTIVE"]);
        expect(notAssessed.Description).to.equal("NOT ASSESSED: no proof of assessment: SSM never managed it");
        expect(verdictSeverityLabel({ verdict: "FAIL", counts: { Critical: 0, High: 0, Medium: 2, Low: 0, Informational: 0, Undefined: 1 } })).to.equal("MEDIUM");
    });

    it("imports 150 findings in two calls, importing again only a throttled one; a disabled Security Hub fails every finding", async () => {
        const aws = new FakeAws(NOW);
        const sinks = new FakeVerdictSinks(aws);
        const findings = Array.from({ length: 150 }, (_, i) => verdictFinding(failing(`ami-0aaa0000000000${String(i).padStart(3, "0")}`), CONTEXT, NOW));
        sinks.failFindings(1, "ThrottlingException");
        const result = await importVerdictFindings(sinks.securityHub, findings, noSleep);
        expect([result.sent.length, result.failed.length, result.calls]).to.deep.equal([150, 0, 3]);
        expect(sinks.hubFindings.size).to.equal(150);
        sinks.securityHubEnabled = false;
        const off = await importVerdictFindings(sinks.securityHub, findings.slice(0, 2), noSleep);
        expect(off.failed.map((f) => f.error.split(":")[0])).to.deep.equal(["InvalidAccess", "InvalidAccess"]);
    });

    it("the fake refuses a finding without the required ASFF fields, and an update whose UpdatedAt is not later changes nothing", async () => {
        const sinks = new FakeVerdictSinks(new FakeAws(NOW));
        const good = verdictFinding(failing("ami-0aaa0000000000001"), CONTEXT, NOW);
        const { Title: _title, ...untitled } = good;
        const refused = await importVerdictFindings(sinks.securityHub, [{ ...untitled, Id: "x" } as typeof good], noSleep);
        expect(refused.failed[0].error).to.contain("InvalidInput").and.contain("Title");
        await importVerdictFindings(sinks.securityHub, [good], noSleep);
        await importVerdictFindings(sinks.securityHub, [{ ...good, Title: "stale" }], noSleep);
        expect(sinks.hubFindingFor("ami-0aaa0000000000001")!.finding.Title).to.equal(good.Title);
    });
});

describe("Allowed AMIs criterion", () => {
    it("is what docs/policy.md shows for its example", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "policy.md"), "utf8");
        const example = yaml.load(/```yaml\nconfig:\n([\s\S]*?)```/.exec(doc)![1].replace(/^ {2}golden-ami-assessment:failWhen:/m, "failWhen:").replace(/^ {4}/gm, "  ")) as any;
        const shown = JSON.parse(/```json\n(\{"MaximumSeverityLabel"[^\n]*)\n```/.exec(doc)![1]);
        expect(allowedAmisCondition(example.failWhen).condition).to.deep.equal(shown);
    });

    it("names what Allowed AMIs cannot say", () => {
        expect(allowedAmisCondition({ severity: "High", fixAvailableForDays: { Critical: 7 } }).differences[0]).to.contain("cannot fail High outright while a more severe level fails only on fix age (Critical)");
        expect(allowedAmisCondition({ severity: "Informational" }).differences[0]).to.contain("every Informational finding");
        expect(allowedAmisCondition({ severity: "High" }).condition).to.deep.equal({ MaximumSeverityLabel: "medium", MaxDaysSinceLastFindingScan: 7 });
    });
});

describe("reports: accepted risks and the rule behind each FAIL", () => {
    const fail = failing("ami-0aaa0000000000001");
    const pass = amiOf("ami-0aaa0000000000002", []);
    pass.accepted = [{ finding: finding({ severity: "High", cveId: "CVE-2026-3333" }), risk: { id: "CVE-2026-3333", reason: "service removed", owner: "platform-team", expires: "2026-12-10" } }];
    const policy = {
        failWhen: { severity: "High" as const, fixAvailableForDays: { High: 14 } },
        acceptedRisks: [
            { id: "CVE-2026-3333", reason: "service removed", owner: "platform-team", expires: "2026-12-10", status: "expiring-soon" as const },
            { id: "CVE-2026-4444", reason: "old", owner: "secops@example.com", expires: "2026-12-01", status: "expired" as const },
        ],
    };
    const report = reportOf([fail, pass], { policy });

    it("the email names the rule, the accepted finding, what expires soon and what expired", () => {
        const text = summaryText(report);
        expect(text).to.contain("Failed by:\n  - CVE-2026-1111 High, fix available for 21 days > 14");
        expect(text).to.contain("CVE-2026-3333 (High) accepted until 2026-12-10 (platform-team, service removed)");
        expect(text).to.contain("- CVE-2026-3333 expires 2026-12-10 (platform-team, service removed)");
        expect(text).to.contain("- CVE-2026-4444 expired 2026-12-01 (secops@example.com)");
        expect(text).to.contain("High fails only with a fix available more than 14 days");
    });

    it("the next step names only the findings the policy failed, not a High without a fix", () => {
        const ami = amiOf("ami-0aaa0000000000009", [finding({ severity: "High", cveId: "CVE-2026-1111" }), finding({ severity: "High", cveId: "CVE-2026-5555", fixAvailable: "NO" })]);
        ami.failedBy = ["CVE-2026-1111 High, fix available for 21 days > 14"];
        const text = summaryText(reportOf([ami], { policy }));
        expect(text).to.contain("Next step: rebuild ami-0aaa0000000000009 from patched sources: 1 High finding (CVE-2026-1111)");
        expect(text).to.contain("An AMI fails under the verdict policy below.");
    });

    it("the HTML and Markdown show the policy, the rule behind the FAIL and the accepted risks, escaped", () => {
        const html = renderReportHtml({ ...report, policy: { ...policy, acceptedRisks: [{ ...policy.acceptedRisks[0], reason: "<script>x</script>" }] } });
        expect(html).to.contain("<h3>Failed by</h3>").and.contain("<li>CVE-2026-1111 High, fix available for 21 days &gt; 14</li>");
        expect(html).to.contain('<h2 id="policy">Verdict policy</h2>').and.contain("&lt;script&gt;").and.not.contain("<script>x");
        expect(html).to.contain("Accepted risks (1, not counted)");
        const md = reportMarkdown(report);
        expect(md).to.contain("## Verdict policy").and.contain("| CVE-2026-4444 | all | secops@example.com | old | 2026-12-01 | expired |");
        expect(md).to.contain("**Failed by:**");
    });
});
