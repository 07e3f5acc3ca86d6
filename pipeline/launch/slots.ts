// Who may launch what, across every open run (scheduled or published): one claim per AMI being
// assessed (never twice at once) and one claim per instance slot (maxConcurrentInstances across
// all open runs). Both are S3 conditional writes (runState.ts) that expire with the run
// (maxRunSeconds), so a dead run frees them; a closed run releases them.
import type { Image } from "@aws-sdk/client-ec2";
import type { S3Client } from "@aws-sdk/client-s3";
import { Claim, claim, listKeys, putIfAbsent, release } from "../run/runState";

/** What one run holds: its AMIs' claims and its instance slots. Kept in the manifest, released at close. */
export interface LaunchClaims {
    amis: string[];
    slots: number[];
}

export function assessingPrefix(reportPrefix: string): string {
    return `${reportPrefix}assessing/`;
}

/** Held by the run assessing this AMI. */
export function assessingKey(reportPrefix: string, imageId: string): string {
    return `${assessingPrefix(reportPrefix)}${imageId}.json`;
}

export function slotsPrefix(reportPrefix: string): string {
    return `${reportPrefix}slots/`;
}

/** One of maxConcurrentInstances instance slots. */
export function slotKey(reportPrefix: string, index: number): string {
    return `${slotsPrefix(reportPrefix)}${index}.json`;
}

export interface ClaimedLaunches {
    /** The AMIs this run may launch now: it holds their claims and one slot each. */
    granted: Image[];
    /** AMIs another open run is assessing. */
    busy: { image: Image; by: Claim }[];
    /** AMIs left for want of a free slot (their claims given back). */
    noSlot: Image[];
    claims: LaunchClaims;
}

export interface ClaimScope {
    bucket: string;
    reportPrefix: string;
    /** The run id. */
    holder: string;
    /** ISO 8601: the run's longest life (maxRunSeconds). */
    expiresAt: string;
    now: Date;
    maxConcurrentInstances: number;
}

/** Claims each AMI, then one slot per claimed AMI; the AMIs beyond the free slots give their claims back. */
export async function claimLaunches(s3: S3Client, images: ReadonlyArray<Image>, scope: ClaimScope): Promise<ClaimedLaunches> {
    const wanted: Claim = { holder: scope.holder, expiresAt: scope.expiresAt };
    const claimed: Image[] = [];
    const busy: ClaimedLaunches["busy"] = [];
    // Each AMI once: claiming it again as the same holder would succeed and cost a second slot.
    const unique = [...new Map(images.map((image) => [image.ImageId!, image])).values()];
    for (const image of unique) {
        const result = await claim(s3, scope.bucket, assessingKey(scope.reportPrefix, image.ImageId!), wanted, scope.now);
        if (result.status === "held") busy.push({ image, by: result.by });
        else claimed.push(image);
    }
    const slots = claimed.length ? await claimSlots(s3, claimed.length, scope) : [];
    const granted = claimed.slice(0, slots.length);
    const noSlot = claimed.slice(slots.length);
    for (const image of noSlot) await release(s3, scope.bucket, assessingKey(scope.reportPrefix, image.ImageId!), scope.holder);
    return { granted, busy, noSlot, claims: { amis: granted.map((image) => image.ImageId!), slots } };
}

/** Up to `count` free slots: never-used indices first (one conditional create each), then expired ones. */
async function claimSlots(s3: S3Client, count: number, scope: ClaimScope): Promise<number[]> {
    const prefix = slotsPrefix(scope.reportPrefix);
    const taken = new Set((await listKeys(s3, scope.bucket, prefix)).map((key) => Number(key.slice(prefix.length).replace(/\.json$/, ""))));
    const body = JSON.stringify({ holder: scope.holder, expiresAt: scope.expiresAt });
    const got: number[] = [];
    for (let index = 0; index < scope.maxConcurrentInstances && got.length < count; index++) {
        if (!taken.has(index) && (await putIfAbsent(s3, scope.bucket, slotKey(scope.reportPrefix, index), body)) === "created") got.push(index);
    }
    // A slot whose run died is taken over once it expires (If-Match: only one taker wins).
    for (const index of [...taken].sort((a, b) => a - b)) {
        if (got.length >= count || index >= scope.maxConcurrentInstances) break;
        const result = await claim(s3, scope.bucket, slotKey(scope.reportPrefix, index), { holder: scope.holder, expiresAt: scope.expiresAt }, scope.now);
        if (result.status !== "held") got.push(index);
    }
    return got.sort((a, b) => a - b);
}

/** Gives back what the run holds (only what it still holds: an expired claim taken over stays with its taker). */
export async function releaseLaunchClaims(s3: S3Client, bucket: string, reportPrefix: string, holder: string, claims: LaunchClaims | undefined): Promise<void> {
    if (!claims) return;
    for (const imageId of claims.amis) await release(s3, bucket, assessingKey(reportPrefix, imageId), holder);
    for (const index of claims.slots) await release(s3, bucket, slotKey(reportPrefix, index), holder);
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
