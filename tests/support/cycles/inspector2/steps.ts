// The calls a fault-free Inspector v2 cycle makes, in order: start's, then the sweeps' that find
// every instance scanned, wait for its findings to settle, and report. Run ids are random, so calls are compared with `<run>` in
// their place. The crash scenarios die at each of them and check the calls before are these.
import { V2World } from "./world";

export const START_CALLS = [
    "DescribeInstances",
    "DescribeImages",
    "DescribeImages",
    "BatchGetAccountStatus",
    "GetConfiguration",
    "PutObject reports/locks/start.json",
    // One claim per AMI (never assessed twice at once), then one instance slot each (slots.ts).
    "PutObject reports/assessing/ami-0aaa0000000000001.json",
    "PutObject reports/assessing/ami-0bbb0000000000002.json",
    "PutObject reports/assessing/ami-0ccc0000000000003.json",
    "ListObjectsV2 reports/slots/",
    "PutObject reports/slots/0.json",
    "PutObject reports/slots/1.json",
    "PutObject reports/slots/2.json",
    "RunInstances ami-0aaa0000000000001",
    "RunInstances ami-0bbb0000000000002",
    "RunInstances ami-0ccc0000000000003",
    // The launch check: did an instance die at launch?
    "DescribeInstances",
    "PutObject reports/open/<run>",
    "PutObject reports/runs/<run>/manifest.json",
    // Published AMIs this run took off the queue (none here).
    "ListObjectsV2 reports/queue/",
];

const OPEN_RUN = ["ListObjectsV2 reports/open/", "GetObject reports/runs/<run>/manifest.json", "GetObject reports/runs/<run>/delivered", "ListObjectsV2 reports/runs/<run>/scanned/"];
// Three scanned markers take two pages (the fake lists two keys a page).
const RECORDED_RUN = [...OPEN_RUN, "ListObjectsV2 reports/runs/<run>/scanned/"];
const INSTANCES = ["i-00000000000010000", "i-00000000000010001", "i-00000000000010002"];

/**
 * The sweeps that find every instance scanned (and the findings lag past) and report, with no scan
 * event: the first records the scans and reads the findings; the next, five minutes later, reads
 * the same; the third, FINDINGS_SETTLE_SECONDS after the first, finds them settled and reports.
 */
export const RECORD_SWEEP_CALLS = [
    ...OPEN_RUN,
    "ListCoverage",
    "ListCoverage",
    "ListObjectsV2 reports/runs/<run>/settled/",
    // Counts of a scan event that came before coverage confirmed the scan (none here).
    ...INSTANCES.map((id) => `GetObject reports/runs/<run>/scan-events/${id}.json`),
    "ListFindings",
    ...INSTANCES.map((id) => `PutObject reports/runs/<run>/scanned/${id}.json`),
];
export const UNSETTLED_SWEEP_CALLS = [...RECORDED_RUN, "ListObjectsV2 reports/runs/<run>/settled/", ...INSTANCES.map((id) => `GetObject reports/runs/<run>/scanned/${id}.json`), "ListFindings"];

export const ANALYZE_CALLS = [
    ...RECORD_SWEEP_CALLS,
    ...UNSETTLED_SWEEP_CALLS,
    ...UNSETTLED_SWEEP_CALLS,
    ...INSTANCES.map((id) => `PutObject reports/runs/<run>/settled/${id}.json`),
    "PutObject reports/runs/<run>/report.claim",
    "GetObject reports/runs/<run>/delivered",
    "GetObject reports/runs/<run>/evidence.json",
    "DescribeInstances",
    "ListFindings",
    "PutObject reports/runs/<run>/evidence.json",
    "DescribeInstances",
    "TerminateInstances i-00000000000010000,i-00000000000010001,i-00000000000010002",
    // Is any AMI of the run gone (deregistered mid-run)? Two pages of two.
    "DescribeImages",
    "DescribeImages",
    "GetObject reports/latest.json",
    "PutObject reports/runs/<run>/report.json",
    "PutObject reports/runs/<run>/report.md",
    "PutObject reports/runs/<run>/report.html",
    "Publish Golden AMI assessment: 1 FAIL, 2 PASS, 0 NOT ASSESSED (us-east-1)",
    "GetObject reports/index.json",
    "PutObject reports/index.json",
    "PutObject reports/index.html",
    "PutObject reports/latest.json",
    "PutObject reports/runs/<run>/delivered",
    "CreateTags ami-0bbb0000000000002",
    "CreateTags ami-0aaa0000000000001",
    "CreateTags ami-0ccc0000000000003",
    "GetObject reports/locks/start.json",
    "DeleteObject reports/locks/start.json",
    ...["assessing/ami-0aaa0000000000001", "assessing/ami-0bbb0000000000002", "assessing/ami-0ccc0000000000003", "slots/0", "slots/1", "slots/2"].flatMap((claim) => [
        `GetObject reports/${claim}.json`,
        `DeleteObject reports/${claim}.json`,
    ]),
    "DeleteObject reports/open/<run>",
];

const RUN_ID = /\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[a-z0-9]+/g;

/** The world's calls so far, with `<run>` for run ids. */
export function normalizedCalls(w: V2World): string[] {
    return w.aws.calls.map((call) => call.replace(RUN_ID, "<run>"));
}
