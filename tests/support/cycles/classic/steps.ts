// The calls a fault-free Classic cycle makes, in order: start's, then analyze's on the completion.
// The crash scenarios die at each of them; each checks that the calls before its crash are these,
// so a change to the handlers shows here as a diff rather than as steps silently skipped.
export const START_CALLS = [
    "DescribeInstances",
    "DescribeImages",
    "DescribeImages",
    "Classic.ListAssessmentRuns",
    "PutObject reports/locks/start.json",
    "RunInstances ami-0aaa0000000000001",
    "RunInstances ami-0bbb0000000000002",
    "RunInstances ami-0ccc0000000000003",
    // The launch check: did an instance die at launch?
    "DescribeInstances",
    ...Array<string>(7).fill("Classic.PreviewAgents"),
    "Classic.StartAssessmentRun",
    "PutObject reports/runs/0-run00001/manifest.json",
    // What the sweep visits until the run is reported.
    "PutObject reports/classic-open/0-run00001",
];

export const ANALYZE_CALLS = [
    "GetObject reports/runs/0-run00001/manifest.json",
    "DescribeInstances",
    "TerminateInstances i-00000000000010000,i-00000000000010001,i-00000000000010002",
    "GetObject reports/runs/0-run00001/delivered",
    "PutObject reports/runs/0-run00001/report.claim",
    "Classic.ListFindings",
    "Classic.ListFindings",
    "Classic.DescribeFindings",
    "Classic.ListAssessmentRunAgents",
    "GetObject reports/latest.json",
    "PutObject reports/runs/0-run00001/report.json",
    "PutObject reports/runs/0-run00001/report.md",
    "PutObject reports/runs/0-run00001/report.html",
    "Publish Golden AMI assessment: 1 FAIL, 2 PASS, 0 NOT ASSESSED (us-east-1)",
    "GetObject reports/index.json",
    "PutObject reports/index.json",
    "PutObject reports/index.html",
    "PutObject reports/latest.json",
    "PutObject reports/runs/0-run00001/delivered",
    "CreateTags ami-0bbb0000000000002",
    "CreateTags ami-0aaa0000000000001",
    "CreateTags ami-0ccc0000000000003",
    "GetObject reports/locks/start.json",
    "DeleteObject reports/locks/start.json",
    "DeleteObject reports/classic-open/0-run00001",
];
