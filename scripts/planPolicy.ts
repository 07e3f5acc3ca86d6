// The plan summary's verdict policy lines (issue 21): the failWhen rules with the matching Allowed
// AMIs criterion, each accepted risk with its expiry, and where verdicts go. Read from the
// functions' environment (FAIL_WHEN, ACCEPTED_RISKS, SECURITY_HUB), like the rest of the summary.
import { allowedAmisCondition } from "../components/allowedAmis";
import { failWhenText } from "../pipeline/report/policyText";
import type { AcceptedRisk, FailWhen } from "../pipeline/verdict/policy";

/**
 * [label, text] pairs; none for the default policy (severityThreshold alone, nothing accepted, no
 * Security Hub), which the verdict line already says, and none on Classic. The verdict events'
 * PutEvents grant shows among the roles' statements either way.
 */
export function policySummaryFields(env: (name: string) => string | undefined): [string, string][] {
    const parse = <T>(raw: string | undefined): T | undefined => {
        try {
            return raw === undefined ? undefined : (JSON.parse(raw) as T);
        } catch {
            return undefined;
        }
    };
    const failWhen = parse<FailWhen>(env("FAIL_WHEN"));
    const risks = parse<AcceptedRisk[]>(env("ACCEPTED_RISKS"));
    const securityHub = env("SECURITY_HUB") === "true";
    const rulesBeyondSeverity = failWhen?.fixAvailableForDays !== undefined || failWhen?.maxScanAgeDays !== undefined;
    if (!rulesBeyondSeverity && !risks?.length && !securityHub) return [];
    const fields: [string, string][] = [];
    if (failWhen) {
        fields.push(["fail when", `${failWhenText(failWhen)}; as Allowed AMIs ScanResultCondition: ${JSON.stringify(allowedAmisCondition(failWhen).condition)}`]);
    }
    const accepted = (risks ?? []).map((r) => `${r.id} on ${r.amis?.join(", ") ?? "all AMIs"} until ${r.expires} (${r.owner})`);
    fields.push(["accepted", accepted.length ? accepted.join("; ") : "none"]);
    fields.push(["verdicts to", `the email, EventBridge's default bus (Golden AMI Verdict)${securityHub ? " and Security Hub (one finding per AMI)" : ""}`]);
    return fields;
}
