// The hub's block of `npm run plan` (docs/hub.md): its bucket, schedules, the spokes it admits and
// every statement of its bucket policy and roles. Empty when the stack has no hub.
import type { Plan, PlannedResource } from "./mockRuntime";
import { statementLine } from "./planReport";

const HUB_TYPE = "golden-ami-assessment:index:GoldenAmiAssessmentHub";

export function renderHubSummary(plan: Plan): string {
    const root = plan.resources.find((r) => r.type === HUB_TYPE);
    if (!root) return "";
    const mine = plan.resources.filter((r) => r.name === root.name || r.name.startsWith(`${root.name}-`));
    const of = (type: string) => mine.filter((r) => r.type === `aws:${type}`);
    const short = (name: string) => name.slice(root.name.length + 1);
    const schedule = (name: string) => of("cloudwatch/eventRule:EventRule").find((r) => r.name === `${root.name}-${name}-schedule`)?.inputs.scheduleExpression ?? "?";
    const bucket = of("s3/bucket:Bucket")[0];
    const days = of("s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0]?.inputs.rules?.[0]?.expiration?.days;
    const emails = of("sns/topicSubscription:TopicSubscription").map((s) => String(s.inputs.endpoint));
    const spokes = JSON.parse(of("s3/bucketObjectv2:BucketObjectv2")[0]?.inputs.content ?? '{"spokes":[]}').spokes as { account: string; region: string; engine: string }[];
    const policy = JSON.parse(of("s3/bucketPolicy:BucketPolicy")[0]?.inputs.policy ?? '{"Statement":[]}');
    const lines = [
        "",
        `=== hub ${root.name} (${bucket?.inputs.region ?? "?"}), ${mine.length} resources`,
        `  bucket      s3://${bucket?.inputs.bucketPrefix ?? ""}…, bucket-owner-enforced, public access blocked, SSE-S3; spokes/ expire after ${days} days`,
        `  digest      ${schedule("digest")} -> digest, to ${emails.join(", ") || "nobody (no notificationEmails)"}`,
        `  index       ${schedule("index")} -> index (hub/index.html, hub/index.json)`,
        `  spokes      ${spokes.map((s) => `${s.account} ${s.region}${s.engine === "classic" ? " (classic: unsupported)" : ""}`).join(", ")}`,
        "  bucket policy",
        ...policy.Statement.map((s: unknown) => `    ${statementLine(s)}`),
        ...roleLines(of("iam/rolePolicy:RolePolicy"), short),
    ];
    return lines.join("\n") + "\n";
}

function roleLines(policies: PlannedResource[], short: (name: string) => string): string[] {
    return policies.flatMap((p) => [`  IAM role ${short(p.name).replace(/-policy$/, "-role")}`, ...JSON.parse(p.inputs.policy).Statement.map((s: unknown) => `    ${statementLine(s)}`)]);
}
