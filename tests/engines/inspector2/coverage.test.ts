import { GetEc2DeepInspectionConfigurationCommand, ListCoverageCommand } from "@aws-sdk/client-inspector2";
import type { CoveredResource } from "@aws-sdk/client-inspector2";
import { expect } from "chai";
import {
    COVERAGE_IDS_PER_CALL, COVERAGE_REASONS, LANGUAGE_PACKAGES_NOT_INVENTORIED, classifyCoverage, coverageFilter, readCoverage, resolveDeepInspection, withDeepInspection,
} from "../../../engines/inspector2/coverage";
import { ACCOUNT, inspector2Error, instanceIds, recordingSleep, setupInspector2, throttle } from "./support";

const LAUNCH = new Date("2026-11-23T10:00:00.000Z");
const AFTER = new Date("2026-11-23T10:12:00.000Z");
const BEFORE = new Date("2026-11-20T08:00:00.000Z");
const I1 = "i-0123456789abcdef0";

function row(resourceId: string, reason: string, options: { statusCode?: "ACTIVE" | "INACTIVE"; lastScannedAt?: Date; scanType?: string; scanMode?: string } = {}): CoveredResource {
    return {
        resourceType: "AWS_EC2_INSTANCE",
        resourceId,
        accountId: ACCOUNT,
        scanType: (options.scanType ?? "PACKAGE") as CoveredResource["scanType"],
        scanStatus: { statusCode: options.statusCode ?? (reason === "SUCCESSFUL" ? "ACTIVE" : "INACTIVE"), reason: reason as any },
        lastScannedAt: options.lastScannedAt,
        scanMode: (options.scanMode ?? "EC2_SSM_AGENT_BASED") as CoveredResource["scanMode"],
    };
}

describe("classifyCoverage", () => {
    it("SUCCESSFUL after launch is SCANNED, with the scan time and mode", () => {
        expect(classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: AFTER })], LAUNCH)).to.deep.equal({
            instanceId: I1,
            state: "SCANNED",
            reason: "SUCCESSFUL",
            detail: "package scan complete",
            lastScannedAt: AFTER.toISOString(),
            scanMode: "EC2_SSM_AGENT_BASED",
        });
    });

    it("a scan exactly at launch counts", () => {
        expect(classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: LAUNCH })], LAUNCH).state).to.equal("SCANNED");
    });

    it("SUCCESSFUL but scanned before launch is PENDING: it proves nothing about this instance", () => {
        const verdict = classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: BEFORE })], LAUNCH);
        expect(verdict).to.deep.include({ state: "PENDING", reason: "SUCCESSFUL" });
        expect(verdict.detail).to.include("predates the launch");
    });

    it("SUCCESSFUL without lastScannedAt is PENDING", () => {
        expect(classifyCoverage(I1, [row(I1, "SUCCESSFUL")], LAUNCH).state).to.equal("PENDING");
    });

    it("SUCCESSFUL but INACTIVE is not SCANNED", () => {
        expect(classifyCoverage(I1, [row(I1, "SUCCESSFUL", { statusCode: "INACTIVE", lastScannedAt: AFTER })], LAUNCH).state).to.equal("PENDING");
    });

    it("ACTIVE DEEP_INSPECTION_* after launch is PENDING with partial evidence: language packages not inventoried", () => {
        for (const reason of ["DEEP_INSPECTION_NO_INVENTORY", "DEEP_INSPECTION_COLLECTION_TIME_LIMIT_EXCEEDED", "DEEP_INSPECTION_DAILY_SSM_INVENTORY_LIMIT_EXCEEDED", "DEEP_INSPECTION_PACKAGE_COLLECTION_LIMIT_EXCEEDED"]) {
            const verdict = classifyCoverage(I1, [row(I1, reason, { statusCode: "ACTIVE", lastScannedAt: AFTER })], LAUNCH);
            expect(verdict, reason).to.deep.include({ state: "PENDING", reason, partial: true, deepInspection: reason });
            expect(verdict.detail).to.include(LANGUAGE_PACKAGES_NOT_INVENTORIED).and.include(reason);
        }
    });

    it("resolveDeepInspection: SCANNED only where deep inspection is DEACTIVATED; ACTIVATED, PENDING, FAILED or unknown stay pending", () => {
        const pending = classifyCoverage(I1, [row(I1, "DEEP_INSPECTION_NO_INVENTORY", { statusCode: "ACTIVE", lastScannedAt: AFTER })], LAUNCH);
        const resolved = resolveDeepInspection(pending, "DEACTIVATED");
        expect(resolved).to.deep.include({ state: "SCANNED" });
        expect(resolved).to.not.have.property("partial");
        expect(resolved.detail).to.include("deactivated");
        for (const status of ["ACTIVATED", "PENDING", "FAILED", undefined]) expect(resolveDeepInspection(pending, status), String(status)).to.deep.equal(pending);
        const successful = classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: AFTER })], LAUNCH);
        expect(resolveDeepInspection(successful, "ACTIVATED"), "a SUCCESSFUL scan needs no deep-inspection answer").to.deep.equal(successful);
    });

    it("withDeepInspection asks GetEc2DeepInspectionConfiguration only when a verdict needs it, and reads AccessDenied as unknown", async () => {
        const { client, mock } = setupInspector2();
        mock.on(GetEc2DeepInspectionConfigurationCommand).resolves({ status: "DEACTIVATED" });
        const scanned = { [I1]: classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: AFTER })], LAUNCH) };
        expect(await withDeepInspection(client, scanned, { sleep: async () => undefined })).to.deep.equal(scanned);
        expect(mock.commandCalls(GetEc2DeepInspectionConfigurationCommand)).to.have.length(0);
        const deep = { [I1]: classifyCoverage(I1, [row(I1, "DEEP_INSPECTION_NO_INVENTORY", { statusCode: "ACTIVE", lastScannedAt: AFTER })], LAUNCH) };
        expect((await withDeepInspection(client, deep, { sleep: async () => undefined }))[I1].state).to.equal("SCANNED");
        mock.on(GetEc2DeepInspectionConfigurationCommand).rejects(inspector2Error("AccessDeniedException", "not authorized"));
        expect((await withDeepInspection(client, deep, { sleep: async () => undefined }))[I1].state, "fail closed").to.equal("PENDING");
    });

    it("UNMANAGED_EC2_INSTANCE is PENDING with the SSM detail", () => {
        const verdict = classifyCoverage(I1, [row(I1, "UNMANAGED_EC2_INSTANCE")], LAUNCH);
        expect(verdict).to.deep.include({ state: "PENDING", reason: "UNMANAGED_EC2_INSTANCE" });
        expect(verdict.detail).to.equal("instance not managed by SSM (no SSM agent, no instance profile, or no HTTPS route to the SSM endpoints)");
    });

    it("UNSUPPORTED_OS is FAILED", () => {
        expect(classifyCoverage(I1, [row(I1, "UNSUPPORTED_OS")], LAUNCH)).to.deep.include({ state: "FAILED", reason: "UNSUPPORTED_OS", detail: COVERAGE_REASONS.UNSUPPORTED_OS.detail });
        expect(COVERAGE_REASONS.UNSUPPORTED_OS.detail).to.include("unsupported OS");
    });

    for (const reason of ["EXCLUDED_BY_TAG", "ACCESS_DENIED", "ACCESS_DENIED_TO_ENCRYPTION_KEY", "RESOURCE_TERMINATED", "EC2_INSTANCE_STOPPED"]) {
        it(`${reason} is FAILED`, () => expect(classifyCoverage(I1, [row(I1, reason)], LAUNCH).state).to.equal("FAILED"));
    }
    for (const reason of ["PENDING_INITIAL_SCAN", "SCAN_IN_PROGRESS", "NO_INVENTORY", "STALE_INVENTORY", "SOMETHING_NEW"]) {
        it(`${reason} is PENDING`, () => expect(classifyCoverage(I1, [row(I1, reason, { statusCode: "ACTIVE" })], LAUNCH)).to.deep.include({ state: "PENDING", reason }));
    }

    it("an agentless row (hybrid mode, before SSM registers the instance) is PENDING: what it found may FAIL, never PASS", () => {
        const verdict = classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: AFTER, scanMode: "EC2_AGENTLESS" })], LAUNCH);
        expect(verdict).to.deep.include({ state: "PENDING", scanMode: "EC2_AGENTLESS", partial: true });
        expect(verdict.detail).to.include("only an agentless scan was seen").and.include("SSM");
        const failed = classifyCoverage(I1, [row(I1, "AGENTLESS_INSTANCE_STORAGE_LIMIT_EXCEEDED", { lastScannedAt: AFTER, scanMode: "EC2_AGENTLESS" })], LAUNCH);
        expect(failed).to.deep.include({ state: "PENDING" });
        expect(failed).to.not.have.property("partial");
    });

    it("VM_INSPECTOR_AGENT_BASED is agent-based: SUCCESSFUL after launch is SCANNED", () => {
        expect(classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: AFTER, scanMode: "VM_INSPECTOR_AGENT_BASED" })], LAUNCH)).to.deep.include({ state: "SCANNED" });
    });

    it("a row without scanMode (optional in the SDK) is not known to be agent-based: PENDING with partial evidence unless the account is EC2_SSM_AGENT_BASED", () => {
        const noMode = { ...row(I1, "SUCCESSFUL", { lastScannedAt: AFTER }), scanMode: undefined };
        expect(classifyCoverage(I1, [noMode], LAUNCH)).to.deep.include({ state: "PENDING", partial: true });
        expect(classifyCoverage(I1, [noMode], LAUNCH, "EC2_HYBRID")).to.deep.include({ state: "PENDING", partial: true });
        expect(classifyCoverage(I1, [noMode], LAUNCH).detail).to.include("no scan mode");
        expect(classifyCoverage(I1, [noMode], LAUNCH, "EC2_SSM_AGENT_BASED")).to.deep.include({ state: "SCANNED" });
        const deep = { ...row(I1, "DEEP_INSPECTION_NO_INVENTORY", { statusCode: "ACTIVE", lastScannedAt: AFTER }), scanMode: undefined };
        expect(classifyCoverage(I1, [deep], LAUNCH).state).to.equal("PENDING");
    });

    it("an unknown scanMode is not agent-based either", () => {
        expect(classifyCoverage(I1, [row(I1, "SUCCESSFUL", { lastScannedAt: AFTER, scanMode: "EC2_SOMETHING_NEW" })], LAUNCH)).to.deep.include({ state: "PENDING", partial: true });
    });

    it("EXCLUDED_BY_TAG is FAILED with the tag named", () => {
        const verdict = classifyCoverage(I1, [row(I1, "EXCLUDED_BY_TAG")], LAUNCH);
        expect(verdict).to.deep.include({ state: "FAILED" });
        expect(verdict.detail).to.include("InspectorEc2Exclusion");
    });

    it("no row, or only a NETWORK row, or only another instance's row is PENDING NOT_IN_COVERAGE", () => {
        for (const rows of [[], [row(I1, "SUCCESSFUL", { scanType: "NETWORK", lastScannedAt: AFTER })], [row("i-0ffffffffffffffff", "SUCCESSFUL", { lastScannedAt: AFTER })]]) {
            expect(classifyCoverage(I1, rows, LAUNCH)).to.deep.equal({ instanceId: I1, state: "PENDING", reason: "NOT_IN_COVERAGE", detail: "not yet in Inspector coverage (no package scan row)" });
        }
    });

    it("judges the most recently scanned package row when there are several", () => {
        const rows = [row(I1, "SUCCESSFUL", { lastScannedAt: BEFORE }), row(I1, "SUCCESSFUL", { lastScannedAt: AFTER })];
        expect(classifyCoverage(I1, rows, LAUNCH).state).to.equal("SCANNED");
    });
});

describe("readCoverage", () => {
    it("asks for 25 instances in 3 calls of at most 10 resourceId EQUALS filters", async () => {
        const { client, mock } = setupInspector2();
        const ids = instanceIds(25);
        mock.on(ListCoverageCommand).callsFake((input) => ({
            coveredResources: input.filterCriteria.resourceId.map((f: { value: string }) => row(f.value, "SUCCESSFUL", { lastScannedAt: AFTER })),
        }));
        const result = await readCoverage(client, ids.map((instanceId) => ({ instanceId, launchedAt: LAUNCH })));
        expect(result.calls).to.equal(3);
        const inputs = mock.commandCalls(ListCoverageCommand).map((call) => call.args[0].input);
        expect(inputs.map((input) => input.filterCriteria!.resourceId!.length)).to.deep.equal([10, 10, 5]);
        for (const input of inputs) {
            expect(input.filterCriteria!.resourceId!.length).to.be.at.most(COVERAGE_IDS_PER_CALL);
            expect(input.maxResults).to.equal(200);
            expect(input.filterCriteria!.resourceType).to.deep.equal([{ comparison: "EQUALS", value: "AWS_EC2_INSTANCE" }]);
            expect(input.filterCriteria!.resourceId!.every((f) => f.comparison === "EQUALS")).to.equal(true);
        }
        expect(Object.keys(result.verdicts)).to.have.members(ids);
        expect(Object.values(result.verdicts).every((v) => v.state === "SCANNED")).to.equal(true);
    });

    it("sends each instance once even if listed twice", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListCoverageCommand).resolves({ coveredResources: [] });
        const result = await readCoverage(client, [{ instanceId: I1, launchedAt: LAUNCH }, { instanceId: I1, launchedAt: LAUNCH }]);
        expect(result.calls).to.equal(1);
        expect(mock.commandCalls(ListCoverageCommand)[0].args[0].input.filterCriteria!.resourceId).to.have.length(1);
        expect(result.verdicts[I1].reason).to.equal("NOT_IN_COVERAGE");
    });

    it("makes no call for no instances", async () => {
        const { client, mock } = setupInspector2();
        expect(await readCoverage(client, [])).to.deep.equal({ verdicts: {}, calls: 0 });
        expect(mock.commandCalls(ListCoverageCommand)).to.have.length(0);
    });

    it("pages across 3 pages and classifies each instance from rows on any page", async () => {
        const { client, mock } = setupInspector2();
        const [a, b, c] = instanceIds(3);
        mock.on(ListCoverageCommand)
            .resolvesOnce({ coveredResources: [row(a, "SUCCESSFUL", { lastScannedAt: AFTER })], nextToken: "p2" })
            .resolvesOnce({ coveredResources: [row(b, "UNSUPPORTED_OS")], nextToken: "p3" })
            .resolvesOnce({ coveredResources: [row(c, "UNMANAGED_EC2_INSTANCE")] });
        const result = await readCoverage(client, [a, b, c].map((instanceId) => ({ instanceId, launchedAt: LAUNCH })));
        expect(result.calls).to.equal(3);
        expect(mock.commandCalls(ListCoverageCommand).map((call) => call.args[0].input.nextToken)).to.deep.equal([undefined, "p2", "p3"]);
        expect([result.verdicts[a].state, result.verdicts[b].state, result.verdicts[c].state]).to.deep.equal(["SCANNED", "FAILED", "PENDING"]);
    });

    it("throws on a repeated nextToken instead of paging forever", async () => {
        const { client, mock } = setupInspector2();
        mock.on(ListCoverageCommand).resolvesOnce({ coveredResources: [], nextToken: "same" }).resolves({ coveredResources: [], nextToken: "same" });
        await readCoverage(client, [{ instanceId: I1, launchedAt: LAUNCH }], { sleep: async () => {} }).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.message).to.include("same nextToken twice"),
        );
        expect(mock.commandCalls(ListCoverageCommand)).to.have.length(2);
    });

    it("retries a throttled page with backoff and counts the retry as a call", async () => {
        const { client, mock } = setupInspector2();
        const clock = recordingSleep();
        mock.on(ListCoverageCommand).rejectsOnce(throttle()).resolves({ coveredResources: [row(I1, "SUCCESSFUL", { lastScannedAt: AFTER })] });
        const result = await readCoverage(client, [{ instanceId: I1, launchedAt: LAUNCH }], { sleep: clock.sleep, baseDelayMs: 100 });
        expect(result.verdicts[I1].state).to.equal("SCANNED");
        expect(result.calls).to.equal(2);
        expect(clock.sleeps).to.deep.equal([100]);
    });

    it("throws after the attempts when throttling never ends", async () => {
        const { client, mock } = setupInspector2();
        const clock = recordingSleep();
        mock.on(ListCoverageCommand).rejects(throttle());
        await readCoverage(client, [{ instanceId: I1, launchedAt: LAUNCH }], { sleep: clock.sleep, attempts: 3, baseDelayMs: 100 }).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.name).to.equal("ThrottlingException"),
        );
        expect(mock.commandCalls(ListCoverageCommand)).to.have.length(3);
        expect(clock.sleeps).to.deep.equal([100, 200]);
    });

    it("does not retry a validation error", async () => {
        const { client, mock } = setupInspector2();
        const clock = recordingSleep();
        mock.on(ListCoverageCommand).rejects(inspector2Error("ValidationException", "too many filters"));
        await readCoverage(client, [{ instanceId: I1, launchedAt: LAUNCH }], { sleep: clock.sleep }).then(
            () => expect.fail("should throw"),
            (e: Error) => expect(e.name).to.equal("ValidationException"),
        );
        expect(mock.commandCalls(ListCoverageCommand)).to.have.length(1);
        expect(clock.sleeps).to.deep.equal([]);
    });
});

describe("coverageFilter", () => {
    it("ORs the IDs and ANDs type and scan type", () => {
        expect(coverageFilter(["i-1", "i-2"])).to.deep.equal({
            resourceId: [
                { comparison: "EQUALS", value: "i-1" },
                { comparison: "EQUALS", value: "i-2" },
            ],
            resourceType: [{ comparison: "EQUALS", value: "AWS_EC2_INSTANCE" }],
            scanType: [{ comparison: "EQUALS", value: "PACKAGE" }],
        });
    });
});
