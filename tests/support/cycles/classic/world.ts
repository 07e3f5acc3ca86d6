// The Classic engine's whole-cycle world: FakeAws plus the Inspector Classic fake, the real start,
// analyze and reaper handlers wired to it, and how Lambda delivers to them (analyze: SNS with two
// async retries, or the sweep schedule; start: the schedule, no retry).
import { AnalyzeDeps, AnalyzeResult, AnalyzeSettings, makeAnalyzeHandler } from "../../../../engines/classic/analyze";
import { runKeys } from "../../../../engines/classic/manifest";
import { StartDeps, StartResult, StartSettings, makeStartHandler } from "../../../../engines/classic/start";
import { makeReaperHandler } from "../../../../callbacks/reaper";
import { AssessmentReport } from "../../../../pipeline/report/report";
import { maxInstanceAgeSeconds } from "../../../../pipeline/cleanup/stale";
import { settle } from "../settle";
import { FakeAws } from "../../fakeAws";
import { CLASSIC_TARGET_ARN, CLASSIC_TEMPLATE_ARN, CompletionMessage, FakeInspectorClassic } from "../../fakeInspectorClassic";

export const START = new Date("2026-11-23T10:00:00.000Z");
export const PIPELINE = "golden";
export const TOPIC = "arn:aws:sns:us-east-1:111122223333:golden-results";
export const BUCKET = "golden-reports";
export const PREFIX = "reports/";
export const DURATION = 3600;
export const MINUTE = 60_000;
/** analyze's Lambda timeout, and Lambda's waits before its two async retries. */
export const ANALYZE_TIMEOUT_SECONDS = 900;
export const RETRY_WAITS_SECONDS = [60, 120];

export const CLEAN = "ami-0aaa0000000000001";
export const VULN = "ami-0bbb0000000000002";
export const MEDIUM = "ami-0ccc0000000000003";
export const UNTAGGED = "ami-0ddd0000000000004";
export const EXPECTED = { [CLEAN]: "PASS", [VULN]: "FAIL", [MEDIUM]: "PASS" };

export const START_SETTINGS: StartSettings = {
    engine: "classic",
    pipelineName: PIPELINE,
    amiTags: { Golden: "true" },
    amiOwners: ["self"],
    instanceTypes: { x86_64: "t3.micro", arm64: "t4g.micro" },
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-0123",
    assessmentTargetArn: CLASSIC_TARGET_ARN,
    assessmentTemplateArn: CLASSIC_TEMPLATE_ARN,
    durationSeconds: DURATION,
    resultsTopicArn: TOPIC,
    reportBucket: BUCKET,
    reportPrefix: PREFIX,
    agentWaitSeconds: 600,
    reapGraceSeconds: 1800,
};
const ANALYZE_SETTINGS: AnalyzeSettings = {
    engine: "classic",
    pipelineName: PIPELINE,
    assessmentTemplateArn: CLASSIC_TEMPLATE_ARN,
    severityThreshold: "High",
    resultsTopicArn: TOPIC,
    reportBucket: BUCKET,
    reportPrefix: PREFIX,
};
/** The reaper's deadline: no instance of any run may live longer. */
export const REAP_AFTER_SECONDS = maxInstanceAgeSeconds(START_SETTINGS);

export interface ClassicWorld {
    aws: FakeAws;
    classic: FakeInspectorClassic;
    /** Deterministic but distinct per call: run ids and claim holders differ. */
    random: () => number;
}

export function newClassicWorld(): ClassicWorld {
    const aws = new FakeAws(START);
    aws.addImage(CLEAN, { name: "clean" });
    aws.addImage(VULN, { name: "vulnerable" });
    aws.addImage(MEDIUM, { name: "medium-only", architecture: "arm64" });
    aws.addImage(UNTAGGED, { name: "not-golden", tags: { Team: "x" } });
    const classic = new FakeInspectorClassic(aws, PIPELINE);
    classic.vulnerabilities[VULN] = [
        { severity: "High", cveId: "CVE-2026-0001" },
        { severity: "Low", cveId: "CVE-2026-0002" },
        { severity: "Low", cveId: "CVE-2026-0003" },
    ];
    classic.vulnerabilities[MEDIUM] = [
        { severity: "Medium", cveId: "CVE-2026-0100" },
        { severity: "Informational", cveId: "CVE-2026-0101" },
    ];
    classic.vulnerabilities[UNTAGGED] = [{ severity: "High", cveId: "CVE-2026-0999" }];
    let seed = 7;
    const random = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
    };
    return { aws, classic, random };
}

function startDeps(w: ClassicWorld): StartDeps {
    const { aws, classic } = w;
    return { ec2: aws.ec2, inspector: classic.inspector, sns: aws.sns, s3: aws.s3, settings: START_SETTINGS, now: aws.now, sleep: aws.sleep, log: () => undefined, random: w.random };
}

export function analyzeDeps(w: ClassicWorld): AnalyzeDeps {
    const { aws, classic } = w;
    return { ec2: aws.ec2, inspector: classic.inspector, sns: aws.sns, s3: aws.s3, settings: ANALYZE_SETTINGS, now: aws.now, sleep: aws.sleep, log: () => undefined, random: w.random };
}

export const start = (w: ClassicWorld): Promise<StartResult> => makeStartHandler(startDeps(w))({});

export const snsEvent = (...messages: CompletionMessage[]) => ({ Records: messages.map((m) => ({ Sns: { Message: m.message, MessageId: m.messageId } })) });

/** One invocation of analyze with these messages (no retry). */
export const analyze = (w: ClassicWorld, ...messages: CompletionMessage[]): Promise<AnalyzeResult> => makeAnalyzeHandler(analyzeDeps(w))(snsEvent(...messages));

/** Inspector's completion message of the run, taken from what it published (to deliver, hold back or lose). */
export function completionOf(w: ClassicWorld, runArn: string): CompletionMessage {
    const message = w.classic.takeMessages().filter((m) => m.message.includes(runArn) && m.message.includes("ASSESSMENT_RUN_COMPLETED")).pop();
    if (!message) throw new Error(`no completion message of ${runArn}`);
    return message;
}

/** The EventBridge schedule's event, as it reaches analyze. */
export const SCHEDULED_EVENT = { version: "0", source: "aws.events", "detail-type": "Scheduled Event", resources: ["arn:aws:events:us-east-1:111122223333:rule/golden-sweep-schedule"], detail: {} } as const;

/** One invocation of analyze by the sweep schedule (no retry: the next sweep comes anyway). */
export const sweep = (w: ClassicWorld): Promise<AnalyzeResult> => makeAnalyzeHandler(analyzeDeps(w))(SCHEDULED_EVENT);

export { settle };

export type Delivery = { status: "ok"; result: AnalyzeResult; attempts: number } | { status: "gave-up"; errors: string[]; attempts: number };

/**
 * Delivers messages as SNS -> Lambda does: an invocation that throws is retried after 1 then 2
 * minutes; one that hangs (dies) is retried after its 15-minute timeout. After three attempts the
 * event is dropped, as with maximumRetryAttempts: 2 and no destination.
 */
export async function deliver(w: ClassicWorld, ...messages: CompletionMessage[]): Promise<Delivery> {
    const errors: string[] = [];
    for (let attempt = 1; attempt <= 1 + RETRY_WAITS_SECONDS.length; attempt++) {
        let outcome: { result?: AnalyzeResult; error?: unknown } | undefined;
        analyze(w, ...messages).then(
            (result) => (outcome = { result }),
            (error) => (outcome = { error }),
        );
        await settle();
        if (outcome?.result) return { status: "ok", result: outcome.result, attempts: attempt };
        errors.push(outcome ? String((outcome.error as Error)?.message ?? outcome.error) : "timed out (the invocation died)");
        if (!outcome) w.aws.advanceSeconds(ANALYZE_TIMEOUT_SECONDS);
        if (attempt <= RETRY_WAITS_SECONDS.length) w.aws.advanceSeconds(RETRY_WAITS_SECONDS[attempt - 1]);
    }
    return { status: "gave-up", errors, attempts: 1 + RETRY_WAITS_SECONDS.length };
}

/** Ends every run whose duration is over (COMPLETED, with findings) and delivers what Inspector published. */
export async function completeDueRuns(w: ClassicWorld): Promise<Delivery[]> {
    for (const run of w.classic.activeRuns()) {
        if (w.aws.now().getTime() >= run.startedAt.getTime() + DURATION * 1000) w.classic.complete(run.arn);
    }
    const deliveries: Delivery[] = [];
    for (const message of w.classic.takeMessages()) deliveries.push(await deliver(w, message));
    return deliveries;
}

/** A started run, to its end: the duration passes, Inspector completes it and analyze gets the messages. */
export async function finishRun(w: ClassicWorld): Promise<Delivery[]> {
    w.aws.advanceSeconds(DURATION + 120);
    return completeDueRuns(w);
}

/** The hourly reaper, invoked as EventBridge does. */
export const reap = (w: ClassicWorld) => makeReaperHandler({ ec2: w.aws.ec2, sns: w.aws.sns, settings: START_SETTINGS, now: w.aws.now, sleep: w.aws.sleep })({});

/** The drain at `pulumi destroy`: the reaper's CRUD-scoped delete invocation. */
export const drain = (w: ClassicWorld) => makeReaperHandler({ ec2: w.aws.ec2, sns: w.aws.sns, settings: START_SETTINGS, now: w.aws.now, sleep: w.aws.sleep })({ tf: { action: "delete" } });

export function keysOf(runArn: string) {
    return runKeys(PREFIX, runArn);
}

export function reportOf(w: ClassicWorld, runArn: string): AssessmentReport | undefined {
    return w.aws.json<AssessmentReport>(keysOf(runArn).reportJson);
}

export function verdicts(report: AssessmentReport | undefined): Record<string, string> {
    return Object.fromEntries((report?.amis ?? []).map((ami) => [ami.imageId, ami.verdict]));
}
