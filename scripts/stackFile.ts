// Reads Pulumi.<stack>.yaml into the flat "namespace:key" -> raw string map Pulumi itself uses.
// Secrets (`key: {secure: v1:...}`) cannot be decrypted offline: they read as SECRET_PLACEHOLDER.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

/** What a `secure:` value reads as offline, in the config map and in everything the plan prints. */
export const SECRET_PLACEHOLDER = "[secret]";

/** `stackGiven`: the user already named the stack, so the error does not suggest --stack. */
export function readStackFile(stack: string, projectDir = path.join(__dirname, ".."), stackGiven = false): Record<string, string> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const hint = stackGiven
            ? `create it (pulumi stack init ${stack}, then pulumi config set ...) or pass --config-file <file>`
            : "create it, pass --stack <name> for another stack, or --config-file <file>";
        throw new Error(`no stack file ${file} for stack "${stack}"; ${hint}`);
    }
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

/** Stands in for a secret list item of notificationEmails: a valid address (RFC 2606 reserves .invalid), masked in the output. */
const SECRET_EMAIL = (n: number) => `secret-${n}@secret.invalid`;
const SECRET_EMAIL_PATTERN = /secret-\d+@secret\.invalid/g;

/** The plan's output with every stand-in for a secret shown as SECRET_PLACEHOLDER. */
export function maskSecretStandIns(text: string): string {
    return text.replace(SECRET_EMAIL_PATTERN, SECRET_PLACEHOLDER);
}

/**
 * A structured value with some secret items: the plain items are kept. A secret email becomes a
 * stand-in address (masked in the output), a secret tag value stays SECRET_PLACEHOLDER (any string
 * is a valid tag value); other secret items are left out. Undefined when nothing plain is left.
 */
function withoutSecretItems(key: string, value: unknown): { value: string; note: string } | undefined {
    const secret = (v: unknown) => v === SECRET_PLACEHOLDER;
    if (Array.isArray(value)) {
        const count = value.filter(secret).length;
        const email = key.endsWith(":notificationEmails");
        const kept = email ? value.map((v, i) => (secret(v) ? SECRET_EMAIL(i) : v)) : value.filter((v) => !secret(v));
        if (kept.length === 0) return undefined;
        const how = email ? "planned with a stand-in address for each, shown as [secret]" : "planned without them";
        return { value: JSON.stringify(kept), note: `${key}: ${count} of ${value.length} items are secrets, which cannot be decrypted offline; ${how}` };
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        const tags = key.endsWith(":amiTags");
        const kept = tags ? entries : entries.filter(([, v]) => !secret(v));
        if (kept.length === 0 || (tags && entries.every(([, v]) => secret(v)))) return undefined;
        const secrets = entries.filter(([, v]) => secret(v)).map(([k]) => k);
        const how = tags ? "planned with the placeholder as their value" : "planned without them";
        return { value: JSON.stringify(Object.fromEntries(kept)), note: `${key}: the values of ${secrets.join(", ")} are secrets, which cannot be decrypted offline; ${how}` };
    }
    return undefined;
}

/**
 * The config the program is planned with. Keys of other namespaces keep the placeholder (this
 * program passes them through, e.g. aws:secretKey). A secret of this project cannot be validated
 * offline: a secret item inside a list or map is handled by withoutSecretItems; a wholly secret
 * value is planned as if unset (its default), except the required amiTags, which is planned with
 * a placeholder filter. The plan says so for each.
 */
export function plannableConfig(config: Record<string, string>, namespace: string): { config: Record<string, string>; notes: string[] } {
    const planned: Record<string, string> = {};
    const notes: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        if (!value.includes(SECRET_PLACEHOLDER) || !key.startsWith(`${namespace}:`)) {
            planned[key] = value;
            continue;
        }
        const partial = value === SECRET_PLACEHOLDER ? undefined : withoutSecretItems(key, parseJson(value));
        if (partial) {
            planned[key] = partial.value;
            notes.push(partial.note);
        } else if (key === `${namespace}:amiTags`) {
            planned[key] = JSON.stringify({ [SECRET_PLACEHOLDER]: SECRET_PLACEHOLDER });
            notes.push(`${key} = ${SECRET_PLACEHOLDER}: a secret cannot be decrypted offline; planned with a placeholder tag filter`);
        } else {
            notes.push(`${key} = ${SECRET_PLACEHOLDER}: a secret cannot be decrypted offline; planned as if unset (its default)`);
        }
    }
    return { config: planned, notes };
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
