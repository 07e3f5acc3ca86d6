// The layout shows the architecture: imports point one way, down the layers, with no cycles.
// The graph is read with TypeScript's own pre-processor, so type-only imports count too.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");
/**
 * Top layer first: a module may import only from its own layer or the layers below it. The
 * package entry re-exports everything (the doctor too); the doctor reads the config the
 * component validates; the component builds the engines; the engines build with infra's
 * parts and run the pipeline's stages.
 */
const LAYERS = ["scripts", "index.ts", "components/index.ts", "doctor", "components", "callbacks", "engines", "infra", "pipeline"];
const SOURCE_DIRS = ["components", "callbacks", "engines", "infra", "pipeline", "scripts", "doctor"];

function sourceFiles(dir: string, out: string[] = []): string[] {
    if (!fs.existsSync(dir)) return out;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) sourceFiles(full, out);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(full);
    }
    return out;
}

function resolveImport(from: string, spec: string): string | undefined {
    if (!spec.startsWith(".")) return undefined;
    const base = path.resolve(path.dirname(from), spec);
    return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate));
}

export function importGraph(): Map<string, string[]> {
    const files = [path.join(ROOT, "index.ts"), ...SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir)))];
    const graph = new Map<string, string[]>();
    for (const file of files) {
        const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
        const targets = info.importedFiles.map((imported) => resolveImport(file, imported.fileName)).filter((t): t is string => t !== undefined);
        graph.set(path.relative(ROOT, file), targets.map((t) => path.relative(ROOT, t)));
    }
    return graph;
}

export function cyclesOf(graph: Map<string, string[]>): string[][] {
    const cycles: string[][] = [];
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (node: string): void => {
        state.set(node, "visiting");
        stack.push(node);
        for (const next of graph.get(node) ?? []) {
            if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
            else if (!state.has(next)) visit(next);
        }
        stack.pop();
        state.set(node, "done");
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    return cycles;
}

function layerOf(file: string): number {
    const layer = LAYERS.findIndex((prefix) => file === prefix || file.startsWith(`${prefix}${path.sep}`));
    if (layer < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS`);
    return layer;
}

/** Engines are side by side: neither imports the other. */
function engineOf(file: string): string | undefined {
    const parts = file.split(path.sep);
    return parts[0] === "engines" ? parts[1] : undefined;
}

describe("layout: imports point down the layers", () => {
    const graph = importGraph();

    it("reads the whole source tree", () => {
        expect(graph.size).to.be.greaterThan(100);
    });

    it("has no import cycles", () => {
        expect(cyclesOf(graph).map((cycle) => cycle.join(" -> "))).to.deep.equal([]);
    });

    it("never imports from a higher layer", () => {
        const upward: string[] = [];
        for (const [file, targets] of graph) {
            for (const target of targets) {
                if (layerOf(target) < layerOf(file)) upward.push(`${file} -> ${target}`);
            }
        }
        expect(upward).to.deep.equal([]);
    });

    it("keeps each engine to its own folder", () => {
        const across: string[] = [];
        for (const [file, targets] of graph) {
            const engine = engineOf(file);
            for (const target of targets) {
                const other = engineOf(target);
                if (engine && other && other !== engine) across.push(`${file} -> ${target}`);
            }
        }
        expect(across).to.deep.equal([]);
    });

    it("finds a cycle and an upward import when there is one (the checks can fail)", () => {
        expect(cyclesOf(new Map([["a", ["b"]], ["b", ["a"]]]))).to.have.length(1);
        expect(layerOf(path.join("pipeline", "x.ts"))).to.be.greaterThan(layerOf(path.join("engines", "y", "z.ts")));
    });
});
