// The archive helpers the archive tests and the benchmarks rely on: materializing entries,
// listing packages, and a zip whose size is what Lambda would receive.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { crc32, listFiles, listPackages, makeTempDir, materializeArchive, readZip, removeDir, requiredModules, zipDirectory, zippedSize } from "../support/archive";

describe("archive helpers", () => {
    const dirs: string[] = [];
    after(() => dirs.forEach(removeDir));

    function sourceTree(): string {
        const dir = makeTempDir("gaa-zip-source");
        dirs.push(dir);
        const write = (relative: string, content: string | Buffer) => {
            fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
            fs.writeFileSync(path.join(dir, relative), content);
        };
        write("pkg-a/package.json", JSON.stringify({ name: "pkg-a", version: "1.2.3" }));
        write("pkg-a/index.js", "module.exports = 1;\n".repeat(200));
        write("pkg-a/node_modules/@scope/nested/package.json", JSON.stringify({ name: "@scope/nested", version: "0.0.1" }));
        write("pkg-a/node_modules/@scope/nested/random.bin", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
        write("pkg-a/empty.txt", "");
        return dir;
    }

    it("crc32 matches the reference value", () => {
        expect(crc32(Buffer.from("123456789"))).to.equal(0xcbf43926);
        const nodeCrc = (zlib as unknown as { crc32?: (data: Buffer) => number }).crc32;
        if (nodeCrc) expect(crc32(Buffer.from("golden ami"))).to.equal(nodeCrc(Buffer.from("golden ami")));
    });

    it("materializes text, file and directory entries at their archive paths, and lists packages (nested too)", () => {
        const source = sourceTree();
        const dir = materializeArchive({
            "__index.js": { kind: "text", text: 'exports.handler = require("@aws-sdk/client-ec2/dist-cjs/index.js");' },
            "node_modules/pkg-a": { kind: "dir", path: path.join(source, "pkg-a") },
            "extra/file.json": { kind: "file", path: path.join(source, "pkg-a", "package.json") },
        });
        dirs.push(dir);
        expect(listFiles(dir)).to.deep.equal([
            "__index.js",
            "extra/file.json",
            "node_modules/pkg-a/empty.txt",
            "node_modules/pkg-a/index.js",
            "node_modules/pkg-a/node_modules/@scope/nested/package.json",
            "node_modules/pkg-a/node_modules/@scope/nested/random.bin",
            "node_modules/pkg-a/package.json",
        ]);
        expect(listPackages(dir)).to.deep.equal([
            { name: "pkg-a", version: "1.2.3", path: "node_modules/pkg-a" },
            { name: "@scope/nested", version: "0.0.1", path: "node_modules/pkg-a/node_modules/@scope/nested" },
        ]);
        expect(requiredModules(fs.readFileSync(path.join(dir, "__index.js"), "utf8"))).to.deep.equal(["@aws-sdk/client-ec2/dist-cjs/index.js"]);
        expect(() => materializeArchive({ "a.txt": { kind: "text", text: "x" } }, dir)).to.throw("is not empty");
        expect(() => materializeArchive({ "../escape.txt": { kind: "text", text: "x" } })).to.throw("escapes the archive");
    });

    it("zips deterministically, and the zip reads back to the same files", () => {
        const source = sourceTree();
        const zip = zipDirectory(source);
        expect(zipDirectory(source).equals(zip), "same bytes twice").to.equal(true);
        const files = readZip(zip);
        expect([...files.keys()]).to.deep.equal(listFiles(source));
        for (const [name, content] of files) expect(content.equals(fs.readFileSync(path.join(source, name))), name).to.equal(true);
        const raw = listFiles(source).reduce((sum, name) => sum + fs.statSync(path.join(source, name)).size, 0);
        expect(zippedSize(source)).to.equal(zip.length);
        // The repetitive index.js compresses well; the pseudo-random file is stored, not inflated.
        expect(zip.length).to.be.lessThan(raw);
    });
});
