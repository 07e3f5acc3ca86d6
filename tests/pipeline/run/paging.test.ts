import { expect } from "chai";
import { chunk, pageAll } from "../../../pipeline/run/paging";

describe("paging helpers", () => {
    it("chunks without losing or repeating items, at most the given size each", () => {
        expect(chunk([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
        expect(chunk([], 10)).to.deep.equal([]);
        expect(chunk(Array.from({ length: 20 }, (_, i) => i), 10).map((batch) => batch.length)).to.deep.equal([10, 10]);
    });

    it("pages to the end, passing each token back, and refuses a repeated token", async () => {
        const tokens: (string | undefined)[] = [];
        const pages: Record<string, { items: number[]; nextToken?: string }> = { start: { items: [1, 2], nextToken: "a" }, a: { items: [3], nextToken: "b" }, b: { items: [4] } };
        expect(await pageAll("List", async (token) => (tokens.push(token), pages[token ?? "start"]))).to.deep.equal([1, 2, 3, 4]);
        expect(tokens).to.deep.equal([undefined, "a", "b"]);
        const stuck = await pageAll("ListThings", async () => ({ items: [1], nextToken: "same" })).then(() => undefined, (error: Error) => error.message);
        expect(stuck).to.equal("ListThings returned the same nextToken twice: same");
    });
});
