// Hand-built reports for the HTML, trend and index renderers (engine-neutral fields included).
import type { AmiAssessment, Verdict } from "../../pipeline/verdict/consolidate";
import type { FindingSeverity, FindingSummary } from "../../pipeline/verdict/findingModel";
import type { AssessmentReport } from "../../pipeline/report/report";
import { Trend, computeTrend } from "../../pipeline/report/trend";

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

/** A busy report: long names, long titles and fixed-in versions, every verdict, a trend, notes. */
export function busyReport(): { current: AssessmentReport; trend: Trend } {
    const many = (i: number) => [
        finding({ severity: "Critical", cveId: `CVE-2026-${1000 + i}`, inspectorScore: 9.8, exploitAvailable: true, epssScore: 0.93, fixAvailable: "YES", vulnerablePackages: [{ name: "openssh-server-with-a-very-long-package-name", version: "8.7p1-38.amzn2023.0.2", fixedInVersion: "8.7p1-38.amzn2023.0.11" }] }),
        finding({ severity: "High", cveId: `CVE-2026-${2000 + i}`, inspectorScore: 7.5, epssScore: 0.2, fixAvailable: "PARTIAL", advisoryUrl: "https://alas.aws.amazon.com/AL2023/ALAS2023-2026-1234.html" }),
        finding({ severity: "Medium", title: "Ensure permissions on /etc/ssh/sshd_config are configured (CIS Amazon Linux 2023 Benchmark Level 1 - Server, 5.2.1)", rulesPackageArn: "cis" }),
        ...Array.from({ length: i % 4 }, () => finding({ severity: "Low", cveId: `CVE-2026-${3000 + i}` })),
    ];
    const amis = Array.from({ length: 8 }, (_, i) => amiOf(`ami-0${String(i).repeat(16)}`, many(i), { name: `golden-image-with-a-rather-long-descriptive-name-${i}-2026.11.23` }));
    amis.push(amiOf("ami-0eeeeeeeeeeeeeeee", [], { verdict: "NOT ASSESSED", detail: "no proof of assessment: i-0eeeeeeeeeeeeeeee: instance not managed by SSM (no SSM agent, no instance profile, or no HTTPS route to the SSM endpoints)" }));
    amis.push(amiOf("ami-0fffffffffffffff0", [finding({ severity: "Informational" })]));
    const current = reportOf(amis, {
        engine: "inspector2",
        runArn: "20261123T060000Z-p7x2vd-and-a-long-suffix-that-does-not-break-anywhere-on-its-own-0123456789abcdef",
        notes: ["arn:aws:inspector2:us-east-1:111122223333:finding/0123456789abcdef0123456789abcdef0123456789abcdef could not be read"],
    });
    const previous = reportOf(amis.slice(0, 6).map((ami, i) => amiOf(ami.imageId, many(i).slice(i % 2), { name: ami.name })), { runArnId: "0-PREV" });
    return { current, trend: computeTrend(current, previous) };
}
