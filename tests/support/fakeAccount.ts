// A stateful fake of the read-only calls the doctor makes, one FakeAws world per region. It builds
// on FakeAws: the golden AMIs, DescribeImages, the fault injection (throttle, failNext), the call
// log and the per-call latency are the world's (every call passes world.enter). The rest is
// modelled here; each behaviour cites its source, and where none exists it fails closed.
import { createHash } from "crypto";
import {
    DescribeImagesCommand,
    DescribeInstanceTypesCommand,
    DescribeRouteTablesCommand,
    DescribeSnapshotsCommand,
    DescribeSubnetsCommand,
    DescribeVpcEndpointsCommand,
    DescribeVpcsCommand,
    EC2Client,
    Filter,
    Image,
    InstanceTypeInfo,
    RouteTable,
    Snapshot,
    Subnet,
    Vpc,
    VpcEndpoint,
} from "@aws-sdk/client-ec2";
import { InspectorClient, ListRulesPackagesCommand } from "@aws-sdk/client-inspector";
import { BatchGetAccountStatusCommand, GetConfigurationCommand, GetEc2DeepInspectionConfigurationCommand, Inspector2Client } from "@aws-sdk/client-inspector2";
import { DescribeKeyCommand, KMSClient, KMSServiceException } from "@aws-sdk/client-kms";
import { GetServiceQuotaCommand, ServiceQuotasClient, ServiceQuotasServiceException } from "@aws-sdk/client-service-quotas";
import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient, Subscription } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { RegionClients } from "../../doctor/gather";
import type { DoctorSettings } from "../../doctor/types";
import { FAKE_ACCOUNT, FakeAws, ec2ErrorNamed } from "./fakeAws";
import { isolatedMock } from "./launchFixtures";

export { FAKE_ACCOUNT };
export const START = new Date("2026-12-03T10:00:00Z");

/** A stack's settings the healthy fake account passes every check with (the component's defaults, tag Golden=true). */
export function doctorSettings(regions: string[], overrides: Partial<DoctorSettings> = {}): DoctorSettings {
    return {
        engine: "inspector2",
        scanMode: "instance",
        enableInspector: false,
        regions,
        amiTags: { Golden: "true" },
        amiOwners: ["self"],
        rulesPackages: ["cve"],
        instanceTypes: { x86_64: "t3.medium", arm64: "t4g.medium" },
        subnets: {},
        maxConcurrentInstances: 10,
        kmsKeyArns: [],
        ...overrides,
    };
}

/** The instance types the fake EC2 offers in every region (vCPUs and architectures from DescribeInstanceTypes, EC2 instance type docs). */
export const INSTANCE_TYPE_CATALOG: InstanceTypeInfo[] = [
    { InstanceType: "t3.medium", VCpuInfo: { DefaultVCpus: 2 }, ProcessorInfo: { SupportedArchitectures: ["x86_64"] } },
    { InstanceType: "t3.xlarge", VCpuInfo: { DefaultVCpus: 4 }, ProcessorInfo: { SupportedArchitectures: ["x86_64"] } },
    { InstanceType: "t4g.medium", VCpuInfo: { DefaultVCpus: 2 }, ProcessorInfo: { SupportedArchitectures: ["arm64"] } },
    { InstanceType: "m7g.large", VCpuInfo: { DefaultVCpus: 2 }, ProcessorInfo: { SupportedArchitectures: ["arm64"] } },
];

/** What a region of the account looks like; every field may be changed by a scenario. */
export interface FakeRegion {
    name: string;
    world: FakeAws;
    /** false: nothing answers (DNS or connect failure before any AWS service sees the call). */
    reachable: boolean;
    accountStatus: string;
    ec2Status: string;
    scanMode: "EC2_SSM_AGENT_BASED" | "EC2_HYBRID";
    deepInspection: "ACTIVATED" | "DEACTIVATED" | "PENDING" | "FAILED";
    classicRulesPackages: number;
    snapshots: Snapshot[];
    /** Key ARN -> KeyManager (DescribeKey KeyMetadata.KeyManager: AWS or CUSTOMER). */
    kmsKeys: Map<string, "AWS" | "CUSTOMER">;
    vpcs: Vpc[];
    subnets: Subnet[];
    routeTables: RouteTable[];
    endpoints: VpcEndpoint[];
    /** Running On-Demand Standard vCPUs (L-1216C47A); undefined: the quota does not exist here. */
    vcpuQuota?: number;
    topics: { arn: string; subscriptions: Subscription[] }[];
}

/** A DNS failure as Node reports it (Node.js docs, dns errors: code ENOTFOUND); the SDK passes it on after its own retries. */
export function unreachableError(host: string): Error {
    return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND", syscall: "getaddrinfo", hostname: host });
}

/** The EC2 filters the fake understands; any other fails the test loudly rather than matching everything. */
function matches(filters: Filter[] | undefined, fields: Record<string, string | undefined>): boolean {
    return (filters ?? []).every((filter) => {
        if (!filter.Name || !(filter.Name in fields)) throw new Error(`fake EC2 does not know filter ${filter.Name}`);
        return (filter.Values ?? []).includes(fields[filter.Name] ?? "");
    });
}

const short = (seed: string) => createHash("sha1").update(seed).digest("hex").slice(0, 17);

export class FakeAccount {
    readonly regions = new Map<string, FakeRegion>();
    /** Every call, as the IAM action it needs ("ec2:DescribeSubnets"), in order, all regions. */
    readonly actions: string[] = [];
    /** The retries' waits (no real time passes). */
    readonly sleeps: number[] = [];
    sleep = async (ms: number): Promise<void> => {
        this.sleeps.push(ms);
    };

    constructor(regionNames: string[], options: { latencyMs?: number } = {}) {
        for (const name of regionNames) this.regions.set(name, this.healthyRegion(name, options.latencyMs ?? 0));
    }

    region(name: string): FakeRegion {
        const region = this.regions.get(name);
        if (!region) throw new Error(`fake: no region ${name}`);
        return region;
    }

    /**
     * A region where every check passes: Inspector on, agent-based, one golden AL2023 AMI, a default
     * VPC as AWS creates it (VPC user guide, "Default VPCs": a default subnet per AZ that assigns
     * public IPv4 addresses, and a main route table whose 0.0.0.0/0 route goes to an internet gateway).
     */
    private healthyRegion(name: string, latencyMs: number): FakeRegion {
        const world = new FakeAws(START);
        world.latencyMs = latencyMs;
        world.imagePageSize = 1000;
        const vpcId = `vpc-${short(`default-${name}`)}`;
        const subnets = ["a", "b"].map((az) => ({ SubnetId: `subnet-${short(`${name}${az}`)}`, VpcId: vpcId, AvailabilityZone: `${name}${az}`, DefaultForAz: true, MapPublicIpOnLaunch: true }));
        const region: FakeRegion = {
            name,
            world,
            reachable: true,
            accountStatus: "ENABLED",
            ec2Status: "ENABLED",
            scanMode: "EC2_SSM_AGENT_BASED",
            deepInspection: "ACTIVATED",
            classicRulesPackages: 4,
            snapshots: [],
            kmsKeys: new Map(),
            vpcs: [{ VpcId: vpcId, IsDefault: true, CidrBlock: "172.31.0.0/16" }],
            subnets,
            routeTables: [
                {
                    RouteTableId: `rtb-${short(`main-${name}`)}`,
                    VpcId: vpcId,
                    Associations: [{ Main: true }],
                    Routes: [
                        { DestinationCidrBlock: "172.31.0.0/16", GatewayId: "local", State: "active" },
                        { DestinationCidrBlock: "0.0.0.0/0", GatewayId: `igw-${short(`igw-${name}`)}`, State: "active" },
                    ],
                },
            ],
            endpoints: [],
            vcpuQuota: 64,
            topics: [],
        };
        this.addGoldenImage(region, "ami-0a000000000000001", { name: "golden-al2023-base" });
        return region;
    }

    /** A golden AMI with one EBS snapshot (unencrypted unless `kmsKeyId` is given). */
    addGoldenImage(region: FakeRegion, imageId: string, options: { name?: string; architecture?: string; kmsKeyId?: string; tags?: Record<string, string>; ownerId?: string; scanResults?: Image["ScanResults"] } = {}): Image {
        const image = region.world.addImage(imageId, { name: options.name, architecture: options.architecture, tags: options.tags, ownerId: options.ownerId, scanResults: options.scanResults });
        const snapshotId = `snap-${imageId.slice(4)}`;
        image.BlockDeviceMappings = [{ DeviceName: "/dev/xvda", Ebs: { SnapshotId: snapshotId, Encrypted: !!options.kmsKeyId, VolumeSize: 8 } }];
        // Shapes: SDK EbsBlockDevice (SnapshotId, Encrypted, VolumeSize) and Snapshot (OwnerId, Encrypted, KmsKeyId, State).
        region.snapshots.push({ SnapshotId: snapshotId, OwnerId: options.ownerId ?? FAKE_ACCOUNT, Encrypted: !!options.kmsKeyId, ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}), State: "completed" });
        return image;
    }

    /** A subnet in a VPC of its own whose route table has only the local route, and no endpoints. */
    addPrivateSubnet(region: FakeRegion, subnetId: string): Subnet {
        const vpcId = `vpc-${short(`private-${subnetId}`)}`;
        const subnet: Subnet = { SubnetId: subnetId, VpcId: vpcId, AvailabilityZone: `${region.name}a`, DefaultForAz: false, MapPublicIpOnLaunch: false };
        region.vpcs.push({ VpcId: vpcId, IsDefault: false, CidrBlock: "10.0.0.0/16" });
        region.subnets.push(subnet);
        region.routeTables.push({ RouteTableId: `rtb-${short(`private-${subnetId}`)}`, VpcId: vpcId, Associations: [{ SubnetId: subnetId, Main: false }], Routes: [{ DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" }] });
        return subnet;
    }

    /** The interface endpoints (private DNS on) and an S3 gateway on the VPC's route tables. */
    addEndpoints(region: FakeRegion, vpcId: string, services: string[], s3Gateway: boolean): void {
        for (const service of services) {
            region.endpoints.push({ VpcEndpointId: `vpce-${short(service + vpcId)}`, VpcId: vpcId, VpcEndpointType: "Interface", ServiceName: `com.amazonaws.${region.name}.${service}`, State: "available" as never, PrivateDnsEnabled: true });
        }
        if (s3Gateway) {
            const tables = region.routeTables.filter((t) => t.VpcId === vpcId).map((t) => t.RouteTableId!);
            region.endpoints.push({ VpcEndpointId: `vpce-${short(`s3${vpcId}`)}`, VpcId: vpcId, VpcEndpointType: "Gateway", ServiceName: `com.amazonaws.${region.name}.s3`, State: "available" as never, RouteTableIds: tables });
        }
    }

    removeDefaultVpc(region: FakeRegion): void {
        const ids = region.vpcs.filter((v) => v.IsDefault).map((v) => v.VpcId);
        region.vpcs = region.vpcs.filter((v) => !v.IsDefault);
        region.subnets = region.subnets.filter((s) => !ids.includes(s.VpcId));
        region.routeTables = region.routeTables.filter((t) => !ids.includes(t.VpcId));
    }

    /** The deployed stack's results topic (Pulumi auto-name: name, a dash, 7 hex characters) and its email subscriptions. */
    addResultsTopic(region: FakeRegion, componentName: string, emails: { address: string; confirmed: boolean }[]): string {
        const arn = `arn:aws:sns:${region.name}:${FAKE_ACCOUNT}:${componentName}-results-a1b2c3d`;
        const subscriptions = emails.map((e, i) => ({
            // An unconfirmed subscription has no ARN yet: ListSubscriptionsByTopic answers "PendingConfirmation" (SNS API reference, Subscription).
            SubscriptionArn: e.confirmed ? `${arn}:0000000${i}-aaaa-bbbb-cccc-dddddddddddd` : "PendingConfirmation",
            Owner: FAKE_ACCOUNT,
            Protocol: "email",
            Endpoint: e.address,
            TopicArn: arn,
        }));
        region.topics.push({ arn, subscriptions });
        return arn;
    }

    /** The doctor's clients of one region, each an own mocked SDK client answering from this fake. */
    clientsFor = (name: string): RegionClients => {
        const region = this.region(name);
        return {
            sts: this.wireSts(region),
            ec2: this.wireEc2(region),
            inspector2: this.wireInspector2(region),
            inspector: this.wireClassic(region),
            sns: this.wireSns(region),
            serviceQuotas: this.wireServiceQuotas(region),
            kms: this.wireKms(region),
        };
    };

    /** Every call: the action log, then the region's reachability, then the world's interleaving, latency and faults. */
    private async enter(region: FakeRegion, action: string, input: unknown): Promise<void> {
        this.actions.push(action);
        const [service, command] = action.split(":");
        if (!region.reachable) throw unreachableError(`${service}.${region.name}.amazonaws.com`);
        await region.world.enter(command, input, region.name);
    }

    private wireSts(region: FakeRegion): STSClient {
        const sts = new STSClient({ region: region.name });
        isolatedMock(sts)
            .on(GetCallerIdentityCommand)
            .callsFake(async (input) => {
                await this.enter(region, "sts:GetCallerIdentity", input);
                // Shape: SDK GetCallerIdentityResponse (Account, Arn, UserId).
                return { Account: FAKE_ACCOUNT, Arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/doctor`, UserId: "AIDADOCTOR" };
            });
        return sts;
    }

    private wireEc2(region: FakeRegion): EC2Client {
        const ec2 = new EC2Client({ region: region.name });
        const mock = isolatedMock(ec2);
        mock.on(DescribeImagesCommand).callsFake(async (input) => {
            // The world answers (owners, tag filters, paging) and applies its faults and latency itself.
            this.actions.push("ec2:DescribeImages");
            if (!region.reachable) throw unreachableError(`ec2.${region.name}.amazonaws.com`);
            return region.world.ec2.send(new DescribeImagesCommand(input));
        });
        mock.on(DescribeSnapshotsCommand).callsFake(async (input) => {
            await this.enter(region, "ec2:DescribeSnapshots", input);
            // Filtered by snapshot-id: a snapshot not visible to the caller is absent, not an error (EC2 API reference, DescribeSnapshots).
            return { Snapshots: region.snapshots.filter((s) => matches(input.Filters, { "snapshot-id": s.SnapshotId })).map((s) => structuredClone(s)) };
        });
        mock.on(DescribeVpcsCommand).callsFake(async (input) => {
            await this.enter(region, "ec2:DescribeVpcs", input);
            // Filter is-default (EC2 API reference, DescribeVpcs filters).
            return { Vpcs: region.vpcs.filter((v) => matches(input.Filters, { "is-default": String(!!v.IsDefault) })).map((v) => structuredClone(v)) };
        });
        mock.on(DescribeSubnetsCommand).callsFake(async (input) => {
            await this.enter(region, "ec2:DescribeSubnets", input);
            const ids: string[] | undefined = input.SubnetIds;
            // An id that does not exist in this region fails the whole call (EC2 API reference, error codes: InvalidSubnetID.NotFound).
            const unknown = ids?.find((id) => !region.subnets.some((s) => s.SubnetId === id));
            if (unknown) throw ec2ErrorNamed("InvalidSubnetID.NotFound", `The subnet ID '${unknown}' does not exist`);
            const found = region.subnets.filter((s) => (!ids || ids.includes(s.SubnetId!)) && matches(input.Filters, { "vpc-id": s.VpcId, "default-for-az": String(!!s.DefaultForAz) }));
            return { Subnets: found.map((s) => structuredClone(s)) };
        });
        mock.on(DescribeRouteTablesCommand).callsFake(async (input) => {
            await this.enter(region, "ec2:DescribeRouteTables", input);
            // A subnet without an explicit association uses the main table (Associations[].Main; VPC user guide, "Route tables").
            return { RouteTables: region.routeTables.filter((t) => matches(input.Filters, { "vpc-id": t.VpcId })).map((t) => structuredClone(t)) };
        });
        mock.on(DescribeVpcEndpointsCommand).callsFake(async (input) => {
            await this.enter(region, "ec2:DescribeVpcEndpoints", input);
            // The API reference and the SDK enum list "Available"; real answers read "available" (AWS CLI examples, InSpec's
            // aws_vpc_endpoint docs): the fake answers lower-case, and the doctor compares without case.
            return { VpcEndpoints: region.endpoints.filter((e) => matches(input.Filters, { "vpc-id": e.VpcId })).map((e) => structuredClone(e)) };
        });
        mock.on(DescribeInstanceTypesCommand).callsFake(async (input) => {
            await this.enter(region, "ec2:DescribeInstanceTypes", input);
            const wanted: string[] = input.InstanceTypes ?? [];
            // A type not offered fails the call (EC2 API reference, DescribeInstanceTypes: InvalidInstanceType).
            const unknown = wanted.find((t) => !INSTANCE_TYPE_CATALOG.some((i) => i.InstanceType === t));
            if (unknown) throw ec2ErrorNamed("InvalidInstanceType", `The following supplied instance types do not exist: [${unknown}]`);
            return { InstanceTypes: INSTANCE_TYPE_CATALOG.filter((i) => wanted.includes(i.InstanceType!)).map((i) => structuredClone(i)) };
        });
        return ec2;
    }

    private wireInspector2(region: FakeRegion): Inspector2Client {
        const client = new Inspector2Client({ region: region.name });
        const mock = isolatedMock(client);
        mock.on(BatchGetAccountStatusCommand).callsFake(async (input) => {
            await this.enter(region, "inspector2:BatchGetAccountStatus", input);
            // Shape: SDK BatchGetAccountStatusResponse (reference/inspector2.md §1).
            return { accounts: [{ accountId: FAKE_ACCOUNT, state: { status: region.accountStatus }, resourceState: { ec2: { status: region.ec2Status }, ecr: { status: "DISABLED" } } }], failedAccounts: [] } as never;
        });
        mock.on(GetConfigurationCommand).callsFake(async (input) => {
            await this.enter(region, "inspector2:GetConfiguration", input);
            // Shape: SDK GetConfigurationResponse.ec2Configuration.scanModeState (Ec2ScanModeState: scanMode, scanModeStatus SUCCESS | PENDING).
            return { ec2Configuration: { scanModeState: { scanMode: region.scanMode, scanModeStatus: "SUCCESS" } } } as never;
        });
        mock.on(GetEc2DeepInspectionConfigurationCommand).callsFake(async (input) => {
            await this.enter(region, "inspector2:GetEc2DeepInspectionConfiguration", input);
            // Shape: SDK GetEc2DeepInspectionConfigurationResponse (status ACTIVATED | DEACTIVATED | PENDING | FAILED; reference section 10).
            return { status: region.deepInspection, packagePaths: [], orgPackagePaths: [] } as never;
        });
        return client;
    }

    private wireClassic(region: FakeRegion): InspectorClient {
        const client = new InspectorClient({ region: region.name });
        // client-inspector 3.523 is typed against older @smithy/types than aws-sdk-client-mock (see isolatedMock).
        isolatedMock(client)
            .on(ListRulesPackagesCommand as any)
            .callsFake(async (input: unknown) => {
                await this.enter(region, "inspector:ListRulesPackages", input);
                // Shape: SDK ListRulesPackagesResponse.rulesPackageArns; 316112463485 is us-east-1's rules-package owner in the
                // Inspector Classic user guide's ARN tables [?: the fake uses it in every region].
                return { rulesPackageArns: Array.from({ length: region.classicRulesPackages }, (_, i) => `arn:aws:inspector:${region.name}:316112463485:rulespackage/0-fake${i}`) };
            });
        return client;
    }

    private wireSns(region: FakeRegion): SNSClient {
        const client = new SNSClient({ region: region.name });
        const mock = isolatedMock(client);
        mock.on(ListTopicsCommand).callsFake(async (input) => {
            await this.enter(region, "sns:ListTopics", input);
            // Pages of 100 topics (SNS API reference, ListTopics); one page suffices for the fake's few.
            return { Topics: [{ TopicArn: `arn:aws:sns:${region.name}:${FAKE_ACCOUNT}:unrelated` }, ...region.topics.map((t) => ({ TopicArn: t.arn }))] };
        });
        mock.on(ListSubscriptionsByTopicCommand).callsFake(async (input) => {
            await this.enter(region, "sns:ListSubscriptionsByTopic", input);
            const topic = region.topics.find((t) => t.arn === input.TopicArn);
            // SDK ListSubscriptionsByTopicCommand @throws NotFoundException.
            if (!topic) throw Object.assign(new Error("Topic does not exist"), { name: "NotFoundException" });
            return { Subscriptions: structuredClone(topic.subscriptions) };
        });
        return client;
    }

    private wireServiceQuotas(region: FakeRegion): ServiceQuotasClient {
        const client = new ServiceQuotasClient({ region: region.name });
        isolatedMock(client)
            .on(GetServiceQuotaCommand)
            .callsFake(async (input) => {
                await this.enter(region, "servicequotas:GetServiceQuota", input);
                if (input.ServiceCode !== "ec2" || input.QuotaCode !== "L-1216C47A" || region.vcpuQuota === undefined) {
                    // Service Quotas API reference, GetServiceQuota errors: NoSuchResourceException.
                    throw new ServiceQuotasServiceException({ name: "NoSuchResourceException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "The request failed because the specified resource does not exist." });
                }
                // Shape: SDK GetServiceQuotaResponse.Quota (ServiceQuota); L-1216C47A is the vCPU-based On-Demand Standard quota (EC2 user guide, "On-Demand Instance quotas").
                return { Quota: { ServiceCode: "ec2", QuotaCode: "L-1216C47A", QuotaName: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", Value: region.vcpuQuota, Unit: "None" } };
            });
        return client;
    }

    private wireKms(region: FakeRegion): KMSClient {
        const client = new KMSClient({ region: region.name });
        isolatedMock(client)
            .on(DescribeKeyCommand)
            .callsFake(async (input) => {
                await this.enter(region, "kms:DescribeKey", input);
                const manager = region.kmsKeys.get(input.KeyId ?? "");
                // KMS API reference, DescribeKey errors: NotFoundException for a key that does not exist.
                if (!manager) throw new KMSServiceException({ name: "NotFoundException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: `Key '${input.KeyId}' does not exist` });
                // Shape: SDK DescribeKeyResponse.KeyMetadata (KeyManager AWS | CUSTOMER).
                return { KeyMetadata: { KeyId: input.KeyId!.split("/").pop()!, Arn: input.KeyId, KeyManager: manager } };
            });
        return client;
    }
}
