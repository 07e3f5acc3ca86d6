// Who and where: the account and partition the credentials belong to, and that each region answers.
import { CheckResult, RegionAnswers, result } from "../types";

export function checkReach(answers: RegionAnswers): CheckResult {
    const { region, identity } = answers;
    if (!identity.ok) {
        return result(
            "reach",
            region,
            "blocker",
            `cannot reach ${region} with these credentials (sts:GetCallerIdentity failed: ${identity.error}); no other check ran there`,
            `Enable the region for the account if it is opt-in, allow it in your network and service control policies, or remove it from golden-ami-assessment:regions.`,
        );
    }
    const { account, partition, arn } = identity.value;
    return result("reach", region, "pass", `account ${account}, partition ${partition}, as ${arn}`);
}
