// Our own retries for a throttled or failing inspector2 page, on top of the SDK's: by the time an
// error reaches us the SDK has already spent its attempts, yet a read that gives up loses a run.
import { isTransientError } from "../../pipeline/retryable";

export interface RetryOptions {
    sleep: (ms: number) => Promise<void>;
    /** Calls in all, the first included. */
    attempts?: number;
    baseDelayMs?: number;
}

export const DEFAULT_ATTEMPTS = 4;
export const DEFAULT_BASE_DELAY_MS = 2000;

/** Throttling and server errors; everything else (validation, access denied) fails at once. */
export function isRetryableInspectorError(error: unknown): boolean {
    return isTransientError(error);
}

/** The wait before attempt `attempt + 1`: exponential, but never shorter than the service's Retry-After. */
export function backoffDelayMs(attempt: number, baseDelayMs: number, error: unknown): number {
    const exponential = baseDelayMs * 2 ** (attempt - 1);
    const retryAfterSeconds = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return typeof retryAfterSeconds === "number" && retryAfterSeconds > 0 ? Math.max(exponential, retryAfterSeconds * 1000) : exponential;
}

/**
 * Runs `call` until it succeeds, a non-retryable error occurs, or the attempts are used up
 * (then the last error is thrown). `onAttempt` sees every call made, for call accounting.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions, onAttempt?: () => void): Promise<T> {
    const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
    const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
        onAttempt?.();
        try {
            return await call();
        } catch (error) {
            if (attempt >= attempts || !isRetryableInspectorError(error)) throw error;
            await options.sleep(backoffDelayMs(attempt, baseDelayMs, error));
        }
    }
}

/** Pages a list call to the end, refusing a repeated token (which would page forever). */
export async function pageAll<T>(name: string, fetch: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>): Promise<T[]> {
    const items: T[] = [];
    let nextToken: string | undefined;
    do {
        const token = nextToken;
        const page = await fetch(token);
        items.push(...(page.items ?? []));
        if (page.nextToken && page.nextToken === token) throw new Error(`${name} returned the same nextToken twice: ${token}`);
        nextToken = page.nextToken;
    } while (nextToken);
    return items;
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
}

/** A real sleep, for callers that inject none. */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
