// deprecateFailingAmis through whole Inspector v2 runs: the real handlers against the stateful
// fake, where EC2 keeps each AMI's deprecation time, tags and owner from one run to the next.
import { expect } from "chai";
import { REPORT_CLAIM_SECONDS } from "../../../engines/inspector2/finalize";
import { DEPRECATED_BY_TAG } from "../../../pipeline/run/tags";
import { crashError, FakeAws, FAKE_ACCOUNT } from "../../support/fakeAws";
import { analyze, assessRun, deprecationCalls, MINUTE, OTHER_ACCOUNT, published, START, startAndScan, SWEEP } from "./deprecationWorld";

const OWN = "ami-0aaa0000000000001";
const FOREIGN = "ami-0bbb0000000000002";
const THEIRS = "ami-0ccc0000000000003";
const CLEAN = "ami-0ddd0000000000004";
/** When someone else deprecated THEIRS: before the first run, so EC2 shows it deprecated. */
const THEIR_DEPRECATION = "2026-11-01T00:00:00.000Z";

function newWorld(): FakeAws {
    const world = new FakeAws(START);
    world.addImage(OWN, { name: "own" });
    world.addImage(FOREIGN, { name: "shared-with-us", ownerId: OTHER_ACCOUNT });
    world.addImage(THEIRS, { name: "deprecated-by-someone-else", deprecationTime: THEIR_DEPRECATION });
    world.addImage(CLEAN, { name: "clean" });
    return world;
}

const image = (world: FakeAws, imageId: string) => world.images.find((candidate) => candidate.ImageId === imageId)!;
const marker = (world: FakeAws, imageId: string) => world.imageTags(imageId)[DEPRECATED_BY_TAG];

describe("deprecateFailingAmis, Inspector v2 whole cycle (real handlers, stateful fake AWS)", () => {
    it("a FAIL deprecates the owned AMI with the marker; a later PASS removes both; every report says so", async () => {
        const world = newWorld();
        const first = await assessRun(world, [OWN]);
        const deprecateAt = image(world, OWN).DeprecationTime!;
        // From the start of the minute after next, as EC2 keeps it.
        expect(new Date(deprecateAt).getTime() - new Date(first.report.generatedAt).getTime()).to.be.within(MINUTE, 2 * MINUTE);
        expect(marker(world, OWN)).to.match(/^FAIL \d{4}-\d{2}-\d{2}T/);
        expect(first.report.deprecations?.changed).to.deep.equal([{ imageId: OWN, action: "deprecate", deprecateAt }]);
        expect(first.report.deprecations?.failed).to.deep.equal([]);
        const line = `- deprecated ${OWN}: it failed; EC2 shows it as deprecated from ${deprecateAt}`;
        expect(first.summary).to.contain(`AMI deprecations (deprecateFailingAmis):\n${line}`);
        expect(first.markdown).to.contain(`## AMI deprecations\n\n${line}`);
        expect(first.html).to.contain(`<code>${OWN}</code>`).and.contain(`EC2 shows it as deprecated from ${deprecateAt}`);
        expect(deprecationCalls(world)).to.deep.equal([`EnableImageDeprecation ${OWN}`]);

        // An hour on, the AMI is deprecated; its owner still finds and assesses it, and it passes.
        const second = await assessRun(world, []);
        expect(second.report.amis.map((ami) => [ami.imageId, ami.verdict])).to.deep.include([OWN, "PASS"]);
        expect(image(world, OWN)).to.not.have.property("DeprecationTime");
        expect(marker(world, OWN)).to.equal(undefined);
        expect(second.report.deprecations?.changed).to.deep.equal([{ imageId: OWN, action: "undeprecate" }]);
        expect(second.summary).to.contain(`- deprecation removed from ${OWN}: it passed`);
        expect(second.markdown).to.contain(`- deprecation removed from ${OWN}: it passed`);
        expect(deprecationCalls(world)).to.deep.equal([`EnableImageDeprecation ${OWN}`, `DisableImageDeprecation ${OWN}`, `DeleteTags ${OWN}`]);

        // Nothing of ours left: a third PASS changes nothing.
        const third = await assessRun(world, []);
        expect(third.report.deprecations?.changed).to.deep.equal([]);
        expect(deprecationCalls(world)).to.have.length(3);
        expect(world.imageTags(OWN).Golden).to.equal("true");
    });

    it("an AMI of another owner that fails is untouched, and the report says why", async () => {
        const world = newWorld();
        const run = await assessRun(world, [FOREIGN]);
        expect(run.report.amis.map((ami) => [ami.imageId, ami.verdict])).to.deep.include([FOREIGN, "FAIL"]);
        expect(image(world, FOREIGN)).to.not.have.property("DeprecationTime");
        expect(marker(world, FOREIGN)).to.equal(undefined);
        expect(deprecationCalls(world)).to.deep.equal([]);
        const reason = `owned by ${OTHER_ACCOUNT}: only this account's (${FAKE_ACCOUNT}) AMIs are deprecated`;
        expect(run.report.deprecations?.skipped).to.deep.include({ imageId: FOREIGN, reason });
        expect(run.summary).to.contain(`- left alone ${FOREIGN}: ${reason}`);
        expect(run.markdown).to.contain(`- left alone ${FOREIGN}: ${reason}`);
    });

    it("an AMI deprecated by someone else is left alone, whether it fails or passes", async () => {
        const world = newWorld();
        const failed = await assessRun(world, [THEIRS]);
        expect(failed.report.deprecations?.skipped).to.deep.include({ imageId: THEIRS, reason: `already deprecated at ${THEIR_DEPRECATION} by someone else: left as it is` });
        const passed = await assessRun(world, []);
        expect(passed.report.deprecations?.skipped).to.deep.include({ imageId: THEIRS, reason: `deprecated at ${THEIR_DEPRECATION} by someone else: left as it is` });
        expect(passed.summary).to.contain(`- left alone ${THEIRS}: deprecated at ${THEIR_DEPRECATION} by someone else`);
        expect(image(world, THEIRS).DeprecationTime).to.equal(THEIR_DEPRECATION);
        expect(marker(world, THEIRS)).to.equal(undefined);
        expect(deprecationCalls(world)).to.deep.equal([]);
    });

    describe("an error between the marker and EnableImageDeprecation", () => {
        async function halfDone(world: FakeAws) {
            world.failNext("EnableImageDeprecation", 1, () => crashError("EnableImageDeprecation"));
            const run = await assessRun(world, [OWN]);
            // The marker is there, the deprecation is not, and the report says it could not.
            expect(marker(world, OWN)).to.match(/^FAIL /);
            expect(image(world, OWN)).to.not.have.property("DeprecationTime");
            const error = "InjectedCrash: injected crash at EnableImageDeprecation";
            expect(run.report.deprecations?.failed).to.deep.equal([{ imageId: OWN, action: "deprecate", error }]);
            expect(run.report.deprecations?.changed).to.deep.equal([]);
            expect(run.summary).to.contain(`- could not deprecate ${OWN}: ${error}`);
            return run;
        }

        it("the next FAIL completes the deprecation, once", async () => {
            const world = newWorld();
            const first = await halfDone(world);
            const second = await assessRun(world, [OWN]);
            const deprecateAt = image(world, OWN).DeprecationTime!;
            expect(second.report.deprecations?.changed).to.deep.equal([{ imageId: OWN, action: "deprecate", deprecateAt }]);
            // The marker is rewritten by the run that deprecated, and is the only one.
            expect(marker(world, OWN)).to.equal(`FAIL ${second.report.generatedAt}`);
            expect(new Date(deprecateAt).getTime()).to.be.greaterThan(new Date(first.report.generatedAt).getTime());
            expect(deprecationCalls(world)).to.deep.equal([`EnableImageDeprecation ${OWN} FAULT`, `EnableImageDeprecation ${OWN}`]);
            // A third FAIL finds it done: nothing more.
            await assessRun(world, [OWN]);
            expect(image(world, OWN).DeprecationTime).to.equal(deprecateAt);
            expect(deprecationCalls(world)).to.have.length(2);
        });

        it("the next PASS removes the orphaned marker: nothing is left behind", async () => {
            const world = newWorld();
            await halfDone(world);
            const second = await assessRun(world, []);
            expect(second.report.deprecations?.changed).to.deep.equal([{ imageId: OWN, action: "undeprecate" }]);
            expect(marker(world, OWN)).to.equal(undefined);
            expect(image(world, OWN)).to.not.have.property("DeprecationTime");
            expect(deprecationCalls(world)).to.deep.equal([`EnableImageDeprecation ${OWN} FAULT`, `DisableImageDeprecation ${OWN}`, `DeleteTags ${OWN}`]);
        });
    });

    it("a reporter that dies between the marker and EnableImageDeprecation: the retry of the run deprecates and reports once", async () => {
        const world = newWorld();
        const runId = await startAndScan(world, [OWN]);
        world.hangAt("EnableImageDeprecation");
        void analyze(world, SWEEP);
        for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
        expect(marker(world, OWN)).to.match(/^FAIL /);
        expect(image(world, OWN)).to.not.have.property("DeprecationTime");
        expect(world.reportMessages()).to.have.length(0);
        world.clearFaults();
        world.advanceSeconds(REPORT_CLAIM_SECONDS + 60);
        expect((await analyze(world, SWEEP)).runs[0]).to.deep.include({ runId, status: "reported" });
        const run = published(world, runId);
        const deprecateAt = image(world, OWN).DeprecationTime!;
        expect(run.report.deprecations?.changed).to.deep.equal([{ imageId: OWN, action: "deprecate", deprecateAt }]);
        expect(marker(world, OWN)).to.equal(`FAIL ${run.report.generatedAt}`);
        expect(deprecationCalls(world)).to.deep.equal([`EnableImageDeprecation ${OWN} FAULT (hang)`, `EnableImageDeprecation ${OWN}`]);
    });

    it("option off: no deprecation call at all, not even to undo an earlier one, and nothing in the report", async () => {
        const world = newWorld();
        await assessRun(world, [OWN]);
        const deprecateAt = image(world, OWN).DeprecationTime;
        const callsBefore = deprecationCalls(world).length;
        const createTagsBefore = world.callCount("CreateTags");
        const off = { deprecateFailingAmis: false };
        const passed = await assessRun(world, [FOREIGN, THEIRS, CLEAN], off);
        expect(deprecationCalls(world)).to.have.length(callsBefore);
        // Only the verdict tags, one CreateTags per assessed AMI: no marker.
        expect(world.callCount("CreateTags") - createTagsBefore).to.equal(passed.report.amis.length);
        expect(passed.report).to.not.have.property("deprecations");
        expect(passed.summary).to.not.contain("AMI deprecations");
        expect(passed.markdown).to.not.contain("AMI deprecations");
        expect(passed.html).to.not.contain("AMI deprecations");
        // What the earlier run did stays as it was.
        expect(image(world, OWN).DeprecationTime).to.equal(deprecateAt);
        expect(marker(world, OWN)).to.match(/^FAIL /);
        for (const other of [FOREIGN, CLEAN]) expect(marker(world, other)).to.equal(undefined);
        expect(image(world, THEIRS).DeprecationTime).to.equal(THEIR_DEPRECATION);
    });
});
