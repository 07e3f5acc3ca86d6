// Fakes shared by the Inspector v2 engine tests.
import { Inspector2Client, Inspector2ServiceException } from "@aws-sdk/client-inspector2";
import { isolatedMock } from "../../support/launchFixtures";

export const REGION = "us-east-1";
export const ACCOUNT = "111122223333";

export function inspector2Error(name: string, message = `${name} (test)`, httpStatusCode = 400, extra: Record<string, unknown> = {}): Inspector2ServiceException {
    const error = new Inspector2ServiceException({ name, $fault: httpStatusCode >= 500 ? "server" : "client", $metadata: { httpStatusCode }, message });
    return Object.assign(error, extra);
}

export function throttle(): Inspector2ServiceException {
    return inspector2Error("ThrottlingException", "Rate exceeded", 429);
}

export function setupInspector2() {
    const client = new Inspector2Client({ region: REGION });
    return { client, mock: isolatedMock(client) };
}

/** A sleep that returns at once and records what was asked. */
export function recordingSleep() {
    const sleeps: number[] = [];
    return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

export function instanceIds(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `i-${(0x1000000 + i).toString(16).padStart(17, "0")}`);
}
