// Turns a mocked plan into what a reviewer needs: per region, every resource and the
// security-relevant documents in full.
import { componentName } from "../components/stackConfig";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "./mockRuntime";

export interface RegionPlan {
    component: string;
    resources: { type: string; name: string }[];
    iamPolicies: Record<string, unknown>;
    assumeRolePolicies: Record<string, unknown>;
    topicPolicies: Record<string, unknown>;
    bucketPolicies: Record<string, unknown>;
    schedules: Record<string, string>;
    lambdaPermissions: Record<string, { principal: string; sourceArn: string }>;
    securityGroups: Record<string, { ingress: unknown; egress: unknown }>;
}

const parse = (doc: unknown) => (typeof doc === "string" ? JSON.parse(doc) : doc);

export function regionPlans(plan: Plan, stack: string, regions: string[]): Record<string, RegionPlan> {
    const byRegion: Record<string, RegionPlan> = {};
    for (const region of regions) {
        const component = componentName(stack, region);
        const mine = plan.resources.filter((r) => r.name === component || r.name.startsWith(`${component}-`) || r.name === `aws-${region}`);
        byRegion[region] = {
            component,
            resources: mine.map((r) => ({ type: r.type, name: r.name })).sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type)),
            iamPolicies: documents(mine, "aws:iam/rolePolicy:RolePolicy", (r) => parse(r.inputs.policy)),
            assumeRolePolicies: documents(mine, "aws:iam/role:Role", (r) => parse(r.inputs.assumeRolePolicy)),
            topicPolicies: documents(mine, "aws:sns/topicPolicy:TopicPolicy", (r) => parse(r.inputs.policy)),
            bucketPolicies: documents(mine, "aws:s3/bucketPolicy:BucketPolicy", (r) => parse(r.inputs.policy)),
            schedules: documents(mine, "aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.scheduleExpression),
            lambdaPermissions: documents(mine, "aws:lambda/permission:Permission", (r) => ({ principal: r.inputs.principal, sourceArn: r.inputs.sourceArn })),
            securityGroups: documents(mine, "aws:ec2/securityGroup:SecurityGroup", (r) => ({ ingress: r.inputs.ingress ?? [], egress: r.inputs.egress ?? [] })),
        };
    }
    return byRegion;
}

function documents<T>(resources: PlannedResource[], type: string, pick: (r: PlannedResource) => T): Record<string, T> {
    return Object.fromEntries(resources.filter((r) => r.type === type).map((r) => [r.name, pick(r)]));
}

export function renderText(stack: string, plans: Record<string, RegionPlan>): string {
    const lines: string[] = [
        `Offline plan for stack "${stack}" (Pulumi mock runtime; no AWS calls were made).`,
        `Account ${MOCK_ACCOUNT}, ARNs and IDs below are placeholders for what AWS assigns; everything else is what pulumi up sends.`,
        "",
    ];
    for (const [region, plan] of Object.entries(plans)) {
        lines.push(`=== ${region}: component ${plan.component}, ${plan.resources.length} resources`);
        for (const r of plan.resources) lines.push(`  ${r.type.padEnd(56)} ${r.name}`);
        const section = (title: string, docs: Record<string, unknown>) => {
            for (const [name, doc] of Object.entries(docs)) {
                lines.push("", `--- ${title}: ${name}`);
                lines.push(typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
            }
        };
        section("Schedule", plan.schedules);
        section("IAM policy", plan.iamPolicies);
        section("Assume-role policy", plan.assumeRolePolicies);
        section("Topic policy", plan.topicPolicies);
        section("Bucket policy", plan.bucketPolicies);
        section("Lambda permission", plan.lambdaPermissions);
        section("Security group", plan.securityGroups);
        lines.push("");
    }
    return lines.join("\n");
}
