// Where verdicts go, proven with the IAM policy simulator (@cloud-copilot/iam-simulate) on the
// policies of a mocked plan: events:PutEvents on the region's default bus only, for our source and
// detail type only; securityhub:BatchImportFindings on the account's default product only, and only
// with securityHub: true. Each request carries the context keys EventBridge evaluates.
import { expect } from "chai";
import { PolicyDocument } from "../../infra/policies";
import { VERDICT_EVENT_DETAIL_TYPE, VERDICT_EVENT_SOURCE } from "../../pipeline/report/verdictEvents";
import { MOCK_ACCOUNT, Plan, planIndex } from "../../scripts/mockRuntime";
import { regionPlans, renderSummary } from "../../scripts/planReport";
import { Decision, decide } from "../support/iamSimulation";

const REGION = "us-east-1";
const COMPONENT = `gaa-sim-${REGION}`;
const DEFAULT_BUS = `arn:aws:events:${REGION}:${MOCK_ACCOUNT}:event-bus/default`;
const OTHER_BUS = `arn:aws:events:${REGION}:${MOCK_ACCOUNT}:event-bus/payments`;
const OTHER_REGION_BUS = `arn:aws:events:eu-west-1:${MOCK_ACCOUNT}:event-bus/default`;
const DEFAULT_PRODUCT = `arn:aws:securityhub:${REGION}:${MOCK_ACCOUNT}:product/${MOCK_ACCOUNT}/default`;
const PARTNER_PRODUCT = `arn:aws:securityhub:${REGION}:517716713836:product/crowdstrike/crowdstrike-falcon`;
const HUB = `arn:aws:securityhub:${REGION}:${MOCK_ACCOUNT}:hub/default`;

type Policies = Record<"start" | "analyze" | "reaper", PolicyDocument>;


let lastPlan: Plan;

async function policies(config: Record<string, string>): Promise<Policies> {
    const plan: Plan = await planIndex({ stack: "sim", config: { "aws:region": REGION, "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }), ...config } });
    lastPlan = plan;
    const policy = (fn: string) => {
        const found = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${COMPONENT}-${fn}-policy`);
        if (!found) throw new Error(`no ${fn} policy`);
        return JSON.parse(found.inputs.policy) as PolicyDocument;
    };
    return { start: policy("start"), analyze: policy("analyze"), reaper: policy("reaper") };
}

/** One value per entry of the PutEvents call (the keys are multi-valued in the IAM action data). */
const ours = { "events:source": [VERDICT_EVENT_SOURCE], "events:detail-type": [VERDICT_EVENT_DETAIL_TYPE] };

describe("IAM policy simulation of where verdicts go", function () {
    let plain: Policies;
    let withHub: Policies;
    let summary: string;
    // Within a year of the real clock, which preview checks expiry against.
    const expires = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);

    before(async () => {
        plain = await policies({});
        withHub = await policies({
            "golden-ami-assessment:securityHub": "true",
            "golden-ami-assessment:failWhen": JSON.stringify({ fixAvailableForDays: { High: 14 } }),
            "golden-ami-assessment:acceptedRisks": JSON.stringify([{ id: "CVE-2026-1111", reason: "service removed", owner: "platform-team", expires }]),
        });
        summary = renderSummary("sim", regionPlans(lastPlan, "sim", [REGION]));
    });

    it("the plan summary lists the rules with their Allowed AMIs criterion, each accepted risk with its expiry, and Security Hub", () => {
        expect(summary).to.contain("fail when").and.contain('"MaximumSeverityLabel":"high","MaxDaysSinceHighFixAvailable":14');
        expect(summary).to.contain(`accepted    CVE-2026-1111 on all AMIs until ${expires} (platform-team)`);
        expect(summary).to.contain("and Security Hub (one finding per AMI)");
    });

    it("lets analyze and start put our verdict events on the default bus", async () => {
        for (const doc of [plain.analyze, plain.start]) expect(await decide("events:PutEvents", DEFAULT_BUS, ours, doc)).to.equal("Allowed");
    });

    it("denies another bus, another region's bus, another source or detail type, and the reaper", async () => {
        expect(await decide("events:PutEvents", OTHER_BUS, ours, plain.analyze)).to.equal("ImplicitlyDenied");
        expect(await decide("events:PutEvents", OTHER_REGION_BUS, ours, plain.analyze)).to.equal("ImplicitlyDenied");
        expect(await decide("events:PutEvents", DEFAULT_BUS, { ...ours, "events:source": [VERDICT_EVENT_SOURCE, "aws.ec2"] }, plain.analyze), "one entry of another source").to.equal("ImplicitlyDenied");
        expect(await decide("events:PutEvents", DEFAULT_BUS, { ...ours, "events:detail-type": ["EC2 AMI State Change"] }, plain.analyze)).to.equal("ImplicitlyDenied");
        expect(await decide("events:PutEvents", DEFAULT_BUS, {}, plain.analyze), "no source at all").to.equal("ImplicitlyDenied");
        expect(await decide("events:PutEvents", DEFAULT_BUS, ours, plain.reaper)).to.equal("ImplicitlyDenied");
    });

    it("grants BatchImportFindings only with securityHub, on the account's default product only", async () => {
        for (const doc of [plain.analyze, plain.start]) expect(await decide("securityhub:BatchImportFindings", DEFAULT_PRODUCT, {}, doc)).to.equal("ImplicitlyDenied");
        for (const doc of [withHub.analyze, withHub.start]) expect(await decide("securityhub:BatchImportFindings", DEFAULT_PRODUCT, {}, doc)).to.equal("Allowed");
        expect(await decide("securityhub:BatchImportFindings", PARTNER_PRODUCT, {}, withHub.analyze)).to.equal("ImplicitlyDenied");
        expect(await decide("securityhub:BatchImportFindings", DEFAULT_PRODUCT, {}, withHub.reaper)).to.equal("ImplicitlyDenied");
    });

    it("grants no customer-side Security Hub action (BatchUpdateFindings stays the account's own workflow tool)", async () => {
        for (const action of ["securityhub:BatchUpdateFindings", "securityhub:GetFindings", "securityhub:UpdateFindings"]) {
            expect(await decide(action, HUB, {}, withHub.analyze), action).to.equal("ImplicitlyDenied");
        }
    });
});
