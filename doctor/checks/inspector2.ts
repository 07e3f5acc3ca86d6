// Inspector v2 in the region: EC2 scanning on, the scan mode, deep inspection, and (agentless or
// auto) whether machine-image scan results exist at all. Sources: reference/inspector2.md §1, §10.
import type { Image } from "@aws-sdk/client-ec2";
import { describeAccountStatus, scanModeOf } from "../../engines/inspector2/accountStatus";
import { CheckResult, DoctorSettings, RegionAnswers, result, unanswered } from "../types";

/** What enabling costs: billed per scanned instance for the whole account-region (Inspector pricing page; amount as of 2026, reference §8). */
export const ENABLING_COST =
    "Inspector then scans and bills every EC2 instance of the account in the region, not only the assessment's (about $1.26 per instance-month in us-east-1, prorated hourly; see aws.amazon.com/inspector/pricing; new accounts get a 15-day free trial)";

export function checkEc2Scanning(answers: RegionAnswers, settings: DoctorSettings): CheckResult {
    const { region, accountStatus } = answers;
    if (!accountStatus) return result("inspector2 scanning", region, "blocker", "not asked", "Report this: the doctor did not read the account status.");
    if (!accountStatus.ok) return unanswered("inspector2 scanning", region, "inspector2:BatchGetAccountStatus", accountStatus);
    const status = describeAccountStatus(accountStatus.value, region);
    if (status.enabled) return result("inspector2 scanning", region, "pass", "Inspector v2 EC2 scanning is enabled");
    if (settings.enableInspector) {
        return result(
            "inspector2 scanning",
            region,
            "warning",
            `${status.reason}; enableInspector is set, so the deploy turns it on. ${ENABLING_COST}`,
            "Nothing to do if that cost is accepted; otherwise enable EC2 scanning yourself for the instances you mean to scan and set enableInspector to false.",
        );
    }
    return result(
        "inspector2 scanning",
        region,
        "blocker",
        status.reason,
        `Run \`aws inspector2 enable --resource-types EC2 --region ${region}\` (or set golden-ami-assessment:enableInspector: true; in an organization ask the delegated Inspector administrator).`,
    );
}

export function checkScanMode(answers: RegionAnswers): CheckResult {
    const { region, configuration } = answers;
    if (!configuration) return result("inspector2 scan mode", region, "blocker", "not asked", "Report this: the doctor did not read the scan mode.");
    if (!configuration.ok) return unanswered("inspector2 scan mode", region, "inspector2:GetConfiguration", configuration);
    const mode = scanModeOf(configuration.value);
    const pending = configuration.value.ec2Configuration?.scanModeState?.scanModeStatus === "PENDING" ? " (change pending)" : "";
    if (mode === "EC2_SSM_AGENT_BASED") return result("inspector2 scan mode", region, "pass", `agent-based (EC2_SSM_AGENT_BASED)${pending}`);
    if (mode === "EC2_HYBRID") {
        return result(
            "inspector2 scan mode",
            region,
            "warning",
            `hybrid (EC2_HYBRID)${pending}: instances SSM does not manage are scanned agentlessly from EBS snapshots, about once an hour, so a short-lived assessment instance whose SSM agent never comes online is not scanned within the run and ends NOT ASSESSED, and an early EC2_AGENTLESS coverage row is not its verdict`,
            `Keep hybrid if you want agentless coverage of other instances; for the assessment alone run \`aws inspector2 update-configuration --ec2-configuration scanMode=EC2_SSM_AGENT_BASED --region ${region}\`.`,
        );
    }
    return result("inspector2 scan mode", region, "warning", `scan mode not reported (${mode ?? "none"})${pending}`, "Check Inspector > Settings > EC2 scanning in the console; the assessment expects agent-based scanning.");
}

export function checkDeepInspection(answers: RegionAnswers): CheckResult {
    const { region, deepInspection } = answers;
    if (!deepInspection) return result("inspector2 deep inspection", region, "blocker", "not asked", "Report this: the doctor did not read deep inspection.");
    if (!deepInspection.ok) return unanswered("inspector2 deep inspection", region, "inspector2:GetEc2DeepInspectionConfiguration", deepInspection);
    const { status, errorMessage } = deepInspection.value;
    if (status === "ACTIVATED") return result("inspector2 deep inspection", region, "pass", "activated: language packages (Java, Python, Node and others) are assessed too; endpoint-only subnets then also need S3 and inspector2 endpoints");
    if (status === "FAILED") {
        return result("inspector2 deep inspection", region, "warning", `FAILED${errorMessage ? `: ${errorMessage}` : ""}; only OS packages are assessed`, `Re-activate it: \`aws inspector2 update-ec2-deep-inspection-configuration --activate-deep-inspection --region ${region}\`.`);
    }
    return result("inspector2 deep inspection", region, "pass", `${status ?? "not reported"}: OS packages are assessed; language packages only once deep inspection is activated (\`aws inspector2 update-ec2-deep-inspection-configuration --activate-deep-inspection\`)`);
}

/** Agentless and auto read the AMIs' machine-image scan results (EC2 DescribeImages ScanResults, reference §6, §10). */
export function checkMachineImageResults(answers: RegionAnswers, settings: DoctorSettings): CheckResult | undefined {
    const { region, images, identity } = answers;
    if (settings.scanMode === "instance" || !images?.ok || images.value.length === 0) return undefined;
    const scanned = images.value.filter((image: Image) => image.ScanResults?.FindingScanDate || image.ScanResults?.HighestFindingSeverityLabel);
    const missing = images.value.filter((image) => !scanned.includes(image));
    // Machine image scanning covers only AMIs the account owns (reference §10).
    const account = identity.ok ? identity.value.account : undefined;
    const shared = missing.filter((image) => account && image.OwnerId !== account).length;
    const sharedNote = shared ? `; ${shared} of them are shared from another account, which machine image scanning never covers` : "";
    if (missing.length === 0) return result("machine image results", region, "pass", `all ${scanned.length} golden AMIs have machine-image scan results`);
    const mark = scanned.length === 0 && settings.scanMode === "agentless" ? "blocker" : "warning";
    const found =
        scanned.length === 0
            ? `none of the ${missing.length} golden AMIs has machine-image scan results: machine image scanning is probably not activated${sharedNote}`
            : `${missing.length} of ${images.value.length} golden AMIs have no machine-image scan results (${missing.map((i) => i.ImageId).join(", ")})${sharedNote}`;
    const fallback = settings.scanMode === "auto" ? "; until then auto mode assesses them by launching instances" : "";
    return result("machine image results", region, mark, found, `Activate machine image scanning in Amazon Inspector > Settings for this account and region${fallback}.`);
}

export function checkClassic(answers: RegionAnswers): CheckResult {
    const { region, classic } = answers;
    if (!classic) return result("inspector classic", region, "blocker", "not asked", "Report this: the doctor did not call Inspector Classic.");
    if (!classic.ok) return unanswered("inspector classic", region, "inspector:ListRulesPackages", classic);
    return result(
        "inspector classic",
        region,
        "warning",
        `Inspector Classic answers in ${region} (${classic.value} rules packages), but it reached end of support on 2026-05-20: AWS fixes nothing in it and may turn it off without notice`,
        "Move to the inspector2 engine (golden-ami-assessment:engine: inspector2).",
    );
}
