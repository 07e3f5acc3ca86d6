// Turns a mocked plan into what a reviewer needs. The summary (default) says per region what
// will run, on what, where results go, what each role may do (one line per statement) and
// what to watch out for; --details adds every resource and document in full.
// Everything is read from the resources generically: an unknown resource type is counted and
// listed, never a reason to fail.
import { INSPECTOR_CLASSIC_REGIONS } from "../engines/classic/regions";
import { componentName } from "../components/stackConfig";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "./mockRuntime";
import { policySummaryFields } from "./planPolicy";

export const COMPONENT_TYPE = "golden-ami-assessment:index:GoldenAmiAssessment";

export interface Trigger {
    /** The rule or topic, relative to the component. */
    source: string;
    kind: "schedule" | "event pattern" | "sns";
    /** Schedule expression, compact event pattern, or empty for SNS. */
    expression: string;
    /** Functions (or other targets) it invokes, relative to the component. */
    targets: string[];
}

export interface RoleSummary {
    role: string;
    assumedBy: string[];
    /** Instance profiles that carry the role. */
    instanceProfiles: string[];
    managedPolicies: string[];
    /** One line per statement: "Sid: actions on resources [conditions]". */
    statements: string[];
}

export interface RegionSummary {
    component: string;
    engine: { name: string; source: string };
    triggers: Trigger[];
    amiFilter: { tags?: unknown; owners?: unknown };
    rulesPackages?: string[];
    durationSeconds?: number;
    /** What a reviewer signs off on, from the functions' settings (undefined when no function carries it). */
    scanMode?: string;
    severityThreshold?: string;
    maxConcurrentInstances?: number;
    deprecateFailingAmis?: boolean;
    /** Verdict policy lines (failWhen, accepted risks with expiry, where verdicts go), [label, text]. */
    policy?: [string, string][];
    /** An aws:inspector2/enabler:Enabler is in the plan: account-wide, billed. */
    enableInspector: boolean;
    reports: { bucket: string; prefix?: string; retentionDays?: number; forceDestroy: boolean }[];
    emails: string[];
    resourceCounts: Record<string, number>;
    roles: RoleSummary[];
    warnings: string[];
}

export interface RegionPlan {
    component: string;
    summary: RegionSummary;
    resources: { type: string; name: string }[];
    iamPolicies: Record<string, unknown>;
    assumeRolePolicies: Record<string, unknown>;
    topicPolicies: Record<string, unknown>;
    bucketPolicies: Record<string, unknown>;
    schedules: Record<string, string>;
    eventPatterns: Record<string, unknown>;
    lambdaPermissions: Record<string, { principal: string; sourceArn: string }>;
    securityGroups: Record<string, { ingress: unknown; egress: unknown }>;
    assessmentTemplates: Record<string, { rulesPackageArns: unknown; duration: unknown; eventSubscriptions: unknown }>;
    emailSubscriptions: Record<string, { topic: string; endpoint: string }>;
    functions: Record<string, { runtime: unknown; architectures: unknown; timeout: unknown; memorySize: unknown; environment: unknown }>;
}

export interface PlanReportOptions {
    /** The subnet configured per region, if any (the mock cannot see its routes). */
    subnets?: Record<string, string>;
    /** Notes about the config (secrets planned with placeholders). */
    configNotes?: string[];
}

const parse = (doc: unknown) => {
    if (typeof doc !== "string") return doc;
    try {
        return JSON.parse(doc);
    } catch {
        return doc;
    }
};
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const envOf = (r: PlannedResource): Record<string, string> => r.inputs?.environment?.variables ?? {};

/** The resources of one region: the component and its descendants, anything named after it, and its provider. */
export function regionResources(plan: Plan, component: string, region: string, provider = `aws-${region}`): PlannedResource[] {
    const root = plan.resources.find((r) => r.type === COMPONENT_TYPE && r.name === component);
    const inTree = new Set<string>();
    if (root) {
        inTree.add(root.urn);
        for (let grew = true; grew; ) {
            grew = false;
            for (const r of plan.resources) {
                if (!inTree.has(r.urn) && inTree.has(r.parent)) {
                    inTree.add(r.urn);
                    grew = true;
                }
            }
        }
    }
    return plan.resources.filter(
        (r) => inTree.has(r.urn) || r.name === component || r.name.startsWith(`${component}-`) || (r.type === "pulumi:providers:aws" && r.name === provider),
    );
}

export function regionPlans(plan: Plan, stack: string, regions: string[], options: PlanReportOptions = {}): Record<string, RegionPlan> {
    return Object.fromEntries(regions.map((region) => [region, regionPlan(plan, componentName(stack, region), region, options)]));
}

/** The plan of one component (`provider`: its provider's name, aws-<region> without accounts). */
export function regionPlan(plan: Plan, component: string, region: string, options: PlanReportOptions = {}, provider?: string): RegionPlan {
    const mine = regionResources(plan, component, region, provider).sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    return {
        component,
        summary: summarize(mine, component, region, options),
        resources: mine.map((r) => ({ type: r.type, name: r.name })),
        iamPolicies: documents(mine, "aws:iam/rolePolicy:RolePolicy", (r) => parse(r.inputs.policy)),
        assumeRolePolicies: documents(mine, "aws:iam/role:Role", (r) => parse(r.inputs.assumeRolePolicy)),
        topicPolicies: documents(mine, "aws:sns/topicPolicy:TopicPolicy", (r) => parse(r.inputs.policy)),
        bucketPolicies: documents(mine, "aws:s3/bucketPolicy:BucketPolicy", (r) => parse(r.inputs.policy)),
        schedules: documents(mine.filter((r) => r.inputs.scheduleExpression), "aws:cloudwatch/eventRule:EventRule", (r) => r.inputs.scheduleExpression),
        eventPatterns: documents(mine.filter((r) => r.inputs.eventPattern), "aws:cloudwatch/eventRule:EventRule", (r) => parse(r.inputs.eventPattern)),
        lambdaPermissions: documents(mine, "aws:lambda/permission:Permission", (r) => ({ principal: r.inputs.principal, sourceArn: r.inputs.sourceArn })),
        securityGroups: documents(mine, "aws:ec2/securityGroup:SecurityGroup", (r) => ({ ingress: r.inputs.ingress ?? [], egress: r.inputs.egress ?? [] })),
        assessmentTemplates: documents(mine, "aws:inspector/assessmentTemplate:AssessmentTemplate", (r) => ({
            rulesPackageArns: r.inputs.rulesPackageArns,
            duration: r.inputs.duration,
            eventSubscriptions: r.inputs.eventSubscriptions ?? [],
        })),
        emailSubscriptions: documents(
            mine.filter((r) => r.inputs.protocol === "email" || r.inputs.protocol === "email-json"),
            "aws:sns/topicSubscription:TopicSubscription",
            (r) => ({ topic: r.inputs.topic, endpoint: r.inputs.endpoint }),
        ),
        functions: documents(mine, "aws:lambda/function:Function", (r) => ({
            runtime: r.inputs.runtime,
            architectures: r.inputs.architectures,
            timeout: r.inputs.timeout,
            memorySize: r.inputs.memorySize,
            environment: envOf(r),
        })),
    };
}

function documents<T>(resources: PlannedResource[], type: string, pick: (r: PlannedResource) => T): Record<string, T> {
    return Object.fromEntries(resources.filter((r) => r.type === type).map((r) => [r.name, pick(r)]));
}

/** "aws:lambda/function:Function" -> "lambda/Function"; other shapes as they are. */
export function shortType(type: string): string {
    const m = /^[^:]+:([^/:]+)\/[^:]+:(.+)$/.exec(type);
    return m ? `${m[1]}/${m[2]}` : type;
}

function summarize(mine: PlannedResource[], component: string, region: string, options: PlanReportOptions): RegionSummary {
    const rel = (name: string) => (name.startsWith(`${component}-`) ? name.slice(component.length + 1) : name);
    const ofType = (type: string) => mine.filter((r) => r.type === type);
    const functions = ofType("aws:lambda/function:Function");
    const byArn = new Map<string, string>();
    // Only resources whose ARN is their own (an EventTarget's or TopicPolicy's `arn` input names another).
    for (const r of mine) if (typeof r.state?.arn === "string" && r.inputs?.arn === undefined) byArn.set(r.state.arn, rel(r.name));
    const nameOfArn = (arn: unknown) => (typeof arn === "string" ? byArn.get(arn) ?? arn : String(arn));

    // Engine: an ENGINE variable on the functions when present; otherwise what the resources say.
    const engines = [...new Set(functions.map((f) => envOf(f).ENGINE).filter((e): e is string => typeof e === "string" && e !== ""))];
    const hasClassic = mine.some((r) => r.type.startsWith("aws:inspector/"));
    const engine = engines.length
        ? { name: engines.join(", "), source: "ENGINE on the functions" }
        : hasClassic
          ? { name: "classic", source: "inferred: aws:inspector/* resources present" }
          : { name: "inspector2", source: "inferred: no aws:inspector/* resources" };

    // Triggers: event rules (schedule or pattern) with their targets, and SNS subscriptions to functions.
    const targets = ofType("aws:cloudwatch/eventTarget:EventTarget");
    const triggers: Trigger[] = ofType("aws:cloudwatch/eventRule:EventRule").map((rule) => ({
        source: rel(rule.name),
        kind: rule.inputs.scheduleExpression ? "schedule" : "event pattern",
        expression: rule.inputs.scheduleExpression ?? brief(compact(parse(rule.inputs.eventPattern)), 110),
        targets: targets.filter((t) => t.inputs.rule === rule.state?.name || t.inputs.rule === rule.id).map((t) => nameOfArn(t.inputs.arn)),
    }));
    for (const sub of ofType("aws:sns/topicSubscription:TopicSubscription").filter((s) => s.inputs.protocol === "lambda")) {
        triggers.push({ source: nameOfArn(sub.inputs.topic), kind: "sns", expression: "", targets: [nameOfArn(sub.inputs.endpoint)] });
    }

    // The AMI filter and the assessment, from the functions' settings and the Classic template.
    const env = (name: string) => functions.map((f) => envOf(f)[name]).find((v) => v !== undefined);
    const json = (raw: string | undefined) => (raw === undefined ? undefined : parse(raw));
    const template = ofType("aws:inspector/assessmentTemplate:AssessmentTemplate")[0];
    const rulesPackages = template
        ? list<string>(template.inputs.rulesPackageArns).map((arn) => rulesPackageName(region, arn))
        : (json(env("RULES_PACKAGES")) as string[] | undefined);
    const durationRaw = template?.inputs.duration ?? env("DURATION_SECONDS");
    const durationSeconds = durationRaw === undefined ? undefined : Number(durationRaw);

    // Reports.
    const lifecycles = ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const reports = ofType("aws:s3/bucket:Bucket").map((b) => {
        const bucket = b.state?.bucket ?? b.id;
        const days = lifecycles.filter((l) => l.inputs.bucket === bucket || l.inputs.bucket === b.id).flatMap((l) => list<any>(l.inputs.rules)).map((rule) => rule?.expiration?.days)[0];
        const prefix = functions.map((f) => envOf(f)).find((e) => e.REPORT_BUCKET === bucket)?.REPORT_PREFIX;
        return { bucket, prefix, retentionDays: days, forceDestroy: b.inputs.forceDestroy === true };
    });

    const subscriptions = ofType("aws:sns/topicSubscription:TopicSubscription");
    const emails = subscriptions.filter((s) => s.inputs.protocol === "email" || s.inputs.protocol === "email-json").map((s) => String(s.inputs.endpoint));

    const resourceCounts: Record<string, number> = {};
    for (const r of mine) resourceCounts[r.type] = (resourceCounts[r.type] ?? 0) + 1;

    const roles = roleSummaries(mine, rel);
    const warnings = regionWarnings({ mine, region, engine: engine.name, subscriptions, reports, nameOfArn, subnet: options.subnets?.[region] });

    const maxConcurrent = env("MAX_CONCURRENT_INSTANCES");
    const deprecate = env("DEPRECATE_FAILING_AMIS");
    return {
        component,
        engine,
        triggers,
        amiFilter: { tags: json(env("AMI_TAGS")), owners: json(env("AMI_OWNERS")) },
        rulesPackages,
        durationSeconds: Number.isFinite(durationSeconds) ? durationSeconds : undefined,
        scanMode: env("SCAN_MODE"),
        severityThreshold: env("SEVERITY_THRESHOLD"),
        maxConcurrentInstances: maxConcurrent === undefined ? undefined : Number(maxConcurrent),
        deprecateFailingAmis: deprecate === undefined ? undefined : deprecate === "true",
        policy: policySummaryFields(env),
        enableInspector: ofType("aws:inspector2/enabler:Enabler").length > 0,
        reports,
        emails,
        resourceCounts,
        roles,
        warnings,
    };
}

function rulesPackageName(region: string, arn: string): string {
    const ids = INSPECTOR_CLASSIC_REGIONS[region]?.rulesPackageIds ?? {};
    const id = /rulespackage\/([^/]+)$/.exec(arn)?.[1];
    return Object.entries(ids).find(([, v]) => v === id)?.[0] ?? id ?? arn;
}

function roleSummaries(mine: PlannedResource[], rel: (name: string) => string): RoleSummary[] {
    const ofType = (type: string) => mine.filter((r) => r.type === type);
    const refersTo = (value: unknown, role: PlannedResource) =>
        value === role.id || value === role.state?.name || value === role.state?.arn || value === role.name;
    return ofType("aws:iam/role:Role").map((role) => {
        const trust = parse(role.inputs.assumeRolePolicy) as any;
        const assumedBy = list<any>(trust?.Statement).flatMap((s) =>
            typeof s?.Principal === "string" ? [s.Principal] : Object.values(s?.Principal ?? {}).flatMap((p) => list<string>(p as any)),
        );
        const inline = [
            ...ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => refersTo(p.inputs.role, role)).map((p) => parse(p.inputs.policy)),
            ...list<any>(role.inputs.inlinePolicies).map((p) => parse(p?.policy)),
        ];
        return {
            role: rel(role.name),
            assumedBy: [...new Set(assumedBy)],
            instanceProfiles: ofType("aws:iam/instanceProfile:InstanceProfile").filter((p) => refersTo(p.inputs.role, role)).map((p) => rel(p.name)),
            managedPolicies: [
                ...ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => refersTo(a.inputs.role, role)).map((a) => String(a.inputs.policyArn)),
                ...list<string>(role.inputs.managedPolicyArns),
            ],
            statements: inline.flatMap((doc: any) => list<any>(doc?.Statement).map(statementLine)),
        };
    });
}

/** "Sid: a, b on r1, r2 [StringEquals k=v]" (Deny and Not* spelled out). */
export function statementLine(s: any): string {
    const actions = s.Action !== undefined ? list<string>(s.Action).join(", ") : `every action except ${list<string>(s.NotAction).join(", ")}`;
    const resources = s.Resource !== undefined ? list<string>(s.Resource).join(", ") : s.NotResource !== undefined ? `everything except ${list<string>(s.NotResource).join(", ")}` : "";
    const principal = s.Principal === undefined ? "" : ` for ${typeof s.Principal === "string" ? s.Principal : Object.values(s.Principal).flatMap((p) => list(p as any)).join(", ")}`;
    const conditions = Object.entries(s.Condition ?? {}).flatMap(([op, entries]) =>
        Object.entries(entries as Record<string, unknown>).map(([k, v]) => `${op} ${k}=${list(v as any).join("|")}`),
    );
    const effect = s.Effect === "Deny" ? "DENY " : "";
    return `${s.Sid ?? "(no Sid)"}: ${effect}${actions}${principal}${resources ? ` on ${resources}` : ""}${conditions.length ? ` [${conditions.join("; ")}]` : ""}`;
}

function regionWarnings(args: {
    mine: PlannedResource[];
    region: string;
    engine: string;
    subscriptions: PlannedResource[];
    reports: RegionSummary["reports"];
    nameOfArn: (arn: unknown) => string;
    subnet?: string;
}): string[] {
    const warnings: string[] = [];
    const people = (topicArn: unknown) => args.subscriptions.filter((s) => s.inputs.topic === topicArn && s.inputs.protocol !== "lambda" && s.inputs.protocol !== "sqs");
    const alarms = args.mine.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    const silentTopics = [...new Set(alarms.flatMap((a) => list<string>(a.inputs.alarmActions)).filter((arn) => people(arn).length === 0))];
    const resultTopics = args.mine.filter((r) => r.type === "aws:sns/topic:Topic" && /results/.test(r.name)).map((t) => t.state?.arn);
    if (args.subscriptions.every((s) => s.inputs.protocol !== "email" && s.inputs.protocol !== "email-json")) {
        const alarmed = alarms.filter((a) => list<string>(a.inputs.alarmActions).some((arn) => silentTopics.includes(arn))).length;
        warnings.push(
            `no email subscribers: run results${alarmed ? ` and the ${alarmed} error alarm(s)` : ""} reach no one; set golden-ami-assessment:notificationEmails (or subscribe to ${[...new Set([...resultTopics, ...silentTopics])].map(args.nameOfArn).join(", ") || "the results topic"})`,
        );
    } else if (silentTopics.length > 0) {
        warnings.push(`alarms notify ${silentTopics.map(args.nameOfArn).join(", ")}, which nobody is subscribed to`);
    }
    if (args.subnet) {
        const endpoints = args.engine === "classic" ? "the Inspector and agent endpoints" : "ssm, ssmmessages, ec2messages, inspector2 and S3";
        const s3Gateway = args.engine === "classic" ? "" : " (S3 through a gateway endpoint; docs/network.md)";
        warnings.push(
            `subnet ${args.subnet} is configured: the mock cannot see its routes. Instances there need outbound HTTPS to ${endpoints}: ` +
                `a route to a NAT gateway, or an internet gateway plus a public IP, or VPC interface endpoints${s3Gateway}; otherwise every AMI ends NOT ASSESSED`,
        );
    }
    if (args.mine.some((r) => r.type === "aws:inspector2/enabler:Enabler")) {
        warnings.push("enableInspector: the Inspector Enabler is kept on destroy (retainOnDelete): destroy leaves Inspector on; its delete would disable every scan type of the account");
    }
    for (const r of args.reports.filter((b) => !b.forceDestroy)) {
        warnings.push(`bucket ${r.bucket} has forceDestroy off: pulumi destroy cannot delete it while it holds reports; export them, empty it, then destroy (or delete it afterwards)`);
    }
    if (args.engine === "classic") {
        warnings.push("Inspector Classic reached end of support on 2026-05-20: runs only where Classic is still enabled on the account (the mock cannot tell)");
    }
    return warnings;
}

function compact(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function brief(text: string, max: number): string {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function duration(seconds: number): string {
    const named: Record<number, string> = { 900: "15m", 3600: "1h", 28800: "8h", 43200: "12h", 86400: "24h" };
    return named[seconds] ? `${named[seconds]} (${seconds} s)` : `${seconds} s`;
}

/** Items joined with `separator` into lines of at most `width` characters. */
export function wrap(items: string[], width: number, separator = ", "): string[] {
    const lines: string[] = [];
    let line = "";
    for (const item of items) {
        if (line && line.length + separator.length + item.length > width) {
            lines.push(line);
            line = item;
        } else line = line ? `${line}${separator}${item}` : item;
    }
    if (line) lines.push(line);
    return lines;
}

export function header(stack: string, planWarnings: string[], configNotes: string[]): string[] {
    return [
        `Offline plan for stack "${stack}": index.ts under Pulumi's mock runtime, no AWS calls. Not \`pulumi preview\`: the mock`,
        `cannot know real VPCs, subnets and routes, or account state (is Inspector enabled?); account ${MOCK_ACCOUNT}, ARNs and IDs are placeholders.`,
        ...[...configNotes, ...planWarnings].map((w) => `! ${w}`),
    ];
}

/** The summary's width: longer lines are wrapped onto indented continuation lines. */
export const SUMMARY_WIDTH = 120;

/** The summary lines of one region, without its === header. */
export function regionLines(plan: RegionPlan): string[] {
    const s = plan.summary;
    const lines: string[] = [];
    const field = (label: string, text: string) => wrap(text.split(" "), SUMMARY_WIDTH - 14, " ").forEach((line, i) => lines.push(`  ${(i === 0 ? label : "").padEnd(11)} ${line}`));
    const known = (value: unknown, text: string) => (value === undefined ? "(not set)" : text);
    field("engine", `${s.engine.name} (${s.engine.source})${s.scanMode ? `, scan mode ${s.scanMode}` : ""}`);
    field("AMI filter", `tags ${compact(s.amiFilter.tags ?? "(none)")}, owners ${compact(s.amiFilter.owners ?? "(default)")}`);
    if (s.rulesPackages || s.durationSeconds !== undefined) {
        field("assessment", `rules packages ${s.rulesPackages?.join(", ") ?? "(not set)"}; duration ${s.durationSeconds !== undefined ? duration(s.durationSeconds) : "(not set)"}`);
    }
    field("verdict", `FAIL at severity ${s.severityThreshold ?? "(not set)"} or above; at most ${known(s.maxConcurrentInstances, String(s.maxConcurrentInstances))} instances per run`);
    for (const [label, text] of s.policy ?? []) field(label, text);
    field("deprecation", s.deprecateFailingAmis === undefined ? "(not set)" : s.deprecateFailingAmis ? "on: this account's FAIL AMIs are deprecated (a later PASS undoes it)" : "off: FAIL AMIs are tagged only");
    field(
        "Inspector",
        s.enableInspector
            ? "enableInspector on ! account-wide and billed (EC2 scanning for the whole account); kept on destroy"
            : "enableInspector off: Inspector must already scan EC2 in this account and region",
    );
    // Assess on publish (the publish function's AMI rules): which events start a single-AMI run.
    const onPublish = s.triggers.filter((t) => /(^|-)ami-(published|tagged)$/.test(t.source)).map((t) => `${t.source} ${t.expression}`);
    field("on publish", onPublish.length ? onPublish.join("; ") : "off: golden AMIs are assessed on the schedule only");
    for (const r of s.reports) {
        field("reports", `s3://${r.bucket}/${r.prefix ?? ""}${r.retentionDays !== undefined ? `, expire after ${r.retentionDays} days` : ""}, forceDestroy ${r.forceDestroy ? "on" : "off"}`);
    }
    field("emails", s.emails.length ? s.emails.join(", ") : "(none)");
    const triggers = s.triggers.map((t) => {
        const what = t.kind === "sns" ? `${t.source} (SNS)` : t.kind === "schedule" ? `${t.source} ${t.expression}` : `${t.source} pattern ${brief(t.expression, 60)}`;
        return `${what} -> ${t.targets.join(", ") || "(no target)"}`;
    });
    wrap(triggers.length ? triggers : ["(none)"], SUMMARY_WIDTH - 14, "; ").forEach((line, i) => lines.push(`  ${(i === 0 ? "triggers" : "").padEnd(11)} ${line}`));
    const counts = Object.entries(s.resourceCounts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, n]) => `${n} ${shortType(type)}`);
    wrap(counts, SUMMARY_WIDTH - 14).forEach((line, i) => lines.push(`  ${(i === 0 ? "resources" : "").padEnd(11)} ${line}`));
    const printed = new Map<string, string>();
    for (const role of s.roles) {
        const extras = [
            role.assumedBy.length ? `assumed by ${role.assumedBy.join(", ")}` : "",
            role.instanceProfiles.length ? `instance profile ${role.instanceProfiles.join(", ")}` : "",
            role.managedPolicies.length ? `managed policies ${role.managedPolicies.join(", ")}` : "",
        ].filter(Boolean);
        // A role granted exactly another's statements but its own logs (publish beside start) says so instead of repeating them.
        const ownLogs = (statement: string) => statement.startsWith("WriteOwnLogs:");
        const twin = s.roles.find((other) => other !== role && s.roles.indexOf(other) < s.roles.indexOf(role) && sameGrants(other.statements, role.statements, ownLogs));
        // Folded to the width after grouping (regionGroups), so that folding never splits a generated ID.
        lines.push(`  IAM role ${role.role}${extras.length ? ` (${extras.join("; ")})` : ""}${twin ? `: ${twin.role}'s statements, with its own logs` : ""}`);
        lines.push(...roleStatementLines(twin ? role.statements.filter(ownLogs) : role.statements, role.role, printed));
    }
    for (const w of s.warnings) wrap(w.split(" "), SUMMARY_WIDTH - 6, " ").forEach((line, i) => lines.push(`  ${i === 0 ? "!" : " "} ${line}`));
    return lines;
}

/**
 * A role's statements, except those an earlier role was printed with word for word: these are
 * named by Sid on one line ("as analyze-role: ..."), so a shared grant is read once.
 */
function roleStatementLines(statements: readonly string[], role: string, printed: Map<string, string>): string[] {
    const shared = new Map<string, string[]>();
    const own: string[] = [];
    for (const statement of statements) {
        const first = printed.get(statement);
        if (first) shared.set(first, [...(shared.get(first) ?? []), statement.slice(0, statement.indexOf(":"))]);
        else {
            printed.set(statement, role);
            own.push(`    ${shortArns(statement)}`);
        }
    }
    return [...own, ...[...shared].map(([first, sids]) => `    as ${first}: ${sids.join(", ")}`)];
}

/** The same statements apart from those `except` picks out (each role's own log group). */
function sameGrants(a: readonly string[], b: readonly string[], except: (statement: string) => boolean): boolean {
    const rest = (statements: readonly string[]) => statements.filter((statement) => !except(statement));
    return rest(a).length > 0 && JSON.stringify(rest(a)) === JSON.stringify(rest(b));
}

/** "arn:aws:ec2:us-east-1:123456789012:instance/*" -> "ec2:instance/*": the summary's account and region add nothing. */
export function shortArns(text: string): string {
    return text.replace(/arn:aws(?:-us-gov)?:([a-z0-9-]+):[a-z0-9-]*:(?:\d{12})?:/g, "$1:");
}

/** A line over the width folded at spaces onto indented continuation lines: an IAM statement is never cut short. */
export function fold(line: string): string[] {
    if (line.length <= SUMMARY_WIDTH) return [line];
    const lead = line.length - line.trimStart().length;
    const indent = " ".repeat(lead + 4);
    const width = SUMMARY_WIDTH - indent.length;
    // A word wider than a line (a long condition value) breaks after its "|" or "," separators, else anywhere.
    const words = line.trimStart().split(" ").flatMap((word) => (word.length <= width ? [word] : (word.match(new RegExp(`.{1,${width - 1}}(?:[|,]|$)|.{1,${width}}`, "g")) ?? [word])));
    const [first, ...rest] = wrap(words, width, " ");
    return [`${" ".repeat(lead)}${first}`, ...wrap(rest.join(" ").split(" "), width, " ").map((l) => `${indent}${l}`)];
}

/**
 * A region's lines with what differs by construction between regions (the region, also inside
 * names, and generated ID and name suffixes) replaced, so that regions configured alike compare equal.
 */
export function normalized(lines: string[], region: string): string[] {
    return lines.map((line) =>
        line
            .split(region)
            .join("<region>")
            .replace(/\b(subnet|sg|vpc)-[0-9a-f]{8,17}\b/g, "$1-…")
            .replace(/-[0-9a-f]{7,12}\b/g, "-…"),
    );
}

export interface RegionGroup {
    regions: string[];
    /** What is printed: the real lines for one region, the normalized ones for several; cut to the width. */
    lines: string[];
    /** The normalized lines, to compare groups. */
    normalized: string[];
}

/** Regions whose normalized summaries are identical, in plan order. */
export function regionGroups(plans: Record<string, RegionPlan>): RegionGroup[] {
    const groups = new Map<string, RegionGroup>();
    for (const [region, plan] of Object.entries(plans)) {
        const lines = regionLines(plan);
        const same = normalized(lines, region);
        const key = same.join("\n");
        const group = groups.get(key);
        if (group) group.regions.push(region);
        else groups.set(key, { regions: [region], lines, normalized: same });
    }
    // A group of one shows its real values; a larger group the normalized ones.
    for (const group of groups.values()) group.lines = group.regions.length > 1 ? group.normalized : group.lines;
    return [...groups.values()];
}

/** The lines of `group` that `first` lacks (+) and those of `first` it lacks (-), or undefined when most differ. */
export function differences(group: RegionGroup, first: RegionGroup): string[] | undefined {
    const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
    const mine = count(group.normalized);
    const theirs = count(first.normalized);
    const added = group.normalized.flatMap((line, i) => ((theirs.get(line) ?? 0) > 0 ? (theirs.set(line, theirs.get(line)! - 1), []) : [`+ ${group.lines[i].trimStart()}`]));
    const removed = first.normalized.flatMap((line, i) => ((mine.get(line) ?? 0) > 0 ? (mine.set(line, mine.get(line)! - 1), []) : [`- ${first.lines[i].trimStart()}`]));
    const changed = [...removed, ...added];
    return changed.length * 2 < group.normalized.length ? changed.flatMap((line) => fold(`  ${line}`)) : undefined;
}

export function renderSummary(stack: string, plans: Record<string, RegionPlan>, planWarnings: string[] = [], configNotes: string[] = []): string {
    const lines = header(stack, planWarnings, configNotes).flatMap((line) => wrap(line.split(" "), SUMMARY_WIDTH, " "));
    lines.push("Summary: regions configured alike share one block; ARNs without partition, region and account; long lines folded.");
    lines.push("`npm run plan -- --details` prints every resource and policy document in full.");
    const groups = regionGroups(plans);
    for (const group of groups) {
        const resources = plans[group.regions[0]].resources.length;
        const first = groups[0];
        if (group.regions.length === 1) {
            lines.push("", `=== ${group.regions[0]}: component ${plans[group.regions[0]].component}, ${resources} resources`);
        } else {
            const list = wrap(group.regions, SUMMARY_WIDTH - 26);
            lines.push("", `=== ${group.regions.length} regions alike: ${list[0]}`, ...list.slice(1).map((l) => `    ${l}`));
            lines.push(`  component   gaa-${stack}-<region> in each, ${resources} resources each (<region>, IDs and name suffixes differ)`);
        }
        const changed = group === first ? undefined : differences(group, first);
        if (changed) lines.push(`  as ${first.regions.length > 1 ? `the ${first.regions.length} regions` : first.regions[0]} above, except (- there, + here):`, ...changed);
        else lines.push(...group.lines.flatMap(fold));
    }
    lines.push("");
    return lines.join("\n");
}

export function renderDetails(stack: string, plans: Record<string, RegionPlan>, planWarnings: string[] = [], configNotes: string[] = []): string {
    const lines = [...header(stack, planWarnings, configNotes), ""];
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
        section("Event pattern", plan.eventPatterns);
        section("Assessment template", plan.assessmentTemplates);
        section("Email subscription", plan.emailSubscriptions);
        section("Lambda function", plan.functions);
        section("IAM policy", plan.iamPolicies);
        section("Assume-role policy", plan.assumeRolePolicies);
        section("Topic policy", plan.topicPolicies);
        section("Bucket policy", plan.bucketPolicies);
        section("Lambda permission", plan.lambdaPermissions);
        section("Security group", plan.securityGroups);
        lines.push("", "--- Warnings", ...plan.summary.warnings.map((w) => `! ${w}`), "");
    }
    return lines.join("\n");
}

/** Kept for callers of the old name: the full listing. */
export const renderText = renderDetails;
