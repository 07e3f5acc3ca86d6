// Telling a passing failure (throttling, a service hiccup) from one that will not go away, and
// retrying the first kind with backoff: the one retry loop both engines use.

const TRANSIENT_ERROR_NAMES = [
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "InternalException",
    "InternalError",
    "ServiceTemporarilyUnavailableException",
    "ServiceUnavailable",
    "RequestTimeout",
    "TimeoutError",
];

/**
 * True for throttling and server-side errors, which a later call may not see. The SDK's own
 * retries have already been spent by the time such an error reaches us, so only a caller that
 * polls anyway (and simply tries again on its next round) should treat it as passing.
 */
export function isTransientError(error: unknown): boolean {
    if (typeof error !== "object" || error === null) return false;
    const candidate = error as { name?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
    if (typeof candidate.name === "string" && TRANSIENT_ERROR_NAMES.includes(candidate.name)) return true;
    if (candidate.$retryable) return true;
    const status = candidate.$metadata?.httpStatusCode;
    return status === 429 || (status !== undefined && status >= 500);
}

// Our own retries on top of the SDK's: by the time an error reaches us the SDK has spent its
// attempts, yet giving up on one call can cost a run (a launch, a start, a page of findings).

export interface RetryOptions {
    sleep: (ms: number) => Promise<void>;
    /** Calls in all, the first included. */
    attempts?: number;
    baseDelayMs?: number;
    /** No single wait is longer, whatever the service's retryAfterSeconds asks. */
    maxDelayMs?: number;
    /** Epoch ms: a wait that would end after it is not taken; the last error is thrown instead. */
    deadlineMs?: number;
    now?: () => number;
    /** Which errors are worth another call: by default every transient one. */
    retryable?: (error: unknown) => boolean;
}

export const DEFAULT_ATTEMPTS = 4;
export const DEFAULT_BASE_DELAY_MS = 2000;
export const DEFAULT_MAX_DELAY_MS = 30_000;

/** The wait before attempt `attempt + 1`: exponential, at least the service's retryAfterSeconds, at most `maxDelayMs`. */
export function backoffDelayMs(attempt: number, baseDelayMs: number, error: unknown, maxDelayMs = DEFAULT_MAX_DELAY_MS): number {
    const exponential = baseDelayMs * 2 ** (attempt - 1);
    const retryAfterSeconds = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    const wanted = typeof retryAfterSeconds === "number" && retryAfterSeconds > 0 ? Math.max(exponential, retryAfterSeconds * 1000) : exponential;
    return Math.min(wanted, maxDelayMs);
}

/**
 * Runs `call` until it succeeds, a non-transient error occurs, the attempts are used up or the
 * next wait would pass the deadline; then the last error is thrown. `onAttempt` sees every call.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions, onAttempt?: () => void): Promise<T> {
    const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
    const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    const now = options.now ?? Date.now;
    for (let attempt = 1; ; attempt++) {
        onAttempt?.();
        try {
            return await call();
        } catch (error) {
            if (attempt >= attempts || !(options.retryable ?? isTransientError)(error)) throw error;
            const delay = backoffDelayMs(attempt, baseDelayMs, error, options.maxDelayMs);
            if (options.deadlineMs !== undefined && now() + delay > options.deadlineMs) throw error;
            await options.sleep(delay);
        }
    }
}

const THROTTLING_ERROR_NAMES = ["ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"];

/**
 * True only for a refusal to serve the call at all (throttling): the call certainly did nothing.
 * For a call that is not idempotent, where a 5xx may hide a success, this is the safe test.
 */
export function isThrottlingError(error: unknown): boolean {
    if (typeof error !== "object" || error === null) return false;
    const candidate = error as { name?: unknown; $metadata?: { httpStatusCode?: number } };
    return (typeof candidate.name === "string" && THROTTLING_ERROR_NAMES.includes(candidate.name)) || candidate.$metadata?.httpStatusCode === 429;
}

/** The client with every `send` retried by withRetry: for calls that are safe to repeat. */
export function retrying<C extends { send: (...args: any[]) => Promise<any> }>(client: C, options: RetryOptions): C {
    return { send: (...args: Parameters<C["send"]>) => withRetry(() => client.send(...args), options) } as unknown as C;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
