// Lambda code archives as Pulumi would upload them, made inspectable offline: the mocked
// Function's `code` (an AssetArchive of StringAssets) becomes its files, a directory on disk, and
// a zip (fflate, fixed timestamps) to know what Lambda would receive.
import * as pulumi from "@pulumi/pulumi";
import { zipSync } from "fflate";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Archive path -> content. */
export type ArchiveFiles = Record<string, string>;

/** The archive's files; anything but a StringAsset (a folder, a file on disk) is an error. */
export async function archiveFiles(code: unknown): Promise<ArchiveFiles> {
    if (!pulumi.asset.AssetArchive.isInstance(code) || !("assets" in code)) throw new Error("code is not an AssetArchive");
    const assets = (await (code as pulumi.asset.AssetArchive).assets) as Record<string, unknown>;
    const files: ArchiveFiles = {};
    for (const [key, value] of Object.entries(assets)) {
        // isInstance answers for any asset or archive, so tell kinds apart by shape.
        if (!pulumi.asset.Asset.isInstance(value) || !("text" in value)) throw new Error(`${key}: not a StringAsset`);
        files[key] = await (value as pulumi.asset.StringAsset).text;
    }
    return files;
}

/** A fresh empty directory under the OS temp dir. */
export function makeTempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes the files into a new temp dir, as Lambda unpacks the zip; returns the directory. */
export function writeArchive(files: ArchiveFiles): string {
    const dir = makeTempDir("gaa-archive");
    for (const [key, text] of Object.entries(files)) {
        const target = path.join(dir, ...key.split("/"));
        if (path.relative(dir, target).startsWith("..")) throw new Error(`archive path ${key} escapes the archive`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
    }
    return dir;
}

/** The archive zipped (deflate level 6, fixed timestamps, sorted names): what Lambda would receive. */
export function zipArchive(files: ArchiveFiles): Uint8Array {
    const sorted = Object.keys(files).sort();
    const mtime = new Date("1980-01-01T00:00:00Z");
    return zipSync(Object.fromEntries(sorted.map((key) => [key, Buffer.from(files[key], "utf8")])), { level: 6, mtime });
}

/** Every module specifier `require`d by a piece of code, in order of appearance. */
export function requiredModules(code: string): string[] {
    return [...code.matchAll(/\brequire\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((match) => match[2]);
}
