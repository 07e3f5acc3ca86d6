// Every check of one region, in the order the doctor prints them.
import { CheckResult, DoctorSettings, RegionAnswers } from "../types";
import { checkAmisLaunchable, checkGoldenAmis, checkPlatforms, checkSnapshotKeys } from "./amis";
import { checkCapacity } from "./capacity";
import { checkDelivery } from "./delivery";
import { checkClassic, checkDeepInspection, checkEc2Scanning, checkMachineImageResults, checkScanMode } from "./inspector2";
import { checkNetwork } from "./network";
import { checkReach } from "./reach";

/** Instances are launched unless the v2 engine only reads machine-image results. */
export const launchesInstances = (settings: DoctorSettings) => !(settings.engine === "inspector2" && settings.scanMode === "agentless");

export function regionChecks(answers: RegionAnswers, settings: DoctorSettings, stack: string | undefined): CheckResult[] {
    const reach = checkReach(answers);
    if (!answers.identity.ok) return [reach];
    const engine =
        settings.engine === "inspector2"
            ? [checkEc2Scanning(answers, settings), checkScanMode(answers), checkDeepInspection(answers), checkMachineImageResults(answers, settings)]
            : [checkClassic(answers)];
    const launching = launchesInstances(settings)
        ? [...checkSnapshotKeys(answers, settings), ...checkAmisLaunchable(answers, settings), checkPlatforms(answers, settings), checkNetwork(answers, settings), checkCapacity(answers, settings)]
        : [];
    const all = [reach, ...engine, checkGoldenAmis(answers, settings), ...launching, checkDelivery(answers, stack)];
    return all.filter((r): r is CheckResult => r !== undefined);
}
