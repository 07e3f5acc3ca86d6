// A stateful fake of where verdicts go: EventBridge PutEvents (the default bus) and Security Hub
// BatchImportFindings. It keeps what was sent, and models the inconvenient parts: per-entry partial
// failures, the batch limits, the fields ASFF requires, update-in-place by Id, and the Workflow rules.
// Calls pass FakeAws.enter, so the usual faults (throttle, failNext, hangAt) apply to them too.
import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand, PutEventsRequestEntry, PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { AwsSecurityFinding, BatchImportFindingsCommand, ImportFindingsError, SecurityHubClient, SecurityHubServiceException } from "@aws-sdk/client-securityhub";
import { FakeAws, FAKE_ACCOUNT, FAKE_REGION } from "./fakeAws";
import { isolatedMock } from "./launchFixtures";

export interface SentEvent {
    eventId: string;
    bus: string;
    source: string;
    detailType: string;
    detail: any;
    resources: string[];
    time?: Date;
}

/** A finding as Security Hub keeps it: the last accepted import, with the service-owned Workflow. */
export interface StoredFinding {
    finding: AwsSecurityFinding;
    workflowStatus: string;
    createdBy: number;
    updates: number;
}

/** PutEvents Entries: 1-10 (EventBridge API reference, PutEvents). */
export const PUT_EVENTS_LIMIT = 10;
/** A PutEvents request's entries total under 256 KB (EventBridge user guide, "Calculating PutEvents event entry size"). */
export const EVENT_ENTRY_MAX_BYTES = 256 * 1024;
/** BatchImportFindings: up to 100 findings a batch, 240 KB a finding (partner guide, "Guidelines for using the BatchImportFindings API"). */
export const IMPORT_LIMIT = 100;
export const FINDING_MAX_BYTES = 240 * 1024;
/** client-securityhub AwsSecurityFinding: the members not marked optional. */
const REQUIRED_ASFF = ["SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description", "Resources"] as const;

function eventBridgeError(name: string, message: string): Error {
    return new EventBridgeServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}
function securityHubError(name: string, message: string): Error {
    return new SecurityHubServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

export class FakeVerdictSinks {
    readonly events = new EventBridgeClient({ region: FAKE_REGION });
    readonly securityHub = new SecurityHubClient({ region: FAKE_REGION });
    /** Every event EventBridge accepted, in order. */
    sent: SentEvent[] = [];
    /** Every finding Security Hub accepted (created or updated), in order. */
    imported: AwsSecurityFinding[] = [];
    hubFindings = new Map<string, StoredFinding>();
    /** Security Hub enabled in the account: without it every finding fails with InvalidAccess (user guide, "BatchImportFindings for finding providers"). */
    securityHubEnabled = true;
    /** The next N entries (across calls) fail with this ErrorCode: EventBridge's per-entry partial failure. */
    private entryFailures: { code: string; left: number }[] = [];
    private findingFailures: { code: string; left: number }[] = [];
    private eventCounter = 0;
    private importCounter = 0;

    constructor(private readonly aws: FakeAws) {
        this.wireEventBridge();
        this.wireSecurityHub();
    }

    failEntries(count: number, code = "ThrottlingException"): void {
        this.entryFailures.push({ code, left: count });
    }
    failFindings(count: number, code = "ThrottlingException"): void {
        this.findingFailures.push({ code, left: count });
    }

    eventsFor(imageId: string): SentEvent[] {
        return this.sent.filter((event) => event.detail?.imageId === imageId);
    }

    hubFindingFor(imageId: string): StoredFinding | undefined {
        return [...this.hubFindings.values()].find((stored) => stored.finding.Resources?.some((resource) => resource.Id?.endsWith(`/${imageId}`)));
    }

    private nextFailure(list: { code: string; left: number }[]): string | undefined {
        const failure = list.find((f) => f.left > 0);
        if (!failure) return undefined;
        failure.left--;
        return failure.code;
    }

    private wireEventBridge(): void {
        const mock = isolatedMock(this.events);
        mock.on(PutEventsCommand).callsFake(async (input: { Entries?: PutEventsRequestEntry[] }) => {
            await this.aws.enter("PutEvents", input, `${input.Entries?.length ?? 0} entries`);
            const entries = input.Entries ?? [];
            // API reference PutEvents: Entries has 1-10 items; more is a validation error for the whole call.
            if (entries.length < 1 || entries.length > PUT_EVENTS_LIMIT) throw eventBridgeError("ValidationException", `Entries has ${entries.length} items; 1-${PUT_EVENTS_LIMIT} allowed`);
            // [?] The error for a request over the size limit is not documented here; refusing the whole call fails closed.
            const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(JSON.stringify(entry), "utf8"), 0);
            if (total >= EVENT_ENTRY_MAX_BYTES) throw eventBridgeError("ValidationException", `entries total ${total} bytes; under 256 KB allowed`);
            const results: PutEventsResultEntry[] = entries.map((entry) => this.putEntry(entry));
            // User guide "Sending events with PutEvents": Entries has one result per request entry, in order.
            return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
        });
    }

    private putEntry(entry: PutEventsRequestEntry): PutEventsResultEntry {
        const injected = this.nextFailure(this.entryFailures);
        if (injected) return { ErrorCode: injected, ErrorMessage: `${injected} (fake)` };
        // API reference PutEventsRequestEntry: Source, DetailType and Detail (a JSON object) make an event rule match;
        // [?] the exact code for a missing one is not documented, "InvalidArgument" fails closed (nothing is delivered).
        if (!entry.Source || !entry.DetailType || entry.Detail === undefined) return { ErrorCode: "InvalidArgument", ErrorMessage: "Source, DetailType and Detail are required" };
        let detail: unknown;
        try {
            detail = JSON.parse(entry.Detail);
        } catch {
            return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is not valid JSON" };
        }
        if (typeof detail !== "object" || detail === null || Array.isArray(detail)) return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail must be a JSON object" };
        const eventId = `evt-${++this.eventCounter}`;
        this.sent.push({
            eventId,
            // No EventBusName: the account's default event bus (API reference, PutEventsRequestEntry.EventBusName).
            bus: entry.EventBusName ?? "default",
            source: entry.Source,
            detailType: entry.DetailType,
            detail,
            resources: entry.Resources ?? [],
            time: entry.Time,
        });
        return { EventId: eventId };
    }

    private wireSecurityHub(): void {
        const mock = isolatedMock(this.securityHub);
        mock.on(BatchImportFindingsCommand).callsFake(async (input: { Findings?: AwsSecurityFinding[] }) => {
            await this.aws.enter("BatchImportFindings", input, `${input.Findings?.length ?? 0} findings`);
            const findings = input.Findings ?? [];
            // API reference BatchImportFindings: Findings has 1-100 items.
            if (findings.length < 1 || findings.length > IMPORT_LIMIT) throw securityHubError("InvalidInputException", `Findings has ${findings.length} items; 1-${IMPORT_LIMIT} allowed`);
            const failed: ImportFindingsError[] = [];
            for (const finding of findings) {
                const error = this.importFinding(finding);
                if (error) failed.push({ Id: finding.Id, ErrorCode: error.code, ErrorMessage: error.message });
            }
            return { FailedCount: failed.length, SuccessCount: findings.length - failed.length, FailedFindings: failed };
        });
    }

    private importFinding(finding: AwsSecurityFinding): { code: string; message: string } | undefined {
        if (!this.securityHubEnabled) return { code: "InvalidAccess", message: "Security Hub is not enabled for this account" };
        const injected = this.nextFailure(this.findingFailures);
        if (injected) return { code: injected, message: `${injected} (fake)` };
        const missing = REQUIRED_ASFF.filter((field) => finding[field] === undefined || (Array.isArray(finding[field]) && (finding[field] as unknown[]).length === 0));
        // [?] The failure code for a finding that breaks ASFF is not documented per field; "InvalidInput" fails closed.
        if (missing.length > 0) return { code: "InvalidInput", message: `missing required ASFF fields: ${missing.join(", ")}` };
        if (!finding.Severity?.Label && !finding.FindingProviderFields?.Severity?.Label) return { code: "InvalidInput", message: "Severity is required (ASFF required attributes)" };
        if (Buffer.byteLength(JSON.stringify(finding), "utf8") > FINDING_MAX_BYTES) return { code: "InvalidInput", message: "finding larger than 240 KB" };
        // Must be called by the account the finding names, under its default product (API reference BatchImportFindings).
        if (finding.AwsAccountId !== FAKE_ACCOUNT) return { code: "AccessDenied", message: `AwsAccountId ${finding.AwsAccountId} is not the caller's account` };
        const defaultProduct = `arn:aws:securityhub:${FAKE_REGION}:${FAKE_ACCOUNT}:product/${FAKE_ACCOUNT}/default`;
        if (finding.ProductArn !== defaultProduct) return { code: "AccessDenied", message: `ProductArn ${finding.ProductArn} is not this account's default product` };
        const key = `${finding.ProductArn}|${finding.Id}`;
        const existing = this.hubFindings.get(key);
        this.importCounter++;
        if (!existing) {
            // Findings start NEW unless the provider gives a Workflow at creation (user guide, workflow status).
            this.hubFindings.set(key, { finding: structuredClone(finding), workflowStatus: finding.Workflow?.Status ?? "NEW", createdBy: this.importCounter, updates: 0 });
            this.imported.push(structuredClone(finding));
            return undefined;
        }
        // User guide "BatchImportFindings for finding providers": an update whose UpdatedAt is not later is ignored.
        if (Date.parse(finding.UpdatedAt!) <= Date.parse(existing.finding.UpdatedAt!)) return undefined;
        // After creation BatchImportFindings cannot change Workflow (API reference BatchImportFindings); the service
        // resets RESOLVED/NOTIFIED to NEW when RecordState turns ACTIVE or Compliance leaves PASSED (API reference Workflow).
        const reopened =
            (existing.finding.RecordState === "ARCHIVED" && finding.RecordState === "ACTIVE") ||
            (existing.finding.Compliance?.Status === "PASSED" && !!finding.Compliance?.Status && finding.Compliance.Status !== "PASSED");
        if (reopened && (existing.workflowStatus === "RESOLVED" || existing.workflowStatus === "NOTIFIED")) existing.workflowStatus = "NEW";
        const { Workflow: _ignored, ...rest } = finding;
        // [?] Whether an update may move CreatedAt is not documented; the fake keeps the first one.
        existing.finding = { ...structuredClone(rest), CreatedAt: existing.finding.CreatedAt };
        existing.updates++;
        this.imported.push(structuredClone(finding));
        return undefined;
    }
}
