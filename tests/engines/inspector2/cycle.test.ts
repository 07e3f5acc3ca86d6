// Whole-cycle tests of the Inspector v2 engine: the real start, analyze and reaper handlers against
// the stateful fake of AWS (tests/support/fakeAws.ts), with the scenarios in
// tests/support/cycles/inspector2 (also run by `npm run bench`).
import { expect } from "chai";
import { consolidate } from "../../../pipeline/verdict/consolidate";
import { buildReport } from "../../../pipeline/report/report";
import { describeCycles } from "../../support/cycles/assertCycles";
import { inspector2Scenarios } from "../../support/cycles/inspector2";
import { keysOf, newV2World, scanAll, start, analyze, START, MINUTE } from "../../support/cycles/inspector2/world";
import { FAKE_REGION } from "../../support/fakeAws";

describeCycles("Inspector v2 whole cycle (real handlers, stateful fake AWS)", inspector2Scenarios);

describe("Inspector v2 report shape", () => {
    it("has the same top-level keys as a Classic report, without Classic's templateArn, with the verdict policy (v2 only)", async () => {
        const w = newV2World();
        const { runId } = await start(w);
        w.aws.advance(10 * MINUTE);
        for (const event of scanAll(w)) await analyze(w, event);
        const raw = JSON.parse(w.aws.object(keysOf(runId).reportJson)!.body);
        expect(raw.engine).to.equal("inspector2");
        expect(raw).to.not.have.property("templateArn");
        expect(Object.keys(raw).sort()).to.deep.equal([...classicReportKeys().filter((key) => key !== "templateArn"), "policy"].sort());
    });
});

/** The top-level keys of a Classic report, as buildReport produces them (JSON, as written to S3). */
function classicReportKeys(): string[] {
    const consolidation = consolidate({ findings: [], amiByInstance: {}, manifest: { amis: [] }, severityThreshold: "High", unreadFindings: 0 });
    const report = buildReport({
        engine: "classic",
        pipelineName: "golden",
        region: FAKE_REGION,
        runArn: "arn:aws:inspector:us-east-1:111122223333:target/0-a/template/0-b/run/0-c",
        runArnId: "0-c",
        templateArn: "arn:aws:inspector:us-east-1:111122223333:target/0-a/template/0-b",
        outcome: "COMPLETED",
        completedAt: START.toISOString(),
        generatedAt: START,
        severityThreshold: "High",
        manifest: { runId: "r", startedAt: START.toISOString(), amis: [] },
        findingsCount: {},
        listed: 0,
        read: 0,
        unread: [],
        consolidation,
        terminated: [],
        terminationFailed: [],
        problems: [],
        location: { bucket: "golden-reports", jsonKey: "k.json", markdownKey: "k.md" },
    });
    return Object.keys(JSON.parse(JSON.stringify(report))).sort();
}
