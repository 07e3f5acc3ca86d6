// A time-based model of how Inspector v2 comes to scan a newly launched EC2 instance, driving
// FakeAws: the SSM agent registers, SSM inventory runs when State Manager detects the new node
// and then on its schedule, the package scan follows, its
// findings show in ListFindings after a lag, deep inspection collects language packages on its own
// cycle, hybrid mode scans agentlessly every hour, and the first scan of each
// instance sends its best-effort INITIAL_SCAN_COMPLETE event (FakeAws.scan: later scans send none).
// Sources per timing in INSPECTOR2_TIMINGS; docs/inspector2-timings.md summarises them.
import type { FakeAws, FakeInstance, FakeSeverity } from "./fakeAws";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Inspector2Timings {
    /** Launch to the SSM agent registering the instance (managed instances only). */
    ssmOnlineMs: number;
    /** SSM registration to State Manager running the inventory association on the new node. */
    inventoryOnDetectionMs: number;
    /** Then the association runs on its schedule, every this often (from its first run on the node). */
    inventoryIntervalMs: number;
    /** Inventory to the package scan's coverage row saying so. */
    scanAfterInventoryMs: number;
    /** Deep inspection (language packages) collects on this cycle. */
    deepInspectionIntervalMs: number;
    deepInspectionPhaseMs: number;
    /** Hybrid scan mode's agentless scans of new instances, every hour; undefined: not hybrid. */
    agentlessIntervalMs?: number;
    agentlessPhaseMs: number;
    /** How long agentless collection and analysis take. */
    agentlessScanMs: number;
}

/**
 * The modelled timings and their sources (reference = ../shared/reference/inspector2.md).
 * [?] marks an assumption where no source gives a number; each is chosen so that the engine
 * waits longer, never less, than a faster reality would need.
 */
export const INSPECTOR2_TIMINGS: Inspector2Timings = {
    // [?] SSM agent starts at boot and registers within minutes (SSM user guide, "Working with SSM Agent").
    ssmOnlineMs: 3 * MINUTE,
    // A State Manager association runs "immediately after it is created and then according to the
    // schedule you specified and when target changes are detected" (SSM API reference,
    // CreateAssociation ApplyOnlyAtCronInterval; not supported for rate expressions): a new managed
    // node is inventoried on detection. [?] How soon after registration: no source gives a number.
    inventoryOnDetectionMs: 10 * MINUTE,
    // Reference section 10: SSM inventory is evaluated every 30 minutes (Inspector user guide, EC2 scanning).
    inventoryIntervalMs: 30 * MINUTE,
    // [?] The scan follows inventory within minutes.
    scanAfterInventoryMs: 2 * MINUTE,
    // Reference section 10: the Inspector SSM plugin collects language packages every 6 hours.
    // [?] Whether its association also runs when a new node is detected is not documented: its
    // first run is modelled on the account-wide 6-hour cycle (the later, pessimistic case);
    // scenarios place that cycle inside or outside the run with the phase.
    deepInspectionIntervalMs: 6 * HOUR,
    deepInspectionPhaseMs: 5 * HOUR,
    // Reference section 10: hybrid mode scans newly eligible instances agentlessly every hour.
    agentlessIntervalMs: undefined,
    agentlessPhaseMs: 0,
    // [?] Agentless collection takes minutes (snapshot, analysis).
    agentlessScanMs: 5 * MINUTE,
};

/** One finding a scan of an instance from this AMI produces. */
export interface ModelFinding {
    severity: FakeSeverity;
    vendorSeverity?: string;
    /** A language package (Java, Python, Node): found only by deep inspection. */
    language?: boolean;
    /** An account suppression rule matches it: SUPPRESSED from the start (user guide, "Suppressing Amazon Inspector findings"). */
    suppressed?: boolean;
}

export interface TimedEvent {
    at: number;
    instanceId: string;
    event: ReturnType<FakeAws["scanEvent"]>;
}

interface Stage {
    at: number;
    apply: () => void;
}

/** The first time origin + phase + k * interval (k >= 0) at or after `from`. */
export function nextCycle(origin: number, phase: number, interval: number, from: number): number {
    const first = origin + phase;
    return from <= first ? first : first + Math.ceil((from - first) / interval) * interval;
}

export class Inspector2Timeline {
    readonly events: TimedEvent[] = [];
    /** Per instance: when its first agent-based package scan landed (OS packages). */
    readonly firstScans = new Map<string, number>();
    private readonly done = new Map<string, number>();
    private readonly origin: number;

    constructor(
        private readonly aws: FakeAws,
        readonly timings: Inspector2Timings,
        private readonly findingsByAmi: Record<string, ModelFinding[]>,
        /** Instances whose SSM agent never registers (no profile, no route). */
        private readonly unmanaged: (instance: FakeInstance) => boolean = () => false,
    ) {
        this.origin = aws.ms;
        aws.beforeInspector = () => this.tick();
    }

    /** Applies every stage due by now, in time order. Idempotent. */
    tick(): void {
        for (const instance of this.aws.instances) {
            if (this.aws.excluded(instance.instanceId)) continue;
            const stages = this.stagesOf(instance);
            let next = this.done.get(instance.instanceId) ?? 0;
            while (next < stages.length && stages[next].at <= this.aws.ms) stages[next++].apply();
            this.done.set(instance.instanceId, next);
        }
    }

    /** Events sent since the last call (Inspector sends them best effort: the caller may drop some). */
    takeEvents(): TimedEvent[] {
        return this.events.splice(0, this.events.length);
    }

    private stagesOf(instance: FakeInstance): Stage[] {
        const t = this.timings;
        const id = instance.instanceId;
        const launch = instance.launchTime.getTime();
        const alive = () => instance.state === "running" || instance.state === "pending";
        // OS-package findings first: the first scan adds those, deep inspection the rest.
        const all = this.findingsByAmi[instance.imageId] ?? [];
        const findings = [...all.filter((f) => !f.language), ...all.filter((f) => f.language)];
        // [?] With deep inspection not ACTIVATED the fake still reports the language findings in the first
        // scan (reality would miss them): more findings, never fewer, so no PASS comes easier.
        const deepActive = this.aws.deepInspectionStatus === "ACTIVATED";
        // [?] A minute after launch Inspector shows the instance as UNMANAGED_EC2_INSTANCE (SDK ScanStatusReason) until
        // SSM registers it; the docs only say a new instance may be missing from coverage for minutes (reference section 3).
        const stages: Stage[] = [{ at: launch + MINUTE, apply: () => alive() && this.aws.scan(id, { reason: "UNMANAGED_EC2_INSTANCE" }) }];
        const managed = !this.unmanaged(instance);
        const ssm = launch + t.ssmOnlineMs;
        // Only the first inventory matters here: the scan it triggers; later runs every inventoryIntervalMs rescan.
        const scan = managed ? ssm + t.inventoryOnDetectionMs + t.scanAfterInventoryMs : Infinity;
        if (t.agentlessIntervalMs !== undefined) {
            // Hybrid mode: an agentless scan of an instance SSM does not (yet) manage (reference section 10, "Hybrid
            // scan mode"; SDK scanMode EC2_AGENTLESS). [?] Its hourly cycle is phased from the model's origin. [?] Whether it
            // finds language packages is not in the reference: it reports every finding here, the more severe answer.
            const agentless = nextCycle(this.origin, t.agentlessPhaseMs, t.agentlessIntervalMs, launch + MINUTE) + t.agentlessScanMs;
            if (agentless < scan && (!managed || agentless < ssm)) stages.push({ at: agentless, apply: () => alive() && this.scanWith(id, agentless, findings, { scanMode: "EC2_AGENTLESS" }) });
        }
        // [?] Once SSM registers the instance, its row reads PENDING_INITIAL_SCAN (SDK ScanStatusReason) until the scan;
        // an agentless row already there is left as is (reference section 10: it is not the verdict).
        if (managed) stages.push({ at: ssm, apply: () => alive() && this.aws.coverage.get(id)?.scanMode !== "EC2_AGENTLESS" && this.aws.scan(id, { reason: "PENDING_INITIAL_SCAN" }) });
        if (!managed) return stages.sort((a, b) => a.at - b.at);
        const deep = nextCycle(this.origin, t.deepInspectionPhaseMs, t.deepInspectionIntervalMs, ssm) + t.scanAfterInventoryMs;
        // Before deep inspection's first collection the scan reads ACTIVE + DEEP_INSPECTION_NO_INVENTORY (reference
        // section 10; API reference: "usually a pending scan"), then SUCCESSFUL with the language findings.
        const deepInFirstScan = !deepActive || deep <= scan;
        stages.push({
            at: scan,
            apply: () => alive() && this.scanWith(id, scan, deepInFirstScan ? findings : findings.filter((f) => !f.language), { reason: deepInFirstScan ? "SUCCESSFUL" : "DEEP_INSPECTION_NO_INVENTORY" }),
        });
        if (!deepInFirstScan) stages.push({ at: deep, apply: () => alive() && this.scanWith(id, deep, findings, { reason: "SUCCESSFUL" }) });
        return stages.sort((a, b) => a.at - b.at);
    }

    /** The scan at `at`: the findings it produces that the instance lacks, the coverage row, the event. */
    private scanWith(instanceId: string, at: number, findings: ModelFinding[], options: { reason?: string; scanMode?: string }): void {
        const have = this.aws.findings.filter((f) => f.resources?.[0]?.id === instanceId).length;
        for (const finding of findings.slice(have)) {
            const added = this.aws.addFinding(instanceId, finding.severity, undefined, { vendorSeverity: finding.vendorSeverity, awaitNextScan: true });
            if (finding.suppressed) this.aws.suppressFinding(added);
        }
        const event = this.aws.scan(instanceId, { ...options, at: new Date(at) });
        if (options.scanMode === undefined && !this.firstScans.has(instanceId)) this.firstScans.set(instanceId, at);
        if (event) this.events.push({ at, instanceId, event });
    }
}
