import { expect } from "chai";
import { parseFindingsCount, parseInspectorMessage, regionOfArn, templateOfRunArn } from "../../../engines/classic/inspectorMessage";
import { CIS_PACKAGE_ARN, CVE_PACKAGE_ARN, RUN_ARN, TEMPLATE_ARN, completedMessage, stateChangedMessage } from "../../support/fixtures";

describe("parseFindingsCount (Inspector's Java-map rendering)", () => {
    it("reads one package", () => {
        expect(parseFindingsCount("{arn:aws:inspector:us-east-1:316112463485:rulespackage/0-gEjTy7T7=4}")).to.deep.equal({
            "arn:aws:inspector:us-east-1:316112463485:rulespackage/0-gEjTy7T7": 4,
        });
    });

    it("reads several packages, zeros included", () => {
        expect(parseFindingsCount(`{${CVE_PACKAGE_ARN}=1234, ${CIS_PACKAGE_ARN}=0}`)).to.deep.equal({ [CVE_PACKAGE_ARN]: 1234, [CIS_PACKAGE_ARN]: 0 });
    });

    it("reads an empty map as no findings", () => {
        expect(parseFindingsCount("{}")).to.deep.equal({});
    });

    it("accepts a real JSON object too", () => {
        expect(parseFindingsCount({ [CVE_PACKAGE_ARN]: 2 })).to.deep.equal({ [CVE_PACKAGE_ARN]: 2 });
    });

    for (const bad of ["4", "{arn}", "{arn=four}", "{arn=-1}", "", undefined, null, 7]) {
        it(`returns undefined for ${JSON.stringify(bad)}`, () => {
            expect(parseFindingsCount(bad)).to.equal(undefined);
        });
    }
});

describe("parseInspectorMessage", () => {
    it("parses the completion message captured from Inspector", () => {
        const message =
            '{"template":"arn:aws:inspector:us-east-1:111122223333:target/0-AbCdEf12/template/0-GhIjKl34","findingsCount":"{arn:aws:inspector:us-east-1:316112463485:rulespackage/0-gEjTy7T7=4}","run":"arn:aws:inspector:us-east-1:111122223333:target/0-AbCdEf12/template/0-GhIjKl34/run/0-MnOpQr56","time":"2026-03-30T13:20:45.050Z","event":"ASSESSMENT_RUN_COMPLETED","target":"arn:aws:inspector:us-east-1:111122223333:target/0-AbCdEf12"}';
        expect(parseInspectorMessage(message)).to.deep.equal({
            kind: "completed",
            runArn: RUN_ARN,
            templateArn: TEMPLATE_ARN,
            time: "2026-03-30T13:20:45.050Z",
            findingsCount: { [CVE_PACKAGE_ARN]: 4 },
        });
    });

    it("still acts on a completion whose findingsCount is unreadable", () => {
        const notice = parseInspectorMessage(JSON.stringify({ ...JSON.parse(completedMessage()), findingsCount: "garbage" }));
        expect(notice).to.include({ kind: "completed" });
        expect(notice).to.have.property("findingsCount", undefined);
    });

    for (const state of ["FAILED", "ERROR", "CANCELED"]) {
        it(`reports a run that ends ${state}`, () => {
            expect(parseInspectorMessage(stateChangedMessage(state))).to.deep.equal({
                kind: "run-failed",
                runArn: RUN_ARN,
                templateArn: TEMPLATE_ARN,
                state,
                time: "2026-03-30T13:20:45.050Z",
            });
        });
    }

    for (const state of ["COMPLETED", "COMPLETED_WITH_ERRORS", "COLLECTING_DATA", "EVALUATING_RULES"]) {
        it(`passes over a state change to ${state}`, () => {
            expect(parseInspectorMessage(stateChangedMessage(state))).to.include({ kind: "other", event: "ASSESSMENT_RUN_STATE_CHANGED" });
        });
    }

    for (const event of ["ENABLE_ASSESSMENT_NOTIFICATIONS", "ASSESSMENT_RUN_STARTED", "FINDING_REPORTED", "OTHER"]) {
        it(`passes over ${event}`, () => {
            expect(parseInspectorMessage(JSON.stringify({ event, run: RUN_ARN }))).to.include({ kind: "other", event });
        });
    }

    it("takes the template from the run ARN when the message has none", () => {
        const notice = parseInspectorMessage(JSON.stringify({ event: "ASSESSMENT_RUN_COMPLETED", run: RUN_ARN, findingsCount: "{}" }));
        expect(notice).to.include({ kind: "completed", templateArn: TEMPLATE_ARN });
    });

    const malformed: [string, unknown][] = [
        ["text that is not JSON", "not json"],
        ["a JSON array", "[1,2]"],
        ["JSON null", "null"],
        ["a message without event", JSON.stringify({ run: RUN_ARN })],
        ["a completion without run", JSON.stringify({ event: "ASSESSMENT_RUN_COMPLETED", template: TEMPLATE_ARN })],
        ["a completion with a run that is not a run ARN", JSON.stringify({ event: "ASSESSMENT_RUN_COMPLETED", template: TEMPLATE_ARN, run: TEMPLATE_ARN })],
        ["a missing Message", undefined],
    ];
    for (const [name, message] of malformed) {
        it(`calls ${name} malformed instead of throwing`, () => {
            expect(parseInspectorMessage(message)).to.have.property("kind", "malformed");
        });
    }
});

describe("ARN helpers", () => {
    it("finds a run's template and region", () => {
        expect(templateOfRunArn(RUN_ARN)).to.equal(TEMPLATE_ARN);
        expect(templateOfRunArn(TEMPLATE_ARN)).to.equal(undefined);
        expect(regionOfArn(RUN_ARN)).to.equal("us-east-1");
        expect(regionOfArn("arn:aws-us-gov:inspector:us-gov-west-1:1:x")).to.equal("us-gov-west-1");
    });
});
