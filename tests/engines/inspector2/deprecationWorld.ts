// The least of cycle.test.ts's setup that drives whole Inspector v2 runs with deprecateFailingAmis:
// the real start and analyze handlers on FakeAws, and one helper that takes a run from start to
// its report with the chosen AMIs failing.
import { expect } from "chai";
import { makeAnalyzeHandler, V2AnalyzeResult } from "../../../engines/inspector2/analyze";
import { makeStartHandler, V2StartSettings } from "../../../engines/inspector2/start";
import { v2RunKeys } from "../../../engines/inspector2/run";
import { FINDINGS_SETTLE_SECONDS } from "../../../engines/inspector2/settle";
import { htmlKeyOf } from "../../../pipeline/report/publishReport";
import type { AssessmentReport } from "../../../pipeline/report/report";
import { SETTINGS as CYCLE_SETTINGS, MINUTE, PREFIX, START, SWEEP } from "../../support/cycles/inspector2/world";
import { FakeAws, FAKE_ACCOUNT, FAKE_REGION } from "../../support/fakeAws";

export { MINUTE, PREFIX, START, SWEEP };
/** An account that shares its golden AMIs with this one. */
export const OTHER_ACCOUNT = "999988887777";

export type DeprecationSettings = Partial<Pick<V2StartSettings, "amiOwners">> & { deprecateFailingAmis?: boolean; accountId?: string };

const SETTINGS = { ...CYCLE_SETTINGS, amiOwners: ["self", OTHER_ACCOUNT], deprecateFailingAmis: true, accountId: FAKE_ACCOUNT };

let seed = 11;
function random(): number {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
}

function deps(world: FakeAws, settings: DeprecationSettings) {
    const merged = { ...SETTINGS, ...settings } as unknown as V2StartSettings & { deprecateFailingAmis?: boolean; accountId?: string };
    return { ec2: world.ec2, inspector2: world.inspector2, s3: world.s3, sns: world.sns, settings: merged, region: FAKE_REGION, now: world.now, sleep: world.sleep, log: () => undefined, random };
}

export const start = (world: FakeAws, settings: DeprecationSettings = {}) => makeStartHandler(deps(world, settings))({});
export const analyze = (world: FakeAws, event: unknown, settings: DeprecationSettings = {}): Promise<V2AnalyzeResult> => makeAnalyzeHandler(deps(world, settings))(event);

/** What one run published: the report JSON, its Markdown and HTML, and the SNS summary. */
export interface Published {
    runId: string;
    report: AssessmentReport;
    markdown: string;
    html: string;
    summary: string;
}

export function published(world: FakeAws, runId: string): Published {
    const keys = v2RunKeys(PREFIX, runId);
    const report = world.json<AssessmentReport>(keys.reportJson);
    expect(report, `report.json of ${runId}`).to.not.equal(undefined);
    const summaries = world.reportMessages().filter((message) => message.message.includes(`run ${runId} `));
    expect(summaries, `SNS summaries of ${runId}`).to.have.length(1);
    return { runId, report: report!, markdown: world.object(keys.reportMarkdown)!.body, html: world.object(htmlKeyOf(keys.reportJson))!.body, summary: summaries[0].message };
}

/** Starts a run, scans every instance with a HIGH finding on the `failing` AMIs, and lets the sweep report it. */
export async function startAndScan(world: FakeAws, failing: ReadonlyArray<string>, settings: DeprecationSettings = {}): Promise<string> {
    const started = await start(world, settings);
    expect(started.outcome, JSON.stringify(started)).to.equal("RUN_STARTED");
    const runId = started.runId;
    world.advance(10 * MINUTE);
    for (const instance of world.liveInstances()) {
        if (failing.includes(instance.imageId)) world.addFinding(instance.instanceId, "HIGH");
        world.scan(instance.instanceId);
    }
    // Past the findings lag, one sweep records the scans and reads the findings; the next sweep,
    // FINDINGS_SETTLE_SECONDS later, finds them settled (settle.ts).
    world.advance(world.findingsLagMs);
    await analyze(world, SWEEP, settings);
    world.advanceSeconds(FINDINGS_SETTLE_SECONDS);
    return runId;
}

/** One whole run to its report; then an hour passes, so the next run starts afresh. */
export async function assessRun(world: FakeAws, failing: ReadonlyArray<string>, settings: DeprecationSettings = {}): Promise<Published> {
    const runId = await startAndScan(world, failing, settings);
    const visit = (await analyze(world, SWEEP, settings)).runs[0];
    expect(visit, JSON.stringify(visit)).to.deep.include({ runId, status: "reported" });
    world.advance(60 * MINUTE);
    return published(world, runId);
}

/** The deprecation calls made so far, in order. */
export function deprecationCalls(world: FakeAws): string[] {
    return world.calls.filter((call) => /^(EnableImageDeprecation|DisableImageDeprecation|DeleteTags) /.test(call));
}
