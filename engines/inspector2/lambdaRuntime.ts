// What every Inspector v2 handler runs with in Lambda: the clients, the region, the clock and the
// hub. One place, so start, publish and analyze cannot drift apart (a missing client is a verdict
// sink silently skipped).
import { readHubTarget } from "../../pipeline/hub/sendSummary";
import { createSecurityHubClient } from "../../pipeline/report/securityHub";
import { createEventBridgeClient } from "../../pipeline/report/verdictEvents";
import { createEc2Client, createS3Client, createSnsClient } from "../../pipeline/run/clients";
import { createInspector2Client } from "./client";

/** Built once per container, from the environment; securityHub only when the deployment asks for it. */
export function lambdaRuntime(settings: { securityHub?: boolean }) {
    return {
        ec2: createEc2Client(),
        inspector2: createInspector2Client(),
        s3: createS3Client(),
        sns: createSnsClient(),
        events: createEventBridgeClient(),
        securityHub: settings.securityHub ? createSecurityHubClient() : undefined,
        region: process.env.AWS_REGION ?? "unknown region",
        now: () => new Date(),
        sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
        hub: readHubTarget(process.env),
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
