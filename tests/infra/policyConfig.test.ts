// The verdict policy's config (issue 21): acceptedRisks, failWhen and securityHub, as stack keys
// and as component arguments. Each bad value fails at preview naming the key (and the entry).
import { expect } from "chai";
import { readStackConfig } from "../../components/stackConfig";
import { oneYearAhead, validatedPolicyArgs } from "../../components/policyConfig";

const NOW = new Date("2026-12-03T12:00:00.000Z");
const VALID_RISK = { id: "CVE-2026-1111", reason: "not reachable: the service is off", owner: "secops@example.com", expires: "2027-01-31" };

function read(overrides: Record<string, unknown>) {
    const config: Record<string, string | undefined> = { amiTags: JSON.stringify({ golden: "true" }) };
    for (const [key, value] of Object.entries(overrides)) config[key] = typeof value === "string" ? value : JSON.stringify(value);
    return readStackConfig((key) => config[key], "us-east-1", [], NOW);
}

function errorOf(overrides: Record<string, unknown>): string {
    try {
        read(overrides);
    } catch (error) {
        return (error as Error).message;
    }
    return "";
}

describe("verdict policy config: acceptedRisks", () => {
    it("reads valid entries, the CVE upper-cased, an AMI scope kept", () => {
        const config = read({ acceptedRisks: [{ ...VALID_RISK, id: "cve-2026-1111", amis: ["ami-0123456789abcdef0", "golden-al2023-*"] }, { ...VALID_RISK, id: "1.1.1.1" }] });
        expect(config.acceptedRisks).to.deep.equal([
            { ...VALID_RISK, amis: ["ami-0123456789abcdef0", "golden-al2023-*"] },
            { ...VALID_RISK, id: "1.1.1.1" },
        ]);
    });

    it("refuses an expired entry at preview, with its date and index", () => {
        const message = errorOf({ acceptedRisks: [VALID_RISK, { ...VALID_RISK, id: "CVE-2026-2222", expires: "2026-12-02" }] });
        expect(message).to.contain("golden-ami-assessment:acceptedRisks[1] (CVE-2026-2222).expires").and.contain("expired on 2026-12-02");
    });

    it("keeps an entry through its expiry day", () => expect(read({ acceptedRisks: [{ ...VALID_RISK, expires: "2026-12-03" }] }).acceptedRisks).to.have.length(1));

    it("refuses an expiry more than one year ahead", () => {
        expect(oneYearAhead(NOW)).to.equal("2027-12-03");
        expect(read({ acceptedRisks: [{ ...VALID_RISK, expires: "2027-12-03" }] }).acceptedRisks).to.have.length(1);
        expect(errorOf({ acceptedRisks: [{ ...VALID_RISK, expires: "2027-12-04" }] })).to.contain("more than one year ahead");
    });

    for (const [what, entry, fragment] of [
        ["no reason", { ...VALID_RISK, reason: "" }, "(CVE-2026-1111).reason"],
        ["no owner", { ...VALID_RISK, owner: undefined }, "(CVE-2026-1111).owner"],
        ["no expiry", { ...VALID_RISK, expires: undefined }, "(CVE-2026-1111).expires"],
        ["a date that does not exist", { ...VALID_RISK, expires: "2027-02-30" }, "YYYY-MM-DD"],
        ["a malformed CVE", { ...VALID_RISK, id: "CVE-26-1" }, "acceptedRisks[0].id"],
        ["an unknown field", { ...VALID_RISK, until: "2027-01-01" }, "unknown field(s) until"],
        ["an empty AMI list", { ...VALID_RISK, amis: [] }, "(CVE-2026-1111).amis"],
        ["a malformed AMI ID", { ...VALID_RISK, amis: ["ami-xyz"] }, "neither an AMI ID nor a name pattern"],
    ] as const) {
        it(`refuses an entry with ${what}, naming it`, () => expect(errorOf({ acceptedRisks: [entry] })).to.contain(fragment));
    }
});

describe("verdict policy config: failWhen and severityThreshold", () => {
    it("takes failWhen.severity as the threshold when severityThreshold is not set", () => {
        const config = read({ failWhen: { severity: "Critical", fixAvailableForDays: { High: 14 }, maxScanAgeDays: 7 } });
        expect(config.failWhen).to.deep.equal({ severity: "Critical", fixAvailableForDays: { High: 14 }, maxScanAgeDays: 7 });
        expect(config.severityThreshold).to.equal("Critical");
    });

    it("defaults failWhen.severity to severityThreshold, its shorthand", () => {
        expect(read({ severityThreshold: "Medium", failWhen: { fixAvailableForDays: { Medium: 30 } } }).failWhen).to.deep.equal({ severity: "Medium", fixAvailableForDays: { Medium: 30 } });
        expect(read({}).failWhen).to.equal(undefined);
    });

    it("refuses both set to different severities", () => {
        expect(errorOf({ severityThreshold: "Medium", failWhen: { severity: "High" } })).to.contain("golden-ami-assessment:failWhen.severity").and.contain("differs from golden-ami-assessment:severityThreshold (Medium)");
    });

    for (const [what, failWhen, fragment] of [
        ["an unknown severity", { severity: "Severe" }, "failWhen.severity"],
        ["an unknown field", { severityLabel: "High" }, "unknown field(s) severityLabel"],
        ["negative days", { fixAvailableForDays: { High: -1 } }, "failWhen.fixAvailableForDays.High"],
        ["fractional days", { maxScanAgeDays: 1.5 }, "failWhen.maxScanAgeDays"],
        ["a severity that is not one", { fixAvailableForDays: { Urgent: 3 } }, '"Urgent" is not a severity'],
    ] as const) {
        it(`refuses ${what}`, () => expect(errorOf({ failWhen })).to.contain(fragment));
    }
});

describe("verdict policy config: securityHub and the engine", () => {
    it("is off by default and reads true", () => {
        expect(read({}).securityHub).to.equal(false);
        expect(read({ securityHub: "true" }).securityHub).to.equal(true);
        expect(errorOf({ securityHub: "yes" })).to.contain("golden-ami-assessment:securityHub").and.contain("true or false");
    });

    it("refuses every policy key on classic, saying why, and reports them all at once", () => {
        const message = errorOf({ engine: "classic", securityHub: "true", acceptedRisks: [VALID_RISK], failWhen: { fixAvailableForDays: { High: 14 } } });
        for (const key of ["securityHub", "acceptedRisks", "failWhen"]) expect(message).to.contain(`golden-ami-assessment:${key}`);
        expect(message).to.contain("Inspector Classic reached end of support");
        expect(read({ engine: "classic", severityThreshold: "Medium" }).severityThreshold, "severityThreshold still works on classic").to.equal("Medium");
    });

    it("checks the component's arguments the same way", () => {
        const key = (arg: string) => `GoldenAmiAssessment "x" argument ${arg}`;
        expect(validatedPolicyArgs(key, { acceptedRisks: [VALID_RISK], failWhen: { fixAvailableForDays: { High: 14 } } }, "inspector2", "High", NOW)).to.deep.equal({
            acceptedRisks: [VALID_RISK],
            failWhen: { severity: "High", fixAvailableForDays: { High: 14 } },
            securityHub: false,
        });
        expect(() => validatedPolicyArgs(key, { acceptedRisks: [{ ...VALID_RISK, expires: "2026-01-01" }] }, "inspector2", "High", NOW)).to.throw(/argument acceptedRisks\[0\] \(CVE-2026-1111\)\.expires.*expired on 2026-01-01/);
        expect(() => validatedPolicyArgs(key, { severityThreshold: "Low", failWhen: { severity: "High" } }, "inspector2", "High", NOW)).to.throw(/differs from/);
        expect(() => validatedPolicyArgs(key, { securityHub: true }, "classic", "High", NOW)).to.throw(/argument securityHub.*only available with engine inspector2/);
    });
});
