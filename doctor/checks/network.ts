// Where instances run: the configured subnet or the default VPC's default subnets, and whether each
// has a way to the services the instance talks to. Sources: reference/inspector2.md §2 and §10
// (SSM endpoints; S3 and inspector2 for deep inspection and CIS), inspector-classic.md (the Classic
// agent downloads from inspector-agent.amazonaws.com, which no VPC endpoint serves: Classic needs the internet).
import type { RouteTable, Subnet, VpcEndpoint } from "@aws-sdk/client-ec2";
import { CheckResult, DoctorSettings, NetworkAnswers, RegionAnswers, result, unanswered } from "../types";

const CHECK = "network";

/** The subnet's route table: its explicit association, else the VPC's main table (VPC user guide, "Route tables"). */
export function routeTableOf(subnet: Subnet, tables: RouteTable[]): RouteTable | undefined {
    const explicit = tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnet.SubnetId));
    return explicit ?? tables.find((t) => t.VpcId === subnet.VpcId && t.Associations?.some((a) => a.Main));
}

/** The interface endpoints (and S3 gateway) an endpoint-only subnet needs, by engine and options. */
export function neededEndpoints(settings: DoctorSettings, deepInspection: boolean): { interface: string[]; s3Gateway: boolean } {
    const extra = deepInspection || settings.rulesPackages.includes("cis");
    return { interface: ["ssm", "ssmmessages", "ec2messages", ...(extra ? ["inspector2"] : [])], s3Gateway: extra };
}

// The SDK enum (and the API reference) say "Available"; real answers read "available" (AWS CLI examples): compare without case.
const available = (endpoint: VpcEndpoint) => endpoint.State?.toLowerCase() === "available";
const serves = (endpoint: VpcEndpoint, region: string, service: string) => !!endpoint.ServiceName?.endsWith(`.${region}.${service}`);

/** The endpoints `table`'s subnet lacks ([] when it has them all). */
function missingEndpoints(region: string, table: RouteTable | undefined, endpoints: VpcEndpoint[], needed: { interface: string[]; s3Gateway: boolean }): string[] {
    const usable = endpoints.filter(available);
    // Interface endpoints serve the whole VPC through private DNS names (the SDK resolves the public names).
    const missing = needed.interface.filter((service) => !usable.some((e) => e.VpcEndpointType === "Interface" && serves(e, region, service) && e.PrivateDnsEnabled));
    const s3 = usable.some((e) => serves(e, region, "s3") && ((e.VpcEndpointType === "Gateway" && !!table?.RouteTableId && e.RouteTableIds?.includes(table.RouteTableId)) || (e.VpcEndpointType === "Interface" && e.PrivateDnsEnabled)));
    if (needed.s3Gateway && !s3) missing.push("s3 (gateway, on this route table)");
    return missing;
}

/** How the subnet reaches AWS, or why it does not: "ok" when it does, "unknown" for routes the doctor cannot follow. */
export function subnetWayOut(subnet: Subnet, answers: NetworkAnswers, region: string, settings: DoctorSettings, deepInspection: boolean): { state: "ok" | "none" | "unknown"; how: string } {
    const table = routeTableOf(subnet, answers.routeTables);
    const defaultRoute = table?.Routes?.find((r) => r.DestinationCidrBlock === "0.0.0.0/0" && r.State !== "blackhole");
    if (defaultRoute?.NatGatewayId) return { state: "ok", how: `NAT gateway ${defaultRoute.NatGatewayId}` };
    if (defaultRoute?.GatewayId?.startsWith("igw-") && subnet.MapPublicIpOnLaunch) return { state: "ok", how: `internet gateway ${defaultRoute.GatewayId}, public IP on launch` };
    const route = defaultRoute?.GatewayId?.startsWith("igw-")
        ? `internet gateway ${defaultRoute.GatewayId} but no public IP on launch`
        : defaultRoute
          ? `a default route to ${defaultRoute.TransitGatewayId ?? defaultRoute.NetworkInterfaceId ?? defaultRoute.VpcPeeringConnectionId ?? defaultRoute.GatewayId ?? "another target"}`
          : "no default route";
    if (settings.engine === "classic") return { state: defaultRoute && !defaultRoute.GatewayId?.startsWith("igw-") ? "unknown" : "none", how: `${route}; the Classic agent needs the internet` };
    const missing = missingEndpoints(region, table, answers.endpoints, neededEndpoints(settings, deepInspection));
    if (missing.length === 0) return { state: "ok", how: `${route}, and the VPC endpoints the engine needs` };
    return { state: defaultRoute && !defaultRoute.GatewayId?.startsWith("igw-") ? "unknown" : "none", how: `${route}, and no ${missing.join(", ")} endpoint` };
}

/** The fix for subnets with no way out, in one sentence. */
function networkFix(settings: DoctorSettings, region: string): string {
    const endpoints = neededEndpoints(settings, true);
    return settings.engine === "classic"
        ? `Give the subnet a default route to a NAT gateway (or an internet gateway with public IPs on launch), or set golden-ami-assessment:subnets.${region} to one that has it.`
        : `Give the subnet a default route to a NAT gateway (or an internet gateway with public IPs on launch), or add interface endpoints with private DNS for ${endpoints.interface.slice(0, 3).join(", ")} (plus inspector2 and an S3 gateway for deep inspection or CIS), or set golden-ami-assessment:subnets.${region} to a subnet that has one.`;
}

export function checkNetwork(answers: RegionAnswers, settings: DoctorSettings): CheckResult | undefined {
    const { region, network, deepInspection } = answers;
    if (!network) return undefined;
    if (!network.ok) return unanswered(CHECK, region, "ec2:DescribeSubnets/DescribeRouteTables/DescribeVpcEndpoints", network);
    const { configuredSubnet, defaultVpc, subnets } = network.value;
    const setSubnet = `Set golden-ami-assessment:subnets.${region} to a subnet id of ${region}.`;
    if (configuredSubnet && subnets.length === 0) return result(CHECK, region, "blocker", `the configured subnet ${configuredSubnet} does not exist in ${region}`, setSubnet);
    if (!configuredSubnet && !defaultVpc) return result(CHECK, region, "blocker", `${region} has no default VPC and no subnet is configured for it`, setSubnet);
    if (subnets.length === 0) return result(CHECK, region, "blocker", `the default VPC ${defaultVpc?.VpcId} has no default subnets`, setSubnet);
    const deep = deepInspection?.ok === true && deepInspection.value.status === "ACTIVATED";
    const ways = subnets.map((subnet) => ({ subnet, ...subnetWayOut(subnet, network.value, region, settings, deep) }));
    const lines = ways.map((w) => `${w.subnet.SubnetId}: ${w.how}`).join("; ");
    const where = configuredSubnet ? `configured subnet` : `default VPC ${defaultVpc?.VpcId}`;
    if (ways.every((w) => w.state === "ok")) return result(CHECK, region, "pass", `${where}: ${lines}`);
    if (ways.some((w) => w.state === "ok") || ways.every((w) => w.state !== "none")) {
        return result(CHECK, region, "warning", `${where}: ${lines}; instances in a subnet with no way out are never scanned`, networkFix(settings, region));
    }
    return result(CHECK, region, "blocker", `${where}: ${lines}; an instance there reaches neither SSM nor Inspector, so every AMI ends NOT ASSESSED`, networkFix(settings, region));
}
