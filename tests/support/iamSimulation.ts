// One handler's identity policy through the IAM policy simulator (@cloud-copilot/iam-simulate), as
// the policy tests ask it: may this role call this action on this resource, with this context?
import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../infra/policies";
import { MOCK_ACCOUNT } from "../../scripts/mockRuntime";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** The decision for a role in the mock account whose only policy is `policy`. */
export async function decide(action: string, resource: string, context: Record<string, string | string[]>, policy: PolicyDocument): Promise<Decision> {
    const result = await runSimulation(
        {
            request: { principal: `arn:aws:iam::${MOCK_ACCOUNT}:role/handler`, action, resource: { resource, accountId: MOCK_ACCOUNT }, contextVariables: context },
            identityPolicies: [{ name: "handler", policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result.resultType !== "single") throw new Error(`simulation of ${action} on ${resource}: ${JSON.stringify(result)}`);
    // A context key the simulator dropped as not applying would make the answer meaningless.
    expect(result.result.ignoredContextKeys ?? [], `${action} ignored keys`).to.deep.equal([]);
    return result.overallResult as Decision;
}
