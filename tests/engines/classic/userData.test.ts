import { expect } from "chai";
import {
    LINUX_AGENT_INSTALLER_URL,
    WINDOWS_AGENT_INSTALLER_URL,
    agentInstallScript,
    agentUserData,
    isWindowsPlatform,
} from "../../../engines/classic/userData";

describe("agent install user data", () => {
    it("Linux: downloads the installer with curl and runs it with bash, falling back to wget", () => {
        const script = agentInstallScript(undefined);
        expect(script.startsWith("#!/bin/bash\n")).to.equal(true);
        expect(script).to.include(`curl -fsSL ${LINUX_AGENT_INSTALLER_URL} -o /tmp/install && bash /tmp/install`);
        expect(script).to.include(`wget -q -O /tmp/install ${LINUX_AGENT_INSTALLER_URL} && bash /tmp/install`);
        expect(LINUX_AGENT_INSTALLER_URL).to.equal("https://inspector-agent.amazonaws.com/linux/latest/install");
        expect(script).to.include("systemctl start awsagent");
        expect(script).not.to.include("powershell");
    });

    it("Windows: a <powershell> block downloading AWSAgentInstall.exe and running /install /quiet", () => {
        const script = agentInstallScript("windows");
        expect(script.trimStart().startsWith("<powershell>")).to.equal(true);
        expect(script.trimEnd().endsWith("</powershell>")).to.equal(true);
        expect(script).to.include(WINDOWS_AGENT_INSTALLER_URL);
        expect(WINDOWS_AGENT_INSTALLER_URL).to.equal("https://inspector-agent.amazonaws.com/windows/installer/latest/AWSAgentInstall.exe");
        expect(script).to.include('-ArgumentList "/install /quiet"');
        expect(script).not.to.include("#!/bin/bash");
    });

    it("recognises Windows whatever the case, and treats anything else as Linux", () => {
        expect(isWindowsPlatform("windows")).to.equal(true);
        expect(isWindowsPlatform("Windows")).to.equal(true);
        expect(isWindowsPlatform(undefined)).to.equal(false);
        expect(isWindowsPlatform("")).to.equal(false);
    });

    it("is base64 of the script, well inside RunInstances' 16 KB", () => {
        for (const platform of [undefined, "windows"]) {
            const encoded = agentUserData(platform);
            expect(Buffer.from(encoded, "base64").toString("utf8")).to.equal(agentInstallScript(platform));
            expect(encoded.length).to.be.below(16 * 1024);
        }
    });
});
