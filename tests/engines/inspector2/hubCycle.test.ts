// Whole cycles with a hub: two accounts × two regions of the real Inspector v2 handlers on the
// fake, each account selected by its analyze role's credentials, every write to the hub decided by
// the hub's real bucket policy; then the hub's real index builder and digest.
import { expect } from "chai";
import { buildAndPublishIndex, HUB_KEYS, sendDigest } from "../../../pipeline/hub/hubHandlers";
import type { HubIndex } from "../../../pipeline/hub/hubIndex";
import { hubSentKey, hubSpokeKeys, spokePrefix } from "../../../pipeline/hub/summary";
import { sendRunSummary } from "../../../pipeline/hub/sendSummary";
import type { AssessmentReport } from "../../../pipeline/report/report";
import { ACCOUNTS, DAY, HubWorld, REGIONS, newHubWorld, runSpoke } from "../../support/cycles/hubWorld";
import { analyze, keysOf, reportOf, start } from "../../support/cycles/inspector2/world";
import { s3Error } from "../../support/fakeAws";

const hubIndexOf = (h: HubWorld) => h.hub.world.json<HubIndex>(HUB_KEYS.index)!;

describe("hub whole cycle: 2 accounts × 2 regions (real handlers, fake AWS, real bucket policy)", function () {
    this.timeout(300_000);

    it("one index with every AMI of every spoke, one digest, and no per-run email", async () => {
        const h = newHubWorld();
        const runs = new Map<string, string>();
        for (const spoke of h.spokes) runs.set(`${spoke.account}/${spoke.region}`, await runSpoke(spoke));
        for (const spoke of h.spokes) {
            const runId = runs.get(`${spoke.account}/${spoke.region}`)!;
            expect(h.hub.world.json(hubSpokeKeys(spokePrefix(spoke.account, spoke.region), runId).summary), `${spoke.account} ${spoke.region} summary`).to.include({ account: spoke.account, region: spoke.region, run: runId });
            expect(spoke.world.aws.object(hubSentKey(keysOf(runId).reportJson)), "hub-sent marker").to.not.equal(undefined);
            expect(spoke.world.aws.reportMessages(), "per-run emails are off with a hub").to.deep.equal([]);
        }
        const build = await buildAndPublishIndex(h.deps);
        expect(build).to.deep.include({ rows: 12, spokes: 4, silent: [], problems: [] });
        const index = hubIndexOf(h);
        expect(index.rows.map((r) => `${r.account}/${r.region}`)).to.have.members(ACCOUNTS.flatMap((a) => REGIONS.flatMap((r) => [`${a}/${r}`, `${a}/${r}`, `${a}/${r}`])));
        // Failing first: the four vulnerable AMIs, then the PASSes.
        expect(index.rows.map((r) => r.status)).to.deep.equal([...Array(4).fill("FAIL"), ...Array(8).fill("PASS")]);
        expect(index.rows[0].topCves).to.have.length.greaterThan(0);
        expect(h.hub.world.object("hub/index.html")!.body).to.include("4 FAIL").and.to.not.include("<script");

        const digest = await sendDigest(h.deps);
        expect(digest.status).to.equal("sent");
        const sent = h.hub.world.published;
        expect(sent).to.have.length(1);
        expect(sent[0].subject).to.equal("Golden AMI hub digest: 4 FAIL, 0 NOT ASSESSED");
        for (const account of ACCOUNTS) for (const region of REGIONS) expect(sent[0].message).to.include(`${account} ${region}: 1 FAIL, 0 NOT ASSESSED, 0 STALE, 2 PASS`);
        // The digest read the index and its own last state, and wrote its state: three calls.
        expect(h.hub.world.calls.filter((c) => /^(GetObject|PutObject) hub\/(index\.json|digest-state\.json)/.test(c)).slice(-3)).to.deep.equal([
            "GetObject hub/index.json",
            "GetObject hub/digest-state.json",
            "PutObject hub/digest-state.json",
        ]);
    });

    it("flags a spoke silent for two schedules (its PASSes turn STALE), and the digest says what changed", async () => {
        const h = newHubWorld();
        for (const spoke of h.spokes) await runSpoke(spoke);
        await buildAndPublishIndex(h.deps);
        await sendDigest(h.deps);
        const broken = h.spoke(ACCOUNTS[1], REGIONS[1]);
        // Weekly schedules: three more weeks, the broken spoke never runs again.
        for (let week = 1; week <= 3; week++) {
            h.advance(7 * DAY);
            for (const spoke of h.spokes.filter((s) => s !== broken)) await runSpoke(spoke);
            const build = await buildAndPublishIndex(h.deps);
            // Silent once two schedules (14 days) have passed since its last summary: not at week 2, at week 3.
            expect(build.silent, `week ${week}`).to.deep.equal(week < 3 ? [] : [`${broken.account}/${broken.region}`]);
        }
        const index = hubIndexOf(h);
        const brokenRows = index.rows.filter((r) => r.account === broken.account && r.region === broken.region);
        expect(brokenRows.map((r) => r.status).sort()).to.deep.equal(["FAIL", "STALE", "STALE"]);
        // FAIL, then STALE, then PASS.
        const statuses = index.rows.map((r) => r.status);
        expect(statuses.indexOf("STALE")).to.be.greaterThan(statuses.lastIndexOf("FAIL"));
        expect(statuses.indexOf("PASS")).to.be.greaterThan(statuses.lastIndexOf("STALE"));
        expect(index.rows.filter((r) => r.status === "PASS").every((r) => r.trend === "same" && r.previousVerdict === "PASS")).to.equal(true);
        await sendDigest(h.deps);
        const digest = h.hub.world.published[1];
        expect(digest.subject).to.include("1 silent spoke(s)");
        expect(digest.message).to.include(`Newly silent spokes: ${broken.account}/${broken.region}`);
        expect(digest.message).to.include(`${broken.account}/${broken.region}/`).and.to.include("PASS -> STALE");
    });

    it("counts a duplicate summary once, and resends one that failed to reach the hub on the next sweep", async () => {
        const h = newHubWorld();
        const [first, second] = h.spokes;
        const runId = await runSpoke(first);
        // A duplicate delivery of the same run's summary (a retried invocation): same keys, same rows.
        const report = reportOf(first.world, runId) as AssessmentReport;
        first.world.aws.objects.delete(hubSentKey(keysOf(runId).reportJson));
        expect(await sendRunSummary(first.world.aws.s3, first.world.hub!, report)).to.deep.equal({ status: "sent" });
        expect(h.hub.world.putsOf(hubSpokeKeys(spokePrefix(first.account, first.region), runId).summary)).to.equal(2);

        // The hub does not answer the second spoke's writes until its report is out.
        second.world.aws.failNext("PutObject", 2, () => s3Error("ServiceUnavailable", 503, "Please reduce your request rate."), (input) => input.Bucket === h.hub.bucket);
        const secondRun = await runSpoke(second);
        expect(reportOf(second.world, secondRun), "the report is delivered all the same").to.not.equal(undefined);
        expect(second.world.aws.object(hubSentKey(keysOf(secondRun).reportJson)), "not marked sent").to.equal(undefined);
        expect(h.hub.world.object(hubSpokeKeys(spokePrefix(second.account, second.region), "").latest)).to.equal(undefined);
        await analyze(second.world);
        expect(second.world.aws.object(hubSentKey(keysOf(secondRun).reportJson)), "sent by the next sweep").to.not.equal(undefined);
        // Sent now: the sweep after reads two objects and sends nothing.
        const puts = h.hub.world.puts.length;
        await analyze(second.world);
        expect(h.hub.world.puts.length).to.equal(puts);

        const build = await buildAndPublishIndex(h.deps);
        expect(build.rows, "three AMIs of each of the two spokes that ran, each once").to.equal(6);
    });

    it("sends the summary of a run start reports itself (Inspector not enabled) with analyze's next sweep: NOT ASSESSED in the hub", async () => {
        const h = newHubWorld();
        const spoke = h.spoke(ACCOUNTS[1], REGIONS[0]);
        spoke.world.aws.accountEc2Status = "DISABLED";
        const result = await start(spoke.world);
        expect(result.outcome).to.equal("REPORTED");
        expect(spoke.world.aws.reportMessages(), "no per-run email").to.deep.equal([]);
        // The hub admits the analyze role only: start's report goes out with the next sweep.
        expect(h.hub.world.keys("spokes/")).to.deep.equal([]);
        await analyze(spoke.world);
        await buildAndPublishIndex(h.deps);
        const rows = hubIndexOf(h).rows.filter((r) => r.account === spoke.account && r.region === spoke.region);
        expect(rows.map((r) => r.status)).to.deep.equal(["NOT ASSESSED", "NOT ASSESSED", "NOT ASSESSED"]);
    });

    it("refuses a spoke's write outside its own prefix and any read of the hub", async () => {
        const h = newHubWorld();
        const spoke = h.spoke(ACCOUNTS[0], REGIONS[0]);
        const runId = await runSpoke(spoke);
        const report = reportOf(spoke.world, runId)!;
        for (const prefix of [spokePrefix(ACCOUNTS[1], REGIONS[0]), spokePrefix(ACCOUNTS[0], REGIONS[1]), "hub/"]) {
            spoke.world.aws.objects.delete(hubSentKey(keysOf(runId).reportJson));
            const error = await sendRunSummary(spoke.world.aws.s3, { ...spoke.world.hub!, prefix }, report).then(() => undefined, (e) => e);
            expect(error?.name, prefix).to.equal("AccessDenied");
        }
        const read = await spoke.world.aws.s3.send(new (await import("@aws-sdk/client-s3")).GetObjectCommand({ Bucket: h.hub.bucket, Key: HUB_KEYS.spokes })).then(() => "read", (e) => e.name);
        expect(read).to.equal("AccessDenied");
        expect(h.hub.decisions.filter((d) => d.decision === "Allowed").every((d) => d.resource.includes(`/spokes/${ACCOUNTS[0]}/${REGIONS[0]}/`))).to.equal(true);
    });
});
