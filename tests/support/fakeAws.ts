// A stateful fake of the AWS services the Inspector v2 engine talks to: EC2 (images, instances,
// tags, image findings), Inspector v2 (account status, coverage, findings), S3 (objects with
// ETags and conditional writes) and SNS (recorded messages). The real handlers run against it
// through aws-sdk-client-mock; the test moves the world (scans, findings, the clock) and injects
// faults (throttling N times, an error, or a hang that stands for the Lambda dying mid-step).
import {
    CreateTagsCommand,
    DescribeImagesCommand,
    DescribeInstancesCommand,
    EC2Client,
    EC2ServiceException,
    Filter,
    GetImageFindingsCommand,
    Image,
    ImageFinding,
    Instance,
    RunInstancesCommand,
    RunInstancesCommandInput,
    Tag,
    TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
    BatchGetAccountStatusCommand,
    CoveredResource,
    Finding,
    GetConfigurationCommand,
    GetEc2DeepInspectionConfigurationCommand,
    Inspector2Client,
    Inspector2ServiceException,
    ListCoverageCommand,
    ListFindingsCommand,
    StringFilter,
} from "@aws-sdk/client-inspector2";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { isolatedMock } from "./launchFixtures";
import { describableImage, wireImageDeprecation } from "./fakeImageDeprecation";

export const FAKE_REGION = "us-east-1";
export const FAKE_ACCOUNT = "111122223333";

/** One injected fault: the next `times` calls of `command` matching `when` throw `error()` (or never answer, `hang`). */
export interface Fault {
    command: string;
    when?: (input: any) => boolean;
    times: number;
    error?: () => Error;
    /** The call never answers: the invocation is dead at this step (a Lambda timeout or crash). */
    hang?: boolean;
    /** How many times it fired. */
    fired: number;
}

export interface FakeInstance {
    instanceId: string;
    imageId: string;
    state: "pending" | "running" | "shutting-down" | "terminated";
    launchTime: Date;
    /** When it was terminated (instance-hours in the bench). */
    terminatedAt?: Date;
    tags: Tag[];
    clientToken?: string;
    input: RunInstancesCommandInput;
}

export interface S3Object {
    body: string;
    etag: string;
    /** When it was written (SDK GetObjectOutput.LastModified). */
    lastModified?: Date;
}

export interface PublishedMessage {
    topicArn?: string;
    subject?: string;
    message: string;
    at: Date;
}

/**
 * ListFindings lags behind coverage: a finding of a scan appears this long after coverage says
 * SUCCESSFUL. Documented for Inspector's ECR scans (seconds); for EC2 the docs say nothing
 * (reference section 10 [?]), so this is an assumption: minutes, shorter than the settle time.
 */
export const FINDINGS_LAG_MS = 3 * 60_000;
/** Inspector's EC2 exclusion tag key (user guide, "Excluding instances from scans"). */
export const EXCLUSION_TAG = "InspectorEc2Exclusion";

export type FakeSeverity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFORMATIONAL" | "UNTRIAGED";

export function throttlingError(message = "Rate exceeded"): Error {
    return new Inspector2ServiceException({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

export function ec2ThrottlingError(): Error {
    return new EC2ServiceException({ name: "RequestLimitExceeded", $fault: "client", $metadata: { httpStatusCode: 503 }, message: "Request limit exceeded." });
}

export function ec2ErrorNamed(name: string, message = `${name} (fake)`): Error {
    return new EC2ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

export function s3Error(name: string, httpStatusCode: number, message = `${name} (fake)`): Error {
    return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? "server" : "client", $metadata: { httpStatusCode }, message });
}

/** A crash that is not transient: nothing retries it. */
export function crashError(step: string): Error {
    const error = new Error(`injected crash at ${step}`);
    error.name = "InjectedCrash";
    return error;
}

function stringFilterMatches(filters: StringFilter[] | undefined, value: string | undefined, label: string): boolean {
    if (!filters || filters.length === 0) return true;
    if (filters.length > 10) throw new Error(`fake: ${label} filter list has ${filters.length} entries; the API allows at most 10`);
    const equals = filters.filter((f) => f.comparison === "EQUALS");
    const notEquals = filters.filter((f) => f.comparison === "NOT_EQUALS");
    const prefixes = filters.filter((f) => f.comparison === "PREFIX");
    if (notEquals.some((f) => f.value === value)) return false;
    if (equals.length === 0 && prefixes.length === 0) return true;
    return equals.some((f) => f.value === value) || prefixes.some((f) => value !== undefined && value.startsWith(f.value ?? ""));
}

function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
    return tags?.find((tag) => tag.Key === key)?.Value;
}

function ec2FilterMatches(filters: Filter[] | undefined, tags: Tag[] | undefined, extra: Record<string, string | undefined>): boolean {
    return (filters ?? []).every((filter) => {
        const values = filter.Values ?? [];
        if (filter.Name?.startsWith("tag:")) {
            const value = tagValue(tags, filter.Name.slice(4));
            return value !== undefined && values.includes(value);
        }
        if (filter.Name && filter.Name in extra) return values.includes(extra[filter.Name] ?? "");
        throw new Error(`fake EC2 does not know filter ${filter.Name}`);
    });
}

export class FakeAws {
    // --- clock -------------------------------------------------------------------------------
    ms: number;
    readonly sleeps: number[] = [];
    now = (): Date => new Date(this.ms);
    /** deps.sleep: advances the fake clock at once. */
    sleep = async (ms: number): Promise<void> => {
        this.sleeps.push(ms);
        this.ms += ms;
    };
    advance(ms: number): void {
        this.ms += ms;
    }
    advanceSeconds(seconds: number): void {
        this.ms += seconds * 1000;
    }

    // --- state -------------------------------------------------------------------------------
    images: Image[] = [];
    imageFindings: Record<string, ImageFinding[]> = {};
    instances: FakeInstance[] = [];
    accountEc2Status = "ENABLED";
    accountStatus = "ENABLED";
    coverage = new Map<string, CoveredResource>();
    findings: Finding[] = [];
    /** When each finding shows in ListFindings (FINDINGS_LAG_MS after its scan); absent: not yet scanned, not shown. */
    findingVisibleAt = new Map<string, number>();
    findingsLagMs = FINDINGS_LAG_MS;
    /** GetEc2DeepInspectionConfiguration status: on by default for accounts activated after 2023-04-17 (reference section 10). */
    deepInspectionStatus: "ACTIVATED" | "DEACTIVATED" | "PENDING" | "FAILED" = "ACTIVATED";
    /** GetConfiguration's EC2 scan mode (SDK Ec2ScanModeState.scanMode: EC2_SSM_AGENT_BASED | EC2_HYBRID; reference section 10, "Hybrid scan mode"). */
    scanMode = "EC2_HYBRID";
    /** Coverage rows without scanMode: the SDK's CoveredResource.scanMode is optional. */
    coverageOmitsScanMode = false;
    /** Called before every Inspector v2 answer: a time-based model (fakeInspector2Timeline.ts) moves the world to now. */
    beforeInspector?: () => void;
    /** Findings that were ACTIVE until their instance was terminated (Inspector closed them). */
    closedByTermination = new Set<string>();
    /** Ground truth for PASS: when each instance was last scanned successfully (kept after it is terminated). */
    successfulScans = new Map<string, Date>();
    objects = new Map<string, S3Object>();
    /** Every successful PutObject, in order (key, body). */
    puts: { key: string; body: string }[] = [];
    published: PublishedMessage[] = [];
    faults: Fault[] = [];
    /** Commands called, in order, with a short note. */
    calls: string[] = [];
    /** Real time every call takes (benchmarks); 0 in tests, which run on the fake clock. */
    latencyMs = 0;
    /**
     * Buckets of other accounts this world's S3 client can reach (S3 routes by bucket name, across
     * accounts): bucket name -> the owner's side, which decides with its bucket policy (fakeHub.ts).
     * Every other bucket name is this world's own bucket.
     */
    foreignBuckets = new Map<string, (command: string, input: any) => Promise<any>>();

    // Small pages force every reader to page.
    imagePageSize = 2;
    coveragePageSize = 2;
    findingsPageSize = 3;
    imageFindingsPageSize = 2;
    s3ListPageSize = 2;

    private instanceCounter = 0x10000;
    private etagCounter = 0;
    private findingCounter = 0;

    readonly ec2 = new EC2Client({ region: FAKE_REGION });
    readonly inspector2 = new Inspector2Client({ region: FAKE_REGION });
    readonly s3 = new S3Client({ region: FAKE_REGION });
    readonly sns = new SNSClient({ region: FAKE_REGION });

    constructor(start: Date) {
        this.ms = start.getTime();
        this.wireEc2();
        this.wireInspector2();
        this.wireS3();
        this.wireSns();
    }

    // --- faults ------------------------------------------------------------------------------
    /** The next `times` calls of `command` (matching `when`) fail with `error`. */
    failNext(command: string, times: number, error: () => Error, when?: (input: any) => boolean): Fault {
        const fault: Fault = { command, times, error, when, fired: 0 };
        this.faults.push(fault);
        return fault;
    }
    throttle(command: string, times: number, when?: (input: any) => boolean): Fault {
        return this.failNext(command, times, command.startsWith("RunInstances") || command.startsWith("Describe") ? ec2ThrottlingError : throttlingError, when);
    }
    /** The next matching call never answers: the invocation that made it is dead from here on. */
    hangAt(command: string, when?: (input: any) => boolean): Fault {
        const fault: Fault = { command, times: 1, hang: true, when, fired: 0 };
        this.faults.push(fault);
        return fault;
    }
    clearFaults(): void {
        this.faults = [];
    }

    /** Every faked call passes here: interleaving, faults, the call log. Other fakes (Inspector Classic) reuse it. */
    async enter(command: string, input: any, note = ""): Promise<void> {
        // Let concurrent invocations interleave at every call, as real network calls do.
        await new Promise((resolve) => (this.latencyMs > 0 ? setTimeout(resolve, this.latencyMs) : setImmediate(resolve)));
        for (const fault of this.faults) {
            if (fault.command !== command || fault.times <= 0 || (fault.when && !fault.when(input))) continue;
            fault.times--;
            fault.fired++;
            this.calls.push(`${command} ${note} FAULT${fault.hang ? " (hang)" : ""}`);
            if (fault.hang) await new Promise<never>(() => undefined);
            throw fault.error!();
        }
        this.calls.push(`${command} ${note}`.trim());
    }

    callCount(command: string): number {
        return this.calls.filter((call) => call.split(" ")[0] === command).length;
    }

    // --- EC2 ---------------------------------------------------------------------------------
    addImage(
        imageId: string,
        options: { tags?: Record<string, string>; architecture?: string; scanResults?: Image["ScanResults"]; name?: string; ownerId?: string; deprecationTime?: string } = {},
    ): Image {
        const image: Image = {
            ImageId: imageId,
            Name: options.name ?? `golden-${imageId}`,
            Architecture: (options.architecture ?? "x86_64") as Image["Architecture"],
            PlatformDetails: "Linux/UNIX",
            RootDeviceName: "/dev/xvda",
            RootDeviceType: "ebs",
            State: "available",
            OwnerId: options.ownerId ?? FAKE_ACCOUNT,
            ...(options.deprecationTime ? { DeprecationTime: options.deprecationTime } : {}),
            Tags: Object.entries(options.tags ?? { Golden: "true" }).map(([Key, Value]) => ({ Key, Value })),
            ...(options.scanResults ? { ScanResults: options.scanResults } : {}),
        };
        this.images.push(image);
        return image;
    }

    imageTags(imageId: string): Record<string, string> {
        const image = this.images.find((i) => i.ImageId === imageId);
        return Object.fromEntries((image?.Tags ?? []).map((tag) => [tag.Key!, tag.Value ?? ""]));
    }

    liveInstances(): FakeInstance[] {
        return this.instances.filter((instance) => instance.state === "pending" || instance.state === "running");
    }

    instanceFor(imageId: string, runId?: string): FakeInstance {
        const found = this.instances.filter((i) => i.imageId === imageId && (!runId || tagValue(i.tags, "golden-ami-assessment:run-id") === runId));
        if (found.length === 0) throw new Error(`fake: no instance launched from ${imageId}`);
        return found[found.length - 1];
    }

    private wireEc2(): void {
        const mock = isolatedMock(this.ec2);
        mock.on(DescribeImagesCommand).callsFake(async (input) => {
            await this.enter("DescribeImages", input);
            const owners: string[] = input.Owners ?? [];
            const matching = this.images.filter(
                (image) =>
                    // "self" is the caller's account; every other image is taken as shared with it.
                    (owners.length === 0 || (owners.includes("self") && image.OwnerId === FAKE_ACCOUNT) || owners.includes(image.OwnerId ?? "")) &&
                    describableImage(image, input, FAKE_ACCOUNT, this.now()) &&
                    // image-id: a DescribeImages filter (EC2 API reference); an unknown ID matches nothing, no error.
                    ec2FilterMatches(input.Filters, image.Tags, { state: image.State, "image-id": image.ImageId }),
            );
            const offset = input.NextToken ? Number(input.NextToken) : 0;
            const size = Math.min(this.imagePageSize, input.MaxResults ?? Infinity);
            const page = matching.slice(offset, offset + size).map((image) => structuredClone(image));
            return { Images: page, NextToken: offset + size < matching.length ? String(offset + size) : undefined };
        });
        mock.on(RunInstancesCommand).callsFake(async (input: RunInstancesCommandInput) => {
            await this.enter("RunInstances", input, input.ImageId);
            if (input.ClientToken) {
                const existing = this.instances.find((i) => i.clientToken === input.ClientToken);
                if (existing) {
                    if (existing.imageId !== input.ImageId) throw ec2ErrorNamed("IdempotentParameterMismatch");
                    return { Instances: [{ InstanceId: existing.instanceId, ImageId: existing.imageId }] };
                }
            }
            const image = this.images.find((i) => i.ImageId === input.ImageId);
            if (!image) throw ec2ErrorNamed("InvalidAMIID.NotFound", `The image id '[${input.ImageId}]' does not exist`);
            const instanceId = `i-${(this.instanceCounter++).toString(16).padStart(17, "0")}`;
            const tags = input.TagSpecifications?.find((spec) => spec.ResourceType === "instance")?.Tags ?? [];
            this.instances.push({ instanceId, imageId: input.ImageId!, state: "running", launchTime: this.now(), tags: [...tags], clientToken: input.ClientToken, input });
            // Inspector never scans an instance with the exclusion tag key (user guide, "Excluding instances from scans";
            // reference section 10; SDK ScanStatusReason EXCLUDED_BY_TAG). [?] The row is shown from launch: when it
            // first appears is undocumented; either way the instance is never SUCCESSFUL, so no PASS.
            if (this.excluded(instanceId)) this.setCoverage(instanceId, { statusCode: "INACTIVE", reason: "EXCLUDED_BY_TAG" });
            return { Instances: [{ InstanceId: instanceId, ImageId: input.ImageId }] };
        });
        mock.on(DescribeInstancesCommand).callsFake(async (input) => {
            await this.enter("DescribeInstances", input);
            const ids: string[] | undefined = input.InstanceIds;
            const found = this.instances.filter(
                (i) => (!ids || ids.includes(i.instanceId)) && ec2FilterMatches(input.Filters, i.tags, { "instance-state-name": i.state, "instance-id": i.instanceId }),
            );
            const instances: Instance[] = found.map((i) => ({
                InstanceId: i.instanceId,
                ImageId: i.imageId,
                State: { Name: i.state },
                LaunchTime: i.launchTime,
                Tags: structuredClone(i.tags),
            }));
            return { Reservations: instances.length ? [{ Instances: instances }] : [] };
        });
        mock.on(TerminateInstancesCommand).callsFake(async (input) => {
            const ids: string[] = input.InstanceIds ?? [];
            await this.enter("TerminateInstances", input, ids.join(","));
            const unknown = ids.find((id) => !this.instances.some((i) => i.instanceId === id));
            if (unknown) throw ec2ErrorNamed("InvalidInstanceID.NotFound", `The instance ID '${unknown}' does not exist`);
            for (const id of ids) this.terminate(id);
            return { TerminatingInstances: ids.map((InstanceId) => ({ InstanceId, CurrentState: { Name: "shutting-down" as const } })) };
        });
        mock.on(CreateTagsCommand).callsFake(async (input) => {
            await this.enter("CreateTags", input, (input.Resources ?? []).join(","));
            for (const resource of input.Resources ?? []) {
                const image = this.images.find((i) => i.ImageId === resource);
                if (!image) throw ec2ErrorNamed("InvalidAMIID.NotFound", `The image id '[${resource}]' does not exist`);
                for (const tag of input.Tags ?? []) {
                    image.Tags = [...(image.Tags ?? []).filter((t) => t.Key !== tag.Key), { Key: tag.Key, Value: tag.Value }];
                }
            }
            return {};
        });
        mock.on(GetImageFindingsCommand).callsFake(async (input) => {
            await this.enter("GetImageFindings", input, input.ImageId);
            const all = this.imageFindings[input.ImageId!] ?? [];
            const offset = input.NextToken ? Number(input.NextToken) : 0;
            const size = Math.min(this.imageFindingsPageSize, input.MaxResults ?? Infinity);
            return { ImageFindings: all.slice(offset, offset + size), NextToken: offset + size < all.length ? String(offset + size) : undefined };
        });
        wireImageDeprecation(mock, this, FAKE_ACCOUNT);
    }

    /** What EC2 and Inspector do when an instance goes: its findings close, its coverage row says so. */
    private terminate(instanceId: string): void {
        const instance = this.instances.find((i) => i.instanceId === instanceId)!;
        if (instance.state === "terminated" || instance.state === "shutting-down") return;
        instance.state = "terminated";
        instance.terminatedAt = this.now();
        // [?] Suppressed findings close with their resource too (undocumented): the pessimistic
        // choice, as a reader after termination then finds neither.
        for (const finding of this.findings) {
            if (finding.resources?.some((r) => r.id === instanceId) && (finding.status === "ACTIVE" || finding.status === "SUPPRESSED")) {
                finding.status = "CLOSED";
                this.closedByTermination.add(finding.findingArn!);
            }
        }
        const row = this.coverage.get(instanceId);
        if (row) row.scanStatus = { statusCode: "INACTIVE", reason: "RESOURCE_TERMINATED" };
    }

    // --- Inspector v2 ------------------------------------------------------------------------
    excluded(instanceId: string): boolean {
        return this.instances.find((i) => i.instanceId === instanceId)?.tags.some((tag) => tag.Key === EXCLUSION_TAG) ?? false;
    }

    private setCoverage(instanceId: string, fields: { statusCode: string; reason: string; at?: Date; scanMode?: string }): void {
        const instance = this.instances.find((i) => i.instanceId === instanceId)!;
        this.coverage.set(instanceId, {
            resourceType: "AWS_EC2_INSTANCE",
            resourceId: instanceId,
            accountId: FAKE_ACCOUNT,
            scanType: "PACKAGE",
            scanStatus: { statusCode: fields.statusCode as any, reason: fields.reason as any },
            resourceMetadata: { ec2: { amiId: instance.imageId, platform: "LINUX" } },
            ...(fields.at ? { lastScannedAt: fields.at } : {}),
            ...(this.coverageOmitsScanMode ? {} : { scanMode: (fields.scanMode ?? "EC2_SSM_AGENT_BASED") as any }),
        });
    }

    /**
     * Sets the instance's PACKAGE coverage row as Inspector would report it, and returns the
     * `Inspector2 Scan` event Inspector sends for it (best effort: the test decides whether it
     * arrives). The instance's findings not yet shown appear FINDINGS_LAG_MS after the scan.
     * An instance with the exclusion tag is never scanned (its row stays EXCLUDED_BY_TAG).
     */
    scan(instanceId: string, options: { reason?: string; at?: Date; statusCode?: "ACTIVE" | "INACTIVE"; scanMode?: string } = {}): ReturnType<FakeAws["scanEvent"]> | undefined {
        const reason = options.reason ?? "SUCCESSFUL";
        const instance = this.instances.find((i) => i.instanceId === instanceId);
        if (!instance) throw new Error(`fake: scan of unknown instance ${instanceId}`);
        if (this.excluded(instanceId)) return undefined;
        const at = options.at ?? this.now();
        // ACTIVE + DEEP_INSPECTION_* = OS packages scanned, language packages not (reference section 3 and 10);
        // every other reason of a scan that did not happen is INACTIVE (SDK ScanStatus.statusCode ACTIVE | INACTIVE).
        const active = reason === "SUCCESSFUL" || reason.startsWith("DEEP_INSPECTION_");
        const statusCode = options.statusCode ?? (active ? "ACTIVE" : "INACTIVE");
        const scanMode = options.scanMode ?? "EC2_SSM_AGENT_BASED";
        // Ground truth for PASS: a complete agent-based scan (not agentless, not deep inspection pending).
        if (reason === "SUCCESSFUL" && statusCode === "ACTIVE" && scanMode !== "EC2_AGENTLESS") this.successfulScans.set(instanceId, at);
        // lastScannedAt is optional (SDK CoveredResource); [?] a row of no scan carries none here (no scan time without a scan).
        this.setCoverage(instanceId, { statusCode, reason, at: active || options.at ? at : undefined, scanMode });
        if (!active || statusCode !== "ACTIVE") return undefined;
        // Findings show FINDINGS_LAG_MS after the scan: [?] (reference section 10, undocumented for EC2).
        for (const finding of this.findingsOf(instanceId)) if (!this.findingVisibleAt.has(finding.findingArn!)) this.findingVisibleAt.set(finding.findingArn!, at.getTime() + this.findingsLagMs);
        // INITIAL_SCAN_COMPLETE is sent "when an initial scan is completed" (user guide, "EventBridge
        // events sent for enhanced scanning"): once per resource, for its first scan of any mode
        // (agentless, or DEEP_INSPECTION_NO_INVENTORY with OS packages only); later scans send none.
        // [?] Which scan counts as "initial" is our reading: an event on a partial first scan wakes the
        // engine before the full results exist (the pessimistic case), and none later (delivery is best effort, reference section 3).
        if (this.initialScanSent.has(instanceId)) return undefined;
        this.initialScanSent.add(instanceId);
        return this.scanEvent(instanceId, at);
    }

    /** Instances whose INITIAL_SCAN_COMPLETE event was sent (their first scan). */
    readonly initialScanSent = new Set<string>();

    /**
     * What an account suppression rule does to a finding: its status becomes SUPPRESSED (user guide,
     * "Suppressing Amazon Inspector findings"; API reference Finding.status ACTIVE | SUPPRESSED | CLOSED).
     */
    suppressFinding(finding: Finding): void {
        finding.status = "SUPPRESSED";
    }

    private findingsOf(instanceId: string): Finding[] {
        return this.findings.filter((finding) => finding.resources?.[0]?.id === instanceId);
    }

    /**
     * The `Inspector2 Scan` event for the instance's current findings (user guide, "EventBridge
     * events": detail.scan-status, detail.instance-id, detail.finding-severity-counts with TOTAL),
     * in the EventBridge envelope whose `time` every event carries (EventBridge user guide, "Amazon
     * EventBridge events": time, second precision). [?] Whether the counts include SUPPRESSED
     * findings is undocumented: they do here, so an engine comparing them with ACTIVE findings only never settles by count.
     * [?] The docs example has only CRITICAL, HIGH, MEDIUM and TOTAL (reference section 3); LOW, INFORMATIONAL and
     * UNTRIAGED are counted in TOTAL (and under their own key) here: a larger count to wait for, never a smaller one.
     */
    scanEvent(instanceId: string, at: Date = this.now()) {
        const counts: Record<string, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, TOTAL: 0 };
        for (const finding of this.findingsOf(instanceId).filter((f) => f.status === "ACTIVE" || f.status === "SUPPRESSED")) {
            counts[finding.severity!] = (counts[finding.severity!] ?? 0) + 1;
            counts.TOTAL++;
        }
        return {
            source: "aws.inspector2",
            "detail-type": "Inspector2 Scan",
            time: new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z"),
            resources: [instanceId],
            detail: { "scan-status": "INITIAL_SCAN_COMPLETE", "instance-id": instanceId, version: "1.0", "finding-severity-counts": counts },
        };
    }

    /**
     * One ACTIVE package finding on the instance. It shows in ListFindings FINDINGS_LAG_MS after
     * the instance's next scan (or after now, when the instance was scanned already). UNTRIAGED
     * findings carry the vendor's severity when given (reference section 10).
     */
    addFinding(instanceId: string, severity: FakeSeverity, cveId?: string, options: { vendorSeverity?: string; awaitNextScan?: boolean } = {}): Finding {
        const instance = this.instances.find((i) => i.instanceId === instanceId);
        if (!instance) throw new Error(`fake: finding on unknown instance ${instanceId}`);
        const n = ++this.findingCounter;
        const cve = cveId ?? `CVE-2026-${String(10000 + n)}`;
        const at = this.now();
        const finding: Finding = {
            findingArn: `arn:aws:inspector2:${FAKE_REGION}:${FAKE_ACCOUNT}:finding/f${n.toString(16).padStart(8, "0")}`,
            awsAccountId: FAKE_ACCOUNT,
            type: "PACKAGE_VULNERABILITY",
            title: `${cve} - openssl`,
            description: `fake finding ${n}`,
            severity,
            status: "ACTIVE",
            firstObservedAt: at,
            lastObservedAt: at,
            remediation: { recommendation: { text: "Update openssl." } },
            resources: [{ type: "AWS_EC2_INSTANCE", id: instanceId, details: { awsEc2Instance: { imageId: instance.imageId } } }],
            packageVulnerabilityDetails: {
                vulnerabilityId: cve,
                source: "NVD",
                vulnerablePackages: [{ name: "openssl", version: "1.0.2k" }],
                ...(options.vendorSeverity ? { vendorSeverity: options.vendorSeverity } : {}),
            },
            inspectorScore: severity === "CRITICAL" ? 9.8 : severity === "HIGH" ? 7.5 : 5,
        };
        this.findings.push(finding);
        const row = this.coverage.get(instanceId);
        // [?] A finding added to an instance already scanned shows after the same lag (reference section 10 [?]), as if rescanned.
        if (!options.awaitNextScan && row?.scanStatus?.statusCode === "ACTIVE" && row.lastScannedAt) this.findingVisibleAt.set(finding.findingArn!, at.getTime() + this.findingsLagMs);
        return finding;
    }

    /** Shown in ListFindings now: its scan is done and the lag has passed. */
    findingVisible(finding: Finding): boolean {
        const visibleAt = this.findingVisibleAt.get(finding.findingArn!);
        return visibleAt !== undefined && visibleAt <= this.ms;
    }

    private wireInspector2(): void {
        const mock = isolatedMock(this.inspector2);
        mock.on(BatchGetAccountStatusCommand).callsFake(async (input) => {
            await this.enter("BatchGetAccountStatus", input);
            return {
                accounts: [
                    {
                        accountId: FAKE_ACCOUNT,
                        state: { status: this.accountStatus },
                        resourceState: { ec2: { status: this.accountEc2Status }, ecr: { status: "DISABLED" } },
                    },
                ],
                failedAccounts: [],
            } as any;
        });
        mock.on(GetConfigurationCommand).callsFake(async (input) => {
            await this.enter("GetConfiguration", input);
            // Shape: SDK GetConfigurationResponse.ec2Configuration.scanModeState (Ec2ScanModeState: scanMode, scanModeStatus SUCCESS | PENDING).
            return { ec2Configuration: { scanModeState: { scanMode: this.scanMode, scanModeStatus: "SUCCESS" } } } as any;
        });
        mock.on(GetEc2DeepInspectionConfigurationCommand).callsFake(async (input) => {
            await this.enter("GetEc2DeepInspectionConfiguration", input);
            // Shape: SDK GetEc2DeepInspectionConfigurationResponse (status ACTIVATED | DEACTIVATED | PENDING | FAILED; reference section 10).
            return { status: this.deepInspectionStatus, packagePaths: [], orgPackagePaths: [] };
        });
        mock.on(ListCoverageCommand).callsFake(async (input) => {
            await this.enter("ListCoverage", input);
            this.beforeInspector?.();
            const criteria = input.filterCriteria ?? {};
            const rows = [...this.coverage.values()].filter(
                (row) =>
                    stringFilterMatches(criteria.resourceId, row.resourceId, "resourceId") &&
                    stringFilterMatches(criteria.resourceType, row.resourceType, "resourceType") &&
                    stringFilterMatches(criteria.scanType, row.scanType, "scanType"),
            );
            const offset = input.nextToken ? Number(input.nextToken.replace("cov-", "")) : 0;
            const size = Math.min(this.coveragePageSize, input.maxResults ?? Infinity);
            return { coveredResources: rows.slice(offset, offset + size).map((row) => structuredClone(row)), nextToken: offset + size < rows.length ? `cov-${offset + size}` : undefined };
        });
        mock.on(ListFindingsCommand).callsFake(async (input) => {
            await this.enter("ListFindings", input);
            this.beforeInspector?.();
            const criteria = input.filterCriteria ?? {};
            const matching = this.findings.filter(
                (finding) =>
                    // Not before its scan's findings lag has passed (FINDINGS_LAG_MS [?], reference section 10).
                    this.findingVisible(finding) &&
                    stringFilterMatches(criteria.resourceId, finding.resources?.[0]?.id, "resourceId") &&
                    stringFilterMatches(criteria.findingStatus, finding.status, "findingStatus") &&
                    stringFilterMatches(criteria.findingType, finding.type, "findingType"),
            );
            const offset = input.nextToken ? Number(input.nextToken.replace("fnd-", "")) : 0;
            const size = Math.min(this.findingsPageSize, input.maxResults ?? Infinity);
            return { findings: matching.slice(offset, offset + size).map((f) => structuredClone(f)), nextToken: offset + size < matching.length ? `fnd-${offset + size}` : undefined };
        });
    }

    // --- S3 ----------------------------------------------------------------------------------
    object(key: string): S3Object | undefined {
        return this.objects.get(key);
    }
    json<T = any>(key: string): T | undefined {
        const object = this.objects.get(key);
        return object ? (JSON.parse(object.body) as T) : undefined;
    }
    keys(prefix = ""): string[] {
        return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    }
    putsOf(key: string): number {
        return this.puts.filter((put) => put.key === key).length;
    }

    private wireS3(): void {
        const mock = isolatedMock(this.s3);
        mock.on(PutObjectCommand).callsFake(async (input) => {
            await this.enter("PutObject", input, input.Key);
            if (this.foreignBuckets.has(input.Bucket)) return this.foreignBuckets.get(input.Bucket)!("PutObject", input);
            const key: string = input.Key;
            const existing = this.objects.get(key);
            if (input.IfNoneMatch === "*" && existing) throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
            if (input.IfMatch !== undefined) {
                if (!existing) throw s3Error("NoSuchKey", 404, "The specified key does not exist.");
                if (existing.etag !== input.IfMatch) throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
            }
            const body = typeof input.Body === "string" ? input.Body : Buffer.from(input.Body as Uint8Array).toString("utf8");
            const etag = `"etag-${++this.etagCounter}"`;
            this.objects.set(key, { body, etag, lastModified: this.now() });
            this.puts.push({ key, body });
            return { ETag: etag };
        });
        mock.on(GetObjectCommand).callsFake(async (input) => {
            await this.enter("GetObject", input, input.Key);
            if (this.foreignBuckets.has(input.Bucket)) return this.foreignBuckets.get(input.Bucket)!("GetObject", input);
            const object = this.objects.get(input.Key);
            if (!object) throw s3Error("NoSuchKey", 404, "The specified key does not exist.");
            const body = object.body;
            return { Body: { transformToString: async () => body } as any, ETag: object.etag, LastModified: object.lastModified };
        });
        mock.on(ListObjectsV2Command).callsFake(async (input) => {
            await this.enter("ListObjectsV2", input, input.Prefix);
            if (this.foreignBuckets.has(input.Bucket)) return this.foreignBuckets.get(input.Bucket)!("ListObjectsV2", input);
            const keys = this.keys(input.Prefix ?? "");
            const offset = input.ContinuationToken ? Number(input.ContinuationToken.replace("list-", "")) : 0;
            const size = Math.min(this.s3ListPageSize, input.MaxKeys ?? Infinity);
            const truncated = offset + size < keys.length;
            return {
                Contents: keys.slice(offset, offset + size).map((Key) => ({ Key, ETag: this.objects.get(Key)!.etag })),
                KeyCount: Math.min(size, keys.length - offset),
                IsTruncated: truncated,
                NextContinuationToken: truncated ? `list-${offset + size}` : undefined,
            };
        });
        mock.on(DeleteObjectCommand).callsFake(async (input) => {
            await this.enter("DeleteObject", input, input.Key);
            if (this.foreignBuckets.has(input.Bucket)) return this.foreignBuckets.get(input.Bucket)!("DeleteObject", input);
            this.objects.delete(input.Key);
            return {};
        });
    }

    // --- SNS ---------------------------------------------------------------------------------
    /** Report summaries (not start notices): their subject starts "Golden AMI assessment". */
    reportMessages(): PublishedMessage[] {
        return this.published.filter((message) => message.subject?.startsWith("Golden AMI assessment"));
    }

    private wireSns(): void {
        const mock = isolatedMock(this.sns);
        mock.on(PublishCommand).callsFake(async (input) => {
            await this.enter("Publish", input, input.Subject);
            this.published.push({ topicArn: input.TopicArn, subject: input.Subject, message: input.Message ?? "", at: this.now() });
            return { MessageId: `msg-${this.published.length}` };
        });
    }
}
