// How the Lambda code is bundled: byte-identical across fresh and concurrent program evaluations
// (so `pulumi up` shows no code change), and a failure names the handler at preview time.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { bundleHandler } from "../../infra/bundle/bundleHandler";
import { inlineSchemaKeys } from "../../infra/bundle/pureSchemas";
import { packageEntry, requiredNames, vendorModule } from "../../infra/bundle/namedRequires";
import { runUnderMocks } from "../../scripts/mockRuntime";

const PROJECT_ROOT = path.resolve(__dirname, "../..");
const COMPONENTS = path.join(PROJECT_ROOT, "components");
const HASHES = path.join(__dirname, "..", "support", "planHashes.ts");

function evaluateInChild(): Promise<Record<string, Record<string, { sha256: string; bytes: number }>>> {
    return new Promise((resolve, reject) => {
        const env = { ...process.env };
        delete env.NODE_OPTIONS;
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", HASHES], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`evaluation failed (${code}): ${stderr}`))));
    });
}

describe("Lambda code bundling", function () {
    this.timeout(240_000);

    it("two programs evaluated at once, from fresh processes, build byte-identical, complete archives", async () => {
        const [first, second] = await Promise.all([evaluateInChild(), evaluateInChild()]);
        expect(second).to.deep.equal(first);
        const names = Object.keys(first);
        expect(names.length).to.be.greaterThanOrEqual(6);
        for (const name of names) {
            expect(Object.keys(first[name]), name).to.deep.equal(["__index.js"]);
            expect(first[name]["__index.js"].bytes, `${name} is complete`).to.be.greaterThan(100_000);
            // Shared by every region: the same handler gives the same bytes in us-east-1 and eu-west-1.
            const twin = name.replace("us-east-1", "eu-west-1");
            if (twin !== name) expect(first[twin], `${name} vs ${twin}`).to.deep.equal(first[name]);
        }
    });

    it("fails naming the handler and what could not be resolved", async () => {
        const code = 'const missing_1 = require("@aws-sdk/client-not-installed/dist-cjs/index.js");\nexports.handler = async () => new missing_1.NotClient();\n';
        let message = "";
        await bundleHandler("brokenHandlerFactory", code, COMPONENTS).catch((error: Error) => (message = error.message));
        expect(message).to.contain("handler brokenHandlerFactory");
        expect(message).to.contain('Could not resolve "@aws-sdk/client-not-installed"');
    });

    it("the failure stops the program at preview, with that message", async () => {
        const code = 'const missing_1 = require("left-pad-not-installed");\nexports.handler = async () => missing_1.x;\n';
        const program = () => {
            const bundled = bundleHandler("brokenHandlerFactory", code, COMPONENTS).then((b) => ({ "__index.js": new pulumi.asset.StringAsset(b.text) }));
            const fn = new aws.lambda.Function("broken", { role: "arn:aws:iam::123456789012:role/x", runtime: "nodejs22.x", handler: "__index.handler", code: new pulumi.asset.AssetArchive(bundled) });
            return { name: fn.name };
        };
        let message = "";
        await runUnderMocks(program, { stack: "broken", config: {} }).catch((error: Error) => (message = error.message));
        expect(message).to.contain("handler brokenHandlerFactory");
        expect(message).to.contain("left-pad-not-installed");
    });

    it("reads which names a closure takes from each package, and maps dist-cjs requires to the package", () => {
        const code = [
            'const client_ec2_1 = require("@aws-sdk/client-ec2/dist-cjs/index.js");',
            'const util_1 = require("some-lib/lib/util.js");',
            'const fs_1 = require("fs");',
            "use(new client_ec2_1.EC2Client(), client_ec2_1.DescribeInstancesCommand, util_1);",
        ].join("\n");
        const names = requiredNames(code);
        expect([...names]).to.deep.equal([
            ["@aws-sdk/client-ec2/dist-cjs/index.js", ["DescribeInstancesCommand", "EC2Client"]],
            ["some-lib/lib/util.js", "all"],
        ]);
        expect(packageEntry("/x/node_modules/@aws-sdk/client-s3/dist-cjs/index.js")).to.equal("@aws-sdk/client-s3");
        expect(packageEntry("some-lib/lib/util.js")).to.equal("some-lib/lib/util.js");
        expect(vendorModule(names).source).to.contain('import { DescribeInstancesCommand as m0_0, EC2Client as m0_1 } from "@aws-sdk/client-ec2";');
        expect(inlineSchemaKeys('const _xN = "xmlName";\nvar A$ = [0, { [_xN]: _b, [_other]: 1 }];')).to.contain('{ ["xmlName"]: _b, [_other]: 1 }');
    });
});
