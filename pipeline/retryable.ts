// Telling a passing failure (throttling, a service hiccup) from one that will not go away.

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

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
