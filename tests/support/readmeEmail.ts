// The README's sample email, rendered by the real code: two weekly runs of the default engine
// (inspector2) through v2Report and publishReport, against the fake S3 and SNS. The README test
// compares the README's block with this; to refresh the block after a deliberate change, print it:
//   node -r ts-node/register/transpile-only -e 'require("./tests/support/readmeEmail").readmeEmail().then(console.log)'
import { v2Report, V2ReportInput } from "../../engines/inspector2/report";
import type { FindingSummary } from "../../pipeline/verdict/findingModel";
import type { AmiRecord } from "../../pipeline/run/manifest";
import { publishReport } from "../../pipeline/report/publishReport";
import { FakeAws } from "./fakeAws";

const BUCKET = "gaa-prod-us-east-1-reports-20261123";
const PREFIX = "reports/";
const WEB = { imageId: "ami-0aaaaaaaaaaaaaaaa", name: "web-golden-2026.11", instanceId: "i-0aaaaaaaaaaaaaaaa" };
const DB = { imageId: "ami-0bbbbbbbbbbbbbbbb", name: "db-golden-2026.11", instanceId: "i-0bbbbbbbbbbbbbbbb" };
const BATCH = { imageId: "ami-0cccccccccccccccc", name: "batch-golden-2026.10", instanceId: "i-0cccccccccccccccc" };

function cve(instanceId: string, id: string, severity: FindingSummary["severity"], pkg: string, fields: Partial<FindingSummary> = {}): FindingSummary {
    return {
        arn: `arn:aws:inspector2:us-east-1:111122223333:finding/${instanceId}-${id}`,
        severity,
        title: `${id} - ${pkg}`,
        recommendation: `Upgrade ${pkg} to the fixed version.`,
        rulesPackageArn: "cve",
        cveId: id,
        instanceId,
        fixAvailable: "YES",
        ...fields,
    };
}

function runInput(runId: string, startedAt: string, generatedAt: string, findings: FindingSummary[], scanned: string[]): V2ReportInput {
    const amis: AmiRecord[] = [WEB, DB, BATCH].map(({ imageId, name, instanceId }) => ({ imageId, name, tags: {}, status: "ASSESSING", instanceId }));
    return {
        pipelineName: "gaa-prod-us-east-1",
        region: "us-east-1",
        severityThreshold: "High",
        reportBucket: BUCKET,
        reportPrefix: PREFIX,
        manifest: {
            runId,
            startedAt,
            amis,
            instances: amis.map((ami) => ({ instanceId: ami.instanceId!, imageId: ami.imageId })) as V2ReportInput["manifest"]["instances"],
            agentless: [],
            notes: [],
        },
        scanned: new Set(scanned),
        notScannedReasons: { [BATCH.instanceId]: "instance not managed by SSM (no SSM agent, no instance profile, or no HTTPS route to the SSM endpoints)" },
        findings,
        outcome: "COMPLETED",
        generatedAt: new Date(generatedAt),
        terminated: amis.map((ami) => ami.instanceId!),
        terminationFailed: [],
        problems: [],
    };
}

/** "Subject: ...", a blank line and the message: what an email subscriber receives for the second run. */
export async function readmeEmail(): Promise<string> {
    const world = new FakeAws(new Date("2026-11-23T06:30:00Z"));
    const glibc = cve(WEB.instanceId, "CVE-2026-1111", "High", "glibc", { inspectorScore: 7.8, epssScore: 0.02 });
    const previous = runInput("20261116T060000Z-k3m9qa", "2026-11-16T06:00:00.000Z", "2026-11-16T06:24:10.000Z", [glibc, cve(DB.instanceId, "CVE-2026-2222", "High", "openssl", { inspectorScore: 7.5 })], [
        WEB.instanceId,
        DB.instanceId,
        BATCH.instanceId,
    ]);
    const current = runInput(
        "20261123T060000Z-p7x2vd",
        "2026-11-23T06:00:00.000Z",
        "2026-11-23T06:21:37.000Z",
        [
            glibc,
            cve(WEB.instanceId, "CVE-2026-3333", "Critical", "openssh-server", { inspectorScore: 9.8, exploitAvailable: true, epssScore: 0.41 }),
            cve(WEB.instanceId, "CVE-2026-4444", "Medium", "curl", { inspectorScore: 5.3, epssScore: 0.14 }),
            cve(DB.instanceId, "CVE-2026-5555", "Low", "less", { inspectorScore: 3.3, fixAvailable: "NO" }),
        ],
        [WEB.instanceId, DB.instanceId],
    );
    for (const input of [previous, current]) await publishReport(world.s3, world.sns, "arn:aws:sns:us-east-1:111122223333:gaa-results", v2Report(input), PREFIX);
    const email = world.reportMessages()[1];
    return `Subject: ${email.subject}\n\n${email.message}`;
}
