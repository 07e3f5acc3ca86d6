// Delivering a report: JSON, Markdown and HTML beside each other, the trend against the previous
// run of the pipeline, the bucket's index, and a plain-text email that starts with the trend.
import { expect } from "chai";
import { publishReport } from "../../../pipeline/report/publishReport";
import { historyKeys } from "../../../pipeline/report/reportHistory";
import { FakeAws } from "../../support/fakeAws";
import { amiOf, finding, reportOf } from "../../support/reportFixtures";

const TOPIC = "arn:aws:sns:us-east-1:111122223333:results";
const PREFIX = "reports/";

function run(id: string, generatedAt: string, findings: ReturnType<typeof finding>[]) {
    return reportOf([amiOf("ami-0aaaaaaaaaaaaaaaa", findings, { verdict: findings.some((f) => f.severity === "Critical" || f.severity === "High") ? "FAIL" : "PASS" })], {
        runArn: id,
        runArnId: id,
        generatedAt,
        location: { bucket: "gaa-reports", jsonKey: `${PREFIX}runs/${id}/report.json`, markdownKey: `${PREFIX}runs/${id}/report.md` },
    });
}

describe("publishReport", () => {
    it("writes report.json, report.md and a self-contained report.html, indexes the run and emails the trend first", async () => {
        const world = new FakeAws(new Date("2026-11-23T10:00:00Z"));
        await publishReport(world.s3, world.sns, TOPIC, run("run-1", "2026-11-16T10:00:00.000Z", []), PREFIX);
        expect(world.keys(`${PREFIX}runs/run-1/`)).to.deep.equal([`${PREFIX}runs/run-1/report.html`, `${PREFIX}runs/run-1/report.json`, `${PREFIX}runs/run-1/report.md`]);
        const html = world.object(`${PREFIX}runs/run-1/report.html`)!.body;
        expect(html).to.contain("<svg").and.not.contain("<script");
        expect(world.json(historyKeys(PREFIX).latest)).to.deep.equal({ jsonKey: `${PREFIX}runs/run-1/report.json` });
        expect(world.object(historyKeys(PREFIX).indexHtml)!.body).to.contain("runs/run-1/report.html");
        const [first] = world.reportMessages();
        expect(first.message.split("\n")[0]).to.match(/^Trend: /);
        expect(first.message).to.contain(`Full report: https://s3.console.aws.amazon.com/s3/object/gaa-reports?region=us-east-1&prefix=${encodeURIComponent(`${PREFIX}runs/run-1/report.html`)}`);
    });

    it("compares with the previous run of the pipeline: a new critical finding makes the AMI worse, and the email says so", async () => {
        const world = new FakeAws(new Date("2026-11-23T10:00:00Z"));
        await publishReport(world.s3, world.sns, TOPIC, run("run-1", "2026-11-16T10:00:00.000Z", []), PREFIX);
        const critical = finding({ severity: "Critical", cveId: "CVE-2026-4242", title: "CVE-2026-4242 - openssl", rulesPackageArn: "cve" });
        await publishReport(world.s3, world.sns, TOPIC, run("run-2", "2026-11-23T10:00:00.000Z", [critical]), PREFIX);
        const second = world.reportMessages()[1].message;
        expect(second.split("\n")[0]).to.contain("1 worse").and.contain("ami-0aaaaaaaaaaaaaaaa").and.contain("CVE-2026-4242");
        const index = world.json<{ htmlKey: string }[]>(historyKeys(PREFIX).indexJson)!;
        expect(index.map((e) => e.htmlKey)).to.deep.equal([`${PREFIX}runs/run-1/report.html`, `${PREFIX}runs/run-2/report.html`]);
        expect(world.json(historyKeys(PREFIX).latest)).to.deep.equal({ jsonKey: `${PREFIX}runs/run-2/report.json` });
    });

    it("delivering the same run again neither compares it with itself nor lists it twice", async () => {
        const world = new FakeAws(new Date("2026-11-23T10:00:00Z"));
        const report = run("run-1", "2026-11-16T10:00:00.000Z", [finding({ severity: "High", cveId: "CVE-2026-1", title: "CVE-2026-1", rulesPackageArn: "cve" })]);
        await publishReport(world.s3, world.sns, TOPIC, report, PREFIX);
        await publishReport(world.s3, world.sns, TOPIC, report, PREFIX);
        expect(world.json<unknown[]>(historyKeys(PREFIX).indexJson)).to.have.length(1);
        const messages = world.reportMessages();
        expect(messages[1].message.split("\n")[0]).to.equal(messages[0].message.split("\n")[0]);
    });
});
