// Run as a child process (ts-node): evaluates index.ts once under mocks, two regions, and prints
// per Lambda function the files of its code archive with their SHA-256. Used to compare fresh,
// concurrent evaluations.
import { createHash } from "crypto";
import { planIndex } from "../../scripts/mockRuntime";
import { archiveFiles } from "./archive";

async function main(): Promise<void> {
    const regions = ["us-east-1", "eu-west-1"];
    const plan = await planIndex({
        stack: "hashes",
        config: { "aws:region": regions[0], "golden-ami-assessment:regions": JSON.stringify(regions), "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }) },
    });
    const out: Record<string, Record<string, { sha256: string; bytes: number }>> = {};
    for (const r of plan.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
        const files = await archiveFiles(r.inputs.code);
        out[r.name] = Object.fromEntries(Object.entries(files).map(([key, text]) => [key, { sha256: createHash("sha256").update(text).digest("hex"), bytes: Buffer.byteLength(text) }]));
    }
    process.stdout.write(JSON.stringify(out));
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
