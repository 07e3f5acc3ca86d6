// README.md is the user's first page: short, with links that lead somewhere, and commands that exist.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const DOCS = fs.readdirSync(path.join(ROOT, "docs")).filter((name) => name.endsWith(".md"));

/** Relative link targets of a Markdown text ([text](target)), without anchors. */
export function relativeLinks(markdown: string): string[] {
    return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1].split("#")[0])
        .filter((target) => target !== "" && !/^[a-z]+:/i.test(target));
}

describe("README and docs", () => {
    it("keeps the README to what a user needs first (under 200 lines)", () => {
        expect(README.split("\n").length).to.be.lessThan(200);
    });

    it("links only to files that exist, from the README and from every doc", () => {
        const broken: string[] = [];
        const check = (file: string, text: string) => {
            for (const target of relativeLinks(text)) {
                if (!fs.existsSync(path.resolve(path.dirname(file), target))) broken.push(`${path.relative(ROOT, file)} -> ${target}`);
            }
        };
        check(path.join(ROOT, "README.md"), README);
        for (const doc of DOCS) check(path.join(ROOT, "docs", doc), fs.readFileSync(path.join(ROOT, "docs", doc), "utf8"));
        expect(broken).to.deep.equal([]);
    });

    it("links every doc from the README", () => {
        const linked = new Set(relativeLinks(README).map((target) => path.basename(target)));
        expect(DOCS.filter((doc) => !linked.has(doc))).to.deep.equal([]);
    });

    it("shows only npm scripts that package.json defines", () => {
        const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
        const shown = [...README.matchAll(/npm run ([a-z:-]+)/g)].map((match) => match[1]);
        expect(shown).to.not.be.empty;
        expect(shown.filter((name) => !scripts.includes(name))).to.deep.equal([]);
    });

    it("finds a broken link when there is one (the check can fail)", () => {
        expect(relativeLinks("see [x](docs/missing.md#part) and [y](https://example.com)")).to.deep.equal(["docs/missing.md"]);
    });
});
