// Many golden AMIs must not exhaust the account's vCPU quota: a run launches at most
// maxConcurrentInstances, and the AMIs whose verdicts are oldest go first, so every run is the
// next wave and each AMI's turn comes round. Pure.
import type { Image } from "@aws-sdk/client-ec2";
import { amiRecord } from "./amiLaunches";
import type { AmiRecord } from "../run/manifest";
import { LAST_ASSESSED_TAG, VERDICT_TAG, tagMap } from "../run/tags";
import { lastVerdictOf } from "../verdict/verdictTag";

/** Enough for a handful of golden AMIs, and 20 vCPUs at the default medium instance types. */
export const DEFAULT_MAX_CONCURRENT_INSTANCES = 10;

export interface Wave {
    launch: Image[];
    /** Not launched this run: WAITING, with why and when they come. */
    waiting: AmiRecord[];
}

/** Never-assessed first, then the oldest verdict, then AMI ID: the same order on every run. */
export function waveOrder(images: ReadonlyArray<Image>): Image[] {
    const lastAt = (image: Image) => lastVerdictOf(tagMap(image.Tags), VERDICT_TAG, LAST_ASSESSED_TAG).at?.getTime() ?? -Infinity;
    return [...images].sort((a, b) => lastAt(a) - lastAt(b) || (a.ImageId! < b.ImageId! ? -1 : a.ImageId! > b.ImageId! ? 1 : 0));
}

export function splitWave(images: ReadonlyArray<Image>, maxConcurrentInstances: number): Wave {
    const ordered = waveOrder(images);
    const launch = ordered.slice(0, maxConcurrentInstances);
    const rest = ordered.slice(maxConcurrentInstances);
    const runsNeeded = Math.ceil(ordered.length / maxConcurrentInstances);
    const reason =
        `waiting for a later run: ${ordered.length} golden AMIs need an instance and maxConcurrentInstances is ${maxConcurrentInstances}, ` +
        `so each run launches the ${maxConcurrentInstances} with the oldest verdicts and every AMI is assessed once every ${runsNeeded} runs`;
    return { launch, waiting: rest.map((image): AmiRecord => ({ ...amiRecord(image), status: "WAITING", reason })) };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
