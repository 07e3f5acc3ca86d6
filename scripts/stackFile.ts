// Reads Pulumi.<stack>.yaml into the flat "namespace:key" -> raw string map Pulumi itself uses.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

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

/** Structured values are stored as JSON strings, scalars as their string form, as `pulumi config` does. */
export function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            throw new Error(`${key} is a secret; the offline plan cannot decrypt secrets`);
        }
        flat[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    }
    return flat;
}
