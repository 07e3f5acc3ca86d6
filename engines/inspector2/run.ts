// One Inspector v2 run in the report bucket: its manifest, its markers and keys. A run is open
// from start's manifest until analyze has published its report exactly once.
import type { FindingSummary } from "../../pipeline/verdict/findingModel";
import { RunManifest, runFolderKeys } from "../../pipeline/run/manifest";
import type { RulesPackageName } from "../../pipeline/run/rulesPackages";
import type { LaunchClaims } from "../../pipeline/launch/slots";
import type { AmiScanResult } from "./agentless";

export interface RunInstance {
    instanceId: string;
    imageId: string;
    /** ISO 8601: a scan before this proves nothing about this instance. */
    launchedAt: string;
}

export interface V2RunManifest extends RunManifest {
    engine: "inspector2";
    /** ISO 8601: startedAt + duration; what is not scanned by then is reported as not scanned. */
    deadline: string;
    rulesPackages: RulesPackageName[];
    instances: RunInstance[];
    /** The run's one-time CIS scan, when "cis" is asked for and it could be created. */
    cisScanConfigurationArn?: string;
    /** AMIs assessed from Inspector's own AMI scan results (agentless, auto), with their findings. */
    agentless: AmiScanResult[];
    /** Caveats found by start (a CIS scan that could not be created, ...). */
    notes: string[];
    /** The AMI and instance-slot claims the run holds, released when it closes (slots.ts). */
    claims?: LaunchClaims;
}

export function v2RunKeys(reportPrefix: string, runId: string) {
    const folder = runFolderKeys(reportPrefix, runId);
    return {
        ...folder,
        /** One per instance, created once coverage confirms the scan. */
        scannedPrefix: `${folder.base}scanned/`,
        scanned: (instanceId: string) => `${folder.base}scanned/${instanceId}.json`,
        /** One per instance, created once its findings are settled (settle.ts): only these can PASS. */
        settledPrefix: `${folder.base}settled/`,
        settled: (instanceId: string) => `${folder.base}settled/${instanceId}.json`,
        /** A scan event's finding counts that came before coverage confirmed the scan. */
        scanEvent: (instanceId: string) => `${folder.base}scan-events/${instanceId}.json`,
        /** What the report is built from, saved before the instances go (their findings close with them). */
        evidence: `${folder.base}evidence.json`,
        /** What went to EventBridge and Security Hub (pipeline/report/verdictDelivery.ts). */
        verdictSinks: `${folder.base}verdict-sinks.json`,
        /** Present while the run is open: the sweep visits these. */
        openMarker: `${reportPrefix}open/${runId}`,
    };
}

/** Open runs are listed by this prefix. */
export function openRunsPrefix(reportPrefix: string): string {
    return `${reportPrefix}open/`;
}

export { startLockKey } from "../../pipeline/run/manifest";

/** Agentless findings that count for the report: only fresh AMI results prove anything. */
export function agentlessFindings(manifest: Pick<V2RunManifest, "agentless">): FindingSummary[] {
    return manifest.agentless.filter((result) => result.state === "FRESH").flatMap((result) => result.findings);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
