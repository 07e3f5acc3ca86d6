// Shared bits of the benchmarks: the regions, statistics and a plain-text table.

/** 14 commercial regions (one stack holds one partition), in the order the benchmark adds them. */
export const REGIONS_14 = [
    "us-east-2",
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "ap-south-1",
    "ap-northeast-2",
    "ap-southeast-2",
    "ap-northeast-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-north-1",
    "ca-central-1",
    "sa-east-1",
];

export type Row = string[];

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function status(pass: boolean, target: string): string {
    return `${pass ? "PASS" : "FAIL"} (${target})`;
}

/** Columns padded to their widest cell; the last column is left unpadded. */
export function printTable(header: Row, rows: Row[]): void {
    const all = [header, ...rows];
    const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
    const line = (row: Row) => row.map((cell, i) => (i === row.length - 1 ? cell : (cell ?? "").padEnd(widths[i]))).join("  ");
    console.log(line(header));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of rows) console.log(line(row));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
