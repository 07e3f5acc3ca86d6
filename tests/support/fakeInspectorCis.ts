// Inspector v2 CIS scans, added to FakeAws's inspector2 client: configurations, their one-time
// scan, per-instance results and failed checks. What it models, with sources:
// - A oneTime configuration runs soon after creation, with no start call (reference §5); the
//   delay is an assumption (CIS_START_LAG_MS) [?].
// - The scan selects its targets by tag; an instance SSM does not manage then gets
//   targetStatusReason SSM_UNMANAGED and no checks (reference §5, §10; SDK CisTargetStatusReason).
//   The fake fixes the targets when the configuration is created (the scan starts soon after; the
//   few minutes between are taken as too late for an instance that SSM did not know: fails closed).
// - Without AmazonInspector2ManagedCisPolicy on the instance role the plugin's StartCisSession is
//   refused: the target ends TIMED_OUT with no checks (reference §10, user guide "CIS scans").
// - "SSM-managed" is read from the instance's coverage row, as Inspector learns it from SSM:
//   a row that is not UNMANAGED_EC2_INSTANCE and not an agentless (hybrid) row.
import {
    CreateCisScanConfigurationCommand,
    DeleteCisScanConfigurationCommand,
    GetCisScanResultDetailsCommand,
    Inspector2ServiceException,
    ListCisScanConfigurationsCommand,
    ListCisScanResultsAggregatedByTargetResourceCommand,
    ListCisScansCommand,
} from "@aws-sdk/client-inspector2";
import { AwsStub } from "aws-sdk-client-mock";
import { FAKE_ACCOUNT, FAKE_REGION, FakeAws } from "./fakeAws";

/** Assumption [?]: a oneTime scan starts a couple of minutes after its configuration is created. */
export const CIS_START_LAG_MS = 2 * 60_000;
/** Assumption [?]: checking one instance takes about ten minutes. */
export const CIS_CHECK_MS = 10 * 60_000;
/** Assumption [?]: a refused session is given up on after half an hour (TIMED_OUT). */
export const CIS_SESSION_TIMEOUT_MS = 30 * 60_000;

interface FakeCisConfiguration {
    arn: string;
    scanName: string;
    targetTags: Record<string, string[]>;
    tags: Record<string, string>;
    createdAt: number;
    deleted: boolean;
}

interface FakeCisTarget {
    instanceId: string;
    managed: boolean;
    hasPolicy: boolean;
}

function notFound(message: string): Error {
    return new Inspector2ServiceException({ name: "ResourceNotFoundException", $fault: "client", $metadata: { httpStatusCode: 404 }, message });
}

export class FakeInspectorCis {
    configurations: FakeCisConfiguration[] = [];
    /** Targets fixed when each configuration's scan started, by configuration ARN. */
    private targets = new Map<string, FakeCisTarget[]>();
    /** Whether the instance role carries AmazonInspector2ManagedCisPolicy (infra.ts attaches it with cis). */
    instanceRoleHasCisPolicy = true;
    /** Failed checks per AMI when a scan completes (passed checks are PASSED_CHECKS). */
    failedChecksByImage: Record<string, string[]> = {};
    static readonly PASSED_CHECKS = 40;
    /** How long checking one instance takes (a test may make it longer than the engine waits). */
    checkMs = CIS_CHECK_MS;
    private counter = 0;

    constructor(private readonly aws: FakeAws) {
        // A second stub over the same sinon stub adds handlers without replacing FakeAws's.
        const mock = new AwsStub<any, any, any>(aws.inspector2, aws.inspector2.send as any);
        mock.on(CreateCisScanConfigurationCommand).callsFake(async (input) => {
            await aws.enter("CreateCisScanConfiguration", input, input.scanName);
            if (!input.schedule?.oneTime) throw new Error("fake: only oneTime CIS schedules are modelled");
            // Shape: SDK CreateCisScanConfigurationResponse { scanConfigurationArn }; the ARN's form follows the SDK docs' example [?].
            const arn = `arn:aws:inspector2:${FAKE_REGION}:${FAKE_ACCOUNT}:owner/${FAKE_ACCOUNT}/cis-configuration/cfg-${++this.counter}`;
            const configuration = { arn, scanName: input.scanName, targetTags: input.targets?.targetResourceTags ?? {}, tags: input.tags ?? {}, createdAt: aws.now().getTime(), deleted: false };
            this.configurations.push(configuration);
            this.targets.set(arn, this.selectTargets(configuration));
            return { scanConfigurationArn: arn };
        });
        mock.on(ListCisScanConfigurationsCommand).callsFake(async (input) => {
            await aws.enter("ListCisScanConfigurations", input);
            // SDK ListCisScanConfigurationsFilterCriteria.scanNameFilters (CisStringFilter); [?] the fake treats every comparison as EQUALS.
            const names: string[] = (input.filterCriteria?.scanNameFilters ?? []).map((f: { value: string }) => f.value);
            const live = this.configurations.filter((c) => !c.deleted && (names.length === 0 || names.includes(c.scanName)));
            return { scanConfigurations: live.map((c) => ({ scanConfigurationArn: c.arn, scanName: c.scanName, ownerId: FAKE_ACCOUNT, tags: c.tags })) };
        });
        mock.on(DeleteCisScanConfigurationCommand).callsFake(async (input) => {
            await aws.enter("DeleteCisScanConfiguration", input);
            const configuration = this.configurations.find((c) => c.arn === input.scanConfigurationArn && !c.deleted);
            // SDK DeleteCisScanConfigurationCommand @throws ResourceNotFoundException.
            if (!configuration) throw notFound(`scan configuration ${input.scanConfigurationArn} not found`);
            configuration.deleted = true;
            return { scanConfigurationArn: configuration.arn };
        });
        mock.on(ListCisScansCommand).callsFake(async (input) => {
            await aws.enter("ListCisScans", input);
            // SDK ListCisScansFilterCriteria.scanConfigurationArnFilters; scans[] shape: SDK CisScan (reference section 5).
            const arns: string[] = (input.filterCriteria?.scanConfigurationArnFilters ?? []).map((f: { value: string }) => f.value);
            const scans = this.configurations.filter((c) => arns.length === 0 || arns.includes(c.arn)).flatMap((c) => this.scanOf(c));
            return { scans };
        });
        mock.on(ListCisScanResultsAggregatedByTargetResourceCommand).callsFake(async (input) => {
            await aws.enter("ListCisScanResultsAggregatedByTargetResource", input);
            const configuration = this.configurations.find((c) => `${c.arn}/scan` === input.scanArn);
            // [?] The SDK lists no ResourceNotFoundException for this call (AccessDenied, InternalServer, Throttling,
            // Validation): an unknown scan fails here either way, which fails closed.
            if (!configuration) throw notFound(`scan ${input.scanArn} not found`);
            return { targetResourceAggregations: (this.targets.get(configuration.arn) ?? []).map((t) => this.aggregation(configuration, t)) };
        });
        mock.on(GetCisScanResultDetailsCommand).callsFake(async (input) => {
            await aws.enter("GetCisScanResultDetails", input, input.targetResourceId);
            const configuration = this.configurations.find((c) => `${c.arn}/scan` === input.scanArn);
            const target = configuration && this.targets.get(configuration.arn)?.find((t) => t.instanceId === input.targetResourceId);
            // [?] What an unknown or unfinished target answers is undocumented: an empty list here (no FAILED check), so a
            // PASS must rest on the target's COMPLETED status, never on this list. Only FAILED checks are listed (SDK
            // CisScanResultDetails.status PASSED | FAILED | SKIPPED; passed ones are counted in statusCounts only).
            if (!configuration || !target || this.targetState(configuration, target).targetStatus !== "COMPLETED") return { scanResultDetails: [] };
            const imageId = aws.instances.find((i) => i.instanceId === target.instanceId)?.imageId ?? "";
            const details = (this.failedChecksByImage[imageId] ?? []).map((checkId) => ({ scanArn: input.scanArn, checkId, title: `check ${checkId}`, status: "FAILED", level: "LEVEL_1" }));
            return { scanResultDetails: details };
        });
    }

    /** SSM manages the instance when Inspector has a non-agentless row for it that is not UNMANAGED. */
    ssmManaged(instanceId: string): boolean {
        const row = this.aws.coverage.get(instanceId);
        return !!row && row.scanMode !== "EC2_AGENTLESS" && row.scanStatus?.reason !== "UNMANAGED_EC2_INSTANCE" && row.scanStatus?.reason !== "RESOURCE_TERMINATED";
    }

    /** The live instances carrying the configuration's target tags, as SSM knows them now. */
    private selectTargets(configuration: FakeCisConfiguration): FakeCisTarget[] {
        const selected = this.aws.liveInstances().filter((instance) =>
            Object.entries(configuration.targetTags).every(([key, values]) => instance.tags.some((tag) => tag.Key === key && values.includes(tag.Value ?? ""))),
        );
        return selected.map((i) => ({ instanceId: i.instanceId, managed: this.ssmManaged(i.instanceId), hasPolicy: this.instanceRoleHasCisPolicy }));
    }

    /** The configuration's one scan, once it has started. */
    private scanOf(configuration: FakeCisConfiguration) {
        const startedAt = configuration.createdAt + CIS_START_LAG_MS;
        if (this.aws.now().getTime() < startedAt) return [];
        const states = this.targets.get(configuration.arn)!.map((t) => this.targetState(configuration, t));
        // [?] The scan reads COMPLETED once no target is SCAN_IN_PROGRESS (SDK CisScanStatus IN_PROGRESS | COMPLETED | ...):
        // a completed scan says nothing of an SSM_UNMANAGED target, whose own targetStatus stays absent (no PASS from it).
        const done = states.every((s) => s.targetStatus !== undefined || s.targetStatusReason !== "SCAN_IN_PROGRESS");
        return [{ scanArn: `${configuration.arn}/scan`, scanConfigurationArn: configuration.arn, status: done ? "COMPLETED" : "IN_PROGRESS", scanDate: new Date(startedAt), securityLevel: "LEVEL_1" }];
    }

    private targetState(configuration: FakeCisConfiguration, target: FakeCisTarget): { targetStatus?: string; targetStatusReason?: string; passed: number; failed: number } {
        const elapsed = this.aws.now().getTime() - configuration.createdAt - CIS_START_LAG_MS;
        if (!target.managed) return { targetStatusReason: "SSM_UNMANAGED", passed: 0, failed: 0 };
        if (!target.hasPolicy) return elapsed >= CIS_SESSION_TIMEOUT_MS ? { targetStatus: "TIMED_OUT", passed: 0, failed: 0 } : { targetStatusReason: "SCAN_IN_PROGRESS", passed: 0, failed: 0 };
        if (elapsed < this.checkMs) return { targetStatusReason: "SCAN_IN_PROGRESS", passed: 0, failed: 0 };
        const imageId = this.aws.instances.find((i) => i.instanceId === target.instanceId)?.imageId ?? "";
        return { targetStatus: "COMPLETED", passed: FakeInspectorCis.PASSED_CHECKS, failed: (this.failedChecksByImage[imageId] ?? []).length };
    }

    private aggregation(configuration: FakeCisConfiguration, target: FakeCisTarget) {
        const state = this.targetState(configuration, target);
        // Shape: SDK CisTargetResourceAggregation (reference section 5); platform from the SDK docs' example (AMAZON_LINUX_2).
        // [?] skipped is always 0 and a target's counts are 0 until it is COMPLETED.
        return {
            scanArn: `${configuration.arn}/scan`,
            targetResourceId: target.instanceId,
            accountId: FAKE_ACCOUNT,
            platform: "AMAZON_LINUX_2",
            statusCounts: { passed: state.passed, failed: state.failed, skipped: 0 },
            ...(state.targetStatus ? { targetStatus: state.targetStatus } : {}),
            ...(state.targetStatusReason ? { targetStatusReason: state.targetStatusReason } : {}),
        };
    }

    /** Configurations not deleted. */
    live(): FakeCisConfiguration[] {
        return this.configurations.filter((c) => !c.deleted);
    }
}
