// The steps of a declared call sequence, for crash scenarios of either engine: one per call,
// repeats in a row (polls, pages) counted once; a crash at one of them.
import type { FakeAws, Fault } from "../fakeAws";
import type { ReportException } from "./outcome";

export interface Step {
    /** Index of the call in the whole sequence. */
    index: number;
    call: string;
    command: string;
    /** Calls of the same command before this one (the fault's trigger). */
    earlier: number;
}

/** One step per call, repeats in a row (polls, pages) counted once. */
export function stepsOf(all: ReadonlyArray<string>, offset = 0): Step[] {
    const commandOf = (call: string) => call.split(" ")[0];
    const steps: Step[] = [];
    for (let i = offset; i < all.length; i++) {
        if (i > offset && all[i] === all[i - 1]) continue;
        const command = commandOf(all[i]);
        steps.push({ index: i, call: all[i], command, earlier: all.slice(0, i).filter((c) => commandOf(c) === command).length });
    }
    return steps;
}

/** The step's call never answers: the invocation making it is dead from there on. */
export function crashAt(aws: FakeAws, step: Step): Fault {
    return aws.hangAt(step.command, () => aws.callCount(step.command) === step.earlier);
}

/**
 * The documented exception of a death at `step`: after the summary went out but before the
 * delivered marker, the next reporter cannot know, and publishes again (at-least-once, never zero).
 */
export function atLeastOnceExceptions(all: ReadonlyArray<string>, step: Step, run: string): ReportException[] {
    const publish = all.findIndex((call) => call.startsWith("Publish Golden AMI assessment"));
    const delivered = all.findIndex((call) => call.startsWith("PutObject") && call.endsWith("/delivered"));
    if (!(step.index > publish && step.index <= delivered)) return [];
    return [{ run, reports: 2, why: `died after publishing, before the delivered marker (${step.call}): at-least-once, two identical summaries` }];
}
