// The Inspector Classic client, with the shared retry settings (Classic throttles DescribeFindings hard).
import { InspectorClient } from "@aws-sdk/client-inspector";
import { CLIENT_RETRY } from "../../pipeline/run/clients";

export function createInspectorClient(): InspectorClient {
    return new InspectorClient({ ...CLIENT_RETRY });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
