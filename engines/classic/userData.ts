// First-boot scripts that install and start the Inspector Classic agent. Without the agent the
// CVE, CIS and best-practices packages have nothing to assess.

export const LINUX_AGENT_INSTALLER_URL = "https://inspector-agent.amazonaws.com/linux/latest/install";
export const WINDOWS_AGENT_INSTALLER_URL = "https://inspector-agent.amazonaws.com/windows/installer/latest/AWSAgentInstall.exe";

/**
 * cloud-init runs this as root. curl is tried first, wget where an image has no curl; a few
 * attempts ride out a NAT or DNS that is not ready at first boot. The installer starts the
 * agent itself; the explicit start covers images whose installer leaves the service stopped.
 */
export const LINUX_AGENT_SCRIPT = `#!/bin/bash
# Golden AMI assessment: install and start the Amazon Inspector Classic agent.
for attempt in 1 2 3 4 5; do
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL ${LINUX_AGENT_INSTALLER_URL} -o /tmp/install && bash /tmp/install && break
  else
    wget -q -O /tmp/install ${LINUX_AGENT_INSTALLER_URL} && bash /tmp/install && break
  fi
  sleep 15
done
systemctl start awsagent 2>/dev/null || /etc/init.d/awsagent start
`;

/** EC2Launch runs a <powershell> block once at first boot, as Administrator. */
export const WINDOWS_AGENT_SCRIPT = `<powershell>
# Golden AMI assessment: install and start the Amazon Inspector Classic agent.
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
$installer = Join-Path $env:TEMP "AWSAgentInstall.exe"
for ($attempt = 1; $attempt -le 5; $attempt++) {
  try {
    Invoke-WebRequest -UseBasicParsing -Uri "${WINDOWS_AGENT_INSTALLER_URL}" -OutFile $installer
    Start-Process -FilePath $installer -ArgumentList "/install /quiet" -Wait
    break
  } catch {
    Start-Sleep -Seconds 15
  }
}
Start-Service -Name AWSAgent -ErrorAction SilentlyContinue
</powershell>
`;

/** DescribeImages reports Platform "windows" for Windows AMIs and nothing for Linux ones. */
export function isWindowsPlatform(platform: string | undefined): boolean {
    return (platform ?? "").toLowerCase() === "windows";
}

export function agentInstallScript(platform: string | undefined): string {
    return isWindowsPlatform(platform) ? WINDOWS_AGENT_SCRIPT : LINUX_AGENT_SCRIPT;
}

/** RunInstances takes user data base64-encoded. */
export function agentUserData(platform: string | undefined): string {
    return Buffer.from(agentInstallScript(platform), "utf8").toString("base64");
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
