// Validation of the hub's keys: digestSchedule (when the digest email goes) and perRunEmails
// (whether each spoke still emails every run's summary). Each error names the key.
import { ConfigError, validateSchedule } from "./config";
import { validateFlag } from "./launchConfig";

export const DEFAULT_DIGEST_SCHEDULE = "rate(1 day)";
/** How often the hub rebuilds its index from the spokes' latest summaries. */
export const HUB_INDEX_SCHEDULE = "rate(1 hour)";

export interface HubOptions {
    /** Set: the stack has a hub (today the key that asks for one; with `accounts`/`hub`, those too). */
    digestSchedule?: string;
    perRunEmails?: boolean;
}

export function validateDigestSchedule(key: string, value: unknown): string {
    const schedule = validateSchedule(key, value);
    if (/^rate\(\d+ minutes?\)$/.test(schedule)) throw new ConfigError(key, value, "a digest is an email: at most hourly, e.g. rate(1 day) or cron(0 8 * * ? *)");
    return schedule;
}

/** Per-run emails default to off with a hub (the digest replaces them) and on without one. */
export function perRunEmailsFor(hasHub: boolean, perRunEmails: boolean | undefined): boolean {
    return perRunEmails ?? !hasHub;
}

export function validateHubOptions(keyOf: (name: "digestSchedule" | "perRunEmails") => string, digestSchedule: unknown, perRunEmails: unknown): HubOptions {
    return {
        ...(digestSchedule === undefined ? {} : { digestSchedule: validateDigestSchedule(keyOf("digestSchedule"), digestSchedule) }),
        ...(perRunEmails === undefined ? {} : { perRunEmails: validateFlag(keyOf("perRunEmails"), perRunEmails) }),
    };
}
