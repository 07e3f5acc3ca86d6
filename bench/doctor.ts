// The doctor's wall time for a stack of 14 regions against the fake account, every call taking
// `latencyMs` of real time: regions and independent checks run in parallel, so it should take a
// few sequential calls' time, not one per call.
import { runDoctor } from "../doctor/runDoctor";
import { FakeAccount, doctorSettings } from "../tests/support/fakeAccount";
import { REGIONS_14 } from "./common";

export const DOCTOR_TARGET_MS = 5000;

export interface DoctorBench {
    regions: number;
    latencyMs: number;
    wallMs: number;
    calls: number;
    /** The calls' time one after another: what a sequential doctor would take. */
    sequentialMs: number;
    results: number;
    blockers: number;
}

export async function benchDoctor(options: { regions?: string[]; latencyMs: number }): Promise<DoctorBench> {
    const regions = options.regions ?? REGIONS_14;
    const account = new FakeAccount(regions, { latencyMs: options.latencyMs });
    const settings = doctorSettings(regions, { scanMode: "auto" });
    const started = performance.now();
    const report = await runDoctor({ settings, stack: "bench", clientsFor: account.clientsFor, retry: { sleep: account.sleep } });
    const wallMs = performance.now() - started;
    const calls = account.actions.length;
    return { regions: regions.length, latencyMs: options.latencyMs, wallMs, calls, sequentialMs: calls * options.latencyMs, results: report.results.length, blockers: report.blockers };
}
