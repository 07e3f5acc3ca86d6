import { EC2Client, GetImageFindingsCommand } from "@aws-sdk/client-ec2";
import type { Image, ImageFinding } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { IMAGE_FINDINGS_PAGE_SIZE, NEVER_SCANNED_DETAIL, agentlessShortfall, amiScanState, imageFindingToSummary, readAmiScanResults } from "../../../engines/inspector2/agentless";
import { ec2Error, fakeImage, isolatedMock } from "../../support/launchFixtures";

const NOW = new Date("2026-11-23T10:00:00.000Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

function scanned(imageId: string, scanDate: Date | undefined): Image {
    return { ...fakeImage(imageId), ScanResults: { FindingScanDate: scanDate, HighestFindingSeverityLabel: "high" } };
}

function imageFinding(title: string, overrides: Partial<ImageFinding> = {}): ImageFinding {
    return { Title: title, SeverityLabel: "high", Score: 7.5, FixAvailable: true, SnapshotId: "snap-0abc", Paths: ["/usr/lib64/libssl.so.3"], ...overrides };
}

function setupEc2() {
    const ec2 = new EC2Client({ region: "us-east-1" });
    return { ec2, mock: isolatedMock(ec2) };
}

describe("amiScanState", () => {
    it("is NEVER_SCANNED without ScanResults and says what the account must enable", () => {
        const state = amiScanState(fakeImage("ami-1"), NOW, 7);
        expect(state).to.deep.equal({ state: "NEVER_SCANNED", detail: NEVER_SCANNED_DETAIL });
        expect(state.detail).to.include("activate Amazon Inspector machine image scanning").and.include("only AMIs this account owns").and.include("no StartOnDemandScan");
    });

    it("is NEVER_SCANNED with ScanResults but no FindingScanDate", () => {
        expect(amiScanState(scanned("ami-1", undefined), NOW, 7).state).to.equal("NEVER_SCANNED");
    });

    it("is FRESH within maxAgeDays, at the limit included, with the scan date", () => {
        expect(amiScanState(scanned("ami-1", daysAgo(2)), NOW, 7)).to.deep.include({ state: "FRESH", scanDate: daysAgo(2).toISOString() });
        expect(amiScanState(scanned("ami-1", daysAgo(7)), NOW, 7).state).to.equal("FRESH");
    });

    it("is STALE beyond maxAgeDays, and says how old", () => {
        const state = amiScanState(scanned("ami-1", daysAgo(10)), NOW, 7);
        expect(state).to.deep.include({ state: "STALE", scanDate: daysAgo(10).toISOString() });
        expect(state.detail).to.include("10 days old").and.include("limit 7");
    });
});

describe("imageFindingToSummary", () => {
    it("maps title, CVE, lower-case severity, score, fix and a stable id", () => {
        expect(imageFindingToSummary("ami-1", imageFinding("CVE-2024-3094 - xz-libs"))).to.deep.equal({
            arn: "ami-1/CVE-2024-3094 - xz-libs/snap-0abc",
            imageId: "ami-1",
            severity: "High",
            title: "CVE-2024-3094 - xz-libs",
            recommendation: "A fix is available: rebuild the AMI with the updated package. Affected paths: /usr/lib64/libssl.so.3",
            rulesPackageArn: "cve",
            cveId: "CVE-2024-3094",
            advisoryUrl: "https://nvd.nist.gov/vuln/detail/CVE-2024-3094",
            inspectorScore: 7.5,
            numericSeverity: 7.5,
            fixAvailable: "YES",
        });
    });

    it("maps every severity label and an unknown one to Undefined", () => {
        const map: Record<string, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", informational: "Informational", other: "Undefined" };
        for (const [label, expected] of Object.entries(map)) expect(imageFindingToSummary("ami-1", imageFinding("x", { SeverityLabel: label as any })).severity).to.equal(expected);
    });

    it("has no CVE for a non-CVE title, NO for FixAvailable false, and no instance", () => {
        const summary = imageFindingToSummary("ami-1", imageFinding("GHSA-abcd - lodash", { FixAvailable: false, SnapshotId: undefined, Paths: undefined, Score: undefined }));
        expect(summary).to.deep.include({ arn: "ami-1/GHSA-abcd - lodash/", fixAvailable: "NO", recommendation: "No fix is available yet." });
        for (const key of ["cveId", "advisoryUrl", "instanceId", "inspectorScore"]) expect(summary).not.to.have.property(key);
    });
});

describe("readAmiScanResults", () => {
    it("pages GetImageFindings for FRESH and STALE images, skips NEVER_SCANNED, keeps input order", async () => {
        const { ec2, mock } = setupEc2();
        mock.on(GetImageFindingsCommand, { ImageId: "ami-fresh" })
            .resolvesOnce({ ImageFindings: [imageFinding("CVE-2024-0001 - a")], NextToken: "p2" })
            .resolvesOnce({ ImageFindings: [imageFinding("CVE-2024-0002 - b"), imageFinding("CVE-2024-0001 - a")], NextToken: "p3" })
            .resolvesOnce({ ImageFindings: [imageFinding("CVE-2024-0003 - c")] });
        mock.on(GetImageFindingsCommand, { ImageId: "ami-stale" }).resolves({ ImageFindings: [] });
        const images = [fakeImage("ami-never"), scanned("ami-fresh", daysAgo(1)), scanned("ami-stale", daysAgo(30))];
        const results = await readAmiScanResults(ec2, images, NOW, 7);
        expect(results.map((r) => [r.imageId, r.state, r.findings.length])).to.deep.equal([
            ["ami-never", "NEVER_SCANNED", 0],
            ["ami-fresh", "FRESH", 3],
            ["ami-stale", "STALE", 0],
        ]);
        expect(results[1].findings.map((f) => f.cveId)).to.deep.equal(["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003"]);
        const freshCalls = mock.commandCalls(GetImageFindingsCommand, { ImageId: "ami-fresh" }).map((call) => call.args[0].input);
        expect(freshCalls.map((input) => input.NextToken)).to.deep.equal([undefined, "p2", "p3"]);
        expect(freshCalls.every((input) => input.MaxResults === IMAGE_FINDINGS_PAGE_SIZE)).to.equal(true);
        expect(mock.commandCalls(GetImageFindingsCommand, { ImageId: "ami-never" })).to.have.length(0);
    });

    it("turns one AMI's error into its ERROR result while the others continue", async () => {
        const { ec2, mock } = setupEc2();
        mock.on(GetImageFindingsCommand, { ImageId: "ami-bad" }).rejects(ec2Error("UnauthorizedOperation", "not allowed"));
        mock.on(GetImageFindingsCommand, { ImageId: "ami-good" }).resolves({ ImageFindings: [imageFinding("CVE-2024-0009 - z")] });
        const results = await readAmiScanResults(ec2, [scanned("ami-bad", daysAgo(1)), scanned("ami-good", daysAgo(1))], NOW, 7);
        expect(results[0]).to.deep.include({ imageId: "ami-bad", state: "ERROR", findings: [], scanDate: daysAgo(1).toISOString() });
        expect(results[0].detail).to.include("UnauthorizedOperation").and.include("not allowed");
        expect(results[1]).to.deep.include({ imageId: "ami-good", state: "FRESH" });
        expect(results[1].findings).to.have.length(1);
    });

    it("reports a repeated NextToken as that AMI's error", async () => {
        const { ec2, mock } = setupEc2();
        mock.on(GetImageFindingsCommand).resolvesOnce({ ImageFindings: [], NextToken: "t" }).resolves({ ImageFindings: [], NextToken: "t" });
        const [result] = await readAmiScanResults(ec2, [scanned("ami-loop", daysAgo(1))], NOW, 7);
        expect(result.state).to.equal("ERROR");
        expect(result.detail).to.include("same NextToken twice");
    });
});

describe("agentlessShortfall (pure)", () => {
    const result = (highestSeverity: string | undefined, severities: (string | undefined)[]) => ({
        imageId: "ami-1",
        state: "FRESH" as const,
        highestSeverity,
        findings: severities.map((label, i) => imageFindingToSummary("ami-1", imageFinding(`CVE-2026-000${i}`, { SeverityLabel: label as ImageFinding["SeverityLabel"] }))),
        detail: "",
    });

    it("says the findings are incomplete when the summary reaches the threshold and no finding read does", () => {
        expect(agentlessShortfall(result("critical", ["medium"]), "High")).to.include("HighestFindingSeverityLabel critical").and.include("incomplete");
        expect(agentlessShortfall(result("high", []), "High")).to.include("incomplete");
    });

    it("has nothing to say when a finding read reaches the threshold, the summary is below it, or there is no summary label", () => {
        expect(agentlessShortfall(result("critical", ["high"]), "High")).to.equal(undefined);
        expect(agentlessShortfall(result("medium", ["medium"]), "High")).to.equal(undefined);
        expect(agentlessShortfall(result(undefined, []), "High")).to.equal(undefined);
        expect(agentlessShortfall(result("critical", [undefined]), "High"), "an unlabelled finding counts at the threshold").to.equal(undefined);
    });

    it("an unknown summary label counts at the threshold (fail closed)", () => {
        expect(agentlessShortfall(result("severe", ["low"]), "Critical")).to.include("incomplete");
    });

    it("an image finding without a SeverityLabel is untriaged, so it counts at the threshold", () => {
        expect(imageFindingToSummary("ami-1", imageFinding("CVE-2026-0001", { SeverityLabel: undefined }))).to.deep.include({ severity: "Undefined", untriaged: true });
    });
});
