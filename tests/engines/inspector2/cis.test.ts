import {
    CreateCisScanConfigurationCommand,
    DeleteCisScanConfigurationCommand,
    GetCisScanResultDetailsCommand,
    ListCisScanResultsAggregatedByTargetResourceCommand,
    ListCisScansCommand,
} from "@aws-sdk/client-inspector2";
import { expect } from "chai";
import { cisInstanceResult, createRunCisScan, deleteCisScan, latestScan, readCisResults } from "../../../engines/inspector2/cis";
import { ACCOUNT, REGION, inspector2Error, setupInspector2 } from "./support";

const CONFIG_ARN = `arn:aws:inspector2:${REGION}:${ACCOUNT}:owner/${ACCOUNT}/cis-configuration/cfg-1`;
const SCAN_ARN = `arn:aws:inspector2:${REGION}:${ACCOUNT}:owner/${ACCOUNT}/cis-scan/scan-1`;
const I1 = "i-0123456789abcdef0";
const I2 = "i-0fedcba9876543210";
const I3 = "i-0aaaaaaaaaaaaaaaa";

describe("createRunCisScan", () => {
    it("sends a oneTime LEVEL_1 scan targeting the run tag in this account", async () => {
        const { client, mock } = setupInspector2();
        mock.on(CreateCisScanConfigurationCommand).resolves({ scanConfigurationArn: CONFIG_ARN });
        expect(await createRunCisScan(client, { scanName: "golden-run-1", tagKey: "assessment-run", tagValue: "run-1" })).to.equal(CONFIG_ARN);
        expect(mock.commandCalls(CreateCisScanConfigurationCommand)[0].args[0].input).to.deep.equal({
            scanName: "golden-run-1",
            securityLevel: "LEVEL_1",
            schedule: { oneTime: {} },
            targets: { accountIds: ["SELF"], targetResourceTags: { "assessment-run": ["run-1"] } },
        });
    });

    it("passes LEVEL_2 and tags", async () => {
        const { client, mock } = setupInspector2();
        mock.on(CreateCisScanConfigurationCommand).resolves({ scanConfigurationArn: CONFIG_ARN });
        await createRunCisScan(client, { scanName: "s", tagKey: "k", tagValue: "v", securityLevel: "LEVEL_2", tags: { pipeline: "golden" } });
        expect(mock.commandCalls(CreateCisScanConfigurationCommand)[0].args[0].input).to.deep.include({ securityLevel: "LEVEL_2", tags: { pipeline: "golden" } });
    });

    it("throws when no ARN comes back", async () => {
        const { client, mock } = setupInspector2();
        mock.on(CreateCisScanConfigurationCommand).resolves({} as any);
        await createRunCisScan(client, { scanName: "s", tagKey: "k", tagValue: "v" }).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.message).to.include("no scanConfigurationArn"),
        );
    });
});

describe("cisInstanceResult / latestScan", () => {
    const agg = (extra: object) => ({ scanArn: SCAN_ARN, targetResourceId: I1, statusCounts: { passed: 3, failed: 1, skipped: 2 }, ...extra }) as any;

    it("maps target statuses and reasons", () => {
        expect(cisInstanceResult(agg({ targetStatus: "COMPLETED" }), "COMPLETED")).to.deep.equal({ instanceId: I1, status: "COMPLETED", passed: 3, failed: 1, skipped: 2, failedChecks: [] });
        expect(cisInstanceResult(agg({ targetStatus: "TIMED_OUT" }), "COMPLETED")).to.deep.include({ status: "FAILED" });
        expect(cisInstanceResult(agg({ targetStatusReason: "UNSUPPORTED_OS" }), "IN_PROGRESS").reason).to.include("UNSUPPORTED_OS");
        expect(cisInstanceResult(agg({ targetStatusReason: "SSM_UNMANAGED" }), "IN_PROGRESS")).to.deep.include({ status: "FAILED" });
        expect(cisInstanceResult(agg({ targetStatusReason: "SCAN_IN_PROGRESS" }), "IN_PROGRESS")).to.deep.include({ status: "PENDING", reason: "SCAN_IN_PROGRESS" });
        expect(cisInstanceResult(agg({}), "CANCELLED").status).to.equal("FAILED");
        expect(cisInstanceResult({ scanArn: SCAN_ARN, targetResourceId: I1 } as any, "IN_PROGRESS")).to.deep.include({ passed: 0, failed: 0, skipped: 0, status: "PENDING" });
    });

    it("picks the latest scan", () => {
        const scans = [
            { scanArn: "a", scanConfigurationArn: CONFIG_ARN, scanDate: new Date("2026-11-01") },
            { scanArn: "b", scanConfigurationArn: CONFIG_ARN, scanDate: new Date("2026-11-20") },
        ];
        expect(latestScan(scans)?.scanArn).to.equal("b");
        expect(latestScan([])).to.equal(undefined);
    });
});

describe("readCisResults", () => {
    it("is NOT_STARTED while the configuration has no scan, filtering by the configuration ARN", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListCisScansCommand).resolves({ scans: [] });
        expect(await readCisResults(client, CONFIG_ARN)).to.deep.equal({ scanStatus: "NOT_STARTED", instances: {} });
        expect(mock.commandCalls(ListCisScansCommand)[0].args[0].input.filterCriteria).to.deep.equal({ scanConfigurationArnFilters: [{ comparison: "EQUALS", value: CONFIG_ARN }] });
        expect(mock.commandCalls(ListCisScanResultsAggregatedByTargetResourceCommand)).to.have.length(0);
    });

    it("maps per-instance counts and failed checks across pages", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListCisScansCommand).resolves({ scans: [{ scanArn: SCAN_ARN, scanConfigurationArn: CONFIG_ARN, status: "COMPLETED" }] });
        mock.on(ListCisScanResultsAggregatedByTargetResourceCommand)
            .resolvesOnce({
                targetResourceAggregations: [{ scanArn: SCAN_ARN, targetResourceId: I1, accountId: ACCOUNT, statusCounts: { passed: 10, failed: 2, skipped: 1 }, targetStatus: "COMPLETED" }],
                nextToken: "a2",
            })
            .resolvesOnce({
                targetResourceAggregations: [
                    { scanArn: SCAN_ARN, targetResourceId: I2, statusCounts: { passed: 12, failed: 0, skipped: 1 }, targetStatus: "COMPLETED" },
                    { scanArn: SCAN_ARN, targetResourceId: I3, targetStatusReason: "UNSUPPORTED_OS" },
                ],
            });
        mock.on(GetCisScanResultDetailsCommand)
            .resolvesOnce({
                scanResultDetails: [
                    { scanArn: SCAN_ARN, checkId: "1.1.1", title: "Ensure cramfs is disabled", status: "FAILED", level: "LEVEL_1", remediation: "Add install cramfs /bin/true" },
                    { scanArn: SCAN_ARN, checkId: "1.1.2", title: "passed one", status: "PASSED" },
                ],
                nextToken: "d2",
            })
            .resolvesOnce({ scanResultDetails: [{ scanArn: SCAN_ARN, checkId: "5.2.1", title: "Ensure sshd permissions", status: "FAILED" }] });
        const result = await readCisResults(client, CONFIG_ARN);
        expect(result.scanStatus).to.equal("COMPLETED");
        expect(result.scanArn).to.equal(SCAN_ARN);
        expect(result.instances[I1]).to.deep.include({ status: "COMPLETED", passed: 10, failed: 2, skipped: 1 });
        expect(result.instances[I1].failedChecks).to.deep.equal([
            { arn: `${SCAN_ARN}/${I1}/1.1.1`, severity: "Medium", title: "Ensure cramfs is disabled [LEVEL_1]", recommendation: "Add install cramfs /bin/true", rulesPackageArn: "cis", instanceId: I1, checkId: "1.1.1" },
            { arn: `${SCAN_ARN}/${I1}/5.2.1`, severity: "Medium", title: "Ensure sshd permissions", recommendation: "", rulesPackageArn: "cis", instanceId: I1, checkId: "5.2.1" },
        ]);
        expect(result.instances[I2]).to.deep.include({ status: "COMPLETED", failed: 0, failedChecks: [] });
        expect(result.instances[I3]).to.deep.include({ status: "FAILED" });
        const detailInputs = mock.commandCalls(GetCisScanResultDetailsCommand).map((call) => call.args[0].input);
        expect(detailInputs).to.have.length(2);
        expect(detailInputs[0]).to.deep.include({ scanArn: SCAN_ARN, targetResourceId: I1, accountId: ACCOUNT, filterCriteria: { findingStatusFilters: [{ comparison: "EQUALS", value: "FAILED" }] } });
        expect(detailInputs[1].nextToken).to.equal("d2");
        expect(mock.commandCalls(ListCisScanResultsAggregatedByTargetResourceCommand).map((call) => call.args[0].input)).to.deep.equal([
            { scanArn: SCAN_ARN, nextToken: undefined },
            { scanArn: SCAN_ARN, nextToken: "a2" },
        ]);
    });

    it("takes the account from the scan ARN when the aggregation has none, and notes a details failure", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListCisScansCommand).resolves({ scans: [{ scanArn: SCAN_ARN, scanConfigurationArn: CONFIG_ARN, status: "IN_PROGRESS" }] });
        mock.on(ListCisScanResultsAggregatedByTargetResourceCommand).resolves({
            targetResourceAggregations: [{ scanArn: SCAN_ARN, targetResourceId: I1, statusCounts: { passed: 1, failed: 1, skipped: 0 }, targetStatus: "COMPLETED" }],
        });
        mock.on(GetCisScanResultDetailsCommand).rejects(inspector2Error("AccessDeniedException", "no details", 403));
        const result = await readCisResults(client, CONFIG_ARN);
        expect(result.scanStatus).to.equal("IN_PROGRESS");
        expect(mock.commandCalls(GetCisScanResultDetailsCommand)[0].args[0].input.accountId).to.equal(ACCOUNT);
        expect(result.instances[I1]).to.deep.include({ status: "COMPLETED", failed: 1, failedChecks: [] });
        expect(result.instances[I1].reason).to.include("failed checks could not be read").and.include("no details");
    });

    it("throws on a repeated ListCisScans token", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListCisScansCommand).resolvesOnce({ scans: [], nextToken: "x" }).resolves({ scans: [], nextToken: "x" });
        await readCisResults(client, CONFIG_ARN).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.message).to.include("same nextToken twice"),
        );
    });
});

describe("deleteCisScan", () => {
    it("deletes the configuration", async () => {
        const { client, mock } = setupInspector2();
        mock.on(DeleteCisScanConfigurationCommand).resolves({ scanConfigurationArn: CONFIG_ARN });
        await deleteCisScan(client, CONFIG_ARN);
        expect(mock.commandCalls(DeleteCisScanConfigurationCommand)[0].args[0].input).to.deep.equal({ scanConfigurationArn: CONFIG_ARN });
    });

    it("treats a missing configuration as already deleted", async () => {
        const { client, mock } = setupInspector2();
        mock.on(DeleteCisScanConfigurationCommand).rejects(inspector2Error("ResourceNotFoundException", "not found", 404));
        await deleteCisScan(client, CONFIG_ARN);
    });

    it("throws other errors", async () => {
        const { client, mock } = setupInspector2();
        mock.on(DeleteCisScanConfigurationCommand).rejects(inspector2Error("AccessDeniedException", "denied", 403));
        await deleteCisScan(client, CONFIG_ARN).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.name).to.equal("AccessDeniedException"),
        );
    });
});
