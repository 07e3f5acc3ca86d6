// No function is much over 80 lines: a longer one hides more than one decision. Read with
// TypeScript's own parser, so arrow functions and methods count too.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");
const SOURCE_DIRS = ["components", "infra", "engines", "pipeline", "doctor", "scripts", "callbacks", "bench"];
const MAX_LINES = 80;

function sourceFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith(".ts") ? [full] : [];
    });
}

/** Every function-like node over `max` lines, as "file:line (n lines)". */
export function longFunctions(fileName: string, text: string, max = MAX_LINES): string[] {
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
            const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
            const lines = source.getLineAndCharacterOfPosition(node.getEnd()).line - first + 1;
            if (lines > max) found.push(`${fileName}:${first + 1} (${lines} lines)`);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe("layout: function length", () => {
    it(`keeps every function of the source tree to ${MAX_LINES} lines`, () => {
        const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
        expect(files.length).to.be.greaterThan(100);
        const long = files.flatMap((file) => longFunctions(path.relative(ROOT, file), fs.readFileSync(file, "utf8")));
        expect(long).to.deep.equal([]);
    });

    it("finds a long function when there is one (the check can fail)", () => {
        const body = Array.from({ length: 85 }, (_, i) => `    const v${i} = ${i};`).join("\n");
        expect(longFunctions("x.ts", `function long() {\n${body}\n}\nconst short = () => 1;\n`)).to.deep.equal(["x.ts:1 (87 lines)"]);
    });
});
