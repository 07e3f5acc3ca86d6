// Validation of everything a user configures. Each check names the key, the bad value and
// what is allowed, and none falls back silently: a bad value fails preview, not a 3 a.m. run.
import * as pulumi from "@pulumi/pulumi";
import { INSPECTOR_CLASSIC_REGION_NAMES, RULES_PACKAGE_NAMES, RulesPackageName, regionFacts } from "../engines/classic/regions";
import { Severity } from "../pipeline/settings";

/** A config or argument error; RunError makes Pulumi print the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(key: string, value: unknown, allowed: string) {
        super(`Invalid ${key} = ${show(value)}: ${allowed}`);
    }
}

function show(value: unknown): string {
    return value === undefined ? "(not set)" : JSON.stringify(value);
}

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
        if (fields.length === 6 && fields.every((f) => CRON_FIELD.test(f))) return value;
    }
    throw new ConfigError(key, value, allowed);
}

export const SEVERITIES: readonly Severity[] = ["High", "Medium", "Low", "Informational"];

export function validateSeverity(key: string, value: unknown): Severity {
    if (SEVERITIES.includes(value as Severity)) return value as Severity;
    throw new ConfigError(key, value, `allowed values are ${SEVERITIES.join(", ")}`);
}

export function validateRetentionDays(key: string, value: unknown): number {
    const days = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof days === "number" && Number.isInteger(days) && days >= 1) return days;
    throw new ConfigError(key, value, "must be a whole number of days, at least 1");
}

export function validateRegions(key: string, value: unknown): string[] {
    const allowed = `must be a non-empty list of Amazon Inspector Classic regions without duplicates: ${INSPECTOR_CLASSIC_REGION_NAMES.join(", ")}`;
    if (!Array.isArray(value) || value.length === 0) throw new ConfigError(key, value, allowed);
    const seen = new Set<string>();
    for (const region of value) {
        if (typeof region !== "string" || !INSPECTOR_CLASSIC_REGION_NAMES.includes(region)) {
            throw new ConfigError(key, value, `${show(region)} is not an Amazon Inspector Classic region; ${allowed}`);
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
    // `pulumi config set --path 'ns:amiTags.golden' true` stores a boolean (numbers likewise): tag values are strings.
    const tags = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "boolean" || typeof v === "number" ? String(v) : v]));
    for (const [tagKey, tagValue] of Object.entries(tags)) {
        if (tagKey.trim() === "" || tagKey.length > 128 || tagKey.startsWith("aws:")) {
            throw new ConfigError(key, value, `tag key ${show(tagKey)} must be 1-128 characters and not start with "aws:"`);
        }
        if (typeof tagValue !== "string" || tagValue.length > 256) {
            throw new ConfigError(key, value, `the value of tag ${show(tagKey)} must be a string of at most 256 characters`);
        }
    }
    return tags as Record<string, string>;
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

export function validateRulesPackages(key: string, value: unknown): RulesPackageName[] {
    const allowed = `must be a non-empty list of ${RULES_PACKAGE_NAMES.join(", ")}`;
    if (!Array.isArray(value) || value.length === 0) throw new ConfigError(key, value, allowed);
    for (const name of value) {
        if (!RULES_PACKAGE_NAMES.includes(name)) throw new ConfigError(key, value, `unknown rules package ${show(name)}; ${allowed}`);
    }
    return [...new Set(value as RulesPackageName[])];
}

/** A package the region lacks (GovCloud has no Network Reachability) is an error naming the region. */
export function validateRulesPackagesInRegion(key: string, packages: readonly RulesPackageName[], region: string): void {
    const facts = regionFacts(region);
    const missing = packages.filter((name) => !facts.rulesPackageIds[name]);
    if (missing.length > 0) {
        const available = Object.keys(facts.rulesPackageIds).join(", ");
        throw new ConfigError(key, packages, `${missing.join(", ")} is not available in ${region}; that region offers ${available}`);
    }
}

export const ARCHITECTURES = ["x86_64", "arm64"];
export const DEFAULT_INSTANCE_TYPES: Readonly<Record<string, string>> = { x86_64: "t3.medium", arm64: "t4g.medium" };

/** Instance type per architecture, merged over the defaults. */
export function validateInstanceTypes(key: string, value: unknown): Record<string, string> {
    if (value === undefined) return { ...DEFAULT_INSTANCE_TYPES };
    const allowed = `must map ${ARCHITECTURES.join(" or ")} to an instance type such as "t3.medium"`;
    if (!isPlainObject(value)) throw new ConfigError(key, value, allowed);
    for (const [arch, type] of Object.entries(value)) {
        if (!ARCHITECTURES.includes(arch)) throw new ConfigError(key, value, `unknown architecture ${show(arch)}; ${allowed}`);
        if (typeof type !== "string" || !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) {
            throw new ConfigError(key, value, `${show(type)} is not an instance type; ${allowed}`);
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
