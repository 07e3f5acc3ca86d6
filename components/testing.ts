// Pulumi mocks that answer like AWS for this component: every resource gets ARNs and names shaped
// like the real ones, and the lookups it makes (caller identity, partition, region, the default
// VPC and its subnets, a given subnet) are answered. The project's own plan and tests run on
// these; library users get them as setAssessmentMocks() to test their stacks offline.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { partitionOf } from "../infra/partition";

export const MOCK_ACCOUNT = "123456789012";

export interface MockCloud {
    /** Regions whose mocked account has no default VPC. */
    regionsWithoutDefaultVpc?: string[];
}

function shortId(seed: string, length = 8): string {
    return createHash("sha1").update(seed).digest("hex").slice(0, length);
}

/**
 * The account each mocked AWS provider acts in: the account of the role it assumes (`assumeRoles`,
 * as index.ts configures it for `accounts`), else MOCK_ACCOUNT. Resources and lookups made through a
 * provider get ARNs and a caller identity in its account.
 */
export class MockAccounts {
    private readonly byProvider = new Map<string, string>();

    /** Called for every registered resource; remembers the AWS providers that assume a role. */
    observe(type: string, name: string, inputs: any): void {
        if (type !== "pulumi:providers:aws") return;
        // Provider inputs of object type reach the mock as JSON text.
        const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);
        const account = /^arn:[^:]+:iam::(\d{12}):/.exec(json(inputs?.assumeRoles)?.[0]?.roleArn ?? "")?.[1] ?? MOCK_ACCOUNT;
        this.byProvider.set(name, account);
        // The provider refuses credentials of an account not listed (its allowedAccountIds; message as in
        // hashicorp/terraform-provider-aws PR #32352: "AWS account ID not allowed: 123456789012").
        const allowed: string[] | undefined = json(inputs?.allowedAccountIds);
        if (allowed && !allowed.includes(account)) throw new Error(`AWS account ID not allowed: ${account}`);
    }

    /** The account of a provider reference ("<provider URN>::<id>"); MOCK_ACCOUNT for the default or an unknown one. */
    of(providerRef: string | undefined): string {
        const parts = providerRef?.split("::") ?? [];
        return this.byProvider.get(parts[parts.length - 2] ?? "") ?? MOCK_ACCOUNT;
    }
}

/** Computed attributes a real provider would return, by resource type. */
export function computedState(type: string, name: string, inputs: any, account = MOCK_ACCOUNT): Record<string, unknown> {
    const region: string = inputs.region ?? "us-east-1";
    const arn = (service: string, resource: string) => `arn:${partitionOf(region)}:${service}:${region}:${account}:${resource}`;
    switch (type) {
        case "aws:sns/topic:Topic":
            return { arn: arn("sns", `${name}-${shortId(name, 7)}`), name: `${name}-${shortId(name, 7)}` };
        case "aws:sqs/queue:Queue":
            return { arn: arn("sqs", `${name}-${shortId(name, 7)}`), url: `https://sqs.${region}.amazonaws.com/${account}/${name}` };
        case "aws:s3/bucket:Bucket": {
            const bucket = `${inputs.bucketPrefix ?? name}${shortId(name, 12)}`;
            return { bucket, arn: `arn:${partitionOf(region)}:s3:::${bucket}` };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: arn("logs", `log-group:${inputs.name}`) };
        case "aws:iam/role:Role": {
            const roleName = `${name}-${shortId(name, 7)}`;
            return { name: roleName, arn: `arn:${partitionOf(region)}:iam::${account}:role/${roleName}` };
        }
        case "aws:iam/instanceProfile:InstanceProfile": {
            const profileName = `${name}-${shortId(name, 7)}`;
            return { name: profileName, arn: `arn:${partitionOf(region)}:iam::${account}:instance-profile/${profileName}` };
        }
        case "aws:lambda/function:Function": {
            const functionName = `${name}-${shortId(name, 7)}`;
            return { name: functionName, arn: arn("lambda", `function:${functionName}`) };
        }
        case "aws:inspector/resourceGroup:ResourceGroup":
            return { arn: arn("inspector", `resourcegroup/0-${shortId(name)}`) };
        case "aws:inspector/assessmentTarget:AssessmentTarget":
            return { arn: arn("inspector", `target/0-${shortId(name)}`) };
        case "aws:inspector/assessmentTemplate:AssessmentTemplate":
            return { arn: `${inputs.targetArn}/template/0-${shortId(name)}` };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { arn: arn("ec2", `security-group/sg-${shortId(name, 17)}`) };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: arn("events", `rule/${name}-${shortId(name, 7)}`), name: `${name}-${shortId(name, 7)}` };
        default:
            return {};
    }
}

export function resourceId(type: string, name: string): string {
    if (type === "aws:ec2/securityGroup:SecurityGroup") return `sg-${shortId(name, 17)}`;
    if (type === "aws:s3/bucket:Bucket") return "";
    return `${name}-id`;
}

export function mockedCall(token: string, args: any, cloud: MockCloud, warnings: string[], account = MOCK_ACCOUNT): Record<string, unknown> {
    const region: string = args.region ?? "us-east-1";
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: account, arn: `arn:aws:iam::${account}:user/planner`, userId: "AIDAPLANNER", id: account };
        case "aws:ec2/getVpcs:getVpcs":
            return { ids: cloud.regionsWithoutDefaultVpc?.includes(region) ? [] : [`vpc-${shortId(`default-${region}`, 17)}`], id: region };
        case "aws:ec2/getSubnets:getSubnets":
            return { ids: [`subnet-${shortId(`${region}a`, 17)}`, `subnet-${shortId(`${region}b`, 17)}`], id: region };
        case "aws:ec2/getSubnet:getSubnet":
            return { id: args.id, vpcId: `vpc-${shortId(`custom-${args.id}`, 17)}` };
        case "aws:index/getPartition:getPartition": {
            const partition = partitionOf(region);
            return { partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: partition };
        }
        case "aws:index/getRegion:getRegion": {
            const name = args.name ?? args.region ?? region;
            return { name, region: name, id: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
        }
        default:
            // A data source this harness does not know yet (another engine may use one): an empty
            // result the program may or may not cope with, and a warning the plan prints.
            warnings.push(`no mock for ${token}; it returned {} (the plan may show placeholders where its result is used)`);
            return {};
    }
}

export interface MockedResource {
    type: string;
    name: string;
    inputs: any;
    state: any;
}

/**
 * For library users' tests: sets Pulumi's mocks (preview mode) so that GoldenAmiAssessment and
 * its lookups resolve offline. Returns the list the created resources are recorded in, and the
 * warnings for lookups these mocks do not know (answered with {}).
 */
export async function setAssessmentMocks(
    options: { project?: string; stack?: string; cloud?: MockCloud } = {},
): Promise<{ resources: MockedResource[]; warnings: string[] }> {
    const resources: MockedResource[] = [];
    const warnings: string[] = [];
    const accounts = new MockAccounts();
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                accounts.observe(args.type, args.name, args.inputs);
                const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs, accounts.of(args.provider)) };
                resources.push({ type: args.type, name: args.name, inputs: args.inputs, state });
                return { id: resourceId(args.type, args.name) || (state as { bucket?: string }).bucket || `${args.name}-id`, state };
            },
            call: (args) => mockedCall(args.token, args.inputs, options.cloud ?? {}, warnings, accounts.of(args.provider)),
        },
        options.project ?? "test",
        options.stack ?? "test",
        true,
    );
    return { resources, warnings };
}
