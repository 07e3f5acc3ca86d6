// The doctor's report as text (one line per check per region, the blocker count last) or JSON.
import { CheckResult, DoctorReport } from "./types";

const MARKS: Record<CheckResult["mark"], string> = { pass: "PASS   ", warning: "WARNING", blocker: "BLOCKER" };

export function renderLine(r: CheckResult): string {
    return `${MARKS[r.mark]}  ${r.region}  ${r.check}: ${r.found}${r.mark !== "pass" && r.fix ? `. Fix: ${r.fix}` : ""}`;
}

export function renderText(report: DoctorReport): string {
    const who = report.account ? `account ${report.account} (${report.partition})` : "no account reached";
    const head = `golden-ami-assessment doctor${report.stack ? `, stack ${report.stack}` : ""}: ${who}`;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const tail = `${plural(report.warnings, "warning")}. ${plural(report.blockers, "blocker")}${report.blockers ? ": a run would not assess every AMI until they are fixed" : ": nothing found that would stop a run"}.`;
    const notes = (report.configNotes ?? []).map((note) => `note: ${note}`);
    return [head, ...notes, ...report.results.map(renderLine), tail].join("\n") + "\n";
}

export function renderJson(report: DoctorReport): string {
    return JSON.stringify(report, null, 2) + "\n";
}

/** 0 no blocker, 1 a blocker (2, the doctor could not run, is the CLI's). */
export const exitCodeOf = (report: DoctorReport): number => (report.blockers > 0 ? 1 : 0);
