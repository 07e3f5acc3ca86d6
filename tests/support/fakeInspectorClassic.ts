// A stateful fake of Inspector Classic on top of FakeAws: the agents of the assessment target
// (every live instance with the pipeline tag), assessment runs with their agents, findings and
// states, and the messages Inspector publishes to the completion topic. The test moves the runs
// on (complete, fail) and delivers, loses or duplicates those messages. Calls go through
// FakeAws.enter, so faults, interleaving and the call log work as for the other services;
// their names are prefixed "Classic." (ListFindings exists in Inspector v2 too).
import * as inspectorSdk from "@aws-sdk/client-inspector";
import { AssessmentRunAgent, Finding, InspectorClient, InspectorServiceException } from "@aws-sdk/client-inspector";
import { PIPELINE_TAG } from "../../pipeline/run/tags";
import { FAKE_ACCOUNT, FAKE_REGION, FakeAws, Fault, FakeInstance } from "./fakeAws";
import { isolatedMock } from "./launchFixtures";

// client-inspector 3.523 is typed against an older @smithy/types than aws-sdk-client-mock; at runtime they match.
const sdk = inspectorSdk as any;

export const CLASSIC_TARGET_ARN = `arn:aws:inspector:${FAKE_REGION}:${FAKE_ACCOUNT}:target/0-AbCdEf12`;
export const CLASSIC_TEMPLATE_ARN = `${CLASSIC_TARGET_ARN}/template/0-GhIjKl34`;
export const CVE_PACKAGE = `arn:aws:inspector:${FAKE_REGION}:316112463485:rulespackage/0-gEjTy7T7`;
const TERMINAL = ["FAILED", "ERROR", "COMPLETED", "COMPLETED_WITH_ERRORS", "CANCELED"];

/** A vulnerability an AMI carries: every assessed instance launched from it has this finding. */
export interface Vulnerability {
    severity: "High" | "Medium" | "Low" | "Informational";
    cveId: string;
}

export interface FakeRun {
    arn: string;
    name: string;
    templateArn: string;
    state: string;
    startedAt: Date;
    /** When the run last changed state (set by complete and fail), and when it completed. */
    stateChangedAt?: Date;
    completedAt?: Date;
    /** Instances whose agents took part (HEALTHY when the run started). */
    agentIds: string[];
    /** Agents whose instance lived through the whole data collection: the only ones with proof. */
    collected: Set<string>;
    findings: Finding[];
}

export interface CompletionMessage {
    messageId: string;
    message: string;
}

export function classicThrottlingError(): Error {
    return new InspectorServiceException({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded (fake)" });
}

function page<T>(items: T[], token: string | undefined, size: number): { items: T[]; nextToken?: string } {
    const offset = token ? Number(token.replace("page-", "")) : 0;
    return { items: items.slice(offset, offset + size), nextToken: offset + size < items.length ? `page-${offset + size}` : undefined };
}

export class FakeInspectorClassic {
    readonly inspector = new InspectorClient({ region: FAKE_REGION });
    runs: FakeRun[] = [];
    /** Messages to the completion topic, oldest first; the test takes and delivers them. */
    outbox: CompletionMessage[] = [];
    /** AMI id -> what its instances are found to have. */
    vulnerabilities: Record<string, Vulnerability[]> = {};
    /** Images whose agent never becomes HEALTHY (IMDSv2 enforced, no outbound HTTPS...). */
    unhealthyImages = new Set<string>();
    /** Seconds from launch until the agent reports HEALTHY. */
    agentReadySeconds = 90;
    /** Small pages force every reader to page. */
    pageSize = 3;
    private counter = 0;

    constructor(readonly world: FakeAws, readonly pipelineName: string) {
        this.wire();
    }

    throttle(command: string, times: number, when?: (input: any) => boolean): Fault {
        return this.world.failNext(`Classic.${command}`, times, classicThrottlingError, when);
    }

    run(arn: string): FakeRun {
        const run = this.runs.find((r) => r.arn === arn);
        if (!run) throw new Error(`fake: no run ${arn}`);
        return run;
    }

    activeRuns(): FakeRun[] {
        return this.runs.filter((run) => !TERMINAL.includes(run.state));
    }

    takeMessages(): CompletionMessage[] {
        return this.outbox.splice(0);
    }

    /** The run's data collection is over: assessed agents get their AMI's findings, the run COMPLETED. */
    complete(arn: string): void {
        const run = this.run(arn);
        if (TERMINAL.includes(run.state)) throw new Error(`fake: run ${arn} already ${run.state}`);
        for (const agentId of run.agentIds) {
            const instance = this.instance(agentId);
            if (!instance || instance.state !== "running") continue;
            run.collected.add(agentId);
            for (const vulnerability of this.vulnerabilities[instance.imageId] ?? []) run.findings.push(this.finding(run, agentId, vulnerability));
        }
        run.state = "COMPLETED";
        run.completedAt = run.stateChangedAt = this.world.now();
        const counts = `{${CVE_PACKAGE}=${run.findings.length}}`;
        this.publish(run, { findingsCount: counts, event: "ASSESSMENT_RUN_COMPLETED" });
    }

    /** The run ends without findings in a failed state (FAILED, ERROR, CANCELED). */
    fail(arn: string, state: "FAILED" | "ERROR" | "CANCELED"): void {
        const run = this.run(arn);
        run.state = state;
        run.stateChangedAt = this.world.now();
        this.publish(run, { event: "ASSESSMENT_RUN_STATE_CHANGED", newstate: state });
    }

    /** A message analyze must ignore (run started, a non-terminal state change). */
    announce(arn: string, fields: Record<string, string>): void {
        this.publish(this.run(arn), fields);
    }

    private publish(run: FakeRun, fields: Record<string, string>): void {
        const message = JSON.stringify({ template: run.templateArn, run: run.arn, time: this.world.now().toISOString(), target: CLASSIC_TARGET_ARN, ...fields });
        this.outbox.push({ messageId: `inspector-${++this.counter}`, message });
    }

    private instance(instanceId: string): FakeInstance | undefined {
        return this.world.instances.find((i) => i.instanceId === instanceId);
    }

    private finding(run: FakeRun, agentId: string, vulnerability: Vulnerability): Finding {
        const n = ++this.counter;
        return {
            arn: `${run.arn}/finding/0-${String(n).padStart(8, "0")}`,
            serviceAttributes: { schemaVersion: 1, assessmentRunArn: run.arn, rulesPackageArn: CVE_PACKAGE },
            assetType: "ec2-instance",
            assetAttributes: { schemaVersion: 1, agentId },
            id: vulnerability.cveId,
            title: `Instance ${agentId} is vulnerable to ${vulnerability.cveId}`,
            description: `fake finding ${n}`,
            recommendation: `Update the package that fixes ${vulnerability.cveId}`,
            severity: vulnerability.severity,
            numericSeverity: { High: 9, Medium: 6, Low: 3, Informational: 0 }[vulnerability.severity],
            attributes: [{ key: "INSTANCE_ID", value: agentId }, { key: "CVE_ID", value: vulnerability.cveId }],
            userAttributes: [],
            createdAt: this.world.now(),
            updatedAt: this.world.now(),
        };
    }

    /** What DescribeAssessmentRuns says of a run: its state, times and findingCounts by severity. */
    private describeRun(run: FakeRun) {
        const findingCounts: Record<string, number> = { High: 0, Medium: 0, Low: 0, Informational: 0, Undefined: 0 };
        for (const finding of run.findings) findingCounts[finding.severity ?? "Undefined"] += 1;
        return {
            arn: run.arn,
            name: run.name,
            assessmentTemplateArn: run.templateArn,
            state: run.state,
            startedAt: run.startedAt,
            completedAt: run.completedAt,
            stateChangedAt: run.stateChangedAt ?? run.startedAt,
            dataCollected: run.collected.size > 0,
            findingCounts,
        };
    }

    /** The target's agents: live instances with the pipeline tag, once their agent has registered. */
    private targetAgents(): { agentId: string; agentHealth: string }[] {
        const nowMs = this.world.now().getTime();
        return this.world
            .liveInstances()
            .filter((i) => i.tags.some((tag) => tag.Key === PIPELINE_TAG && tag.Value === this.pipelineName))
            .filter((i) => nowMs - i.launchTime.getTime() >= this.agentReadySeconds * 1000)
            .map((i) => ({ agentId: i.instanceId, agentHealth: this.unhealthyImages.has(i.imageId) ? "UNHEALTHY" : "HEALTHY" }));
    }

    /** What ListAssessmentRunAgents says of one agent now. */
    private runAgent(run: FakeRun, agentId: string): AssessmentRunAgent {
        const alive = this.instance(agentId)?.state === "running";
        const done = run.collected.has(agentId);
        const telemetry = done ? 42 : alive ? 7 : 3;
        return {
            agentId,
            assessmentRunArn: run.arn,
            agentHealth: done || alive ? "HEALTHY" : "UNHEALTHY",
            agentHealthCode: done ? "IDLE" : alive ? "RUNNING" : "SHUTDOWN",
            telemetryMetadata: [{ messageType: "InspectorTelemetry", count: telemetry, dataSize: telemetry * 100 }],
        };
    }

    private startRun(input: any): { assessmentRunArn: string } {
        if (input.assessmentTemplateArn !== CLASSIC_TEMPLATE_ARN) throw new sdk.NoSuchEntityException({ $metadata: { httpStatusCode: 400 }, message: "no such template", errorCode: "ASSESSMENT_TEMPLATE_DOES_NOT_EXIST", canRetry: false });
        const healthy = this.targetAgents().filter((agent) => agent.agentHealth === "HEALTHY").map((agent) => agent.agentId);
        const busy = this.activeRuns().flatMap((run) => run.agentIds.filter((id) => healthy.includes(id)).map((agentId) => ({ agentId, assessmentRunArn: run.arn })));
        if (busy.length > 0) {
            throw new sdk.AgentsAlreadyRunningAssessmentException({ $metadata: { httpStatusCode: 400 }, message: "agents already running", agents: busy, agentsTruncated: false, canRetry: true });
        }
        const arn = `${CLASSIC_TEMPLATE_ARN}/run/0-run${String(++this.counter).padStart(5, "0")}`;
        this.runs.push({ arn, name: input.assessmentRunName, templateArn: input.assessmentTemplateArn, state: "COLLECTING_DATA", startedAt: this.world.now(), agentIds: healthy, collected: new Set(), findings: [] });
        this.announce(arn, { event: "ASSESSMENT_RUN_STARTED" });
        return { assessmentRunArn: arn };
    }

    private wire(): void {
        const mock = isolatedMock(this.inspector);
        const on = (command: any, name: string, answer: (input: any) => unknown) =>
            mock.on(command).callsFake(async (input: any) => {
                await this.world.enter(`Classic.${name}`, input);
                return answer(input);
            });
        on(sdk.PreviewAgentsCommand, "PreviewAgents", (input) => {
            if (input.previewAgentsArn !== CLASSIC_TARGET_ARN) throw new Error(`fake: PreviewAgents of unknown target ${input.previewAgentsArn}`);
            const { items, nextToken } = page(this.targetAgents(), input.nextToken, this.pageSize);
            return { agentPreviews: items, nextToken };
        });
        on(sdk.StartAssessmentRunCommand, "StartAssessmentRun", (input) => this.startRun(input));
        on(sdk.StopAssessmentRunCommand, "StopAssessmentRun", (input) => {
            const run = this.run(input.assessmentRunArn);
            // SKIP_EVALUATION: the run is canceled at once, without findings.
            if (!TERMINAL.includes(run.state)) this.fail(run.arn, "CANCELED");
            return {};
        });
        on(sdk.ListAssessmentRunsCommand, "ListAssessmentRuns", (input) => {
            const states: string[] | undefined = input.filter?.states;
            const arns = this.runs.filter((run) => (!input.assessmentTemplateArns || input.assessmentTemplateArns.includes(run.templateArn)) && (!states || states.includes(run.state))).map((run) => run.arn);
            const { items, nextToken } = page(arns, input.nextToken, this.pageSize);
            return { assessmentRunArns: items, nextToken };
        });
        on(sdk.DescribeAssessmentRunsCommand, "DescribeAssessmentRuns", (input) => {
            const wanted: string[] = input.assessmentRunArns ?? [];
            if (wanted.length < 1 || wanted.length > 10) throw new Error(`fake: DescribeAssessmentRuns with ${wanted.length} ARNs; the API takes 1-10`);
            const failedItems: Record<string, { failureCode: string; retryable: boolean }> = {};
            for (const arn of wanted) if (!this.runs.some((run) => run.arn === arn)) failedItems[arn] = { failureCode: "ITEM_DOES_NOT_EXIST", retryable: false };
            return { assessmentRuns: this.runs.filter((run) => wanted.includes(run.arn)).map((run) => this.describeRun(run)), failedItems };
        });
        on(sdk.ListAssessmentRunAgentsCommand, "ListAssessmentRunAgents", (input) => {
            const run = this.run(input.assessmentRunArn);
            const { items, nextToken } = page(run.agentIds.map((id) => this.runAgent(run, id)), input.nextToken, this.pageSize);
            return { assessmentRunAgents: items, nextToken };
        });
        on(sdk.ListFindingsCommand, "ListFindings", (input) => {
            const arns = this.runs.filter((run) => (input.assessmentRunArns ?? []).includes(run.arn)).flatMap((run) => run.findings.map((f) => f.arn!));
            const { items, nextToken } = page(arns, input.nextToken, Math.min(this.pageSize, input.maxResults ?? 10));
            return { findingArns: items, nextToken };
        });
        on(sdk.DescribeFindingsCommand, "DescribeFindings", (input) => {
            const wanted: string[] = input.findingArns ?? [];
            if (wanted.length < 1 || wanted.length > 10) throw new Error(`fake: DescribeFindings with ${wanted.length} ARNs; the API takes 1-10`);
            const all = new Map(this.runs.flatMap((run) => run.findings).map((f) => [f.arn!, f]));
            const failedItems: Record<string, { failureCode: string; retryable: boolean }> = {};
            for (const arn of wanted) if (!all.has(arn)) failedItems[arn] = { failureCode: "ITEM_DOES_NOT_EXIST", retryable: false };
            return { findings: wanted.filter((arn) => all.has(arn)).map((arn) => structuredClone(all.get(arn)!)), failedItems };
        });
    }
}
