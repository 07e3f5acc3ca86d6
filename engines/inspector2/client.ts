// The Inspector v2 client the engine's handlers use; a factory of its own so a serialized handler
// only pulls in client-inspector2 when it is the v2 engine's.
import { Inspector2Client } from "@aws-sdk/client-inspector2";
import { CLIENT_RETRY } from "../../pipeline/run/clients";

/** Adaptive retries: inspector2 publishes no TPS and throttles bursts of List* calls. */
export function createInspector2Client(): Inspector2Client {
    return new Inspector2Client({ ...CLIENT_RETRY });
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
