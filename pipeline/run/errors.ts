// How an error reads in reports and logs: "Code: message", with the code once.

/** "Name: message" for an SDK error, or the string form of anything else. */
export function errorText(error: unknown): string {
    if (error instanceof Error) return error.name && error.name !== "Error" ? withErrorCode(error.name, error.message) : error.message;
    return String(error);
}

/**
 * "Code: message", with the code once. EC2's StateReason.Message already starts with its Code
 * ("Client.InternalError: Client error on launch"; EC2 API Reference, StateReason), and some
 * service errors repeat their name in the message; prefixing again printed it twice.
 */
export function withErrorCode(code: string, message: string | undefined): string {
    if (!message || message === code) return code;
    return message.startsWith(`${code}:`) ? message : `${code}: ${message}`;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
