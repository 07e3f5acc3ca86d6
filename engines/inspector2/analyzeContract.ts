// What the v2 analyze handler is given: its settings keys and dependencies. Apart from analyze.ts
// so that its helpers (settle, cisScan, finalize) import the contract, not the handler.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Inspector2Client } from "@aws-sdk/client-inspector2";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { HubTarget } from "../../pipeline/hub/sendSummary";
import type { Inspector2Settings } from "./settings";

export const ANALYZE_KEYS = [
    "engine", "pipelineName", "severityThreshold", "resultsTopicArn", "reportBucket", "reportPrefix", "rulesPackages", "deprecateFailingAmis", "accountId",
    "acceptedRisks", "failWhen", "securityHub",
] as const;
export type V2AnalyzeSettings = Pick<Inspector2Settings, (typeof ANALYZE_KEYS)[number]>;

export function analyzeSettingsKeys(): (keyof Inspector2Settings)[] {
    return [...ANALYZE_KEYS];
}

export interface V2AnalyzeDeps {
    ec2: EC2Client;
    inspector2: Inspector2Client;
    s3: S3Client;
    sns: SNSClient;
    /** Verdict events (default bus); absent, none are sent. */
    events?: EventBridgeClient;
    /** Present only with securityHub: true. */
    securityHub?: SecurityHubClient;
    settings: V2AnalyzeSettings;
    region: string;
    now: () => Date;
    sleep: (ms: number) => Promise<void>;
    log?: (message: string, detail?: Record<string, unknown>) => void;
    random?: () => number;
    /** Where run summaries go (docs/hub.md); unset without a hub. */
    hub?: HubTarget;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
