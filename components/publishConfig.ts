// Validators for the second trigger, assess on publish: on by default with Inspector v2, refused
// on Classic (end of support: it keeps the schedule only), and assessOnTag only beside it.
import { ConfigError } from "./config";
import { validateFlag } from "./launchConfig";
import type { EngineName } from "../pipeline/run/settings";
import { DEFAULTS } from "../infra/defaults";

/** Default per engine: v2 assesses a golden AMI when it is published; Classic only on its schedule. */
export function defaultAssessOnPublish(engine: EngineName): boolean {
    return engine === "inspector2";
}

export function validateAssessOnPublish(key: string, value: unknown, engine: EngineName): boolean {
    const flag = validateFlag(key, value ?? defaultAssessOnPublish(engine));
    if (flag && engine !== "inspector2") {
        throw new ConfigError(key, value, "engine classic keeps the schedule only: Inspector Classic is at end of support and gets no new features; use engine inspector2 to assess AMIs when they are published");
    }
    return flag;
}

/** CreateTags is seen only through CloudTrail: it needs a trail in the account, and assessOnPublish. */
export function validateAssessOnTag(key: string, value: unknown, assessOnPublish: boolean): boolean {
    const flag = validateFlag(key, value ?? DEFAULTS.assessOnTag);
    if (flag && !assessOnPublish) throw new ConfigError(key, value, "needs assessOnPublish true (a tagged AMI is assessed by the publish function); it also needs a CloudTrail trail in the account");
    return flag;
}
