// Lambda code archives as Pulumi would upload them, made inspectable offline: the mocked
// Function's `code` (an AssetArchive) becomes a plain description, a directory on disk, a list of
// the packages it ships, and a zip (to know its size).
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";

/** One entry of a code archive: archive path -> where its content comes from. */
export type ArchiveEntry = { kind: "text"; text: string } | { kind: "dir"; path: string } | { kind: "file"; path: string };
export type ArchiveEntries = Record<string, ArchiveEntry>;

/**
 * Resolves a Function's `code` into plain entries. Relative file paths (Pulumi's code paths are
 * relative to the program's working directory) are made absolute against `baseDir`.
 */
export async function archiveEntries(code: unknown, baseDir = process.cwd()): Promise<ArchiveEntries> {
    const entries: ArchiveEntries = {};
    await addArchive(code, "", baseDir, entries);
    return entries;
}

async function addArchive(archive: unknown, prefix: string, baseDir: string, entries: ArchiveEntries): Promise<void> {
    if (!pulumi.asset.AssetArchive.isInstance(archive)) throw new Error(`code is not an AssetArchive: ${describe(archive)}`);
    const assets = (await (archive as pulumi.asset.AssetArchive).assets) as Record<string, unknown>;
    for (const [key, value] of Object.entries(assets)) {
        const archivePath = prefix ? `${prefix}/${key}` : key;
        // isInstance is inherited from Asset/Archive (it answers for any asset or archive), so tell kinds apart by shape.
        if (pulumi.asset.Archive.isInstance(value) && "assets" in value) {
            await addArchive(value, archivePath, baseDir, entries);
        } else if (pulumi.asset.Archive.isInstance(value) && "path" in value) {
            const source = path.resolve(baseDir, await (value as pulumi.asset.FileArchive).path);
            if (!fs.statSync(source).isDirectory()) throw new Error(`${archivePath}: FileArchive of a file (${source}) is not supported here`);
            entries[archivePath] = { kind: "dir", path: source };
        } else if (pulumi.asset.Asset.isInstance(value) && "text" in value) {
            entries[archivePath] = { kind: "text", text: await (value as pulumi.asset.StringAsset).text };
        } else if (pulumi.asset.Asset.isInstance(value) && "path" in value) {
            entries[archivePath] = { kind: "file", path: path.resolve(baseDir, await (value as pulumi.asset.FileAsset).path) };
        } else {
            throw new Error(`${archivePath}: unsupported asset ${describe(value)}`);
        }
    }
}

function describe(value: unknown): string {
    return value === null || value === undefined ? String(value) : (value as object).constructor?.name ?? typeof value;
}

/** A fresh empty directory under the OS temp dir. */
export function makeTempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes the archive's content into `dir` (which must be empty; a new temp dir if not given),
 * exactly at the archive paths, following symlinks as a zip would. Files are hard-linked where
 * possible (much faster than copying thousands of SDK files; a hard link has no other real path,
 * so resolution from the archive stays inside it) and copied otherwise. Never write into them.
 * Returns the directory.
 */
export function materializeArchive(entries: ArchiveEntries, dir = makeTempDir("gaa-archive")): string {
    fs.mkdirSync(dir, { recursive: true });
    if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
    // Parents first, so that a nested entry (Pulumi lists some nested node_modules separately) lands inside its parent.
    for (const key of Object.keys(entries).sort()) {
        const entry = entries[key];
        const target = path.join(dir, ...key.split("/"));
        if (path.relative(dir, target).startsWith("..")) throw new Error(`archive path ${key} escapes the archive`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (entry.kind === "text") fs.writeFileSync(target, entry.text);
        else if (entry.kind === "file") linkOrCopyFile(entry.path, target);
        else copyTree(entry.path, target);
    }
    return dir;
}

function linkOrCopyFile(source: string, target: string): void {
    if (fs.existsSync(target)) fs.rmSync(target);
    try {
        fs.linkSync(source, target);
    } catch {
        fs.copyFileSync(source, target);
    }
}

/** Recursive copy (hard links for files), following symlinks; merges into an existing directory. */
function copyTree(source: string, target: string): void {
    fs.mkdirSync(target, { recursive: true });
    for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
        const from = path.join(source, entry.name);
        const to = path.join(target, entry.name);
        const isDir = entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(from).isDirectory());
        if (isDir) copyTree(entry.isSymbolicLink() ? fs.realpathSync(from) : from, to);
        else linkOrCopyFile(entry.isSymbolicLink() ? fs.realpathSync(from) : from, to);
    }
}

/** The serialized handler module of a materialized archive. */
export function indexJs(dir: string): string {
    return fs.readFileSync(path.join(dir, "__index.js"), "utf8");
}

/** Every module specifier `require`d by a piece of code, in order of appearance. */
export function requiredModules(code: string): string[] {
    return [...code.matchAll(/\brequire\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((match) => match[2]);
}

export interface ArchivePackage {
    name: string;
    version: string;
    /** Relative to the archive root, "/"-separated, e.g. "node_modules/@aws-sdk/client-inspector". */
    path: string;
}

/** Every package in the archive's node_modules, nested ones included, sorted by path. */
export function listPackages(dir: string): ArchivePackage[] {
    const found: ArchivePackage[] = [];
    const visitNodeModules = (nodeModules: string) => {
        if (!fs.existsSync(nodeModules)) return;
        for (const entry of fs.readdirSync(nodeModules).sort()) {
            if (entry.startsWith(".")) continue;
            const full = path.join(nodeModules, entry);
            if (entry.startsWith("@")) {
                for (const scoped of fs.readdirSync(full).sort()) visitPackage(path.join(full, scoped));
            } else {
                visitPackage(full);
            }
        }
    };
    const visitPackage = (packageDir: string) => {
        const manifest = path.join(packageDir, "package.json");
        if (!fs.existsSync(manifest)) return;
        const { name, version } = JSON.parse(fs.readFileSync(manifest, "utf8"));
        found.push({ name, version, path: path.relative(dir, packageDir).split(path.sep).join("/") });
        visitNodeModules(path.join(packageDir, "node_modules"));
    };
    visitNodeModules(path.join(dir, "node_modules"));
    return found.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Relative "/"-separated paths of every file under `dir`, sorted (symlinks followed). */
export function listFiles(dir: string): string[] {
    const files: string[] = [];
    const walk = (relative: string) => {
        const full = path.join(dir, relative);
        for (const entry of fs.readdirSync(full).sort()) {
            const child = relative ? `${relative}/${entry}` : entry;
            const stat = fs.statSync(path.join(dir, child));
            if (stat.isDirectory()) walk(child);
            else if (stat.isFile()) files.push(child);
        }
    };
    walk("");
    return files;
}

// ---- A deterministic zip writer (deflate via zlib), to measure what Lambda would receive. ----

const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        table[n] = c >>> 0;
    }
    return table;
})();

export function crc32(data: Buffer): number {
    let crc = 0xffffffff;
    for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
}

/** DOS time 00:00:00, date 1980-01-01: fixed, so the same content always zips to the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * Zips every file under `dir` (sorted paths, fixed timestamps, deflate level 6 like Go's
 * archive/zip default, stored when deflate does not help). Zip32 only: fine for Lambda archives.
 */
export function zipDirectory(dir: string): Buffer {
    const chunks: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    const files = listFiles(dir);
    for (const name of files) {
        const data = fs.readFileSync(path.join(dir, ...name.split("/")));
        const deflated = zlib.deflateRawSync(data, { level: 6 });
        const method = deflated.length < data.length ? 8 : 0;
        const body = method === 8 ? deflated : data;
        const nameBytes = Buffer.from(name, "utf8");
        const crc = crc32(data);
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4); // version needed
        local.writeUInt16LE(0x0800, 6); // UTF-8 names
        local.writeUInt16LE(method, 8);
        local.writeUInt16LE(DOS_TIME, 10);
        local.writeUInt16LE(DOS_DATE, 12);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(body.length, 18);
        local.writeUInt32LE(data.length, 22);
        local.writeUInt16LE(nameBytes.length, 26);
        local.writeUInt16LE(0, 28);
        const header = Buffer.alloc(46);
        header.writeUInt32LE(0x02014b50, 0);
        header.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
        header.writeUInt16LE(20, 6);
        header.writeUInt16LE(0x0800, 8);
        header.writeUInt16LE(method, 10);
        header.writeUInt16LE(DOS_TIME, 12);
        header.writeUInt16LE(DOS_DATE, 14);
        header.writeUInt32LE(crc, 16);
        header.writeUInt32LE(body.length, 20);
        header.writeUInt32LE(data.length, 24);
        header.writeUInt16LE(nameBytes.length, 28);
        header.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // external attributes: regular file, rw-r--r--
        header.writeUInt32LE(offset, 42);
        chunks.push(local, nameBytes, body);
        central.push(header, nameBytes);
        offset += local.length + nameBytes.length + body.length;
    }
    if (files.length > 0xffff || offset > 0xffffffff) throw new Error("archive too large for zip32");
    const centralSize = central.reduce((sum, b) => sum + b.length, 0);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(files.length, 8);
    end.writeUInt16LE(files.length, 10);
    end.writeUInt32LE(centralSize, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...chunks, ...central, end]);
}

/** Bytes of the archive directory zipped as above. */
export function zippedSize(dir: string): number {
    return zipDirectory(dir).length;
}

/** Reads a zip written by zipDirectory (or any zip32 without data descriptors): name -> content. */
export function readZip(zip: Buffer): Map<string, Buffer> {
    const end = zip.length - 22;
    if (zip.readUInt32LE(end) !== 0x06054b50) throw new Error("no end of central directory record");
    const count = zip.readUInt16LE(end + 10);
    let at = zip.readUInt32LE(end + 16);
    const files = new Map<string, Buffer>();
    for (let i = 0; i < count; i++) {
        if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
        const method = zip.readUInt16LE(at + 10);
        const crc = zip.readUInt32LE(at + 16);
        const compressedSize = zip.readUInt32LE(at + 20);
        const nameLength = zip.readUInt16LE(at + 28);
        const extraLength = zip.readUInt16LE(at + 30);
        const commentLength = zip.readUInt16LE(at + 32);
        const localOffset = zip.readUInt32LE(at + 42);
        const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
        const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
        const body = zip.subarray(dataStart, dataStart + compressedSize);
        const data = method === 8 ? zlib.inflateRawSync(body) : Buffer.from(body);
        if (crc32(data) !== crc) throw new Error(`CRC mismatch for ${name}`);
        files.set(name, data);
        at += 46 + nameLength + extraLength + commentLength;
    }
    return files;
}
