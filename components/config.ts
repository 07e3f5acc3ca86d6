// Validation of everything a user configures. Each check names the key, the bad value and
// what is allowed, and none falls back silently: a bad value fails preview, not a 3 a.m. run.
import * as pulumi from "@pulumi/pulumi";
import { EngineName, SCAN_MODES, ScanMode, Severity } from "../pipeline/run/settings";
import { ENGINE_NAMES, EngineFacts, RULES_PACKAGE_NAMES, RulesPackageName } from "./engines";

export { ConfigError, ConfigErrors, VALUE_NOT_SHOWN } from "../infra/configError";
import { ConfigError, ConfigErrors, VALUE_NOT_SHOWN, show } from "../infra/configError";
import { FINDINGS_SETTLE_SECONDS, START_HANDLER_MAX_SECONDS, SWEEP_INTERVAL_SECONDS, maxRunSeconds } from "../pipeline/cleanup/stale";

export const DURATIONS: Readonly<Record<string, number>> = { "15m": 900, "1h": 3600, "8h": 28800, "12h": 43200, "24h": 86400 };
const DURATION_ALLOWED = `allowed values are ${Object.keys(DURATIONS).join(", ")} or the same in seconds (${Object.values(DURATIONS).join(", ")})`;

/** Duration in seconds from "1h", 3600 or "3600". */
export function validateDuration(key: string, value: unknown): number {
    if (typeof value === "string" && value in DURATIONS) return DURATIONS[value];
    const seconds = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
    if (Object.values(DURATIONS).includes(seconds)) return seconds;
    throw new ConfigError(key, value, DURATION_ALLOWED);
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,\/\-#LW]+$/;

/** An EventBridge schedule expression: rate(N unit) with EventBridge's singular/plural rule, or 6-field cron(). */
export function validateSchedule(key: string, value: unknown): string {
    const allowed =
        'use "rate(N unit)" with a positive whole N and unit minute/hour/day when N is 1, minutes/hours/days otherwise ' +
        '(e.g. "rate(1 day)", "rate(7 days)"), or a 6-field "cron(minutes hours day-of-month month day-of-week year)"';
    if (typeof value !== "string") throw new ConfigError(key, value, allowed);
    const rate = RATE.exec(value);
    if (rate) {
        const n = Number(rate[1]);
        const plural = rate[2].endsWith("s");
        if (n >= 1 && plural === (n !== 1)) return value;
        throw new ConfigError(key, value, allowed);
    }
    const cron = /^cron\((.*)\)$/.exec(value);
    if (cron) {
        const fields = cron[1].trim().split(/\s+/);
        if (fields.length === 6 && fields.every((f) => CRON_FIELD.test(f))) {
            const [dayOfMonth, dayOfWeek] = [fields[2], fields[4]];
            // EventBridge refuses both or neither: exactly one of the two day fields is "?".
            if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
                throw new ConfigError(
                    key,
                    value,
                    `exactly one of day-of-month (${dayOfMonth}) and day-of-week (${dayOfWeek}) must be "?", the other must not be; ` +
                        'e.g. "cron(0 6 ? * MON *)" (Mondays) or "cron(15 10 1 * ? *)" (the 1st of each month)',
                );
            }
            return value;
        }
    }
    throw new ConfigError(key, value, allowed);
}

const RATE_UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/**
 * The values a simple cron field selects: "*", N, A-B, with an optional /STEP, comma lists.
 * Undefined for anything else (L, W, #, wrapping ranges): then the interval is not determined.
 */
function cronFieldValues(field: string, min: number, max: number, names?: readonly string[]): number[] | undefined {
    const number = (text: string): number | undefined => {
        const upper = text.toUpperCase();
        const named = names?.indexOf(upper) ?? -1;
        if (named >= 0) return named + min;
        if (!/^\d+$/.test(text)) return undefined;
        const n = Number(text);
        return n >= min && n <= max ? n : undefined;
    };
    const values = new Set<number>();
    for (const part of field.split(",")) {
        const match = /^([^/]+)(?:\/(\d+))?$/.exec(part);
        if (!match) return undefined;
        const step = match[2] === undefined ? 1 : Number(match[2]);
        if (step < 1) return undefined;
        let from: number | undefined;
        let to: number | undefined;
        if (match[1] === "*") [from, to] = [min, max];
        else if (match[1].includes("-")) {
            const [a, b] = match[1].split("-");
            [from, to] = [number(a), number(b)];
        } else {
            from = number(match[1]);
            to = match[2] === undefined ? from : max;
        }
        if (from === undefined || to === undefined || from > to) return undefined;
        for (let v = from; v <= to; v += step) values.add(v);
    }
    return [...values].sort((a, b) => a - b);
}

/** Smallest gap between consecutive values of a sorted set repeating every `period`. */
function cyclicMinGap(values: readonly number[], period: number): number {
    let gap = values[0] + period - values[values.length - 1];
    for (let i = 1; i < values.length; i++) gap = Math.min(gap, values[i] - values[i - 1]);
    return gap;
}

/**
 * The shortest time in seconds between two invocations of a valid schedule expression, or
 * undefined when that cannot be told simply (cron with L/W/#, restricted months or years, ...).
 */
export function scheduleIntervalSeconds(expression: string): number | undefined {
    const rate = RATE.exec(expression);
    if (rate) return Number(rate[1]) * RATE_UNIT_SECONDS[rate[2].replace(/s$/, "")];
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) return undefined;
    const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = cron[1].trim().split(/\s+/);
    if (month !== "*" || year !== "*") return undefined;
    const minuteValues = cronFieldValues(minutes, 0, 59);
    const hourValues = cronFieldValues(hours, 0, 23);
    if (!minuteValues || !hourValues) return undefined;
    const times = hourValues.flatMap((h) => minuteValues.map((m) => h * 3600 + m * 60)).sort((a, b) => a - b);
    const withinDay = times.length > 1 ? Math.min(...times.slice(1).map((t, i) => t - times[i])) : Infinity;
    const span = times[times.length - 1] - times[0];
    // The shortest gap in days between two days that fire, then the shortest gap in seconds.
    let dayGap: number | undefined;
    const dayOfWeekValues = dayOfWeek === "?" || dayOfWeek === "*" ? undefined : cronFieldValues(dayOfWeek, 1, 7, DAY_NAMES);
    if ((dayOfMonth === "*" && dayOfWeek === "?") || (dayOfMonth === "?" && dayOfWeek === "*")) dayGap = 1;
    else if (dayOfMonth === "?" && dayOfWeekValues) dayGap = cyclicMinGap(dayOfWeekValues, 7);
    else if (dayOfWeek === "?") {
        const days = cronFieldValues(dayOfMonth, 1, 31);
        if (!days) return undefined;
        // A month has 28 to 31 days; the last listed day L to the first F of the next month is at least max(28, L) - L + F.
        const last = days[days.length - 1];
        dayGap = Math.max(28, last) - last + days[0];
        for (let i = 1; i < days.length; i++) dayGap = Math.min(dayGap, days[i] - days[i - 1]);
    }
    if (dayGap === undefined) return undefined;
    return Math.min(withinDay, dayGap * 86400 - span);
}

export interface RunLength {
    durationSeconds: number;
    agentWaitSeconds: number;
    reapGraceSeconds: number;
}

/**
 * A run holds its lock for maxRunSeconds (start's own time + duration + findings settle + one
 * sweep + grace; the reaper's max age too); a schedule firing sooner would find the last run open.
 */
export function validateScheduleCoversRun(key: string, schedule: string, run: RunLength): string {
    const interval = scheduleIntervalSeconds(schedule);
    const total = maxRunSeconds(run);
    if (interval !== undefined && interval < total) {
        throw new ConfigError(
            key,
            schedule,
            `schedule ${schedule} runs every ${interval} s, shorter than one run ` +
                `(start ${START_HANDLER_MAX_SECONDS} s + duration ${run.durationSeconds} s + findings settle ${FINDINGS_SETTLE_SECONDS} s + ` +
                `sweep ${SWEEP_INTERVAL_SECONDS} s + grace ${run.reapGraceSeconds} s = ${total} s); ` +
                "use a longer schedule or a shorter duration",
        );
    }
    return schedule;
}

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export function validateLogRetentionDays(key: string, value: unknown): number {
    if (typeof value === "number" && LOG_RETENTION_DAYS.includes(value)) return value;
    throw new ConfigError(key, value, `CloudWatch Logs allows only ${LOG_RETENTION_DAYS.join(", ")} days`);
}

/** Lambda's 900 s limit less a 120 s reserve for Classic's launches and run start. */
export const AGENT_WAIT_BOUNDS = { min: 60, max: 780 };
/** At least 5 minutes past a run, at most a day. */
export const REAP_GRACE_BOUNDS = { min: 300, max: 86400 };

export function validateWholeSeconds(key: string, value: unknown, bounds: { min: number; max: number }, why: string): number {
    if (typeof value === "number" && Number.isInteger(value) && value >= bounds.min && value <= bounds.max) return value;
    throw new ConfigError(key, value, `must be a whole number of seconds from ${bounds.min} to ${bounds.max}${why}`);
}

export function validateAgentWaitSeconds(key: string, value: unknown): number {
    return validateWholeSeconds(key, value, AGENT_WAIT_BOUNDS, " (Classic's start waits this long inside Lambda's 900 s, keeping 120 s for launches)");
}

export function validateReapGraceSeconds(key: string, value: unknown): number {
    return validateWholeSeconds(key, value, REAP_GRACE_BOUNDS, " (the reaper terminates instances older than one run: start + duration + findings settle + sweep + this grace)");
}

export const SEVERITIES: readonly Severity[] = ["Critical", "High", "Medium", "Low", "Informational"];

export function validateSeverity(key: string, value: unknown): Severity {
    if (SEVERITIES.includes(value as Severity)) return value as Severity;
    throw new ConfigError(key, value, `allowed values are ${SEVERITIES.join(", ")}`);
}

export function validateRetentionDays(key: string, value: unknown): number {
    const days = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof days === "number" && Number.isInteger(days) && days >= 1) return days;
    throw new ConfigError(key, value, "must be a whole number of days, at least 1");
}

export function validateEngine(key: string, value: unknown): EngineName {
    if (ENGINE_NAMES.includes(value as EngineName)) return value as EngineName;
    throw new ConfigError(key, value, `allowed values are ${ENGINE_NAMES.join(", ")} (inspector2, Amazon Inspector v2, is the default; Inspector Classic reached end of support on 2026-05-20)`);
}

export function validateRegions(key: string, value: unknown, engine: EngineFacts): string[] {
    const allowed = `must be a non-empty list of ${engine.label} regions without duplicates: ${engine.regions.join(", ")}`;
    if (!Array.isArray(value) || value.length === 0) throw new ConfigError(key, value, allowed);
    const seen = new Set<string>();
    for (const region of value) {
        if (typeof region !== "string" || !engine.regions.includes(region)) {
            throw new ConfigError(key, value, `${show(region)} is not an ${engine.label} region; ${allowed}`);
        }
        if (seen.has(region)) throw new ConfigError(key, value, `${show(region)} is listed twice; ${allowed}`);
        seen.add(region);
    }
    return value;
}

/** The tags that select golden AMIs. Never empty: an empty filter would assess every AMI. */
export function validateAmiTags(key: string, value: unknown): Record<string, string> {
    const allowed = 'must map at least one tag key to a value, e.g. {"golden": "true"}; an empty filter would assess every AMI the owners have';
    if (!isPlainObject(value) || Object.keys(value).length === 0) throw new ConfigError(key, value, allowed);
    const tags: Record<string, string> = {};
    for (const [tagKey, raw] of Object.entries(value)) {
        if (tagKey.trim() === "" || tagKey.length > 128 || tagKey.startsWith("aws:")) {
            throw new ConfigError(key, value, `tag key ${show(tagKey)} must be 1-128 characters and not start with "aws:"`);
        }
        // EC2 tag values are strings; `pulumi config set --path ... true` stores a boolean, so take its string form.
        const tagValue = typeof raw === "boolean" || typeof raw === "number" ? String(raw) : raw;
        if (typeof tagValue !== "string" || tagValue.length > 256) {
            throw new ConfigError(key, value, `the value of tag ${show(tagKey)} must be a string of at most 256 characters`);
        }
        tags[tagKey] = tagValue;
    }
    return tags;
}

export function validateAmiOwners(key: string, value: unknown): string[] {
    const allowed = 'must be a non-empty list of 12-digit AWS account IDs or "self"';
    if (!Array.isArray(value) || value.length === 0) throw new ConfigError(key, value, allowed);
    for (const owner of value) {
        if (owner !== "self" && !(typeof owner === "string" && /^\d{12}$/.test(owner))) {
            throw new ConfigError(key, value, `${show(owner)} is not an account ID; ${allowed}`);
        }
    }
    return [...new Set(value as string[])];
}

/** Refuses a duration shorter than the engine's scans can finish in (v2: SSM inventory's 30-minute cycle). */
export function validateDurationForEngine(key: string, value: unknown, seconds: number, engine: EngineFacts): number {
    const { seconds: minimum, reason } = engine.minimumDuration;
    if (seconds < minimum) throw new ConfigError(key, value, `${seconds} s is shorter than the ${minimum} s minimum with engine ${engine.name}: ${reason}`);
    return seconds;
}

/**
 * Packages an engine cannot judge an AMI without. On v2 only ListFindings' package-vulnerability
 * findings (cve) can FAIL an AMI on a known vulnerability: cis adds CIS benchmark checks, which
 * Inspector gives no severity (reported as Medium, engines/inspector2/cis.ts), so a cis-only run
 * would PASS every AMI at the default High threshold.
 */
const REQUIRED_RULES_PACKAGES: Partial<Record<EngineName, { name: RulesPackageName; reason: string }>> = {
    inspector2: {
        name: "cve",
        reason: 'only cve (package vulnerability) findings say whether an AMI has known vulnerabilities; cis adds benchmark checks, which cannot FAIL an AMI at the default High threshold, so a cis-only run would PASS every AMI. Use ["cve"] or ["cve","cis"]',
    },
};

export function validateRulesPackages(key: string, value: unknown, engine: EngineFacts): RulesPackageName[] {
    const offered = engine.rulesPackages.filter((name) => !engine.refusedRulesPackages[name]);
    const allowed = `must be a non-empty list of ${offered.join(", ")} with engine ${engine.name}`;
    if (!Array.isArray(value) || value.length === 0) throw new ConfigError(key, value, allowed);
    for (const name of value) {
        if (!RULES_PACKAGE_NAMES.includes(name)) throw new ConfigError(key, value, `unknown rules package ${show(name)}; ${allowed}`);
        if (!engine.rulesPackages.includes(name)) {
            throw new ConfigError(key, value, `rules package ${show(name)} is not available with engine ${engine.name} (${engine.label}); ${allowed}`);
        }
        const refusal = engine.refusedRulesPackages[name as RulesPackageName];
        if (refusal) throw new ConfigError(key, value, `rules package ${show(name)} is refused with engine ${engine.name}: ${refusal}`);
    }
    const required = REQUIRED_RULES_PACKAGES[engine.name];
    if (required && !value.includes(required.name)) {
        throw new ConfigError(key, value, `must include ${show(required.name)} with engine ${engine.name}: ${required.reason}`);
    }
    return [...new Set(value as RulesPackageName[])];
}

/** A package the region lacks (GovCloud has no Classic Network Reachability) is an error naming the region. */
export function validateRulesPackagesInRegion(key: string, packages: readonly RulesPackageName[], region: string, engine: EngineFacts): void {
    const available = engine.rulesPackagesIn(region);
    const missing = packages.filter((name) => !available.includes(name));
    if (missing.length > 0) {
        throw new ConfigError(key, packages, `${missing.join(", ")} is not available in ${region} with engine ${engine.name}; that region offers ${available.join(", ")}`);
    }
}

export { SCAN_MODES, ScanMode };

/** instance launches, agentless reads Inspector's AMI scan results, auto does both; Classic can only launch. */
export function validateScanMode(key: string, value: unknown, engine: EngineName): ScanMode {
    if (!SCAN_MODES.includes(value as ScanMode)) throw new ConfigError(key, value, `allowed values are ${SCAN_MODES.join(", ")}`);
    if (engine === "classic" && value !== "instance") {
        throw new ConfigError(key, value, 'engine classic can only assess instances; use scanMode "instance", or engine inspector2 for agentless AMI results');
    }
    return value as ScanMode;
}

/** An account-wide, billed decision, so it is opt-in and only means something for Inspector v2. */
export function validateEnableInspector(key: string, value: unknown, engine: EngineName): boolean {
    const flag = value === "true" ? true : value === "false" ? false : value;
    if (typeof flag !== "boolean") throw new ConfigError(key, value, "must be true or false");
    if (flag && engine !== "inspector2") throw new ConfigError(key, value, "only engine inspector2 can be enabled by this component; Inspector Classic cannot be enabled any more");
    return flag;
}

export const ARCHITECTURES = ["x86_64", "arm64"];
export const DEFAULT_INSTANCE_TYPES: Readonly<Record<string, string>> = { x86_64: "t3.medium", arm64: "t4g.medium" };

/**
 * The architecture an instance type's family runs, from EC2's naming convention (EC2 User Guide,
 * "Amazon EC2 instance type naming conventions"): family = series + generation + options, and the
 * first option letter "g" means AWS Graviton (arm64), as in t4g, m7gd, c7gn, im4gn, is4gen, g5g;
 * a1 is the first Graviton family. Mac families need a dedicated host, which this component does
 * not use. Everything else (Intel "i", AMD "a", or no letter) is x86_64.
 */
export function instanceTypeArchitecture(type: string): "x86_64" | "arm64" | "mac" {
    const family = type.split(".")[0];
    if (/^mac/.test(family)) return "mac";
    if (family === "a1") return "arm64";
    return /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}

/** Instance type per architecture, merged over the defaults; the type's family must run that architecture. */
export function validateInstanceTypes(key: string, value: unknown): Record<string, string> {
    if (value === undefined) return { ...DEFAULT_INSTANCE_TYPES };
    const allowed = `must map ${ARCHITECTURES.join(" or ")} to an instance type such as "t3.medium"`;
    if (!isPlainObject(value)) throw new ConfigError(key, value, allowed);
    for (const [arch, type] of Object.entries(value)) {
        if (!ARCHITECTURES.includes(arch)) throw new ConfigError(key, value, `unknown architecture ${show(arch)}; ${allowed}`);
        if (typeof type !== "string" || !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) {
            throw new ConfigError(key, value, `${show(type)} is not an instance type; ${allowed}`);
        }
        const runs = instanceTypeArchitecture(type);
        if (runs !== arch) {
            const why = runs === "mac" ? "Mac instances need a dedicated host" : `the ${type.split(".")[0]} family runs ${runs}`;
            throw new ConfigError(
                `${key}.${arch}`,
                type,
                `${why}, not ${arch}; by EC2's naming convention Graviton (arm64) families carry a "g" after the generation (t4g, m7g, c7gn) or are a1, ` +
                    `all others are x86_64 (defaults: ${Object.entries(DEFAULT_INSTANCE_TYPES).map(([a, t]) => `${a} ${t}`).join(", ")})`,
            );
        }
    }
    return { ...DEFAULT_INSTANCE_TYPES, ...(value as Record<string, string>) };
}

const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;

export function validateSubnetId(key: string, value: unknown): string {
    if (typeof value === "string" && SUBNET_ID.test(value)) return value;
    throw new ConfigError(key, value, 'must be a subnet ID such as "subnet-0123456789abcdef0"');
}

/** region -> subnet ID; every key must be one of the configured regions. */
export function validateSubnets(key: string, value: unknown, regions: readonly string[]): Record<string, string> {
    if (value === undefined) return {};
    if (!isPlainObject(value)) throw new ConfigError(key, value, 'must map a region to a subnet ID, e.g. {"us-east-1": "subnet-0123456789abcdef0"}');
    for (const [region, subnet] of Object.entries(value)) {
        if (!regions.includes(region)) throw new ConfigError(key, value, `${show(region)} is not one of the configured regions (${regions.join(", ")})`);
        validateSubnetId(`${key}.${region}`, subnet);
    }
    return value as Record<string, string>;
}

const EMAIL = /^[^@\s"(),:;<>\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function validateEmails(key: string, value: unknown): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ConfigError(key, value, 'must be a list of email addresses, e.g. ["secops@example.com"]');
    for (const address of value) {
        if (typeof address !== "string" || !EMAIL.test(address)) {
            throw new ConfigError(key, value, `${show(address)} is not an email address; each entry must look like name@example.com`);
        }
    }
    return [...new Set(value as string[])];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One stack authenticates with one set of credentials, and those belong to one partition. */
export function validateSinglePartition(key: string, regions: readonly string[]): void {
    const gov = regions.filter((region) => region.startsWith("us-gov-"));
    const commercial = regions.filter((region) => !region.startsWith("us-gov-"));
    if (gov.length > 0 && commercial.length > 0) {
        throw new ConfigError(
            key,
            regions,
            `mixes partitions: ${gov.join(", ")} in aws-us-gov (GovCloud) and ${commercial.join(", ")} in aws, ` +
                "which one set of credentials cannot both reach; use one stack per partition (e.g. one stack for the GovCloud regions, another for the commercial ones)",
        );
    }
}

/** A child whose physical name is generated from the component name. */
interface GeneratedName {
    kind: string;
    name: string;
    limit: number;
    /** Pulumi's auto-name appends "-" and 7 random hex characters. */
    randomSuffix: boolean;
}

/** Pulumi's auto-naming suffix: a dash and 7 random characters. */
export const AUTO_NAME_SUFFIX = 8;

/** The physical names the component's children get, with the service limit of each. */
export function generatedNames(name: string, engine: EngineName, scanMode: ScanMode): GeneratedName[] {
    const launchesForV2 = engine === "inspector2" && scanMode !== "agentless";
    const auto = (kind: string, suffix: string, limit: number): GeneratedName => ({ kind, name: `${name}${suffix}`, limit, randomSuffix: true });
    const names: GeneratedName[] = [];
    for (const fn of ["start", "analyze", "reaper"]) {
        names.push(auto("Lambda function names", `-${fn}`, 64), auto("IAM role names", `-${fn}-role`, 64), auto("IAM role policy names", `-${fn}-policy`, 128));
        names.push({ kind: "CloudWatch Logs log group names", name: `/golden-ami-assessment/${name}-${fn}`, limit: 512, randomSuffix: false });
        names.push(auto("CloudWatch alarm names", `-${fn}-errors`, 255));
    }
    names.push(auto("EventBridge rule names", "-schedule", 64), auto("EventBridge rule names", "-reaper-schedule", 64));
    names.push(auto("SQS queue names", "-failed-invocations", 80), auto("SNS topic names", "-results", 256), auto("security group names", "-instances", 255));
    if (launchesForV2) {
        names.push(auto("EventBridge rule names", "-sweep-schedule", 64), auto("EventBridge rule names", "-scan-events", 64));
        names.push(auto("IAM role names", "-instance-role", 64), auto("IAM instance profile names", "-instance-profile", 128));
    }
    if (engine === "classic") {
        names.push(auto("SNS topic names", "-completion", 256), auto("EventBridge rule names", "-sweep-schedule", 64));
        names.push({ kind: "Inspector Classic assessment target names", name: `${name}-target`, limit: 140, randomSuffix: false });
        names.push({ kind: "Inspector Classic assessment template names", name: `${name}-template`, limit: 140, randomSuffix: false });
    }
    return names;
}

/** Fails before anything is created when a generated physical name would exceed its service's limit. */
export function validateComponentName(key: string, name: string, engine: EngineName, scanMode: ScanMode): void {
    const lengthOf = (n: GeneratedName) => n.name.length + (n.randomSuffix ? AUTO_NAME_SUFFIX : 0);
    const over = generatedNames(name, engine, scanMode)
        .filter((n) => lengthOf(n) > n.limit)
        .sort((a, b) => lengthOf(b) - b.limit - (lengthOf(a) - a.limit))[0];
    if (!over) return;
    throw new ConfigError(
        key,
        name,
        `component name ${name} is ${name.length} characters; ${over.kind} are limited to ${over.limit}, and ${over.name}` +
            `${over.randomSuffix ? ` plus Pulumi's ${AUTO_NAME_SUFFIX}-character suffix` : ""} would be ${lengthOf(over)}; use a shorter stack name (or component name)`,
    );
}
