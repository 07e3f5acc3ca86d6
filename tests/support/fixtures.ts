// Pure, deterministic fakes of what Inspector Classic, EC2 and SNS hand to the analyze handler.
// No mocks here, so benchmarks can reuse them: plug the *Response functions into any stub.
import type { Instance } from "@aws-sdk/client-ec2";
import type { DescribeFindingsRequest, DescribeFindingsResponse, Finding, ListFindingsRequest, ListFindingsResponse } from "@aws-sdk/client-inspector";
import type { AmiRecord } from "../../pipeline/run/manifest";
import type { ClassicRunManifest as RunManifest } from "../../engines/classic/manifest";
import { PIPELINE_TAG, RUN_TAG, SOURCE_AMI_TAG } from "../../pipeline/run/tags";

export const REGION = "us-east-1";
export const ACCOUNT = "111122223333";
export const TARGET_ARN = `arn:aws:inspector:${REGION}:${ACCOUNT}:target/0-AbCdEf12`;
export const TEMPLATE_ARN = `${TARGET_ARN}/template/0-GhIjKl34`;
export const RUN_ARN = `${TEMPLATE_ARN}/run/0-MnOpQr56`;
export const CVE_PACKAGE_ARN = `arn:aws:inspector:${REGION}:316112463485:rulespackage/0-gEjTy7T7`;
export const CIS_PACKAGE_ARN = `arn:aws:inspector:${REGION}:316112463485:rulespackage/0-rExsr2X8`;
export const PIPELINE_NAME = "golden";
export const RUN_ID = "2026-03-30T12-00-00Z-abc123";
export const COMPLETED_AT = "2026-03-30T13:20:45.050Z";

/** Severity of finding i: mostly Low and Informational, some Medium, few High, as in real runs. */
const SEVERITY_CYCLE = ["Low", "Informational", "Medium", "Low", "High", "Informational", "Low", "Medium", "Informational", "Undefined"] as const;

export interface FakeFindingsOptions {
    count: number;
    /** Instance IDs the findings spread over, round-robin. */
    instanceIds: string[];
    runArn?: string;
    /** Distinct CVE IDs to draw from; smaller than count so that instances share CVEs. */
    cvePoolSize?: number;
    /** Every n-th finding is a CIS finding without a CVE ID (0 = none). */
    cisEvery?: number;
    /** Pads title and recommendation to at least this many characters (to test message size limits). */
    textLength?: number;
}

export function fakeFindingArn(runArn: string, index: number): string {
    return `${runArn}/finding/0-${String(index).padStart(8, "0")}`;
}

/** `count` findings over the given instances, deterministic in every field. */
export function fakeFindings(options: FakeFindingsOptions): Finding[] {
    const runArn = options.runArn ?? RUN_ARN;
    const cvePoolSize = options.cvePoolSize ?? Math.max(1, Math.ceil(options.count / 3));
    const cisEvery = options.cisEvery ?? 7;
    const pad = (text: string) => (options.textLength && text.length < options.textLength ? text + " " + "x".repeat(options.textLength - text.length - 1) : text);
    const findings: Finding[] = [];
    for (let i = 0; i < options.count; i++) {
        const agentId = options.instanceIds[i % options.instanceIds.length];
        const severity = SEVERITY_CYCLE[i % SEVERITY_CYCLE.length];
        const isCis = cisEvery > 0 && i % cisEvery === cisEvery - 1;
        const cveId = `CVE-2026-${1000 + (i % cvePoolSize)}`;
        findings.push({
            arn: fakeFindingArn(runArn, i),
            schemaVersion: 1,
            service: "Inspector",
            serviceAttributes: { schemaVersion: 1, assessmentRunArn: runArn, rulesPackageArn: isCis ? CIS_PACKAGE_ARN : CVE_PACKAGE_ARN },
            assetType: "ec2-instance",
            assetAttributes: { schemaVersion: 1, agentId, amiId: undefined },
            id: isCis ? `CIS-1.${i}` : cveId,
            title: pad(isCis ? `Ensure setting ${i} is configured on ${agentId}` : `Instance ${agentId} is vulnerable to ${cveId}`),
            description: `Description of finding ${i}`,
            recommendation: pad(isCis ? `Configure setting ${i}` : `Use your Operating System's update feature to fix ${cveId}`),
            severity,
            numericSeverity: { Critical: 0, High: 9, Medium: 6, Low: 3, Informational: 0, Undefined: 0 }[severity],
            confidence: 10,
            indicatorOfCompromise: false,
            attributes: isCis ? [{ key: "INSTANCE_ID", value: agentId }] : [{ key: "INSTANCE_ID", value: agentId }, { key: "CVE_ID", value: cveId }],
            userAttributes: [],
            createdAt: new Date(COMPLETED_AT),
            updatedAt: new Date(COMPLETED_AT),
        });
    }
    return findings;
}

/** A finding with exactly the fields a test cares about. */
export function oneFinding(fields: { index: number; agentId: string; severity: string; cveId?: string; title?: string; rulesPackageArn?: string; numericSeverity?: number; recommendation?: string }): Finding {
    return {
        arn: fakeFindingArn(RUN_ARN, fields.index),
        serviceAttributes: { schemaVersion: 1, rulesPackageArn: fields.rulesPackageArn ?? CVE_PACKAGE_ARN },
        assetAttributes: { schemaVersion: 1, agentId: fields.agentId },
        title: fields.title ?? `Finding ${fields.index}`,
        recommendation: fields.recommendation ?? `Fix finding ${fields.index}`,
        severity: fields.severity as Finding["severity"],
        numericSeverity: fields.numericSeverity,
        attributes: fields.cveId ? [{ key: "CVE_ID", value: fields.cveId }] : [],
        userAttributes: [],
        createdAt: undefined,
        updatedAt: undefined,
    };
}

/** ListFindings as Inspector pages it: at most `pageSize` (and the request's maxResults) ARNs per page, token "offset-N". */
export function listFindingsResponse(findingArns: string[], request: ListFindingsRequest, pageSize = 500): ListFindingsResponse {
    const start = request.nextToken ? Number(request.nextToken.replace("offset-", "")) : 0;
    const end = start + Math.min(pageSize, request.maxResults ?? 10);
    return { findingArns: findingArns.slice(start, end), nextToken: end < findingArns.length ? `offset-${end}` : undefined };
}

/** DescribeFindings for the requested ARNs; unknown ARNs come back as failedItems like the real API. */
export function describeFindingsResponse(findingsByArn: Map<string, Finding>, request: DescribeFindingsRequest): DescribeFindingsResponse {
    const findings: Finding[] = [];
    const failedItems: DescribeFindingsResponse["failedItems"] = {};
    for (const arn of request.findingArns ?? []) {
        const finding = findingsByArn.get(arn);
        if (finding) findings.push(finding);
        else failedItems[arn] = { failureCode: "ITEM_DOES_NOT_EXIST", retryable: false };
    }
    return { findings, failedItems };
}

export function fakeInstance(instanceId: string, imageId: string, options: { runId?: string; launchTime?: Date; sourceTag?: boolean } = {}): Instance {
    const tags = [{ Key: PIPELINE_TAG, Value: PIPELINE_NAME }, { Key: RUN_TAG, Value: options.runId ?? RUN_ID }];
    if (options.sourceTag !== false) tags.push({ Key: SOURCE_AMI_TAG, Value: imageId });
    return { InstanceId: instanceId, ImageId: imageId, State: { Name: "running" }, LaunchTime: options.launchTime ?? new Date("2026-03-30T12:00:10Z"), Tags: tags };
}

export function fakeManifest(amis: Partial<AmiRecord>[], runArn = RUN_ARN): RunManifest {
    return {
        runId: RUN_ID,
        assessmentRunArn: runArn,
        assessmentTemplateArn: TEMPLATE_ARN,
        startedAt: "2026-03-30T12:00:00.000Z",
        amis: amis.map((ami) => ({ imageId: "ami-missing", tags: {}, status: "ASSESSING", ...ami })),
    };
}

/** The completion message as Inspector sends it; findingsCount is a Java map, not JSON. */
export function completedMessage(options: { runArn?: string; templateArn?: string; findingsCount?: Record<string, number> } = {}): string {
    const counts = options.findingsCount ?? { [CVE_PACKAGE_ARN]: 0 };
    return JSON.stringify({
        template: options.templateArn ?? TEMPLATE_ARN,
        findingsCount: `{${Object.entries(counts).map(([arn, n]) => `${arn}=${n}`).join(", ")}}`,
        run: options.runArn ?? RUN_ARN,
        time: COMPLETED_AT,
        event: "ASSESSMENT_RUN_COMPLETED",
        target: TARGET_ARN,
    });
}

export function stateChangedMessage(newstate: string, options: { runArn?: string; templateArn?: string } = {}): string {
    return JSON.stringify({
        template: options.templateArn ?? TEMPLATE_ARN,
        run: options.runArn ?? RUN_ARN,
        time: COMPLETED_AT,
        event: "ASSESSMENT_RUN_STATE_CHANGED",
        target: TARGET_ARN,
        newstate,
    });
}

export function snsEvent(...messages: string[]) {
    return { Records: messages.map((Message, i) => ({ Sns: { Message, MessageId: `message-${i}` } })) };
}

/** findingsCount for a set of findings, per rules package, as Inspector would announce it. */
export function countByPackage(findings: Finding[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const finding of findings) {
        const arn = finding.serviceAttributes?.rulesPackageArn ?? "unknown";
        counts[arn] = (counts[arn] ?? 0) + 1;
    }
    return counts;
}
