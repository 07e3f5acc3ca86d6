// The v2 engine's hook into verdict delivery (pipeline/report/verdictDelivery.ts): after a run's
// report is delivered, each AMI's verdict goes to EventBridge and, with securityHub, Security Hub.
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { partitionOf } from "../../infra/partition";
import type { AmiRecord } from "../../pipeline/run/manifest";
import type { AssessmentReport } from "../../pipeline/report/report";
import { VerdictSinkStatus, deliverVerdictsOnce } from "../../pipeline/report/verdictDelivery";
import { v2RunKeys } from "./run";
import type { Inspector2Settings } from "./settings";

export interface VerdictSinkCaller {
    s3: S3Client;
    events?: EventBridgeClient;
    securityHub?: SecurityHubClient;
    settings: Pick<Inspector2Settings, "reportBucket" | "reportPrefix" | "accountId" | "securityHub">;
    region: string;
    now: () => Date;
    sleep: (ms: number) => Promise<void>;
}

/** Sends the run's verdicts once; "incomplete" asks the caller to keep the run open for a later sweep. */
export function sendRunVerdicts(deps: VerdictSinkCaller, run: { runId: string; amis: AmiRecord[] }, report: AssessmentReport): Promise<{ status: VerdictSinkStatus; problems: string[] }> {
    const { settings } = deps;
    return deliverVerdictsOnce(
        {
            s3: deps.s3,
            bucket: settings.reportBucket,
            key: v2RunKeys(settings.reportPrefix, run.runId).verdictSinks,
            events: deps.events,
            securityHub: settings.securityHub ? deps.securityHub : undefined,
            sleep: deps.sleep,
            now: deps.now,
        },
        { report, partition: partitionOf(deps.region), account: settings.accountId ?? "unknown", amis: run.amis },
    );
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
