// Inspector v2 cycles for the verdict policy (issue 21): where verdicts go (one EventBridge event
// per AMI per run, none on a duplicate delivery; a Security Hub finding created, updated and
// resolved across runs), an accepted CVE turning a FAIL into a PASS and failing again after its
// expiry, and verdicts that could not be sent retried by later sweeps, then given up.
import { expect } from "chai";
import { visitRun } from "../../../../engines/inspector2/analyze";
import { MAX_SINK_ATTEMPTS } from "../../../../pipeline/report/verdictDelivery";
import { VERDICT_EVENT_DETAIL_TYPE, VERDICT_EVENT_SOURCE } from "../../../../pipeline/report/verdictEvents";
import type { AcceptedRisk } from "../../../../pipeline/verdict/policy";
import { FAKE_ACCOUNT, FakeSeverity } from "../../fakeAws";
import { FakeVerdictSinks } from "../../fakeVerdictSinks";
import { CycleScenario } from "../outcome";
import { expectReported, started } from "./basic";
import { reportMessagesOf, v2Outcome } from "./measure";
import { CLEAN, EXPECTED, MEDIUM, MINUTE, START, V2World, VULN, analyze, keysOf, newV2World, reportOf, scanEvent, start, v2Deps, verdicts } from "./world";
import type { V2StartSettings } from "../../../../engines/inspector2/start";

const DAY = 24 * 60 * MINUTE;
const ALL_PASS = { [CLEAN]: "PASS", [VULN]: "PASS", [MEDIUM]: "PASS" };

/** The usual three golden AMIs, with EventBridge and Security Hub watching where verdicts go. */
export function policyWorld(settings: Partial<V2StartSettings> = {}, images = true): V2World & { sinks: FakeVerdictSinks } {
    const w = newV2World({ accountId: FAKE_ACCOUNT, ...settings }, images);
    const sinks = new FakeVerdictSinks(w.aws);
    w.sinks = sinks;
    return Object.assign(w, { sinks });
}

/** One run: started, every instance scanned with these findings ([severity, CVE ID]), each scan event delivered. */
async function runWith(w: V2World, findings: Partial<Record<string, [FakeSeverity, string][]>>): Promise<string> {
    const runId = await started(w);
    w.aws.advance(10 * MINUTE);
    const events = [];
    for (const instance of w.aws.liveInstances()) {
        for (const [severity, cveId] of findings[instance.imageId] ?? []) w.aws.addFinding(instance.instanceId, severity, cveId);
        const event = w.aws.scan(instance.instanceId);
        if (event) events.push(event);
    }
    w.aws.advance(w.aws.findingsLagMs);
    for (const event of events) await analyze(w, event);
    return runId;
}

const VULN_HIGH: Partial<Record<string, [FakeSeverity, string][]>> = { [VULN]: [["HIGH", "CVE-2026-0001"], ["LOW", "CVE-2026-0002"]], [MEDIUM]: [["MEDIUM", "CVE-2026-0100"]] };

const oneEventPerVerdict: CycleScenario = {
    name: "verdict events: one per AMI per run on the default bus, with the rule behind the FAIL; none more on a duplicate delivery; the next run carries the previous verdict",
    async run() {
        const w = policyWorld();
        const first = await runWith(w, VULN_HIGH);
        expectReported(w, first);
        expect(w.sinks.sent.map((e) => e.detail.imageId).sort()).to.deep.equal([CLEAN, VULN, MEDIUM].sort());
        for (const event of w.sinks.sent) expect([event.bus, event.source, event.detailType]).to.deep.equal(["default", VERDICT_EVENT_SOURCE, VERDICT_EVENT_DETAIL_TYPE]);
        const vuln = w.sinks.eventsFor(VULN)[0];
        expect(vuln.detail).to.deep.include({ account: FAKE_ACCOUNT, region: "us-east-1", imageId: VULN, name: "vulnerable", verdict: "FAIL", failedBy: ["CVE-2026-0001 High, at or above High"] });
        expect(vuln.detail.counts).to.deep.include({ High: 1, Low: 1 });
        expect(vuln.detail).to.not.have.property("previousVerdict");
        expect(vuln.detail.reportUrl).to.contain("golden-reports").and.contain(first);
        expect(vuln.resources).to.deep.equal([`arn:aws:ec2:us-east-1::image/${VULN}`]);
        // Delivered twice more: a duplicate scan event and a direct visit of the delivered run.
        expect((await analyze(w, scanEvent(w.aws.instanceFor(VULN).instanceId))).runs).to.deep.equal([]);
        expect(await visitRun(v2Deps(w), first)).to.deep.equal({ runId: first, status: "already-reported" });
        expect(w.sinks.sent, "no event more").to.have.length(3);
        expect(w.aws.json(keysOf(first).verdictSinks)).to.deep.include({ done: true, attempts: 1 });
        w.aws.advance(7 * DAY);
        const second = await runWith(w, {});
        expectReported(w, second, ALL_PASS);
        expect(w.sinks.sent).to.have.length(6);
        expect(w.sinks.eventsFor(VULN)[1].detail).to.deep.include({ verdict: "PASS", previousVerdict: "FAIL", failedBy: [] });
        return v2Outcome(w);
    },
};

const securityHubAcrossRuns: CycleScenario = {
    name: "Security Hub: one finding per AMI and pipeline, created on a FAIL (HIGH), updated in place (CRITICAL), then PASS archives it as PASSED",
    async run() {
        const w = policyWorld({ securityHub: true });
        expectReported(w, await runWith(w, VULN_HIGH));
        const created = w.sinks.hubFindingFor(VULN)!;
        expect(created.finding).to.deep.include({ AwsAccountId: FAKE_ACCOUNT, RecordState: "ACTIVE", ProductArn: `arn:aws:securityhub:us-east-1:${FAKE_ACCOUNT}:product/${FAKE_ACCOUNT}/default` });
        expect([created.finding.Severity?.Label, created.finding.Compliance?.Status, created.workflowStatus, created.updates]).to.deep.equal(["HIGH", "FAILED", "NEW", 0]);
        expect(created.finding.Description).to.contain("CVE-2026-0001 High, at or above High");
        const clean = w.sinks.hubFindingFor(CLEAN)!;
        expect([clean.finding.RecordState, clean.finding.Compliance?.Status, clean.workflowStatus], "created as PASS: RESOLVED at creation").to.deep.equal(["ARCHIVED", "PASSED", "RESOLVED"]);

        w.aws.advance(7 * DAY);
        expectReported(w, await runWith(w, { [VULN]: [["CRITICAL", "CVE-2026-0003"], ["HIGH", "CVE-2026-0001"]] }), { ...EXPECTED, [MEDIUM]: "PASS" });
        const updated = w.sinks.hubFindingFor(VULN)!;
        expect(w.sinks.hubFindings.size, "updated in place: still one finding per AMI").to.equal(3);
        expect([updated.finding.Id, updated.finding.Severity?.Label, updated.updates]).to.deep.equal([created.finding.Id, "CRITICAL", 1]);

        w.aws.advance(7 * DAY);
        expectReported(w, await runWith(w, {}), ALL_PASS);
        const resolved = w.sinks.hubFindingFor(VULN)!;
        expect([resolved.finding.RecordState, resolved.finding.Compliance?.Status, resolved.finding.Severity?.Label, resolved.updates]).to.deep.equal(["ARCHIVED", "PASSED", "INFORMATIONAL", 2]);
        // BatchImportFindings cannot change Workflow on an existing finding: it stays as the account left it (docs/policy.md).
        expect(resolved.workflowStatus).to.equal("NEW");
        expect(w.sinks.imported, "three findings a run").to.have.length(9);
        return v2Outcome(w);
    },
};

const ACCEPTED: AcceptedRisk = { id: "CVE-2026-0001", reason: "the service is disabled in the image", owner: "platform-team", expires: "2026-11-30" };

const acceptedThenExpired: CycleScenario = {
    name: "an accepted CVE turns VULN's FAIL into a PASS, listed as accepted and named as expiring soon; after its expiry the same CVE fails again and the email names what expired",
    async run() {
        const w = policyWorld({ acceptedRisks: [ACCEPTED] });
        const first = await runWith(w, VULN_HIGH);
        const report = expectReported(w, first, ALL_PASS);
        const vuln = report.amis.find((a) => a.imageId === VULN)!;
        expect(vuln.accepted!.map((a) => [a.finding.cveId, a.risk.owner])).to.deep.equal([["CVE-2026-0001", "platform-team"]]);
        expect(vuln.findings.map((f) => f.cveId), "the accepted finding is not counted").to.deep.equal(["CVE-2026-0002"]);
        const email = reportMessagesOf(w, first)[0].message;
        expect(email).to.contain("CVE-2026-0001 (High) accepted until 2026-11-30 (platform-team, the service is disabled in the image)");
        expect(email).to.contain("Accepted risks expiring within 14 days:").and.contain("- CVE-2026-0001 expires 2026-11-30");
        expect(w.aws.object(keysOf(first).reportMarkdown)!.body).to.contain("**Accepted risks (1, not counted):**");
        expect(w.aws.object(keysOf(first).reportMarkdown.replace(/report\.md$/, "report.html"))!.body).to.contain("Accepted risks (1, not counted)");
        expect(w.sinks.eventsFor(VULN)[0].detail).to.deep.include({ verdict: "PASS", accepted: ["CVE-2026-0001"] });

        w.aws.advance(8 * DAY);
        const second = await runWith(w, VULN_HIGH);
        const after = expectReported(w, second, EXPECTED);
        expect(after.amis.find((a) => a.imageId === VULN)!.failedBy).to.deep.equal(["CVE-2026-0001 High, at or above High"]);
        const later = reportMessagesOf(w, second)[0].message;
        expect(later).to.contain("Accepted risks that expired").and.contain("- CVE-2026-0001 expired 2026-11-30 (platform-team)");
        expect(later).to.contain("Failed by:\n  - CVE-2026-0001 High, at or above High");
        expect(w.sinks.eventsFor(VULN)[1].detail).to.deep.include({ verdict: "FAIL", previousVerdict: "PASS" });
        return v2Outcome(w);
    },
};

const sinksRetried: CycleScenario = {
    name: "verdicts not all sent (an event refused, Security Hub off): the run stays open, each later sweep sends only what is missing, and the run closes once everything went out",
    async run() {
        const w = policyWorld({ securityHub: true });
        w.sinks.failEntries(1, "InvalidArgument");
        w.sinks.securityHubEnabled = false;
        const runId = await runWith(w, VULN_HIGH);
        expect(verdicts(reportOf(w, runId))).to.deep.equal(EXPECTED);
        expect(w.aws.object(keysOf(runId).openMarker), "kept open for the next sweep").to.not.equal(undefined);
        expect(w.sinks.sent).to.have.length(2);
        w.aws.advance(5 * MINUTE);
        await analyze(w);
        expect(w.sinks.sent.map((e) => e.detail.imageId).sort(), "only the missing event was sent again").to.deep.equal([CLEAN, VULN, MEDIUM].sort());
        for (let sweep = 2; sweep < MAX_SINK_ATTEMPTS - 1; sweep++) {
            w.aws.advance(5 * MINUTE);
            await analyze(w);
        }
        expect(w.aws.object(keysOf(runId).openMarker), "still open before the last try").to.not.equal(undefined);
        w.sinks.securityHubEnabled = true;
        w.aws.advance(5 * MINUTE);
        await analyze(w);
        expect(w.sinks.hubFindings.size, "Security Hub back: every AMI's finding imported").to.equal(3);
        expect(w.aws.object(keysOf(runId).openMarker), "closed once everything went out").to.equal(undefined);
        expect(w.sinks.sent, "never a duplicate event").to.have.length(3);
        return v2Outcome(w);
    },
};

const sinksGiveUp: CycleScenario = {
    name: "Security Hub off in the account for good: the run gives up after its tries, says so, and closes",
    async run() {
        const w = policyWorld({ securityHub: true });
        w.sinks.securityHubEnabled = false;
        const runId = await runWith(w, VULN_HIGH);
        for (let sweep = 1; sweep < MAX_SINK_ATTEMPTS; sweep++) {
            w.aws.advance(5 * MINUTE);
            await analyze(w);
        }
        expect(w.aws.json(keysOf(runId).verdictSinks)).to.deep.include({ done: true, gaveUp: true, attempts: MAX_SINK_ATTEMPTS });
        expect(w.aws.json(keysOf(runId).verdictSinks).lastErrors[0]).to.contain("InvalidAccess");
        expect(w.aws.object(keysOf(runId).openMarker)).to.equal(undefined);
        expect(w.sinks.sent, "the events went out on the first try").to.have.length(3);
        return v2Outcome(w);
    },
};

const agentlessFixAge: CycleScenario = {
    name: "agentless: the fix-age rule reads EC2's HighFixAvailableSince (21 days fails a 14-day limit, 10 days passes, no fix never fails); start sends the events",
    async run() {
        const w = policyWorld({ scanMode: "agentless", severityThreshold: "Critical", failWhen: { severity: "Critical", fixAvailableForDays: { High: 14 } } }, false);
        const scanned = new Date(START.getTime() - DAY).toISOString();
        const fixSince = (days: number) => new Date(START.getTime() - days * DAY).toISOString();
        // client-ec2 ScanResults: the earliest date a fix was reported for a finding of that severity on the AMI.
        w.aws.addImage(CLEAN, { name: "clean", scanResults: { FindingScanDate: scanned } as any });
        w.aws.addImage(VULN, { name: "vulnerable", scanResults: { FindingScanDate: scanned, HighestFindingSeverityLabel: "high", HighFixAvailableSince: fixSince(21) } as any });
        w.aws.addImage(MEDIUM, { name: "medium-only", scanResults: { FindingScanDate: scanned, HighestFindingSeverityLabel: "high", HighFixAvailableSince: fixSince(10) } as any });
        w.aws.imageFindings[VULN] = [{ Title: "CVE-2026-1111 - openssl", SeverityLabel: "high", Score: 7.5, FixAvailable: true }] as any;
        w.aws.imageFindings[MEDIUM] = [
            { Title: "CVE-2026-2222 - zlib", SeverityLabel: "high", Score: 7.5, FixAvailable: true },
            { Title: "CVE-2026-3333 - glibc", SeverityLabel: "high", Score: 8.1, FixAvailable: false },
        ] as any;
        const result = await start(w);
        expect(result.outcome).to.equal("REPORTED");
        const report = expectReported(w, result.runId, EXPECTED);
        expect(report.amis.find((a) => a.imageId === VULN)!.failedBy).to.deep.equal(["CVE-2026-1111 High, fix available for 21 days > 14"]);
        expect(report.amis.find((a) => a.imageId === MEDIUM)!.findings.map((f) => f.cveId), "listed, not failing").to.deep.equal(["CVE-2026-3333", "CVE-2026-2222"]);
        expect(w.sinks.sent.map((e) => [e.detail.imageId, e.detail.verdict]).sort()).to.deep.equal([[CLEAN, "PASS"], [MEDIUM, "PASS"], [VULN, "FAIL"]].sort());
        expect(w.aws.json(keysOf(result.runId).verdictSinks)).to.deep.include({ done: true });
        return v2Outcome(w);
    },
};

export const policyScenarios: CycleScenario[] = [oneEventPerVerdict, securityHubAcrossRuns, acceptedThenExpired, sinksRetried, sinksGiveUp, agentlessFixAge];
