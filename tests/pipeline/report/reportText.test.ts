import { expect } from "chai";
import { assessmentTags, countsTagValue, safeTagValue } from "../../../pipeline/verdict/amiTags";
import { AmiAssessment, consolidate } from "../../../pipeline/verdict/consolidate";
import { clampSubject } from "../../../pipeline/report/notify";
import { AssessmentReport, buildReport } from "../../../pipeline/report/report";
import { countsText, nextStep, reportMarkdown, reportSubject, rulesPackageLabel, summaryText } from "../../../pipeline/report/reportText";
import { COUNTS_TAG, LAST_ASSESSED_TAG, TAG_PREFIX, VERDICT_TAG } from "../../../pipeline/run/tags";
import { summarizeFinding } from "../../../engines/classic/findingModel";
import { CIS_PACKAGE_ARN, CVE_PACKAGE_ARN, RUN_ARN, TEMPLATE_ARN, fakeManifest, oneFinding } from "../../support/fixtures";

const A = { imageId: "ami-0aaaaaaaaaaaaaaaa", instanceId: "i-0000000000000000a", name: "web | golden" };
const B = { imageId: "ami-0bbbbbbbbbbbbbbbb", instanceId: "i-0000000000000000b" };
const C = { imageId: "ami-0cccccccccccccccc", status: "LAUNCH_FAILED" as const, reason: "InsufficientInstanceCapacity" };

function sampleReport(findings = sampleFindings(), overrides: Partial<Parameters<typeof buildReport>[0]> = {}): AssessmentReport {
    const manifest = fakeManifest([A, B, C]);
    const consolidation = consolidate({
        findings: findings.map(summarizeFinding),
        amiByInstance: { [A.instanceId]: A.imageId, [B.instanceId]: B.imageId },
        manifest,
        severityThreshold: "Medium",
        unreadFindings: 0,
    });
    return buildReport({
        engine: "classic",
        pipelineName: "golden",
        region: "us-east-1",
        runArn: RUN_ARN,
        runArnId: "0-MnOpQr56",
        templateArn: TEMPLATE_ARN,
        outcome: "COMPLETED",
        completedAt: "2026-03-30T13:20:45.050Z",
        generatedAt: new Date("2026-03-30T13:21:00Z"),
        severityThreshold: "Medium",
        manifest,
        findingsCount: { [CVE_PACKAGE_ARN]: findings.length },
        listed: findings.length,
        read: findings.length,
        unread: [],
        consolidation,
        terminated: [A.instanceId, B.instanceId],
        terminationFailed: [],
        problems: [],
        location: { bucket: "bucket", jsonKey: "p/runs/0-MnOpQr56/report.json", markdownKey: "p/runs/0-MnOpQr56/report.md" },
        ...overrides,
    });
}

function sampleFindings() {
    return [
        oneFinding({ index: 1, agentId: A.instanceId, severity: "High", cveId: "CVE-2026-3333", title: "openssl is vulnerable to CVE-2026-3333" }),
        oneFinding({ index: 2, agentId: A.instanceId, severity: "High", cveId: "CVE-2026-1111" }),
        oneFinding({ index: 3, agentId: A.instanceId, severity: "High", cveId: "CVE-2026-2222" }),
        oneFinding({ index: 4, agentId: A.instanceId, severity: "Medium", title: "Ensure SSH root login is disabled", rulesPackageArn: CIS_PACKAGE_ARN }),
        oneFinding({ index: 5, agentId: A.instanceId, severity: "Low", cveId: "CVE-2026-4444" }),
        oneFinding({ index: 6, agentId: B.instanceId, severity: "Low", cveId: "CVE-2026-5555" }),
        oneFinding({ index: 7, agentId: B.instanceId, severity: "Informational" }),
    ];
}

function ami(report: AssessmentReport, imageId: string): AmiAssessment {
    return report.amis.find((a) => a.imageId === imageId)!;
}

describe("report text", () => {
    it("has a subject naming the verdict counts and region, within SNS's 100 characters", () => {
        const report = sampleReport();
        expect(reportSubject(report)).to.equal("Golden AMI assessment: 1 FAIL, 1 PASS, 1 NOT ASSESSED (us-east-1)");
        expect(clampSubject(reportSubject(report)).length).to.be.at.most(100);
        expect(reportSubject({ ...report, outcome: "CANCELED" })).to.match(/^Golden AMI assessment run CANCELED: /);
    });

    describe("next steps in plain words", () => {
        it("asks to rebuild a failing AMI from patched sources, naming the failing CVEs by severity", () => {
            expect(nextStep(ami(sampleReport(), A.imageId), "Medium")).to.equal(
                "rebuild ami-0aaaaaaaaaaaaaaaa from patched sources: 3 High findings (CVE-2026-1111, CVE-2026-2222, CVE-2026-3333), " +
                    "1 Medium finding (Ensure SSH root login is disabled)",
            );
        });

        it("names at most five examples per severity", () => {
            const findings = Array.from({ length: 8 }, (_, i) => oneFinding({ index: i, agentId: A.instanceId, severity: "High", cveId: `CVE-2026-${i + 1}` }));
            expect(nextStep(ami(sampleReport(findings), A.imageId), "Medium")).to.equal(
                "rebuild ami-0aaaaaaaaaaaaaaaa from patched sources: 8 High findings (CVE-2026-1, CVE-2026-2, CVE-2026-3, CVE-2026-4, CVE-2026-5 and 3 more)",
            );
        });

        it("asks to fix the build when no failing finding is a CVE", () => {
            const findings = [oneFinding({ index: 1, agentId: A.instanceId, severity: "High", title: "Root login allowed", rulesPackageArn: CIS_PACKAGE_ARN })];
            expect(nextStep(ami(sampleReport(findings), A.imageId), "Medium")).to.equal(
                "fix the build of ami-0aaaaaaaaaaaaaaaa and rebuild it: 1 High finding (Root login allowed)",
            );
        });

        it("says nothing is required for a PASS, and mentions findings below the threshold", () => {
            const report = sampleReport();
            expect(nextStep(ami(report, B.imageId), "Medium")).to.equal("none required: 2 findings below the Medium threshold (0 High, 0 Medium, 1 Low, 1 Informational)");
            expect(nextStep(ami(sampleReport([]), B.imageId), "Medium")).to.equal("none: no findings");
        });

        it("tells what to do about a NOT ASSESSED AMI", () => {
            expect(nextStep(ami(sampleReport(), C.imageId), "Medium")).to.equal(
                "find out why an instance of ami-0cccccccccccccccc could not be launched (the reason above); the next scheduled run tries again",
            );
        });
    });

    it("summarizes failing AMIs first, with counts, next step, CVEs, top findings and the report location", () => {
        const text = summaryText(sampleReport());
        expect(text).to.include("Full report: https://s3.console.aws.amazon.com/s3/object/bucket?region=us-east-1&prefix=p%2Fruns%2F0-MnOpQr56%2Freport.html");
        expect(text).to.not.include("s3://");
        expect(text).to.include("FAIL  ami-0aaaaaaaaaaaaaaaa (web | golden): 3 High, 1 Medium, 1 Low, 0 Informational");
        expect(text).to.include("  CVEs (4): CVE-2026-1111, CVE-2026-2222, CVE-2026-3333, CVE-2026-4444");
        expect(text).to.include("  - High: openssl is vulnerable to CVE-2026-3333\n    Recommendation: Fix finding 1");
        const order = ["FAIL  ami-0a", "NOT ASSESSED  ami-0c", "PASS  ami-0b"].map((needle) => text.indexOf(needle));
        expect(order.every((position, i) => position > 0 && (i === 0 || position > order[i - 1]))).to.equal(true);
        expect(text).to.include("Assessment instances terminated: 2.");
    });

    it("renders Markdown with a summary table, escaped cells and rules package ids", () => {
        const md = reportMarkdown(sampleReport(), { [CVE_PACKAGE_ARN]: "Common Vulnerabilities and Exposures" });
        expect(md).to.include("| FAIL | ami-0aaaaaaaaaaaaaaaa | web \\| golden | 0 | 3 | 1 | 1 | 0 | 0 | i-0000000000000000a |");
        expect(md).to.include("| Common Vulnerabilities and Exposures | 4 |");
        expect(md).to.include("| 0-rExsr2X8 | 1 |");
        expect(md).to.match(/### Top 5 of 5 findings\n\n1\. \*\*High\*\*: [^\n]*\n   - Recommendation: /);
        expect(md).to.include("**High**: openssl is vulnerable to CVE-2026-3333\n");
        expect(md).to.include("**High**: Finding 2 (CVE-2026-1111)\n");
        // Severity first: the Medium CIS finding before the Low CVE.
        expect(md.indexOf("**Medium**: Ensure SSH root login")).to.be.lessThan(md.indexOf("**Low**: Finding 5"));
        expect(md).to.include("[report.json](https://s3.console.aws.amazon.com/s3/object/bucket?region=us-east-1&prefix=p%2Fruns%2F0-MnOpQr56%2Freport.json)");
    });

    it("labels a rules package by the name passed in, else by its id", () => {
        expect(rulesPackageLabel(CVE_PACKAGE_ARN)).to.equal("0-gEjTy7T7");
        expect(rulesPackageLabel(CVE_PACKAGE_ARN, { [CVE_PACKAGE_ARN]: "CVE" })).to.equal("CVE");
        expect(rulesPackageLabel("unknown")).to.equal("unknown");
    });

    it("notes a missing manifest and a count that disagrees with the announcement", () => {
        const report = sampleReport(sampleFindings(), { manifest: undefined, manifestProblem: "no manifest at s3://b/k", findingsCount: { [CVE_PACKAGE_ARN]: 9 } });
        expect(report.manifest).to.deep.equal({ found: false, reason: "no manifest at s3://b/k" });
        expect(report.notes[0]).to.match(/^The run manifest was not available \(no manifest at s3:\/\/b\/k\)/);
        expect(report.notes).to.include("Inspector announced 9 finding(s) but ListFindings returned 7.");
        expect(countsText({ Critical: 0, High: 1, Medium: 2, Low: 3, Informational: 4, Undefined: 5 })).to.equal("1 High, 2 Medium, 3 Low, 4 Informational, 5 Undefined");
    });
});

describe("AMI tags", () => {
    it("writes last-assessed, verdict and counts, only under the product's prefix", () => {
        const tags = assessmentTags(ami(sampleReport(), A.imageId), new Date("2026-03-30T13:20:45.050Z"));
        expect(tags).to.deep.equal([
            { Key: LAST_ASSESSED_TAG, Value: "2026-03-30T13:20:45.050Z" },
            { Key: VERDICT_TAG, Value: "FAIL 2026-03-30T13:20:45.050Z" },
            { Key: COUNTS_TAG, Value: "H3 M1 L1 I0" },
        ]);
        for (const tag of tags) expect(tag.Key!.startsWith(TAG_PREFIX)).to.equal(true);
    });

    it("adds Undefined to the counts only when there are some", () => {
        expect(countsTagValue({ Critical: 0, High: 3, Medium: 1, Low: 0, Informational: 2, Undefined: 0 })).to.equal("H3 M1 L0 I2");
        expect(countsTagValue({ Critical: 0, High: 0, Medium: 0, Low: 0, Informational: 0, Undefined: 1 })).to.equal("H0 M0 L0 I0 U1");
    });

    it("keeps tag values to allowed characters and 256 characters", () => {
        expect(safeTagValue("NOT ASSESSED")).to.equal("NOT ASSESSED");
        expect(safeTagValue('a"b;c<d>é|2026:01')).to.equal("a_b_c_d_é_2026:01");
        expect(safeTagValue("x".repeat(300))).to.have.length(256);
    });
});
