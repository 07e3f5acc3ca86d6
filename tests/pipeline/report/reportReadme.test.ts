// The README's sample email is what the code sends for the default engine, so it cannot drift.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readmeEmail } from "../../support/readmeEmail";

/** The fenced block after "An email per run" in README.md. */
function readmeSampleEmail(readme: string): string {
    const after = readme.split("An email per run")[1] ?? "";
    const block = /\n```\n([\s\S]*?)\n```/.exec(after);
    if (!block) throw new Error('README.md has no fenced block after "An email per run"');
    return block[1];
}

describe("README sample email", () => {
    it("is the default engine's (inspector2) email, exactly as publishReport renders it from the fixture", async () => {
        const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
        const rendered = await readmeEmail();
        expect(readmeSampleEmail(readme), "README.md's sample email; the rendered one is in tests/support/readmeEmail.ts").to.equal(rendered);
        expect(rendered).to.contain("Top risks").and.contain("Full report: https://s3.console.aws.amazon.com/").and.not.contain("UNHEALTHY");
    });
});
