// Validation of the verdict policy (issue 21): acceptedRisks, failWhen and securityHub. Every error
// names the key (and the entry), the bad value and what is allowed. An accepted risk that has
// expired is refused with its date, so a schedule never silently keeps an old exception.
import type { EngineName, Severity } from "../pipeline/run/settings";
import { AcceptedRisk, DAY_MS, FailWhen, expiryEnd } from "../pipeline/verdict/policy";
import { ConfigError, show } from "../infra/configError";
import { SEVERITIES } from "./config";

const CVE_ID = /^CVE-\d{4}-\d{4,}$/i;
/** A CIS check ID as Inspector names it (e.g. "1.1.1.1" or "xccdf_org...rule_1.1.1.1"): one word. */
const CHECK_ID = /^[A-Za-z0-9][A-Za-z0-9._:\-]{0,255}$/;
const AMI_ID = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** EC2 AMI names: 3-128 of letters, digits, ( ) [ ] space . / - ' @ _ (EC2 RegisterImage Name), plus the * and ? wildcards. */
const NAME_PATTERN = /^[A-Za-z0-9()[\]. /\-'@_*?]{1,128}$/;
const ENTRY_KEYS = ["id", "amis", "reason", "owner", "expires"];
const FAIL_WHEN_KEYS = ["severity", "fixAvailableForDays", "maxScanAgeDays"];
/** ScanResultCondition's day counts: 0 to 2147483647 (client-ec2 ScanResultCondition). */
const MAX_DAYS = 2147483647;

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isoDay(date: Date): string {
    return date.toISOString().slice(0, 10);
}

/** One year ahead of `now`, as a YYYY-MM-DD day (the same calendar day next year). */
export function oneYearAhead(now: Date): string {
    const next = new Date(now.getTime());
    next.setUTCFullYear(next.getUTCFullYear() + 1);
    return isoDay(next);
}

function validateExpires(key: string, value: unknown, now: Date): string {
    const allowed = `must be a date YYYY-MM-DD from today (${isoDay(now)}) to at most one year ahead (${oneYearAhead(now)})`;
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || isoDay(new Date(`${value}T00:00:00Z`)) !== value) {
        throw new ConfigError(key, value, allowed);
    }
    if (expiryEnd(value) <= now.getTime()) throw new ConfigError(key, value, `the entry expired on ${value}: remove it, or renew it with a new date and reason (${allowed})`);
    if (value > oneYearAhead(now)) throw new ConfigError(key, value, `${value} is more than one year ahead; ${allowed}`);
    return value;
}

function requiredText(key: string, value: unknown, what: string, max = 512): string {
    if (typeof value === "string" && value.trim() !== "" && value.length <= max) return value.trim();
    throw new ConfigError(key, value, `${what} is required: a non-empty string of at most ${max} characters`);
}

function validateRiskAmis(key: string, value: unknown): string[] | undefined {
    if (value === undefined) return undefined;
    const allowed = 'must be a non-empty list of AMI IDs ("ami-0123456789abcdef0") or AMI name patterns ("golden-al2023-*", with * and ?)';
    if (!Array.isArray(value) || value.length === 0) throw new ConfigError(key, value, allowed);
    for (const entry of value) {
        if (typeof entry !== "string" || !(AMI_ID.test(entry) || (!entry.startsWith("ami-") && NAME_PATTERN.test(entry)))) {
            throw new ConfigError(key, value, `${show(entry)} is neither an AMI ID nor a name pattern; ${allowed}`);
        }
    }
    return [...new Set(value as string[])];
}

function validateRisk(key: string, value: unknown, now: Date): AcceptedRisk {
    const shape = 'must be {"id": "CVE-2026-1111", "reason": "...", "owner": "secops@example.com", "expires": "YYYY-MM-DD"} with an optional "amis" list';
    if (!isPlainObject(value)) throw new ConfigError(key, value, shape);
    const unknown = Object.keys(value).filter((field) => !ENTRY_KEYS.includes(field));
    if (unknown.length > 0) throw new ConfigError(key, value, `unknown field(s) ${unknown.join(", ")}; ${shape}`);
    const id = value.id;
    if (typeof id !== "string" || !(CVE_ID.test(id) || (!/^CVE-/i.test(id) && CHECK_ID.test(id)))) {
        throw new ConfigError(`${key}.id`, id, "must be a CVE ID (CVE-2026-1111) or a CIS check ID (one word, e.g. 1.1.1.1)");
    }
    const named = `${key} (${id})`;
    const risk: AcceptedRisk = {
        id: CVE_ID.test(id) ? id.toUpperCase() : id,
        reason: requiredText(`${named}.reason`, value.reason, "a reason"),
        owner: requiredText(`${named}.owner`, value.owner, "an owner (an email address or a team name)", 128),
        expires: validateExpires(`${named}.expires`, value.expires, now),
    };
    const amis = validateRiskAmis(`${named}.amis`, value.amis);
    if (amis) risk.amis = amis;
    return risk;
}

/** Accepted risks: each entry checked under its index and ID; expired entries refused with their date. */
export function validateAcceptedRisks(key: string, value: unknown, now: Date): AcceptedRisk[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ConfigError(key, value, "must be a list of accepted risks (see docs/policy.md)");
    return value.map((entry, i) => validateRisk(`${key}[${i}]`, entry, now));
}

function validateDays(key: string, value: unknown): number {
    if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_DAYS) return value;
    throw new ConfigError(key, value, `must be a whole number of days from 0 to ${MAX_DAYS} (as ScanResultCondition allows)`);
}

/**
 * failWhen, with severityThreshold as its shorthand: failWhen.severity defaults to it, and both set
 * to different values is an error. Undefined when neither says more than severityThreshold.
 */
export function validateFailWhen(key: string, value: unknown, severityThreshold: { key: string; value: Severity; explicit: boolean }): FailWhen | undefined {
    if (value === undefined) return undefined;
    const shape = 'must be {"severity": "High", "fixAvailableForDays": {"High": 14}, "maxScanAgeDays": 7}, every field optional';
    if (!isPlainObject(value)) throw new ConfigError(key, value, shape);
    const unknown = Object.keys(value).filter((field) => !FAIL_WHEN_KEYS.includes(field));
    if (unknown.length > 0) throw new ConfigError(key, value, `unknown field(s) ${unknown.join(", ")}; ${shape}`);
    let severity = severityThreshold.value;
    if (value.severity !== undefined) {
        if (!SEVERITIES.includes(value.severity as Severity)) throw new ConfigError(`${key}.severity`, value.severity, `allowed values are ${SEVERITIES.join(", ")}`);
        if (severityThreshold.explicit && value.severity !== severityThreshold.value) {
            throw new ConfigError(`${key}.severity`, value.severity, `differs from ${severityThreshold.key} (${severityThreshold.value}), its shorthand; set one of the two`);
        }
        severity = value.severity as Severity;
    }
    const failWhen: FailWhen = { severity };
    if (value.fixAvailableForDays !== undefined) {
        const fix = value.fixAvailableForDays;
        if (!isPlainObject(fix) || Object.keys(fix).length === 0) throw new ConfigError(`${key}.fixAvailableForDays`, fix, `must map a severity (${SEVERITIES.join(", ")}) to days, e.g. {"High": 14}`);
        failWhen.fixAvailableForDays = {};
        for (const [level, days] of Object.entries(fix)) {
            if (!SEVERITIES.includes(level as Severity)) throw new ConfigError(`${key}.fixAvailableForDays`, fix, `${show(level)} is not a severity; allowed are ${SEVERITIES.join(", ")}`);
            failWhen.fixAvailableForDays[level as Severity] = validateDays(`${key}.fixAvailableForDays.${level}`, days);
        }
    }
    if (value.maxScanAgeDays !== undefined) failWhen.maxScanAgeDays = validateDays(`${key}.maxScanAgeDays`, value.maxScanAgeDays);
    return failWhen;
}

export function validateSecurityHub(key: string, value: unknown): boolean {
    const flag = value === "true" ? true : value === "false" ? false : value;
    if (typeof flag !== "boolean") throw new ConfigError(key, value, "must be true or false");
    return flag;
}

/**
 * Inspector Classic is at end of support and gets no new features: the policy keys are refused
 * there at preview, with the reason, rather than accepted and ignored.
 */
export function validatePolicyEngine(key: string, value: unknown, engine: EngineName): void {
    if (engine !== "classic" || value === undefined || value === false || (Array.isArray(value) && value.length === 0)) return;
    throw new ConfigError(key, value === true ? true : "(set)", "is only available with engine inspector2: Inspector Classic reached end of support on 2026-05-20 and gets no new features (severityThreshold still works there)");
}

/** Days left before an entry expires, for the plan summary. */
export function daysUntilExpiry(risk: Pick<AcceptedRisk, "expires">, now: Date): number {
    return Math.ceil((expiryEnd(risk.expires) - now.getTime()) / DAY_MS);
}

/** The component's policy arguments: plain values, checked before any child exists. */
export interface PolicyArgs {
    acceptedRisks?: AcceptedRisk[];
    failWhen?: FailWhen | { severity?: Severity; fixAvailableForDays?: Partial<Record<Severity, number>>; maxScanAgeDays?: number };
    securityHub?: boolean;
    /** Only a plain value can be compared with failWhen.severity now; an Output is not. */
    severityThreshold?: unknown;
}

export interface VerdictPolicyArgs {
    acceptedRisks: AcceptedRisk[];
    failWhen?: FailWhen;
    securityHub: boolean;
}

export function validatedPolicyArgs(key: (arg: string) => string, args: PolicyArgs, engine: EngineName, defaultThreshold: Severity, now: Date = new Date()): VerdictPolicyArgs {
    validatePolicyEngine(key("acceptedRisks"), args.acceptedRisks, engine);
    validatePolicyEngine(key("failWhen"), args.failWhen, engine);
    validatePolicyEngine(key("securityHub"), args.securityHub, engine);
    const plainThreshold = typeof args.severityThreshold === "string" ? (args.severityThreshold as Severity) : undefined;
    const threshold = { key: key("severityThreshold"), value: plainThreshold ?? defaultThreshold, explicit: plainThreshold !== undefined };
    return {
        acceptedRisks: validateAcceptedRisks(key("acceptedRisks"), args.acceptedRisks, now),
        failWhen: validateFailWhen(key("failWhen"), args.failWhen, threshold),
        securityHub: validateSecurityHub(key("securityHub"), args.securityHub ?? false),
    };
}
