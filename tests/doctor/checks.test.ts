// The doctor's checks as pure functions over API answers.
import { expect } from "chai";
import type { Image, InstanceTypeInfo, RouteTable, Subnet } from "@aws-sdk/client-ec2";
import type { BatchGetAccountStatusResponse } from "@aws-sdk/client-inspector2";
import { checkAmisLaunchable, checkPlatforms, checkSnapshotKeys } from "../../doctor/checks/amis";
import { checkCapacity, vcpusNeeded } from "../../doctor/checks/capacity";
import { checkDelivery } from "../../doctor/checks/delivery";
import { checkDeepInspection, checkEc2Scanning } from "../../doctor/checks/inspector2";
import { neededEndpoints, routeTableOf, subnetWayOut } from "../../doctor/checks/network";
import { isResultsTopic } from "../../doctor/gather";
import { exitCodeOf, renderText } from "../../doctor/render";
import { NetworkAnswers, RegionAnswers } from "../../doctor/types";
import { doctorSettings } from "../support/fakeAccount";

const REGION = "us-east-1";
const ACCOUNT = "111122223333";
const SETTINGS = doctorSettings([REGION]);
const answered = <T>(value: T) => ({ ok: true as const, value });
const base = (extra: Partial<RegionAnswers>): RegionAnswers => ({ region: REGION, identity: answered({ account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/u`, partition: "aws" }), ...extra });
const image = (id: string, extra: Partial<Image> = {}): Image => ({ ImageId: id, Name: `golden-al2023-${id}`, Architecture: "x86_64", OwnerId: ACCOUNT, BlockDeviceMappings: [{ Ebs: { SnapshotId: `snap-${id}` } }], ...extra });

describe("doctor checks", () => {
    describe("network", () => {
        const subnet: Subnet = { SubnetId: "subnet-1", VpcId: "vpc-1", MapPublicIpOnLaunch: false };
        const main: RouteTable = { RouteTableId: "rtb-main", VpcId: "vpc-1", Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-1", State: "active" }] };
        const own: RouteTable = { RouteTableId: "rtb-own", VpcId: "vpc-1", Associations: [{ SubnetId: "subnet-1" }], Routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-1", State: "active" }] };
        const net = (tables: RouteTable[]): NetworkAnswers => ({ subnets: [subnet], routeTables: tables, endpoints: [] });

        it("takes the subnet's own route table over the VPC's main one", () => {
            expect(routeTableOf(subnet, [main, own])?.RouteTableId).to.equal("rtb-own");
            expect(routeTableOf(subnet, [main])?.RouteTableId).to.equal("rtb-main");
        });

        it("a NAT gateway is a way out; an internet gateway without public IPs is not; a transit gateway cannot be told", () => {
            expect(subnetWayOut(subnet, net([main]), REGION, SETTINGS, false).state).to.equal("ok");
            expect(subnetWayOut(subnet, net([own]), REGION, SETTINGS, false)).to.deep.include({ state: "none" });
            expect(subnetWayOut({ ...subnet, MapPublicIpOnLaunch: true }, net([own]), REGION, SETTINGS, false).state).to.equal("ok");
            const tgw: RouteTable = { ...own, Routes: [{ DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-1", State: "active" }] };
            expect(subnetWayOut(subnet, net([tgw]), REGION, SETTINGS, false).state).to.equal("unknown");
            const blackhole: RouteTable = { ...main, Routes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-gone", State: "blackhole" }] };
            expect(subnetWayOut(subnet, net([blackhole]), REGION, SETTINGS, false).state).to.equal("none");
        });

        it("endpoints: SSM's three always, inspector2 and S3 with CIS or deep inspection; Classic cannot use them", () => {
            expect(neededEndpoints(SETTINGS, false)).to.deep.equal({ interface: ["ssm", "ssmmessages", "ec2messages"], s3Gateway: false });
            expect(neededEndpoints({ ...SETTINGS, rulesPackages: ["cve", "cis"] }, false)).to.deep.equal({ interface: ["ssm", "ssmmessages", "ec2messages", "inspector2"], s3Gateway: true });
            const endpoints = ["ssm", "ssmmessages", "ec2messages"].map((s) => ({ VpcEndpointType: "Interface" as const, ServiceName: `com.amazonaws.${REGION}.${s}`, State: "available" as never, PrivateDnsEnabled: true }));
            const isolated: RouteTable = { RouteTableId: "rtb-x", VpcId: "vpc-1", Associations: [{ SubnetId: "subnet-1" }], Routes: [] };
            expect(subnetWayOut(subnet, { ...net([isolated]), endpoints }, REGION, SETTINGS, false).state).to.equal("ok");
            expect(subnetWayOut(subnet, { ...net([isolated]), endpoints: endpoints.map((e) => ({ ...e, PrivateDnsEnabled: false })) }, REGION, SETTINGS, false).state, "private DNS off").to.equal("none");
            expect(subnetWayOut(subnet, { ...net([isolated]), endpoints }, REGION, { ...SETTINGS, engine: "classic" }, false).state).to.equal("none");
        });
    });

    describe("AMIs", () => {
        it("a snapshot not visible to the account blocks unless the AMI says it is unencrypted; another account's key blocks without DescribeKey", () => {
            const hidden = checkSnapshotKeys(base({ images: answered([image("a")]), snapshots: answered([]) }), SETTINGS);
            expect(hidden[0].mark).to.equal("blocker");
            expect(hidden[0].found).to.include("not visible to this account");
            const plain = checkSnapshotKeys(base({ images: answered([image("a", { BlockDeviceMappings: [{ Ebs: { SnapshotId: "snap-a", Encrypted: false } }] })]), snapshots: answered([]) }), SETTINGS);
            expect(plain[0].mark).to.equal("pass");
            const foreignKey = "arn:aws:kms:us-east-1:999999999999:key/abc";
            const foreign = checkSnapshotKeys(base({ images: answered([image("a")]), snapshots: answered([{ SnapshotId: "snap-a", Encrypted: true, KmsKeyId: foreignKey }]), kmsKeys: [] }), SETTINGS);
            expect(foreign[0].found).to.include("a customer-managed key of account 999999999999");
            expect(checkSnapshotKeys(base({ images: answered([image("a")]), snapshots: answered([{ SnapshotId: "snap-a", Encrypted: true, KmsKeyId: foreignKey }]) }), { ...SETTINGS, kmsKeyArns: [foreignKey] })[0].mark).to.equal("pass");
        });

        it("a configured type that does not run the AMI's architecture blocks that AMI", () => {
            const types = answered([{ InstanceType: "t3.medium", ProcessorInfo: { SupportedArchitectures: ["x86_64"] } }, { InstanceType: "t3.large", ProcessorInfo: { SupportedArchitectures: ["x86_64"] } }] as InstanceTypeInfo[]);
            const results = checkAmisLaunchable(base({ images: answered([image("a"), image("b", { Architecture: "arm64" })]), instanceTypes: types }), { ...SETTINGS, instanceTypes: { x86_64: "t3.medium", arm64: "t3.large" } });
            expect(results.map((r) => [r.mark, r.found])).to.deep.equal([["blocker", "b (golden-al2023-b): t3.large, configured for arm64, does not run arm64"]]);
        });

        it("an OS the doctor cannot tell is a warning; Windows and named distributions pass", () => {
            const warn = checkPlatforms(base({ images: answered([image("a", { Name: "golden-base-2026", PlatformDetails: "Linux/UNIX" }), image("b", { Name: "x", Platform: "windows" as never })]) }), SETTINGS);
            expect(warn?.mark).to.equal("warning");
            expect(warn?.found).to.include("a (golden-base-2026)").and.not.include("b (x)");
            expect(checkPlatforms(base({ images: answered([image("a", { Name: "ubuntu-24.04-golden" })]) }), SETTINGS)?.mark).to.equal("pass");
        });
    });

    describe("Inspector v2", () => {
        it("a suspended account blocks even though EC2 reads ENABLED", () => {
            const status = answered({ accounts: [{ accountId: ACCOUNT, state: { status: "SUSPENDED" }, resourceState: { ec2: { status: "ENABLED" }, ecr: { status: "DISABLED" } } }] } as BatchGetAccountStatusResponse);
            expect(checkEc2Scanning(base({ accountStatus: status }), SETTINGS).mark).to.equal("blocker");
        });

        it("deep inspection: activated and deactivated pass (saying what is assessed), failed warns", () => {
            expect(checkDeepInspection(base({ deepInspection: answered({ status: "DEACTIVATED" as const }) })).found).to.include("OS packages are assessed; language packages only once");
            expect(checkDeepInspection(base({ deepInspection: answered({ status: "FAILED" as const, errorMessage: "boom" }) })).mark).to.equal("warning");
        });

        it("a call that failed is a blocker naming the call (fail closed)", () => {
            const result = checkEc2Scanning(base({ accountStatus: { ok: false, error: "AccessDeniedException: no" } }), SETTINGS);
            expect([result.mark, result.found]).to.deep.equal(["blocker", "inspector2:BatchGetAccountStatus failed: AccessDeniedException: no"]);
        });
    });

    describe("capacity and delivery", () => {
        it("vCPUs needed are maxConcurrentInstances × the largest type the AMIs' architectures use", () => {
            const types = [
                { InstanceType: "t3.medium", VCpuInfo: { DefaultVCpus: 2 } },
                { InstanceType: "m7g.xlarge", VCpuInfo: { DefaultVCpus: 4 } },
            ] as InstanceTypeInfo[];
            const settings = { ...SETTINGS, instanceTypes: { x86_64: "t3.medium", arm64: "m7g.xlarge" } };
            expect(vcpusNeeded(settings, types, [image("a")])).to.deep.equal({ vcpus: 20, type: "t3.medium" });
            expect(vcpusNeeded(settings, types, [image("a"), image("b", { Architecture: "arm64" })])).to.deep.equal({ vcpus: 40, type: "m7g.xlarge" });
            expect(checkCapacity(base({ vcpuQuota: answered(undefined), instanceTypes: answered(types) }), settings)?.mark).to.equal("warning");
        });

        it("finds the stack's topic by its Pulumi name only, and needs a stack name to look", () => {
            expect(isResultsTopic(`arn:aws:sns:${REGION}:${ACCOUNT}:gaa-prod-${REGION}-results-0f1e2d3`, "prod", REGION)).to.equal(true);
            expect(isResultsTopic(`arn:aws:sns:${REGION}:${ACCOUNT}:gaa-prod-${REGION}-results-0f1e2d3`, "pro", REGION)).to.equal(false);
            expect(isResultsTopic(`arn:aws:sns:${REGION}:${ACCOUNT}:gaa-prod-${REGION}-completion-0f1e2d3`, "prod", REGION)).to.equal(false);
            expect(checkDelivery(base({}), undefined)?.found).to.equal("not checked: no stack name given");
        });
    });

    it("renders one line per result, the blocker count last; exit 1 only with a blocker", () => {
        const report = {
            stack: "prod",
            account: ACCOUNT,
            partition: "aws",
            results: [
                { check: "reach", region: REGION, mark: "pass" as const, found: "ok", fix: "" },
                { check: "network", region: REGION, mark: "blocker" as const, found: "no way out", fix: "Add a NAT gateway." },
            ],
            blockers: 1,
            warnings: 0,
        };
        const lines = renderText(report).trimEnd().split("\n");
        expect(lines).to.have.length(4);
        expect(lines[2]).to.equal("BLOCKER  us-east-1  network: no way out. Fix: Add a NAT gateway.");
        expect(lines[3]).to.match(/^0 warnings\. 1 blocker: /);
        expect(exitCodeOf(report)).to.equal(1);
        expect(exitCodeOf({ ...report, results: [report.results[0]], blockers: 0 })).to.equal(0);
        expect(renderText({ ...report, configNotes: ["golden-ami-assessment:amiTags = [secret]: ..."] }).split("\n")[1]).to.equal("note: golden-ami-assessment:amiTags = [secret]: ...");
    });
});
