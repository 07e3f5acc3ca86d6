// Hand-built reports for the HTML, trend and index renderers (engine-neutral fields included).
import type { AmiAssessment, Verdict } from "../../pipeline/consolidate";
import type { FindingSeverity, FindingSummary } from "../../pipeline/findingModel";
import type { AssessmentReport } from "../../pipeline/report";

const SEVERITIES: FindingSeverity[] = ["Critical", "High", "Medium", "Low", "Informational", "Undefined"];
let serial = 0;

export function finding(fields: Partial<FindingSummary> & { severity: FindingSeverity }): FindingSummary {
    serial++;
    return { arn: `arn:finding/${serial}`, title: fields.cveId ? `Instance i-0000000000000000${serial % 10} is vulnerable to ${fields.cveId}` : `finding ${serial}`, recommendation: "", rulesPackageArn: "cve", ...fields };
}

export function amiOf(imageId: string, findings: FindingSummary[], options: { verdict?: Verdict; name?: string; threshold?: FindingSeverity; detail?: string } = {}): AmiAssessment {
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as any;
    const threshold = SEVERITIES.indexOf(options.threshold ?? "High");
    const failing = findings.filter((f) => f.severity !== "Undefined" && SEVERITIES.indexOf(f.severity) <= threshold);
    const failingCounts = Object.fromEntries(SEVERITIES.map((s) => [s, failing.filter((f) => f.severity === s).length]).filter(([, n]) => n)) as any;
    const verdict = options.verdict ?? (failing.length ? "FAIL" : "PASS");
    return {
        imageId,
        name: options.name,
        verdict,
        notAssessed: verdict === "NOT ASSESSED" ? { code: "AGENT_UNHEALTHY", detail: options.detail ?? "agent on i-0c was UNHEALTHY after 600 s" } : undefined,
        inManifest: true,
        instanceIds: [],
        counts,
        countsByRulesPackage: {},
        cveIds: [...new Set(findings.map((f) => f.cveId).filter((c): c is string => !!c))],
        failingCounts,
        topFindings: findings.slice(0, 10) as any,
        findings: findings as any,
    };
}

export function reportOf(amis: AmiAssessment[], fields: Partial<AssessmentReport> & { engine?: string } = {}): AssessmentReport {
    const verdictCounts = { PASS: 0, FAIL: 0, "NOT ASSESSED": 0 } as Record<Verdict, number>;
    for (const a of amis) verdictCounts[a.verdict]++;
    return {
        schemaVersion: 1,
        pipelineName: "gaa-prod-us-east-1",
        region: "us-east-1",
        runArn: "arn:aws:inspector:us-east-1:111122223333:target/0-a/template/0-b/run/0-RUN1",
        runArnId: "0-RUN1",
        templateArn: "arn:aws:inspector:us-east-1:111122223333:target/0-a/template/0-b",
        outcome: "COMPLETED",
        completedAt: "2026-03-30T13:20:45.050Z",
        generatedAt: "2026-03-30T13:21:00.000Z",
        severityThreshold: "High",
        manifest: { found: true, runId: "r1", startedAt: "2026-03-30T12:00:00Z" },
        findings: { listed: 0, read: 0, unread: [] },
        verdictCounts,
        amis,
        unmapped: [],
        instances: { terminated: [], terminationFailed: [] },
        notes: [],
        location: { bucket: "gaa-reports", jsonKey: "reports/runs/r1/report.json", markdownKey: "reports/runs/r1/report.md" },
        ...fields,
    } as AssessmentReport;
}
