// The stack's verdict policy keys (acceptedRisks, failWhen, securityHub), read beside the others
// in stackConfig.ts and checked the same way: every error at once, each naming its key.
import type { EngineName, Severity } from "../pipeline/run/settings";
import type { AcceptedRisk, FailWhen } from "../pipeline/verdict/policy";
import { DEFAULTS } from "../infra/defaults";
import type { StackConfigKey } from "./configKeys";
import { validateAcceptedRisks, validateFailWhen, validatePolicyEngine, validateSecurityHub } from "./policyConfig";

type Check = <T>(validate: () => T) => T | undefined;

export interface PolicyReader {
    key: (name: StackConfigKey) => string;
    structured: (name: StackConfigKey) => unknown;
    get: (name: string) => string | undefined;
    check: Check;
    engine: EngineName | undefined;
    /** The validated severityThreshold (undefined when it was invalid). */
    severityThreshold: Severity | undefined;
    now: Date;
}

export interface PolicyStackSettings {
    acceptedRisks?: AcceptedRisk[];
    failWhen?: FailWhen;
    securityHub?: boolean;
    /** failWhen.severity, when it sets the threshold that severityThreshold left at its default. */
    severityThreshold?: Severity;
}

/** The policy keys; `valid` is false when any of them failed (its error is in `check`'s list). */
export function readPolicyConfig(reader: PolicyReader): { settings: PolicyStackSettings; valid: boolean } {
    const { key, structured, check, engine, now } = reader;
    let valid = true;
    const guarded = <T>(validate: () => T): T | undefined => {
        const value = check(validate);
        if (value === undefined) valid = false;
        return value;
    };
    const onEngine = (name: StackConfigKey, value: unknown) => engine && validatePolicyEngine(key(name), value, engine);
    const acceptedRisks = guarded(() => {
        const raw = structured("acceptedRisks");
        onEngine("acceptedRisks", raw);
        return validateAcceptedRisks(key("acceptedRisks"), raw, now);
    });
    const securityHub = guarded(() => {
        const raw = structured("securityHub") ?? DEFAULTS.securityHub;
        onEngine("securityHub", raw);
        return validateSecurityHub(key("securityHub"), raw);
    });
    const settings: PolicyStackSettings = { acceptedRisks, securityHub };
    const rawFailWhen = structured("failWhen");
    if (rawFailWhen !== undefined && reader.severityThreshold !== undefined) {
        const explicit = reader.get("severityThreshold") !== undefined;
        const failWhen = guarded(() => {
            onEngine("failWhen", rawFailWhen);
            return validateFailWhen(key("failWhen"), rawFailWhen, { key: key("severityThreshold"), value: reader.severityThreshold!, explicit });
        });
        settings.failWhen = failWhen;
        if (failWhen) settings.severityThreshold = failWhen.severity;
    }
    return { settings, valid };
}
