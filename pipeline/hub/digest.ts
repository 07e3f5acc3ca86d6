// Pure: the hub's digest, one email per digestSchedule instead of one per region per run: counts
// per account and region, what changed since the last digest, and the failing AMIs with their top CVEs.

import { HubIndex, HubRow, RowStatus, ROW_STATUSES, rowKey, spokeKey, statusCounts } from "./hubIndex";

/** What the last digest saw: each AMI's status, and which spokes were silent. */
export interface DigestState {
    sentAt: string;
    statuses: Record<string, RowStatus>;
    silent: string[];
}

export interface DigestChange {
    key: string;
    from?: RowStatus;
    to?: RowStatus;
}

export interface Digest {
    subject: string;
    message: string;
    state: DigestState;
    changes: DigestChange[];
}

/** Failing AMIs the email lists; the rest are in the hub's pages. */
export const DIGEST_FAILING_SHOWN = 50;
export const DIGEST_CHANGES_SHOWN = 50;

function changesSince(rows: HubRow[], previous: DigestState | undefined): DigestChange[] {
    if (!previous) return [];
    const now = new Map(rows.map((row) => [rowKey(row), row.status]));
    const changes: DigestChange[] = [];
    for (const [key, to] of now) if (previous.statuses[key] !== to) changes.push({ key, from: previous.statuses[key], to });
    for (const [key, from] of Object.entries(previous.statuses)) if (!now.has(key)) changes.push({ key, from });
    return changes.sort((a, b) => ROW_STATUSES.indexOf(a.to ?? "PASS") - ROW_STATUSES.indexOf(b.to ?? "PASS") || a.key.localeCompare(b.key));
}

const countsText = (counts: Record<RowStatus, number>) => ROW_STATUSES.map((s) => `${counts[s]} ${s}`).join(", ");

function perSpokeLines(index: HubIndex): string[] {
    const bySpoke = new Map<string, HubRow[]>();
    for (const row of index.rows) bySpoke.set(spokeKey(row), [...(bySpoke.get(spokeKey(row)) ?? []), row]);
    return index.spokes.map((spoke) => {
        const state = spoke.state === "reporting" ? "" : ` [${spoke.state.toUpperCase()}${spoke.detail ? `: ${spoke.detail}` : ""}]`;
        return `  ${spoke.account} ${spoke.region}: ${countsText(statusCounts(bySpoke.get(spokeKey(spoke)) ?? []))}${state}`;
    });
}

function changeLine(change: DigestChange): string {
    if (!change.from) return `  ${change.key}: new, ${change.to}`;
    if (!change.to) return `  ${change.key}: gone (was ${change.from})`;
    return `  ${change.key}: ${change.from} -> ${change.to}`;
}

export function buildDigest(index: HubIndex, previous: DigestState | undefined, hubUrl: string): Digest {
    const counts = statusCounts(index.rows);
    const changes = changesSince(index.rows, previous);
    const silent = index.spokes.filter((s) => s.state === "silent").map(spokeKey);
    const newlySilent = silent.filter((key) => !(previous?.silent ?? []).includes(key));
    const failing = index.rows.filter((row) => row.status === "FAIL");
    const accounts = new Set(index.spokes.map((s) => s.account)).size;
    const regions = new Set(index.spokes.map((s) => s.region)).size;
    const lines = [
        `${countsText(counts)} across ${accounts} account(s) and ${regions} region(s).`,
        `Hub: ${hubUrl}`,
        "",
        `Changes since the last digest${previous ? ` (${previous.sentAt})` : ""}:`,
        ...(previous ? (changes.length ? changes.slice(0, DIGEST_CHANGES_SHOWN).map(changeLine) : ["  none"]) : ["  (first digest)"]),
        ...(changes.length > DIGEST_CHANGES_SHOWN ? [`  ... and ${changes.length - DIGEST_CHANGES_SHOWN} more`] : []),
        ...(newlySilent.length ? ["", `Newly silent spokes: ${newlySilent.join(", ")}`] : []),
        "",
        "Per account and region:",
        ...perSpokeLines(index),
        "",
        `Failing AMIs (${failing.length}):`,
        ...failing.slice(0, DIGEST_FAILING_SHOWN).map((row) => `  ${row.account} ${row.region} ${row.imageId}${row.name ? ` (${row.name})` : ""}: ${row.topCves.join(", ") || "no CVE named"}`),
        ...(failing.length > DIGEST_FAILING_SHOWN ? [`  ... and ${failing.length - DIGEST_FAILING_SHOWN} more in the hub`] : []),
    ];
    const silentText = silent.length ? `, ${silent.length} silent spoke(s)` : "";
    return {
        subject: `Golden AMI hub digest: ${counts.FAIL} FAIL, ${counts["NOT ASSESSED"]} NOT ASSESSED${silentText}`,
        message: lines.join("\n"),
        state: { sentAt: index.generatedAt, statuses: Object.fromEntries(index.rows.map((row) => [rowKey(row), row.status])), silent },
        changes,
    };
}


/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
