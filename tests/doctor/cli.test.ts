// The CLI as a user runs it, in a child process. AWS cannot be reached here, so what is proven end
// to end is exit code 2 (the doctor could not run); runDoctor itself runs against the fake elsewhere.
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDoctorArgs } from "../../scripts/doctor";

const ROOT = path.resolve(__dirname, "../..");

/** No credentials anywhere in the default chain: no keys, no profile files, no instance metadata. */
const NO_CREDENTIALS: NodeJS.ProcessEnv = (() => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_") || key === "AWS_CA_BUNDLE"));
    return { ...env, AWS_CONFIG_FILE: "/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials", AWS_EC2_METADATA_DISABLED: "true" };
})();

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/doctor.ts", ...args], { cwd: ROOT, env: NO_CREDENTIALS, timeout: 90_000 }, (error, stdout, stderr) =>
            resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
        );
    });
}

function configFile(name: string, body: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-cli-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    return file;
}

describe("doctor CLI", function () {
    this.timeout(120_000);

    it("exits 2 naming the key, the value and what is allowed when the config is bad, before asking for credentials", async () => {
        const file = configFile("Pulumi.bad.yaml", 'config:\n  aws:region: us-east-1\n  golden-ami-assessment:amiTags: {golden: "true"}\n  golden-ami-assessment:maxConcurrentInstances: 0\n');
        const { code, stdout, stderr } = await runCli(["--config-file", file]);
        expect(code, stderr).to.equal(2);
        expect(stdout).to.equal("");
        expect(stderr).to.match(/doctor could not run: bad config: .*golden-ami-assessment:maxConcurrentInstances.*0/);
    });

    it("exits 2 saying there are no credentials when the default chain finds none", async () => {
        const file = configFile("Pulumi.prod.yaml", 'config:\n  aws:region: us-east-1\n  golden-ami-assessment:amiTags: {golden: "true"}\n');
        const { code, stderr } = await runCli(["--config-file", file, "--json"]);
        expect(code, stderr).to.equal(2);
        expect(stderr).to.include("doctor could not run: no AWS credentials");
    });

    it("reads --stack, --config-file (whose name gives the stack) and --json; refuses anything else", () => {
        expect(parseDoctorArgs(["--stack", "prod", "--json"])).to.deep.equal({ stack: "prod", configFile: undefined, json: true });
        expect(parseDoctorArgs(["--config-file=conf/Pulumi.staging.yaml"])).to.deep.equal({ stack: "staging", configFile: "conf/Pulumi.staging.yaml", json: false });
        expect(parseDoctorArgs([]).stack).to.equal("dev");
        expect(() => parseDoctorArgs(["--fix"])).to.throw(/unknown argument --fix; usage: npm run doctor/).with.property("name", "DoctorCannotRun");
    });
});
