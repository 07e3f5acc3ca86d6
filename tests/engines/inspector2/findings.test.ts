import { ListFindingsCommand } from "@aws-sdk/client-inspector2";
import type { Finding } from "@aws-sdk/client-inspector2";
import { expect } from "chai";
import {
    FINDINGS_IDS_PER_CALL,
    FINDINGS_PAGE_SIZE,
    FINDING_TYPES_BY_PACKAGE,
    listReportableFindings,
    minimumListFindingsCalls,
    plannedListFindingsCalls,
    toFindingSummary,
} from "../../../engines/inspector2/findings";
import { ACCOUNT, REGION, inspector2Error, instanceIds, recordingSleep, setupInspector2, throttle } from "./support";

const I1 = "i-0123456789abcdef0";
let serial = 0;

function finding(instanceId: string, overrides: Partial<Finding> = {}): Finding {
    serial++;
    return {
        findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/${serial.toString(16).padStart(32, "0")}`,
        awsAccountId: ACCOUNT,
        type: "PACKAGE_VULNERABILITY",
        title: `CVE-2024-${1000 + serial} - openssl`,
        description: "openssl issue",
        severity: "HIGH",
        status: "ACTIVE",
        firstObservedAt: new Date("2026-11-23T10:10:00Z"),
        lastObservedAt: new Date("2026-11-23T10:10:00Z"),
        remediation: { recommendation: { text: "Update openssl" } },
        resources: [{ type: "AWS_EC2_INSTANCE", id: instanceId, details: { awsEc2Instance: { imageId: "ami-0abc" } } }],
        packageVulnerabilityDetails: { vulnerabilityId: `CVE-2024-${1000 + serial}`, source: "NVD" },
        ...overrides,
    };
}

const FULL: Finding = {
    findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/full`,
    awsAccountId: ACCOUNT,
    type: "PACKAGE_VULNERABILITY",
    title: "CVE-2023-44487 - nghttp2",
    description: "HTTP/2 rapid reset",
    severity: "CRITICAL",
    status: "ACTIVE",
    firstObservedAt: new Date(),
    lastObservedAt: new Date(),
    inspectorScore: 9.1,
    fixAvailable: "PARTIAL",
    exploitAvailable: "YES",
    epss: { score: 0.83 },
    remediation: { recommendation: { text: "Upgrade nghttp2", Url: "https://example.com/fix" } },
    resources: [
        { type: "AWS_EC2_INSTANCE", id: I1 },
        { type: "AWS_ECR_CONTAINER_IMAGE", id: "not-an-instance" },
    ],
    packageVulnerabilityDetails: {
        vulnerabilityId: "cve-2023-44487",
        source: "NVD",
        sourceUrl: "https://nvd.nist.gov/vuln/detail/CVE-2023-44487",
        referenceUrls: ["https://ref.example/1"],
        vulnerablePackages: [
            { name: "nghttp2", version: "1.41.0", release: "3.el8", epoch: 0, fixedInVersion: "0:1.41.0-4.el8" },
            { name: "libnghttp2", version: "1.41.0", epoch: 1 },
            { name: undefined, version: "x" } as any,
        ],
    },
};

describe("toFindingSummary", () => {
    it("maps every field of a full package finding", () => {
        expect(toFindingSummary(FULL)).to.deep.equal({
            arn: FULL.findingArn,
            severity: "Critical",
            title: "CVE-2023-44487 - nghttp2",
            recommendation: "Upgrade nghttp2 https://example.com/fix",
            rulesPackageArn: "cve",
            cveId: "CVE-2023-44487",
            instanceId: I1,
            inspectorScore: 9.1,
            numericSeverity: 9.1,
            fixAvailable: "PARTIAL",
            exploitAvailable: true,
            epssScore: 0.83,
            vulnerablePackages: [
                { name: "nghttp2", version: "1.41.0-3.el8", fixedInVersion: "0:1.41.0-4.el8" },
                { name: "libnghttp2", version: "1:1.41.0" },
            ],
            advisoryUrl: "https://nvd.nist.gov/vuln/detail/CVE-2023-44487",
        });
    });

    it("maps each severity, UNTRIAGED without a vendor severity and unknown to Undefined", () => {
        const map: Record<string, string> = { CRITICAL: "Critical", HIGH: "High", MEDIUM: "Medium", LOW: "Low", INFORMATIONAL: "Informational", UNTRIAGED: "Undefined", WEIRD: "Undefined" };
        for (const [severity, expected] of Object.entries(map)) expect(toFindingSummary(finding(I1, { severity: severity as any })).severity).to.equal(expected);
    });

    it("UNTRIAGED takes the vendor's severity where it gave one, and is marked untriaged", () => {
        const untriaged = (vendorSeverity?: string) =>
            toFindingSummary(finding(I1, { severity: "UNTRIAGED", packageVulnerabilityDetails: { vulnerabilityId: "CVE-2026-1", source: "NVD", vendorSeverity } as any }));
        const map: Record<string, string> = { CRITICAL: "Critical", Important: "High", high: "High", Moderate: "Medium", MEDIUM: "Medium", Low: "Low", negligible: "Low", "not rated": "Undefined" };
        for (const [vendor, expected] of Object.entries(map)) expect(untriaged(vendor), vendor).to.deep.include({ severity: expected, untriaged: true });
        expect(untriaged(undefined)).to.deep.include({ severity: "Undefined", untriaged: true });
        expect(toFindingSummary(finding(I1, { severity: "HIGH" }))).to.not.have.property("untriaged");
    });

    it("names the rules package by finding type", () => {
        expect(toFindingSummary(finding(I1, { type: "NETWORK_REACHABILITY", packageVulnerabilityDetails: undefined })).rulesPackageArn).to.equal("network-reachability");
        expect(toFindingSummary(finding(I1, { type: "CODE_VULNERABILITY" })).rulesPackageArn).to.equal("code");
    });

    it("leaves cveId out for a non-CVE vulnerability id, keeps the title, and takes the first reference URL", () => {
        const summary = toFindingSummary(
            finding(I1, { title: "GHSA-xxxx - lodash", packageVulnerabilityDetails: { vulnerabilityId: "GHSA-jf85-cpcp-j695", source: "GITHUB", referenceUrls: ["https://github.com/advisories/GHSA-jf85-cpcp-j695"] } }),
        );
        expect(summary.cveId).to.equal(undefined);
        expect(summary.title).to.equal("GHSA-xxxx - lodash");
        expect(summary.advisoryUrl).to.equal("https://github.com/advisories/GHSA-jf85-cpcp-j695");
    });

    it("falls back to the NVD page of a CVE without source or reference URLs", () => {
        const summary = toFindingSummary(finding(I1, { packageVulnerabilityDetails: { vulnerabilityId: "CVE-2024-3094", source: "NVD" } }));
        expect(summary.advisoryUrl).to.equal("https://nvd.nist.gov/vuln/detail/CVE-2024-3094");
    });

    it("maps exploitAvailable NO to false and omits absent optional fields", () => {
        const summary = toFindingSummary(finding(I1, { exploitAvailable: "NO", title: undefined, remediation: {} as any }));
        expect(summary.exploitAvailable).to.equal(false);
        expect(summary.title).to.match(/^CVE-2024-/);
        expect(summary.recommendation).to.equal("");
        for (const key of ["inspectorScore", "numericSeverity", "fixAvailable", "epssScore", "vulnerablePackages"]) expect(summary).not.to.have.property(key);
    });
});

describe("minimumListFindingsCalls / plannedListFindingsCalls", () => {
    it("is bounded by the 10-ID filter limit and the 100-finding page", () => {
        expect(minimumListFindingsCalls([])).to.equal(0);
        expect(minimumListFindingsCalls(new Array(25).fill(0))).to.equal(3);
        expect(minimumListFindingsCalls([250])).to.equal(3);
        expect(minimumListFindingsCalls(new Array(20).fill(11))).to.equal(3);
        expect(plannedListFindingsCalls(new Array(20).fill(11))).to.equal(4);
        expect(plannedListFindingsCalls(new Array(25).fill(0))).to.equal(3);
        expect(plannedListFindingsCalls([250])).to.equal(3);
    });
});

describe("listReportableFindings", () => {
    const noSleep = { sleep: async () => {} };

    it("batches 23 instances into 3 calls of at most 10 IDs, ACTIVE and SUPPRESSED, the chosen types, maxResults 100", async () => {
        const { client, mock } = setupInspector2();
        const ids = instanceIds(23);
        mock.on(ListFindingsCommand).callsFake((input) => ({ findings: input.filterCriteria.resourceId.map((f: { value: string }) => finding(f.value)) }));
        const result = await listReportableFindings(client, ids, ["cve", "network-reachability"], noSleep);
        const inputs = mock.commandCalls(ListFindingsCommand).map((call) => call.args[0].input);
        expect(result.calls).to.equal(3);
        expect(result.calls).to.equal(plannedListFindingsCalls(new Array(23).fill(1)));
        expect(inputs.map((input) => input.filterCriteria!.resourceId!.length)).to.deep.equal([10, 10, 3]);
        for (const input of inputs) {
            expect(input.maxResults).to.equal(FINDINGS_PAGE_SIZE);
            expect(input.filterCriteria!.resourceId!.length).to.be.at.most(FINDINGS_IDS_PER_CALL);
            expect(input.filterCriteria!.findingStatus).to.deep.equal([
                { comparison: "EQUALS", value: "ACTIVE" },
                { comparison: "EQUALS", value: "SUPPRESSED" },
            ]);
            expect(input.filterCriteria!.findingType).to.deep.equal([
                { comparison: "EQUALS", value: FINDING_TYPES_BY_PACKAGE.cve },
                { comparison: "EQUALS", value: FINDING_TYPES_BY_PACKAGE["network-reachability"] },
            ]);
        }
        expect(result.findings.map((f) => f.instanceId)).to.have.members(ids);
    });

    it("pages across 3 pages, dedupes by ARN, keeps SUPPRESSED (marked) and drops CLOSED and foreign-instance findings", async () => {
        const { client, mock } = setupInspector2();
        const a = finding(I1);
        const b = finding(I1);
        const suppressed = finding(I1, { status: "SUPPRESSED" });
        mock.on(ListFindingsCommand)
            .resolvesOnce({ findings: [a], nextToken: "p2" })
            .resolvesOnce({ findings: [a, finding(I1, { status: "CLOSED" }), finding("i-0ffffffffffffffff")], nextToken: "p3" })
            .resolvesOnce({ findings: [b, suppressed] });
        const result = await listReportableFindings(client, [I1], ["cve"], noSleep);
        expect(result.calls).to.equal(3);
        expect(mock.commandCalls(ListFindingsCommand).map((call) => call.args[0].input.nextToken)).to.deep.equal([undefined, "p2", "p3"]);
        expect(result.findings.map((f) => f.arn)).to.deep.equal([a.findingArn, b.findingArn, suppressed.findingArn]);
        expect(result.findings.map((f) => f.suppressed)).to.deep.equal([undefined, undefined, true]);
        expect(mock.commandCalls(ListFindingsCommand)[0].args[0].input.filterCriteria!.findingType).to.deep.equal([{ comparison: "EQUALS", value: "PACKAGE_VULNERABILITY" }]);
    });

    it("a clean instance is 0 findings in 1 call", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListFindingsCommand).resolves({ findings: [] });
        expect(await listReportableFindings(client, [I1], ["cve"], noSleep)).to.deep.equal({ findings: [], calls: 1 });
    });

    it("makes no call without instances or packages", async () => {
        const { client, mock } = setupInspector2();
        expect(await listReportableFindings(client, [], ["cve"], noSleep)).to.deep.equal({ findings: [], calls: 0 });
        expect(await listReportableFindings(client, [I1], [], noSleep)).to.deep.equal({ findings: [], calls: 0 });
        expect(mock.commandCalls(ListFindingsCommand)).to.have.length(0);
    });

    it("retries a throttled page and succeeds, keeping the page's token", async () => {
        const { client, mock } = setupInspector2();
        const clock = recordingSleep();
        const a = finding(I1);
        const b = finding(I1);
        mock.on(ListFindingsCommand).resolvesOnce({ findings: [a], nextToken: "p2" }).rejectsOnce(throttle()).resolvesOnce({ findings: [b] });
        const result = await listReportableFindings(client, [I1], ["cve"], { sleep: clock.sleep, baseDelayMs: 500 });
        expect(result.findings.map((f) => f.arn)).to.deep.equal([a.findingArn, b.findingArn]);
        expect(result.calls).to.equal(3);
        expect(clock.sleeps).to.deep.equal([500]);
        expect(mock.commandCalls(ListFindingsCommand).map((call) => call.args[0].input.nextToken)).to.deep.equal([undefined, "p2", "p2"]);
    });

    it("waits at least the service's retryAfterSeconds", async () => {
        const { client, mock } = setupInspector2();
        const clock = recordingSleep();
        mock.on(ListFindingsCommand).rejectsOnce(inspector2Error("ThrottlingException", "slow down", 429, { retryAfterSeconds: 7 })).resolves({ findings: [] });
        await listReportableFindings(client, [I1], ["cve"], { sleep: clock.sleep, baseDelayMs: 500 });
        expect(clock.sleeps).to.deep.equal([7000]);
    });

    it("throws after N attempts when throttling never ends, with exponential sleeps", async () => {
        const { client, mock } = setupInspector2();
        const clock = recordingSleep();
        mock.on(ListFindingsCommand).rejects(throttle());
        await listReportableFindings(client, [I1], ["cve"], { sleep: clock.sleep, attempts: 4, baseDelayMs: 250 }).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.name).to.equal("ThrottlingException"),
        );
        expect(mock.commandCalls(ListFindingsCommand)).to.have.length(4);
        expect(clock.sleeps).to.deep.equal([250, 500, 1000]);
    });

    it("retries a 500 and not an AccessDenied", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListFindingsCommand).rejectsOnce(inspector2Error("InternalServerException", "oops", 500)).resolves({ findings: [] });
        expect((await listReportableFindings(client, [I1], ["cve"], noSleep)).calls).to.equal(2);
        mock.reset();
        mock.on(ListFindingsCommand).rejects(inspector2Error("AccessDeniedException", "denied", 403));
        await listReportableFindings(client, [I1], ["cve"], noSleep).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.name).to.equal("AccessDeniedException"),
        );
        expect(mock.commandCalls(ListFindingsCommand)).to.have.length(1);
    });

    it("throws on a repeated nextToken", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListFindingsCommand).resolvesOnce({ findings: [], nextToken: "t" }).resolves({ findings: [], nextToken: "t" });
        await listReportableFindings(client, [I1], ["cve"], noSleep).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.message).to.include("same nextToken twice"),
        );
    });
});
