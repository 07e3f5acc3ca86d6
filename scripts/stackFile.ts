// Reads Pulumi.<stack>.yaml into the flat "namespace:key" -> raw string map Pulumi itself uses.
// Secrets (`key: {secure: v1:...}`) cannot be decrypted offline: they read as SECRET_PLACEHOLDER.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

/** What a `secure:` value reads as offline, in the config map and in everything the plan prints. */
export const SECRET_PLACEHOLDER = "[secret]";

export function readStackFile(stack: string, projectDir = path.join(__dirname, "..")): Record<string, string> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${file}; create it or pass --stack <name>`);
    return readConfigFile(file);
}

export function readConfigFile(file: string): Record<string, string> {
    if (!fs.existsSync(file)) throw new Error(`no config file ${file}`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return toPulumiConfig(doc.config ?? {});
}

const isSecure = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in (value as object);

/**
 * Structured values are stored as JSON strings, scalars as their string form, as `pulumi config`
 * does. A secret reads as SECRET_PLACEHOLDER (also inside a structured value).
 */
export function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
    const hide = (value: unknown): unknown =>
        isSecure(value)
            ? SECRET_PLACEHOLDER
            : Array.isArray(value)
              ? value.map(hide)
              : value !== null && typeof value === "object"
                ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hide(v)]))
                : value;
    const flat: Record<string, string> = {};
    for (const [key, raw] of Object.entries(config)) {
        const value = hide(raw);
        flat[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    }
    return flat;
}

/** The keys whose value is (or contains) a secret. */
export function secretKeys(config: Record<string, string>): string[] {
    return Object.keys(config).filter((key) => config[key].includes(SECRET_PLACEHOLDER));
}

/**
 * The config the program is planned with. Keys of other namespaces keep the placeholder (this
 * program passes them through, e.g. aws:secretKey). A secret of this project cannot be validated
 * offline, so it is planned as if unset (its default), except the required amiTags, which is
 * planned with a placeholder filter. The plan says so for each.
 */
export function plannableConfig(config: Record<string, string>, namespace: string): { config: Record<string, string>; notes: string[] } {
    const planned: Record<string, string> = {};
    const notes: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        if (!value.includes(SECRET_PLACEHOLDER) || !key.startsWith(`${namespace}:`)) {
            planned[key] = value;
        } else if (key === `${namespace}:amiTags`) {
            planned[key] = JSON.stringify({ [SECRET_PLACEHOLDER]: SECRET_PLACEHOLDER });
            notes.push(`${key} = ${SECRET_PLACEHOLDER}: a secret cannot be decrypted offline; planned with a placeholder tag filter`);
        } else {
            notes.push(`${key} = ${SECRET_PLACEHOLDER}: a secret cannot be decrypted offline; planned as if unset (its default)`);
        }
    }
    return { config: planned, notes };
}
