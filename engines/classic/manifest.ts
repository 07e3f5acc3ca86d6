// The Classic run manifest: the neutral one plus the assessment run, whose ARN names the folder
// (analyze receives it in the completion message).
import { RunManifest, runFolderKeys } from "../../pipeline/run/manifest";

export { AmiRecord } from "../../pipeline/run/manifest";

export interface ClassicRunManifest extends RunManifest {
    assessmentRunArn: string;
    assessmentTemplateArn: string;
}

/** "0-MnOpQr56" from ".../template/0-GhIjKl34/run/0-MnOpQr56". */
export function runArnId(assessmentRunArn: string): string {
    const match = /\/run\/([^/]+)$/.exec(assessmentRunArn);
    if (!match) throw new Error(`not an Inspector assessment run ARN: ${assessmentRunArn}`);
    return match[1];
}

export function runKeys(reportPrefix: string, assessmentRunArn: string) {
    return runFolderKeys(reportPrefix, runArnId(assessmentRunArn));
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
