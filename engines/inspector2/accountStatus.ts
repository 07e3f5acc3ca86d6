// Is Inspector v2 EC2 scanning on in this account and region? Without it no instance is ever
// scanned and a run would wait for nothing, so the engine checks first and says how to fix it.
import { BatchGetAccountStatusCommand, GetConfigurationCommand } from "@aws-sdk/client-inspector2";
import type { BatchGetAccountStatusResponse, GetConfigurationResponse, Inspector2Client } from "@aws-sdk/client-inspector2";
import { errorText } from "../../pipeline/run/errors";

export type Ec2ScanningStatus = { enabled: true; scanMode?: string } | { enabled: false; status: string; reason: string; howToEnable: string };

/** Account-level states that stop all scanning even if the EC2 resource state still reads ENABLED. */
const ACCOUNT_STOPPED_STATES = ["SUSPENDING", "SUSPENDED", "DISABLING", "DISABLED"];

/** The three ways to turn EC2 scanning on, for the report and the error message. */
export function howToEnable(region: string): string {
    return [
        `Turn on Amazon Inspector EC2 scanning in ${region}:`,
        `console: Amazon Inspector > Settings > Account management > Activate > Amazon EC2 scanning (region ${region});`,
        `CLI: aws inspector2 enable --resource-types EC2 --region ${region};`,
        "or set the component's opt-in `enableInspector: true` to have Pulumi enable it.",
        "In an organization the delegated Inspector administrator may have to enable it for this account.",
    ].join(" ");
}

/** Pure: reads BatchGetAccountStatus (own account) into enabled / not enabled with a reason. */
export function describeAccountStatus(output: BatchGetAccountStatusResponse, region = "<region>"): Ec2ScanningStatus {
    const account = output.accounts?.[0];
    if (!account) {
        const failed = output.failedAccounts?.[0];
        const reason = failed
            ? `BatchGetAccountStatus failed for account ${failed.accountId ?? "?"}: ${failed.errorCode ?? "?"}${failed.errorMessage ? ` (${failed.errorMessage})` : ""}`
            : "BatchGetAccountStatus returned no account";
        return { enabled: false, status: failed?.status ?? "UNKNOWN", reason, howToEnable: howToEnable(region) };
    }
    const accountStatus = account.state?.status;
    const ec2 = account.resourceState?.ec2;
    if (ec2?.status === "ENABLED" && !(accountStatus && ACCOUNT_STOPPED_STATES.includes(accountStatus))) return { enabled: true };
    // EC2 itself ENABLED here means the account is stopped: report the account status.
    const status = ec2?.status === "ENABLED" ? accountStatus ?? "UNKNOWN" : ec2?.status ?? "UNKNOWN";
    const parts = [`EC2 scanning is ${ec2?.status ?? "not reported"}`];
    if (accountStatus && accountStatus !== ec2?.status) parts.push(`account Inspector status ${accountStatus}`);
    const errorCode = ec2?.errorCode ?? account.state?.errorCode;
    const errorMessage = ec2?.errorMessage ?? account.state?.errorMessage;
    if (errorCode) parts.push(`error ${errorCode}`);
    if (errorMessage) parts.push(errorMessage);
    return { enabled: false, status, reason: `${parts.join("; ")} (account ${account.accountId ?? "?"})`, howToEnable: howToEnable(region) };
}

/** Pure: the EC2 scan mode GetConfiguration reports, if any. */
export function scanModeOf(output: GetConfigurationResponse): string | undefined {
    return output.ec2Configuration?.scanModeState?.scanMode;
}

function isAccessDenied(error: unknown): boolean {
    const name = (error as { name?: unknown } | undefined)?.name;
    return name === "AccessDeniedException" || name === "AccessDenied" || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 403;
}

/**
 * Own account's EC2 scanning state. AccessDenied is an answer (the role lacks the permission),
 * other errors are thrown. The scan mode is a best-effort extra: GetConfiguration failing never
 * makes an enabled account look disabled.
 */
export async function ec2ScanningStatus(client: Inspector2Client, region: string): Promise<Ec2ScanningStatus> {
    let output: BatchGetAccountStatusResponse;
    try {
        output = await client.send(new BatchGetAccountStatusCommand({}));
    } catch (error) {
        if (!isAccessDenied(error)) throw error;
        return {
            enabled: false,
            status: "UNKNOWN",
            reason: `the handler's role may not call inspector2:BatchGetAccountStatus (${errorText(error)}); grant it to check EC2 scanning`,
            howToEnable: howToEnable(region),
        };
    }
    const status = describeAccountStatus(output, region);
    if (!status.enabled) return status;
    try {
        const scanMode = scanModeOf(await client.send(new GetConfigurationCommand({})));
        return scanMode ? { enabled: true, scanMode } : { enabled: true };
    } catch {
        // Missing inspector2:GetConfiguration or a hiccup: the scan mode is informational only.
        return { enabled: true };
    }
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
