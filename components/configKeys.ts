// The stack's config keys (namespace golden-ami-assessment) with what each means. A key the
// program does not know is an error with "did you mean", never silently ignored; so is a key in
// a namespace one typo away from ours.
import { ConfigError, VALUE_NOT_SHOWN } from "./config";

/** Every key the stack reads, with the description Pulumi.yaml declares for it. */
export const STACK_CONFIG_KEYS = {
    engine: "inspector2 (Amazon Inspector v2, the default) or classic (end of support 2026-05-20)",
    scanMode: "inspector2: instance (launch one SSM-managed instance per AMI), agentless (read Inspector's AMI scan results) or auto (both)",
    enableInspector: "inspector2: enable EC2 scanning for the account in each region (account-wide and billed; kept on destroy)",
    regions: "the regions to assess, all in one partition (default: aws:region)",
    amiTags: "required: tag key -> value a golden AMI carries; never empty",
    amiOwners: 'AMI owners: 12-digit account IDs or "self"',
    rulesPackages: "inspector2: cve, cis; classic: cve, cis, security-best-practices, network-reachability",
    duration: "how long an instance is assessed: 15m (classic only), 1h, 8h, 12h or 24h, or the same in seconds",
    schedule: "EventBridge schedule of the runs: rate(N unit) or a 6-field cron()",
    instanceTypes: "architecture (x86_64, arm64) -> instance type of that architecture",
    subnets: "region -> subnet ID for the instances (default: the default VPC's subnets)",
    notificationEmails: "email addresses subscribed to the results topic",
    severityThreshold: "an AMI with a finding at or above this severity fails: Critical, High, Medium, Low or Informational",
    reportRetentionDays: "days a report is kept in the bucket",
    maxConcurrentInstances: "instances one run may launch, 1 to 500",
    kmsKeyArns: "KMS key ARNs of golden AMI snapshots' customer-managed keys, each in a configured region",
    deprecateFailingAmis: "deprecate this account's FAIL AMIs (a later PASS undoes it)",
    reserveStartConcurrency: "reserve a concurrency of 1 for start",
    acceptedRisks: "inspector2: accepted risks, each {id, amis?, reason, owner, expires}; see docs/policy.md",
    failWhen: "inspector2: {severity, fixAvailableForDays, maxScanAgeDays}, as EC2 Allowed AMIs' ScanResultCondition; see docs/policy.md",
    securityHub: "inspector2: send each AMI's verdict to Security Hub as a finding (BatchImportFindings)",
    assessOnPublish: "inspector2: assess a golden AMI when it becomes available (default true on inspector2; classic: schedule only)",
    assessOnTag: "inspector2: also when a tag makes an AMI golden (CloudTrail CreateTags: needs a trail)",
    digestSchedule: "EventBridge schedule of the hub's digest email; setting it creates the hub (default with a hub: rate(1 day))",
    perRunEmails: "email every run's summary per region (default: true without a hub, false with one)",
    accounts: "accounts to deploy to, each { id, roleArn } or { id } with roleName (default: the stack's own account; docs/accounts.md)",
    roleName: "the role assumed in each account of accounts that gives no roleArn",
    hub: "the account hosting the hub: one of accounts or the deploying account (default: the deploying account)",
} as const;

export type StackConfigKey = keyof typeof STACK_CONFIG_KEYS;

/** Levenshtein distance, enough to tell a typo from another word. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The nearest candidate within a third of its length (case ignored), if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
    const scored = candidates
        .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate.toLowerCase()) }))
        .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(candidate.length / 3)))
        .sort((a, b) => a.distance - b.distance);
    return scored[0]?.candidate;
}

/**
 * Errors for the keys of `allKeys` ("namespace:key", as runtime.allConfig() gives them) that the
 * program does not know: in our namespace, or in a namespace that is a typo of ours. The value is
 * not printed: under `pulumi up` it is decrypted, and a misspelled key may hold a secret.
 */
export function unknownKeyErrors(allKeys: readonly string[], namespace: string): ConfigError[] {
    const known = Object.keys(STACK_CONFIG_KEYS);
    const errors: ConfigError[] = [];
    for (const fullKey of allKeys) {
        const colon = fullKey.indexOf(":");
        const [space, name] = colon < 0 ? ["", fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
        const ours = space === namespace;
        const typoOfOurs = !ours && space !== "" && editDistance(space, namespace) <= 3;
        if ((ours && known.includes(name)) || (!ours && !typoOfOurs)) continue;
        const guess = nearest(name, known) ?? (typoOfOurs && known.includes(name) ? name : undefined);
        const where = typoOfOurs ? `unknown namespace ${space} (this project's is ${namespace})` : `unknown key`;
        const hint = guess ? `did you mean ${namespace}:${guess}?` : `known keys are ${known.join(", ")}`;
        errors.push(new ConfigError(fullKey, VALUE_NOT_SHOWN, `${where}; ${hint}`));
    }
    return errors;
}
