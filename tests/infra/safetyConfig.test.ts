// Safety rules: every component argument is checked, schedules that overlap runs are refused,
// one stack stays in one partition, and generated physical names fit their services' limits.
import { expect } from "chai";
import { GoldenAmiAssessment, GoldenAmiAssessmentArgs } from "../../components/goldenAmiAssessment";
import { LOG_RETENTION_DAYS, generatedNames, scheduleIntervalSeconds, validateSchedule } from "../../components/config";
import { readStackConfig } from "../../components/stackConfig";
import { planIndex, runUnderMocks } from "../../scripts/mockRuntime";

async function componentError(args: Partial<GoldenAmiAssessmentArgs>, name = "golden-amis"): Promise<string> {
    try {
        await runUnderMocks(
            () => {
                const assessment = new GoldenAmiAssessment(name, { region: "eu-west-1", amiTags: { golden: "true" }, ...args });
                return { bucketName: assessment.bucketName };
            },
            { project: "consumer", stack: "prod", config: {} },
        );
    } catch (error) {
        // A failed program leaves Pulumi promises that reject a moment later; let them settle before the next plan.
        await new Promise((resolve) => setTimeout(resolve, 100));
        return (error as Error).message;
    }
    return "";
}

function stackError(config: Record<string, string>): string {
    const all: Record<string, string> = { amiTags: JSON.stringify({ golden: "true" }), ...config };
    try {
        readStackConfig((key) => all[key], "us-east-1");
    } catch (error) {
        return (error as Error).message;
    }
    return "";
}

const INDEX_CONFIG = {
    "aws:region": "us-east-1",
    "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }),
};

describe("component argument validation", () => {
    it("accepts every CloudWatch Logs retention and refuses others, naming the argument", async () => {
        expect(LOG_RETENTION_DAYS).to.include.members([1, 30, 400, 3653]);
        for (const days of [0, 2, 31, 366, 1.5]) {
            const message = await componentError({ logRetentionDays: days });
            expect(message, String(days)).to.contain(`argument logRetentionDays = ${days}`).and.contain("1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731");
        }
        expect(await componentError({ logRetentionDays: 14 })).to.equal("");
    });

    it("bounds agentWaitSeconds to 60-780 whole seconds", async () => {
        for (const seconds of [0, -5, 59, 781, 900, 600.5]) {
            const message = await componentError({ agentWaitSeconds: seconds });
            expect(message, String(seconds)).to.contain(`argument agentWaitSeconds = ${seconds}`).and.contain("from 60 to 780").and.contain("900 s");
        }
        expect(await componentError({ agentWaitSeconds: 780 })).to.equal("");
    });

    it("bounds reapGraceSeconds to 300-86400 whole seconds", async () => {
        for (const seconds of [0, 299, 86401, 3600.5]) {
            const message = await componentError({ reapGraceSeconds: seconds });
            expect(message, String(seconds)).to.contain(`argument reapGraceSeconds = ${seconds}`).and.contain("from 300 to 86400");
        }
        expect(await componentError({ reapGraceSeconds: 300 })).to.equal("");
    });

    it("refuses a schedule shorter than one run, naming both figures", async () => {
        const message = await componentError({ schedule: "rate(1 hour)", duration: "1h" });
        expect(message).to.contain("argument schedule").and.contain(
            "schedule rate(1 hour) runs every 3600 s, shorter than one run (start 900 s + duration 3600 s + findings settle 600 s + sweep 300 s + grace 3600 s = 9000 s)",
        );
        // The run length includes start's own time, the settle time, one sweep and the configured grace.
        expect(await componentError({ engine: "classic", schedule: "rate(2 hours)", duration: "15m", agentWaitSeconds: 60, reapGraceSeconds: 300 })).to.equal("");
        const custom = await componentError({ engine: "classic", schedule: "rate(2 hours)", duration: "15m", agentWaitSeconds: 60, reapGraceSeconds: 7200 });
        expect(custom).to.contain("runs every 7200 s").and.contain("(start 900 s + duration 900 s + findings settle 600 s + sweep 300 s + grace 7200 s = 9900 s)");
    });
});

describe("cron day fields", () => {
    it("needs exactly one of day-of-month and day-of-week to be ?", () => {
        for (const bad of ["cron(0 6 * * MON *)", "cron(0 6 ? * ? *)", "cron(0 6 1 * MON *)"]) {
            expect(() => validateSchedule("k", bad), bad).to.throw(/exactly one of day-of-month .* and day-of-week .* must be "\?"/);
        }
        for (const good of ["cron(0 6 ? * MON *)", "cron(15 10 1 * ? *)", "cron(0 6 * * ? *)"]) expect(validateSchedule("k", good)).to.equal(good);
    });

    it("are checked in stack config too", () => {
        expect(stackError({ schedule: "cron(0 6 * * MON *)" })).to.contain("golden-ami-assessment:schedule").and.contain("day-of-week (MON)");
    });
});

describe("schedule interval", () => {
    it("is told for rates and simple crons, and not guessed otherwise", () => {
        expect(scheduleIntervalSeconds("rate(1 hour)")).to.equal(3600);
        expect(scheduleIntervalSeconds("rate(7 days)")).to.equal(7 * 86400);
        expect(scheduleIntervalSeconds("cron(0 6 * * ? *)")).to.equal(86400);
        expect(scheduleIntervalSeconds("cron(0 6 ? * * *)")).to.equal(86400);
        expect(scheduleIntervalSeconds("cron(0 6 ? * MON *)")).to.equal(7 * 86400);
        expect(scheduleIntervalSeconds("cron(0 6 ? * MON-FRI *)")).to.equal(86400);
        expect(scheduleIntervalSeconds("cron(0 6 ? * MON,THU *)")).to.equal(3 * 86400);
        expect(scheduleIntervalSeconds("cron(0 */2 * * ? *)")).to.equal(7200);
        expect(scheduleIntervalSeconds("cron(0 6,18 * * ? *)")).to.equal(12 * 3600);
        expect(scheduleIntervalSeconds("cron(0 22,2 * * ? *)")).to.equal(4 * 3600);
        expect(scheduleIntervalSeconds("cron(15 10 1 * ? *)")).to.equal(28 * 86400);
        expect(scheduleIntervalSeconds("cron(0 6 L * ? *)")).to.equal(undefined);
        expect(scheduleIntervalSeconds("cron(0 6 ? 1 MON *)")).to.equal(undefined);
        expect(scheduleIntervalSeconds("cron(0 6 ? * 2#1 *)")).to.equal(undefined);
    });

    it("refuses a stack schedule shorter than one run with the component's default grace", () => {
        expect(stackError({ schedule: "rate(1 hour)", duration: "1h" })).to.contain("golden-ami-assessment:schedule").and.contain(
            "schedule rate(1 hour) runs every 3600 s, shorter than one run (start 900 s + duration 3600 s + findings settle 600 s + sweep 300 s + grace 3600 s = 9000 s)",
        );
        expect(stackError({ schedule: "cron(0 */2 * * ? *)", duration: "1h" })).to.contain("runs every 7200 s");
        expect(stackError({ schedule: "cron(0 6 * * ? *)", duration: "24h" })).to.contain("runs every 86400 s").and.contain("= 91800 s");
        expect(stackError({ schedule: "cron(0 6 * * ? *)", duration: "12h" })).to.equal("");
        expect(stackError({ schedule: "cron(0 6 L * ? *)", duration: "24h" }), "undetermined intervals are accepted").to.equal("");
    });
});

describe("one partition per stack", () => {
    it("refuses GovCloud and commercial regions together, naming both and suggesting one stack per partition", () => {
        const message = stackError({ engine: "classic", regions: JSON.stringify(["us-east-1", "us-gov-west-1", "eu-west-1"]) });
        expect(message)
            .to.contain("golden-ami-assessment:regions")
            .and.contain("us-gov-west-1 in aws-us-gov")
            .and.contain("us-east-1, eu-west-1 in aws")
            .and.contain("one stack per partition");
        expect(stackError({ engine: "classic", regions: JSON.stringify(["us-gov-east-1", "us-gov-west-1"]) })).to.equal("");
    });
});

describe("generated physical names", () => {
    const LONG_STACK = "averyveryverylongstackname-prod";

    it("fails through index.ts when the stack name makes an EventBridge rule name too long", async () => {
        let message = "";
        try {
            await planIndex({ stack: LONG_STACK, config: INDEX_CONFIG });
        } catch (error) {
            message = (error as Error).message;
        }
        const name = `gaa-${LONG_STACK}-us-east-1`;
        expect(message).to.contain(
            `component name ${name} is ${name.length} characters; EventBridge rule names are limited to 64, and ${name}-reaper-schedule plus Pulumi's 8-character suffix would be ${name.length + 24}; use a shorter stack name`,
        );
    });

    it("accepts the longest component name that fits", async () => {
        expect(await componentError({}, "x".repeat(40))).to.equal("");
        expect(await componentError({}, "x".repeat(41))).to.contain("is 41 characters").and.contain("would be 65");
    });

    it("checks the sweep schedule's rule name wherever analyze has a sweep: v2 with launches, and Classic", () => {
        const sweepRule = (engine: "inspector2" | "classic", scanMode: "instance" | "agentless") =>
            generatedNames("n", engine, scanMode).filter((n) => n.name === "n-sweep-schedule").map((n) => [n.kind, n.limit, n.randomSuffix]);
        expect(sweepRule("classic", "instance")).to.deep.equal([["EventBridge rule names", 64, true]]);
        expect(sweepRule("inspector2", "instance")).to.deep.equal([["EventBridge rule names", 64, true]]);
        expect(sweepRule("inspector2", "agentless")).to.deep.equal([]);
    });

    it("names the tightest limit the component's children would break", async () => {
        // Agentless v2 and Classic still have the reaper schedule; only v2 launches add the instance role.
        expect(await componentError({ scanMode: "agentless" }, "y".repeat(41))).to.contain("EventBridge rule names are limited to 64");
        expect(await componentError({ engine: "classic" }, "z".repeat(60))).to.contain("is 60 characters").and.contain("would be 84");
    });
});
