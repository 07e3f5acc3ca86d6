// The hub's block of `npm run plan` (docs/hub.md): its bucket, schedules, the spokes it admits and
// its bucket policy and roles (by Sid; every statement with --details). Empty when the stack has no hub.
import type { Plan, PlannedResource } from "./mockRuntime";
import { fold, shortArns, statementLine } from "./planReport";

const HUB_TYPE = "golden-ami-assessment:index:GoldenAmiAssessmentHub";

/** The hub's block; `full` (--details) prints every statement, the summary names them by Sid. */
export function renderHubSummary(plan: Plan, full = false): string {
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
    const accounts = new Set(spokes.map((s) => s.account));
    const classic = spokes.filter((s) => s.engine === "classic").length;
    const lines = [
        "",
        `=== hub ${root.name} (${bucket?.inputs.region ?? "?"}), ${mine.length} resources`,
        `  bucket      s3://${bucket?.inputs.bucketPrefix ?? ""}…, owner-enforced, no public access, SSE-S3; spokes/ expire after ${days} days`,
        `  digest      ${schedule("digest")} -> digest, to ${emails.join(", ") || "nobody (no notificationEmails)"}; index ${schedule("index")} -> hub/index.html, index.json`,
        full
            ? `  spokes      ${spokes.map((s) => `${s.account} ${s.region}${s.engine === "classic" ? " (classic: unsupported)" : ""}`).join(", ")}`
            : `  spokes      ${spokes.length} in ${accounts.size} account(s)${classic ? `, ${classic} classic (unsupported)` : ""}; each analyze role writes only spokes/<account>/<region>/`,
        ...statementLines("bucket policy", policy.Statement, full),
        ...of("iam/rolePolicy:RolePolicy").flatMap((p) => statementLines(`IAM role ${short(p.name).replace(/-policy$/, "-role")}`, JSON.parse(p.inputs.policy).Statement, full)),
    ];
    return lines.flatMap((line) => (full ? [line] : fold(shortArns(line)))).join("\n") + "\n";
}

/** Every statement (full), or the Sids on one line: what a reviewer scans for. */
function statementLines(title: string, statements: unknown[], full: boolean): string[] {
    if (full) return [`  ${title}`, ...statements.map((s) => `    ${statementLine(s)}`)];
    const sids = statements.map((s) => String((s as { Sid?: string }).Sid ?? "(no Sid)"));
    const perRegion = sids.filter((sid) => sid.startsWith("SpokesWriteOnlyTheirOwnPrefix"));
    const named = [...sids.filter((sid) => !perRegion.includes(sid)), ...(perRegion.length ? [`SpokesWriteOnlyTheirOwnPrefix (one per region: ${perRegion.length})`] : [])];
    return [`  ${title}: ${named.join(", ")}`];
}
