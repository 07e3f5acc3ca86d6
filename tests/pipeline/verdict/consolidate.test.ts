import { expect } from "chai";
import { ConsolidationInput, FindingSummary, compareCveIds, consolidate, failsThreshold, findingFails } from "../../../pipeline/verdict/consolidate";
import type { Severity } from "../../../pipeline/run/settings";
import type { Finding } from "@aws-sdk/client-inspector";
import { summarizeFinding } from "../../../engines/classic/findingModel";
import { CIS_PACKAGE_ARN, CVE_PACKAGE_ARN, fakeFindings, fakeManifest, oneFinding } from "../../support/fixtures";

const A = { imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a" };
const B = { imageId: "ami-0bbbbbbbbbbbbbbbb", instanceId: "i-0000000000000000b" };

/** Classic-shaped fixtures, mapped to the neutral model as the Classic engine does. */
function input(overrides: Partial<Omit<ConsolidationInput, "findings">> & { findings?: Finding[] }): ConsolidationInput {
    return {
        amiByInstance: { [A.instanceId]: A.imageId, [B.instanceId]: B.imageId },
        manifest: fakeManifest([A, B]),
        severityThreshold: "Medium",
        unreadFindings: 0,
        ...overrides,
        findings: (overrides.findings ?? []).map(summarizeFinding),
    };
}

function verdictOf(severities: string[], threshold: Severity): string {
    const findings = severities.map((severity, index) => oneFinding({ index, agentId: A.instanceId, severity }));
    const result = consolidate(input({ findings, severityThreshold: threshold }));
    return result.amis.find((ami) => ami.imageId === A.imageId)!.verdict;
}

describe("consolidate", () => {
    describe("proof of assessment (assessedInstances)", () => {
        const quiet = (result: ReturnType<typeof consolidate>) => result.amis.find((ami) => ami.imageId === B.imageId)!;

        it("without assessedInstances a quiet AMI is a PASS, as the v2 engine relies on (it applies its proof to the manifest)", () => {
            expect(quiet(consolidate(input({}))).verdict).to.equal("PASS");
        });

        it("an AMI without a failing finding whose instance is not proven assessed is NOT ASSESSED with the reason", () => {
            const findings = [oneFinding({ index: 1, agentId: A.instanceId, severity: "High" })];
            const result = consolidate(input({ findings, assessedInstances: new Set([A.instanceId]), unprovenReasons: { [B.instanceId]: `${B.instanceId}: its agent sent no telemetry` } }));
            expect(quiet(result).verdict).to.equal("NOT ASSESSED");
            expect(quiet(result).notAssessed).to.deep.equal({ code: "NOT_SCANNED", detail: `no proof of assessment: ${B.instanceId}: its agent sent no telemetry` });
            expect(result.amis.find((ami) => ami.imageId === A.imageId)!.verdict).to.equal("FAIL");
        });

        it("a proven instance without failing findings is a PASS; a failing finding makes a FAIL even without proof", () => {
            const findings = [oneFinding({ index: 1, agentId: A.instanceId, severity: "High" })];
            const result = consolidate(input({ findings, assessedInstances: new Set([B.instanceId]) }));
            expect(quiet(result).verdict).to.equal("PASS");
            expect(result.amis.find((ami) => ami.imageId === A.imageId)!.verdict).to.equal("FAIL");
        });

        it("an empty proof set passes nothing", () => {
            const result = consolidate(input({ assessedInstances: new Set() }));
            expect(result.verdictCounts).to.deep.equal({ FAIL: 0, "NOT ASSESSED": 2, PASS: 0 });
            expect(quiet(result).notAssessed!.detail).to.equal("no proof of assessment: nothing confirms its instance was assessed");
        });
    });

    describe("verdict against the threshold", () => {
        const cases: [string, Severity, string][] = [
            ["High", "High", "FAIL"],
            ["Medium", "High", "PASS"],
            ["Medium", "Medium", "FAIL"],
            ["Low", "Medium", "PASS"],
            ["Low", "Low", "FAIL"],
            ["Informational", "Low", "PASS"],
            ["Informational", "Informational", "FAIL"],
            ["Undefined", "Informational", "PASS"],
            ["High", "Informational", "FAIL"],
        ];
        for (const [severity, threshold, verdict] of cases) {
            it(`a ${severity} finding under threshold ${threshold} is ${verdict}`, () => {
                expect(verdictOf([severity], threshold)).to.equal(verdict);
            });
        }

        it("no findings at all is a PASS with zero counts", () => {
            const ami = consolidate(input({})).amis.find((a) => a.imageId === B.imageId)!;
            expect(ami).to.deep.include({ verdict: "PASS", counts: { Critical: 0, High: 0, Medium: 0, Low: 0, Informational: 0, Undefined: 0 }, cveIds: [], topFindings: [] });
        });

        it("an Undefined finding never fails, even at the lowest threshold", () => {
            expect(failsThreshold("Undefined", "Informational")).to.equal(false);
        });
    });

    it("counts by severity and by rules package, per AMI", () => {
        const findings = [
            oneFinding({ index: 1, agentId: A.instanceId, severity: "High", cveId: "CVE-2026-1" }),
            oneFinding({ index: 2, agentId: A.instanceId, severity: "High", cveId: "CVE-2026-2" }),
            oneFinding({ index: 3, agentId: A.instanceId, severity: "Low", rulesPackageArn: CIS_PACKAGE_ARN }),
            oneFinding({ index: 4, agentId: B.instanceId, severity: "Informational" }),
            oneFinding({ index: 5, agentId: B.instanceId, severity: "Bogus" }),
        ];
        const [a, b] = consolidate(input({ findings })).amis;
        expect(a.imageId).to.equal(A.imageId);
        expect(a.counts).to.deep.equal({ Critical: 0, High: 2, Medium: 0, Low: 1, Informational: 0, Undefined: 0 });
        expect(a.countsByRulesPackage).to.deep.equal({ [CVE_PACKAGE_ARN]: 2, [CIS_PACKAGE_ARN]: 1 });
        expect(a.failingCounts).to.deep.equal({ High: 2 });
        expect(b.counts).to.deep.equal({ Critical: 0, High: 0, Medium: 0, Low: 0, Informational: 1, Undefined: 1 });
    });

    it("lists each CVE once per AMI, in numeric order", () => {
        const findings = ["CVE-2019-10000", "CVE-2019-9999", "CVE-2019-9999", "CVE-2018-20000", " CVE-2019-9999 "].map((cveId, index) =>
            oneFinding({ index, agentId: A.instanceId, severity: "Low", cveId }),
        );
        const ami = consolidate(input({ findings })).amis.find((a) => a.imageId === A.imageId)!;
        expect(ami.cveIds).to.deep.equal(["CVE-2018-20000", "CVE-2019-9999", "CVE-2019-10000"]);
        expect(ami.findings).to.have.length(5);
    });

    it("orders CVE IDs by year then number", () => {
        expect(["CVE-2020-2", "CVE-2019-100", "other", "CVE-2019-99"].sort(compareCveIds)).to.deep.equal(["CVE-2019-99", "CVE-2019-100", "CVE-2020-2", "other"]);
    });

    it("keeps the top N findings, most severe first, with title and recommendation", () => {
        const findings = fakeFindings({ count: 40, instanceIds: [A.instanceId] });
        const ami = consolidate(input({ findings, topN: 5 })).amis.find((a) => a.imageId === A.imageId)!;
        expect(ami.topFindings).to.have.length(5);
        expect(ami.topFindings.map((f) => f.severity)).to.deep.equal(["High", "High", "High", "High", "Medium"]);
        const high = ami.findings.filter((f) => f.severity === "High");
        expect(ami.topFindings.slice(0, 4)).to.deep.equal(high);
        for (const finding of ami.topFindings) {
            expect(finding.title).to.match(/^(Instance|Ensure) /);
            expect(finding.recommendation).to.match(/^(Use|Configure) /);
        }
        expect(ami.findings).to.have.length(40);
    });

    it("reports manifest AMIs that were not launched or whose agent was unhealthy as NOT ASSESSED with the reason", () => {
        const manifest = fakeManifest([A, { imageId: "ami-0c", status: "LAUNCH_FAILED", reason: "no capacity" }, { imageId: "ami-0d", status: "AGENT_UNHEALTHY" }]);
        const result = consolidate(input({ manifest }));
        expect(result.amis.map((ami) => [ami.imageId, ami.verdict, ami.notAssessed?.code, ami.notAssessed?.detail])).to.deep.equal([
            ["ami-0c", "NOT ASSESSED", "LAUNCH_FAILED", "no capacity"],
            ["ami-0d", "NOT ASSESSED", "AGENT_UNHEALTHY", "AGENT_UNHEALTHY"],
            // B is known from the instance map only.
            [A.imageId, "PASS", undefined, undefined],
            [B.imageId, "PASS", undefined, undefined],
        ]);
        expect(result.verdictCounts).to.deep.equal({ FAIL: 0, "NOT ASSESSED": 2, PASS: 2 });
        expect(result.amis.find((ami) => ami.imageId === B.imageId)!.inManifest).to.equal(false);
    });

    it("makes every AMI NOT ASSESSED when the run failed", () => {
        const findings = [oneFinding({ index: 1, agentId: A.instanceId, severity: "High" })];
        const result = consolidate(input({ findings, failedRunState: "ERROR" }));
        expect(result.amis.map((ami) => ami.verdict)).to.deep.equal(["NOT ASSESSED", "NOT ASSESSED"]);
        expect(result.amis[0].notAssessed).to.deep.equal({ code: "RUN_FAILED", detail: "the assessment run ended in state ERROR" });
    });

    it("claims no PASS while findings are unread, but keeps a FAIL it can prove", () => {
        const findings = [oneFinding({ index: 1, agentId: A.instanceId, severity: "High" })];
        const result = consolidate(input({ findings, unreadFindings: 3 }));
        expect(result.amis.map((ami) => [ami.imageId, ami.verdict, ami.notAssessed?.code])).to.deep.equal([
            [A.imageId, "FAIL", undefined],
            [B.imageId, "NOT ASSESSED", "FINDINGS_UNREAD"],
        ]);
    });

    it("counts an untriaged finding without a vendor severity at the threshold (fail closed), and one with it at the vendor's", () => {
        const summary = (severity: FindingSummary["severity"], instanceId: string): FindingSummary => ({ arn: `arn:${instanceId}`, severity, title: "CVE-2026-1", recommendation: "", instanceId, untriaged: true });
        const result = consolidate({ ...input({}), findings: [summary("Undefined", A.instanceId), summary("Low", B.instanceId)] });
        const [a, b] = [A, B].map((ami) => result.amis.find((x) => x.imageId === ami.imageId)!);
        expect(a).to.deep.include({ verdict: "FAIL" });
        expect(a.counts.Medium, "counted at the Medium threshold").to.equal(1);
        expect(a.findings[0]).to.deep.include({ severity: "Medium", untriaged: true });
        expect(b).to.deep.include({ verdict: "PASS" });
        expect(findingFails(summary("Undefined", A.instanceId), "Critical")).to.equal(true);
        expect(findingFails({ ...summary("Undefined", A.instanceId), untriaged: undefined }, "Critical"), "a triaged Undefined never fails").to.equal(false);
    });

    it("keeps findings of unknown instances apart, changing no verdict", () => {
        const findings = [oneFinding({ index: 1, agentId: "i-0stranger", severity: "High" }), oneFinding({ index: 2, agentId: "", severity: "Low" })];
        const result = consolidate(input({ findings }));
        expect(result.amis.map((ami) => ami.verdict)).to.deep.equal(["PASS", "PASS"]);
        expect(result.unmapped.map((group) => [group.agentId, group.counts.High, group.counts.Low])).to.deep.equal([
            ["(no agent id)", 0, 1],
            ["i-0stranger", 1, 0],
        ]);
    });

    it("works without a manifest from the instance map alone", () => {
        const findings = [oneFinding({ index: 1, agentId: B.instanceId, severity: "Medium" })];
        const result = consolidate(input({ findings, manifest: undefined }));
        expect(result.amis.map((ami) => [ami.imageId, ami.verdict, ami.instanceIds])).to.deep.equal([
            [B.imageId, "FAIL", [B.instanceId]],
            [A.imageId, "PASS", [A.instanceId]],
        ]);
    });

    it("consolidates 10,000 findings over 20 instances quickly", () => {
        const instanceIds = Array.from({ length: 20 }, (_, i) => `i-${i}`);
        const amiByInstance = Object.fromEntries(instanceIds.map((id, i) => [id, `ami-${i}`]));
        const started = Date.now();
        const result = consolidate({ findings: fakeFindings({ count: 10_000, instanceIds }).map(summarizeFinding), amiByInstance, severityThreshold: "High", unreadFindings: 0 });
        expect(Date.now() - started).to.be.below(2000);
        expect(result.amis.reduce((sum, ami) => sum + ami.findings.length, 0)).to.equal(10_000);
    });
});
