// The verdict tag's value carries its own date ("PASS 2026-12-02T10:00:00.000Z"), so a guardrail
// or a person reading one tag can tell a current verdict from an old one. Pure.

/** Guardrails match the verdict word at the start: `StringLike "PASS *"`. */
export function verdictTagValue(verdict: string, assessedAt: Date): string {
    return `${verdict} ${assessedAt.toISOString()}`;
}

export interface ParsedVerdictTag {
    /** "PASS", "FAIL" or whatever word the tag starts with. */
    verdict?: string;
    /** From the value; undefined for a value written before verdicts carried their date. */
    at?: Date;
}

/** Reads both forms: "PASS 2026-…Z" and the older bare "PASS". */
export function parseVerdictTag(value: string | undefined): ParsedVerdictTag {
    const text = value?.trim();
    if (!text) return {};
    const match = /^(\S+)\s+(\d{4}-\d{2}-\d{2}T\S+)$/.exec(text);
    if (!match) return { verdict: text };
    const at = new Date(match[2]);
    return { verdict: match[1], at: Number.isNaN(at.getTime()) ? undefined : at };
}

/**
 * When an AMI's last verdict was given: the verdict tag's own date, else the last-assessed tag
 * (AMIs tagged before verdicts carried a date). Undefined when neither holds a date.
 */
export function lastVerdictOf(tags: Record<string, string>, verdictKey: string, lastAssessedKey: string): { verdict?: string; at?: Date } {
    const parsed = parseVerdictTag(tags[verdictKey]);
    if (parsed.at) return parsed;
    const fallback = tags[lastAssessedKey] ? new Date(tags[lastAssessedKey]) : undefined;
    return { verdict: parsed.verdict, at: fallback && !Number.isNaN(fallback.getTime()) ? fallback : undefined };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
