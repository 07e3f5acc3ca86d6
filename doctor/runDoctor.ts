// runDoctor: every check in every region of the stack, regions in parallel, read-only. The CLI
// (scripts/doctor.ts) and library users call this; it returns the results, it prints nothing.
import { realSleep } from "../pipeline/run/paging";
import { RetryOptions } from "../pipeline/run/retryable";
import { regionChecks } from "./checks";
import { ClientsFor, gatherRegion, sdkClients } from "./gather";
import { Answer, DoctorCannotRun, DoctorReport, DoctorSettings, Identity } from "./types";

export interface DoctorOptions {
    /** The validated stack config (readStackConfig), or the same fields for a component's arguments. */
    settings: DoctorSettings;
    /** The Pulumi stack name: finds a deployed stack's results topic. Without it delivery is not checked. */
    stack?: string;
    /** SDK clients per region; by default real ones on the default credential chain. */
    clientsFor?: ClientsFor;
    /** Throttling retries: withRetry's options (sleep defaults to a real one). */
    retry?: Partial<RetryOptions>;
}

/** Errors that say the credentials themselves are missing or refused, not the region (STS and SDK error names). */
const CREDENTIAL_ERRORS = ["CredentialsProviderError", "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"];

export const isCredentialsFailure = (identity: Answer<Identity>) => !identity.ok && CREDENTIAL_ERRORS.includes(identity.name ?? "");

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
    const { settings, stack } = options;
    const clientsFor = options.clientsFor ?? sdkClients;
    const retry: RetryOptions = { sleep: realSleep, baseDelayMs: 1000, ...options.retry };
    const answers = await Promise.all(settings.regions.map((region) => gatherRegion(region, clientsFor(region), { settings, stack, retry })));
    // Refused everywhere for the credentials' sake: the doctor could not run at all (exit 2), no region is to blame.
    const refused = answers.find((a) => isCredentialsFailure(a.identity));
    if (refused && answers.every((a) => isCredentialsFailure(a.identity))) {
        throw new DoctorCannotRun(`the AWS credentials were refused in every region (${!refused.identity.ok ? refused.identity.error : ""}); set AWS_PROFILE or log in (aws sso login) and run again`);
    }
    const results = answers.flatMap((a) => regionChecks(a, settings, stack));
    const identity = answers.map((a) => a.identity).find((i) => i.ok);
    return {
        ...(stack ? { stack } : {}),
        ...(identity?.ok ? { account: identity.value.account, partition: identity.value.partition } : {}),
        results,
        blockers: results.filter((r) => r.mark === "blocker").length,
        warnings: results.filter((r) => r.mark === "warning").length,
    };
}
