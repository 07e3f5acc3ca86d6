// The error a bad config key or component argument raises: RunError makes Pulumi print the
// message without a stack trace. Every part of the program may raise it, so it sits low.
import * as pulumi from "@pulumi/pulumi";

/** A config or argument error; RunError makes Pulumi print the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(key: string, value: unknown, allowed: string) {
        super(`Invalid ${key} = ${show(value)}: ${allowed}`);
    }
}

/** Stands for a value an error must not print (a key we do not know may hold a decrypted secret). */
export const VALUE_NOT_SHOWN = Symbol("value not shown");

export function show(value: unknown): string {
    return value === undefined ? "(not set)" : value === VALUE_NOT_SHOWN ? "(value not shown)" : JSON.stringify(value);
}

/** Several config errors at once: one line each, so one run reports them all. */
export class ConfigErrors extends pulumi.RunError {
    constructor(public readonly errors: readonly ConfigError[]) {
        super(errors.map((error) => error.message).join("\n"));
    }
}
