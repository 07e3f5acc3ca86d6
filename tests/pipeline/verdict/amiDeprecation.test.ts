import { CreateTagsCommand, DeleteTagsCommand, DisableImageDeprecationCommand, EC2Client, EnableImageDeprecationCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { applyDeprecations, deprecateAtFor, planDeprecations, withDeprecations } from "../../../pipeline/verdict/amiDeprecation";
import type { AmiAssessment, Verdict } from "../../../pipeline/verdict/consolidate";
import { deprecationLines } from "../../../pipeline/verdict/deprecationText";
import type { AmiRecord } from "../../../pipeline/run/manifest";
import type { AssessmentReport } from "../../../pipeline/report/report";
import { DEPRECATED_BY_TAG } from "../../../pipeline/run/tags";
import { ec2Error, isolatedMock } from "../../support/launchFixtures";

const ACCOUNT = "111122223333";
const NOW = new Date("2026-12-02T10:15:42.000Z");
const verdict = (imageId: string, v: Verdict) => ({ imageId, verdict: v }) as AmiAssessment;
const record = (imageId: string, extra: Partial<AmiRecord> = {}): AmiRecord => ({ imageId, tags: {}, status: "ASSESSING", ownerId: ACCOUNT, ...extra });
const OURS = { [DEPRECATED_BY_TAG]: "FAIL 2026-11-01T00:00:00.000Z" };

describe("deprecateFailingAmis", () => {
    it("deprecates from the start of the minute after next: EC2 refuses a time in the past", () => {
        expect(deprecateAtFor(NOW).toISOString()).to.equal("2026-12-02T10:17:00.000Z");
    });

    it("plans: FAIL of this account deprecated, PASS with our marker undeprecated, others left alone with why", () => {
        const { changes, skipped } = planDeprecations(
            [
                verdict("ami-fail", "FAIL"),
                verdict("ami-foreign", "FAIL"),
                verdict("ami-theirs", "FAIL"),
                verdict("ami-done", "FAIL"),
                verdict("ami-half", "FAIL"),
                verdict("ami-fixed", "PASS"),
                verdict("ami-pass-theirs", "PASS"),
                verdict("ami-clean", "PASS"),
                verdict("ami-unknown", "NOT ASSESSED"),
                verdict("ami-no-record", "FAIL"),
            ],
            [
                record("ami-fail"),
                record("ami-foreign", { ownerId: "999999999999" }),
                record("ami-theirs", { deprecationTime: "2026-10-01T00:00:00.000Z" }),
                record("ami-done", { tags: OURS, deprecationTime: "2026-11-01T00:02:00.000Z" }),
                // Marker written, then a crash before EnableImageDeprecation: finish it.
                record("ami-half", { tags: OURS }),
                record("ami-fixed", { tags: OURS, deprecationTime: "2026-11-01T00:02:00.000Z" }),
                record("ami-pass-theirs", { deprecationTime: "2026-10-01T00:00:00.000Z" }),
                record("ami-clean"),
                record("ami-unknown", { tags: OURS }),
            ],
            ACCOUNT,
            NOW,
        );
        expect(changes).to.deep.equal([
            { imageId: "ami-fail", action: "deprecate", deprecateAt: "2026-12-02T10:17:00.000Z" },
            { imageId: "ami-half", action: "deprecate", deprecateAt: "2026-12-02T10:17:00.000Z" },
            { imageId: "ami-fixed", action: "undeprecate" },
        ]);
        expect(skipped).to.deep.equal([
            { imageId: "ami-foreign", reason: `owned by 999999999999: only this account's (${ACCOUNT}) AMIs are deprecated` },
            { imageId: "ami-theirs", reason: "already deprecated at 2026-10-01T00:00:00.000Z by someone else: left as it is" },
            { imageId: "ami-pass-theirs", reason: "deprecated at 2026-10-01T00:00:00.000Z by someone else: left as it is" },
        ]);
    });

    it("writes the marker before deprecating, removes the deprecation before the marker, and carries on past a failure", async () => {
        const ec2 = new EC2Client({ region: "us-east-1" });
        const mock = isolatedMock(ec2);
        const order: string[] = [];
        mock.on(CreateTagsCommand).callsFake(async (input) => void order.push(`tag ${input.Resources[0]}`));
        mock.on(EnableImageDeprecationCommand).callsFake(async (input) => {
            order.push(`deprecate ${input.ImageId}`);
            if (input.ImageId === "ami-bad") throw ec2Error("UnauthorizedOperation");
            return { Return: true };
        });
        mock.on(DisableImageDeprecationCommand).callsFake(async (input) => void order.push(`undeprecate ${input.ImageId}`));
        mock.on(DeleteTagsCommand).callsFake(async (input) => void order.push(`untag ${input.Resources[0]} ${input.Tags.map((t: { Key: string }) => t.Key)}`));
        const result = await applyDeprecations(
            ec2,
            [verdict("ami-bad", "FAIL"), verdict("ami-fail", "FAIL"), verdict("ami-fixed", "PASS")],
            [record("ami-bad"), record("ami-fail"), record("ami-fixed", { tags: OURS })],
            ACCOUNT,
            NOW,
        );
        expect(order).to.deep.equal(["tag ami-bad", "deprecate ami-bad", "tag ami-fail", "deprecate ami-fail", "undeprecate ami-fixed", `untag ami-fixed ${DEPRECATED_BY_TAG}`]);
        expect(mock.commandCalls(CreateTagsCommand)[1].args[0].input.Tags).to.deep.equal([{ Key: DEPRECATED_BY_TAG, Value: "FAIL 2026-12-02T10:15:42.000Z" }]);
        expect(mock.commandCalls(EnableImageDeprecationCommand)[1].args[0].input.DeprecateAt).to.deep.equal(new Date("2026-12-02T10:17:00.000Z"));
        expect(result.changed.map((c) => [c.imageId, c.action])).to.deep.equal([
            ["ami-fail", "deprecate"],
            ["ami-fixed", "undeprecate"],
        ]);
        expect(result.failed).to.deep.equal([{ imageId: "ami-bad", action: "deprecate", error: "UnauthorizedOperation: UnauthorizedOperation (test)" }]);
    });

    it("leaves the report untouched when off, and lists every change in it when on", async () => {
        const ec2 = new EC2Client({ region: "us-east-1" });
        const mock = isolatedMock(ec2);
        mock.on(CreateTagsCommand).resolves({});
        mock.on(EnableImageDeprecationCommand).resolves({ Return: true });
        const report = { amis: [verdict("ami-fail", "FAIL")], notes: [] } as unknown as AssessmentReport;
        expect(await withDeprecations(ec2, report, [record("ami-fail")], { deprecateFailingAmis: false, accountId: ACCOUNT }, NOW)).to.equal(report);
        expect(mock.calls()).to.have.length(0);
        const changed = await withDeprecations(ec2, report, [record("ami-fail")], { deprecateFailingAmis: true, accountId: ACCOUNT }, NOW);
        expect(deprecationLines(changed.deprecations)).to.deep.equal(["- deprecated ami-fail: it failed; EC2 shows it as deprecated from 2026-12-02T10:17:00.000Z"]);
        const missingAccount = await withDeprecations(ec2, report, [record("ami-fail")], { deprecateFailingAmis: true }, NOW);
        expect(missingAccount.notes).to.deep.equal(["deprecateFailingAmis is on but the account ID is not configured; no AMI was deprecated."]);
    });
});
