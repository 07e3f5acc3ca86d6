// The doctor as a whole against the stateful fake account: the scenarios, each changing
// one thing of a healthy account and expecting the check that names it.
import { expect } from "chai";
import { componentName } from "../../components/stackConfig";
import { renderText } from "../../doctor/render";
import { runDoctor } from "../../doctor/runDoctor";
import { CheckResult, DoctorReport, DoctorSettings } from "../../doctor/types";
import { FAKE_ACCOUNT, FakeAccount, doctorSettings } from "../support/fakeAccount";

const REGIONS = ["us-east-1", "eu-west-1"];

function doctor(account: FakeAccount, overrides: Partial<DoctorSettings> = {}, stack: string | undefined = "prod"): Promise<DoctorReport> {
    return runDoctor({ settings: doctorSettings(REGIONS, overrides), stack, clientsFor: account.clientsFor, retry: { sleep: account.sleep } });
}

const marked = (report: DoctorReport, mark: CheckResult["mark"]) => report.results.filter((r) => r.mark === mark);
const only = (report: DoctorReport, mark: CheckResult["mark"]) => marked(report, mark).map((r) => `${r.region} ${r.check}`);

describe("doctor against the fake account", () => {
    it("a healthy account: every check passes in every region, none is skipped", async () => {
        const account = new FakeAccount(REGIONS);
        const report = await doctor(account);
        expect(only(report, "blocker"), renderText(report)).to.deep.equal([]);
        expect(only(report, "warning"), renderText(report)).to.deep.equal([]);
        expect(report.account).to.equal(FAKE_ACCOUNT);
        expect(report.partition).to.equal("aws");
        const checks = report.results.filter((r) => r.region === "us-east-1").map((r) => r.check);
        expect(checks).to.deep.equal(["reach", "inspector2 scanning", "inspector2 scan mode", "inspector2 deep inspection", "golden AMIs", "AMI snapshot keys", "AMI launchable", "AMI platforms", "network", "capacity", "report delivery"]);
        expect(report.results.find((r) => r.check === "golden AMIs")!.found).to.include("golden-al2023-base");
        expect(report.results.find((r) => r.check === "report delivery")!.found).to.include("not deployed yet");
    });

    it("Inspector off: a blocker with the enable command; with enableInspector set, a warning saying what enabling costs", async () => {
        const account = new FakeAccount(REGIONS);
        account.region("eu-west-1").ec2Status = "DISABLED";
        const off = await doctor(account);
        expect(only(off, "blocker")).to.deep.equal(["eu-west-1 inspector2 scanning"]);
        expect(marked(off, "blocker")[0].fix).to.include("aws inspector2 enable --resource-types EC2 --region eu-west-1");
        const optedIn = await doctor(account, { enableInspector: true });
        expect(only(optedIn, "blocker")).to.deep.equal([]);
        expect(only(optedIn, "warning")).to.deep.equal(["eu-west-1 inspector2 scanning"]);
        expect(marked(optedIn, "warning")[0].found).to.match(/every EC2 instance of the account .* per instance-month/);
    });

    it("hybrid scan mode: a warning that says what it means for short-lived instances", async () => {
        const account = new FakeAccount(REGIONS);
        account.region("us-east-1").scanMode = "EC2_HYBRID";
        const report = await doctor(account);
        expect(only(report, "warning")).to.deep.equal(["us-east-1 inspector2 scan mode"]);
        expect(marked(report, "warning")[0].found).to.include("short-lived assessment instance");
        expect(report.blockers).to.equal(0);
    });

    it("no default VPC and no subnet configured: a blocker for that region only", async () => {
        const account = new FakeAccount(REGIONS);
        account.removeDefaultVpc(account.region("eu-west-1"));
        const report = await doctor(account);
        expect(only(report, "blocker")).to.deep.equal(["eu-west-1 network"]);
        expect(marked(report, "blocker")[0].found).to.equal("eu-west-1 has no default VPC and no subnet is configured for it");
        expect(marked(report, "blocker")[0].fix).to.include("golden-ami-assessment:subnets.eu-west-1");
    });

    it("a private subnet with no NAT and no endpoints: a blocker; the SSM endpoints (and S3, inspector2 for deep inspection) clear it", async () => {
        const account = new FakeAccount(REGIONS);
        const region = account.region("us-east-1");
        const subnet = account.addPrivateSubnet(region, "subnet-0123456789abcdef0");
        const subnets = { "us-east-1": subnet.SubnetId! };
        const report = await doctor(account, { subnets });
        expect(only(report, "blocker")).to.deep.equal(["us-east-1 network"]);
        expect(marked(report, "blocker")[0].found).to.include("no default route, and no ssm, ssmmessages, ec2messages, inspector2, s3 (gateway, on this route table) endpoint");
        account.addEndpoints(region, subnet.VpcId!, ["ssm", "ssmmessages", "ec2messages"], false);
        const partly = await doctor(account, { subnets });
        expect(marked(partly, "blocker")[0].found, "deep inspection is on: inspector2 and S3 are needed too").to.include("no inspector2, s3 (gateway, on this route table) endpoint");
        account.addEndpoints(region, subnet.VpcId!, ["inspector2"], true);
        expect(only(await doctor(account, { subnets }), "blocker")).to.deep.equal([]);
    });

    it("a configured subnet of another region: a blocker naming it", async () => {
        const account = new FakeAccount(REGIONS);
        const report = await doctor(account, { subnets: { "eu-west-1": "subnet-0123456789abcdef0" } });
        expect(only(report, "blocker")).to.deep.equal(["eu-west-1 network"]);
        expect(marked(report, "blocker")[0].found).to.equal("the configured subnet subnet-0123456789abcdef0 does not exist in eu-west-1");
    });

    it("an unlisted customer-managed KMS key: a blocker for that AMI only; listing the key clears it, an AWS managed key never blocks", async () => {
        const account = new FakeAccount(REGIONS);
        const region = account.region("us-east-1");
        const cmk = `arn:aws:kms:us-east-1:${FAKE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
        const awsManaged = `arn:aws:kms:us-east-1:${FAKE_ACCOUNT}:key/99999999-2222-3333-4444-555555555555`;
        region.kmsKeys.set(cmk, "CUSTOMER").set(awsManaged, "AWS");
        account.addGoldenImage(region, "ami-0a000000000000002", { name: "golden-al2023-cmk", kmsKeyId: cmk });
        account.addGoldenImage(region, "ami-0a000000000000003", { name: "golden-al2023-ebs-default", kmsKeyId: awsManaged });
        const report = await doctor(account);
        expect(only(report, "blocker")).to.deep.equal(["us-east-1 AMI snapshot keys"]);
        expect(marked(report, "blocker")[0].found).to.match(/^ami-0a000000000000002 \(golden-al2023-cmk\): snapshot .* customer-managed key, arn:aws:kms/);
        expect(only(await doctor(account, { kmsKeyArns: [cmk] }), "blocker")).to.deep.equal([]);
        expect(account.actions.filter((a) => a === "kms:DescribeKey").length, "a listed key is not described").to.equal(2 + 1);
    });

    it("an AMI with InspectorEc2Exclusion or an architecture with no instance type: a blocker per AMI", async () => {
        const account = new FakeAccount(REGIONS);
        const region = account.region("eu-west-1");
        account.addGoldenImage(region, "ami-0a000000000000004", { name: "golden-ubuntu-excluded", tags: { Golden: "true", InspectorEc2Exclusion: "true" } });
        account.addGoldenImage(region, "ami-0a000000000000005", { name: "golden-macos", architecture: "arm64_mac" });
        const report = await doctor(account);
        expect(marked(report, "blocker").map((r) => r.found.split(":")[0])).to.deep.equal(["ami-0a000000000000004 (golden-ubuntu-excluded) carries the InspectorEc2Exclusion tag", "ami-0a000000000000005 (golden-macos)"]);
    });

    it("no golden AMI: a blocker naming the filter", async () => {
        const account = new FakeAccount(REGIONS);
        const report = await doctor(account, { amiTags: { Golden: "yes" } });
        expect(only(report, "blocker")).to.deep.equal(["us-east-1 golden AMIs", "eu-west-1 golden AMIs"]);
        expect(marked(report, "blocker")[0].found).to.equal("no AMI matches the filter (tags Golden=yes, owners self, state available)");
    });

    it("throttling: every call throttled twice still answers, after withRetry's backoff", async () => {
        const account = new FakeAccount(REGIONS);
        const world = account.region("us-east-1").world;
        for (const command of ["GetCallerIdentity", "DescribeImages", "DescribeSubnets", "BatchGetAccountStatus", "GetServiceQuota", "ListTopics"]) world.throttle(command, 2);
        const report = await doctor(account);
        expect(only(report, "blocker")).to.deep.equal([]);
        expect(world.faults.every((f) => f.fired === 2)).to.equal(true);
        expect(account.sleeps.length).to.equal(12);
    });

    it("throttled past the retries: that check is a blocker naming the call, the rest still pass", async () => {
        const account = new FakeAccount(REGIONS);
        account.region("us-east-1").world.throttle("GetServiceQuota", 10);
        const report = await doctor(account);
        expect(only(report, "blocker")).to.deep.equal(["us-east-1 capacity"]);
        expect(marked(report, "blocker")[0].found).to.match(/^servicequotas:GetServiceQuota failed: ThrottlingException/);
    });

    it("one unreachable region: a blocker for that region only, and nothing else is asked there", async () => {
        const account = new FakeAccount(REGIONS);
        account.region("eu-west-1").reachable = false;
        const report = await doctor(account);
        expect(only(report, "blocker")).to.deep.equal(["eu-west-1 reach"]);
        expect(marked(report, "blocker")[0].found).to.include("ENOTFOUND sts.eu-west-1.amazonaws.com");
        expect(report.results.filter((r) => r.region === "eu-west-1")).to.have.length(1);
        expect(report.results.filter((r) => r.region === "us-east-1" && r.mark === "pass")).to.have.length(11);
    });

    it("credentials refused in every region: the doctor could not run (exit 2), not a blocker per region", async () => {
        const account = new FakeAccount(REGIONS);
        // STS answers InvalidClientTokenId to unknown access keys (STS API reference, common errors).
        const refused = () => Object.assign(new Error("The security token included in the request is invalid."), { name: "InvalidClientTokenId", $metadata: { httpStatusCode: 403 } });
        for (const region of REGIONS) account.region(region).world.failNext("GetCallerIdentity", 1, refused);
        const failure = await doctor(account).then(() => undefined, (error: Error) => error);
        expect(failure?.name).to.equal("DoctorCannotRun");
        expect(failure?.message).to.include("refused in every region").and.include("InvalidClientTokenId");
        account.region("us-east-1").world.failNext("GetCallerIdentity", 1, refused);
        expect(only(await doctor(account), "blocker"), "refused in one region only: that region's blocker").to.deep.equal(["us-east-1 reach"]);
    });

    it("a deployed stack with a pending email subscription: a warning naming the address", async () => {
        const account = new FakeAccount(REGIONS);
        account.addResultsTopic(account.region("us-east-1"), componentName("prod", "us-east-1"), [
            { address: "secops@example.com", confirmed: true },
            { address: "new@example.com", confirmed: false },
        ]);
        account.addResultsTopic(account.region("eu-west-1"), componentName("prod-eu", "eu-west-1"), [{ address: "x@example.com", confirmed: false }]);
        const report = await doctor(account);
        expect(only(report, "warning")).to.deep.equal(["us-east-1 report delivery"]);
        expect(marked(report, "warning")[0].found).to.include("1 of 2 email subscriptions").and.include("new@example.com");
        expect(report.results.find((r) => r.region === "eu-west-1" && r.check === "report delivery")!.found, "another stack's topic is not ours").to.include("not deployed yet");
    });

    it("capacity: a quota below maxConcurrentInstances × vCPUs is a warning naming both numbers", async () => {
        const account = new FakeAccount(REGIONS);
        account.region("us-east-1").vcpuQuota = 16;
        const report = await doctor(account, { maxConcurrentInstances: 10, instanceTypes: { x86_64: "t3.xlarge", arm64: "t4g.medium" } });
        expect(only(report, "warning")).to.deep.equal(["us-east-1 capacity"]);
        expect(marked(report, "warning")[0].found).to.include("the vCPU quota is 16").and.include("= 40 vCPUs");
    });

    it("agentless mode: no machine-image results at all is a blocker saying machine image scanning is probably not activated; nothing is launched, so no network check", async () => {
        const account = new FakeAccount(REGIONS);
        const report = await doctor(account, { scanMode: "agentless" });
        expect(only(report, "blocker")).to.deep.equal(["us-east-1 machine image results", "eu-west-1 machine image results"]);
        expect(marked(report, "blocker")[0].found).to.include("machine image scanning is probably not activated");
        expect(report.results.some((r) => r.check === "network")).to.equal(false);
        const auto = await doctor(account, { scanMode: "auto" });
        expect(only(auto, "warning")).to.deep.equal(["us-east-1 machine image results", "eu-west-1 machine image results"]);
    });

    it("classic: the service answers, and the doctor says plainly that it reached end of support", async () => {
        const account = new FakeAccount(REGIONS);
        const report = await doctor(account, { engine: "classic", rulesPackages: ["cve"] });
        expect(only(report, "warning")).to.deep.equal(["us-east-1 inspector classic", "eu-west-1 inspector classic"]);
        expect(marked(report, "warning")[0].found).to.include("end of support on 2026-05-20");
        expect(account.actions.some((a) => a.startsWith("inspector2:"))).to.equal(false);
    });
});
