// The contract between the component and the handlers: the component sets these
// environment variables on each function; handlers read them once per container.
export type Severity = "Critical" | "High" | "Medium" | "Low" | "Informational";

/** The engine that assesses: Inspector v2 (the living service, default) or Inspector Classic. */
export type EngineName = "inspector2" | "classic";

/** instance launches one per AMI, agentless reads Inspector's AMI scan results, auto does both (v2 only). */
export const SCAN_MODES = ["instance", "agentless", "auto"] as const;
export type ScanMode = (typeof SCAN_MODES)[number];

/** Settings every engine's handlers share; each engine adds its own through a SettingsSpec. */
export interface RuntimeSettings {
    engine: EngineName;
    /** Component name; the value of PIPELINE_TAG on everything this pipeline launches. */
    pipelineName: string;
    /** tag key -> value a golden AMI must carry (at least one entry). */
    amiTags: Record<string, string>;
    /** account IDs or "self". */
    amiOwners: string[];
    /** architecture (x86_64, arm64) -> instance type. */
    instanceTypes: Record<string, string>;
    /** Subnets to launch into, first choice first. */
    subnetIds: string[];
    securityGroupId: string;
    durationSeconds: number;
    severityThreshold: Severity;
    resultsTopicArn: string;
    reportBucket: string;
    /** Key prefix for everything the handlers write to the bucket, ends with "/". */
    reportPrefix: string;
    /** How long start waits for agents to become ready. */
    agentWaitSeconds: number;
    /** Extra time the reaper allows beyond duration + agent wait. */
    reapGraceSeconds: number;
    /** Instances one run may launch; the rest wait for a later run (pipeline/waves.ts). Default 10. */
    maxConcurrentInstances?: number;
    /** KMS keys the start role may use for encrypted AMI snapshots; named in launch failures. Default none. */
    kmsKeyArns?: string[];
    /** The account the handlers run in: only its own AMIs are deprecated. */
    accountId?: string;
    /** Deprecate this account's FAIL AMIs, and undo it on a later PASS. Default false. */
    deprecateFailingAmis?: boolean;
}

/** How one set of settings travels as environment variables: a name per key, and which keys are JSON or numbers. */
export interface SettingsSpec<S> {
    env: { [K in keyof S]-?: string };
    json: ReadonlyArray<keyof S>;
    numbers: ReadonlyArray<keyof S>;
}

export const SETTINGS_SPEC: SettingsSpec<RuntimeSettings> = {
    env: {
        engine: "ENGINE",
        pipelineName: "PIPELINE_NAME",
        amiTags: "AMI_TAGS",
        amiOwners: "AMI_OWNERS",
        instanceTypes: "INSTANCE_TYPES",
        subnetIds: "SUBNET_IDS",
        securityGroupId: "SECURITY_GROUP_ID",
        durationSeconds: "DURATION_SECONDS",
        severityThreshold: "SEVERITY_THRESHOLD",
        resultsTopicArn: "RESULTS_TOPIC_ARN",
        reportBucket: "REPORT_BUCKET",
        reportPrefix: "REPORT_PREFIX",
        agentWaitSeconds: "AGENT_WAIT_SECONDS",
        reapGraceSeconds: "REAP_GRACE_SECONDS",
        maxConcurrentInstances: "MAX_CONCURRENT_INSTANCES",
        kmsKeyArns: "KMS_KEY_ARNS",
        accountId: "ACCOUNT_ID",
        deprecateFailingAmis: "DEPRECATE_FAILING_AMIS",
    },
    json: ["amiTags", "amiOwners", "instanceTypes", "subnetIds", "kmsKeyArns", "deprecateFailingAmis"],
    numbers: ["durationSeconds", "agentWaitSeconds", "reapGraceSeconds", "maxConcurrentInstances"],
};

/** The shared spec plus an engine's own keys. */
export function extendSpec<E>(extra: SettingsSpec<E>): SettingsSpec<RuntimeSettings & E> {
    return {
        env: { ...SETTINGS_SPEC.env, ...extra.env } as SettingsSpec<RuntimeSettings & E>["env"],
        json: [...SETTINGS_SPEC.json, ...extra.json],
        numbers: [...SETTINGS_SPEC.numbers, ...extra.numbers],
    };
}

/** Renders settings as Lambda environment variables (only the keys given). */
export function settingsToEnv<S = RuntimeSettings>(settings: Partial<S>, spec: SettingsSpec<S> = SETTINGS_SPEC as unknown as SettingsSpec<S>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(settings)) {
        if (value === undefined) continue;
        const name = spec.env[key as keyof S];
        if (!name) throw new Error(`no environment variable for setting ${key}`);
        env[name] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return env;
}

/**
 * Reads the settings a handler needs. A missing or malformed variable throws, naming it:
 * a misconfigured function must fail loudly on its first invocation, not guess.
 */
export function readSettings<S = RuntimeSettings, K extends keyof S = keyof S>(
    env: Record<string, string | undefined>,
    keys: ReadonlyArray<K>,
    spec: SettingsSpec<S> = SETTINGS_SPEC as unknown as SettingsSpec<S>,
): Pick<S, K> {
    const settings = {} as Pick<S, K>;
    for (const key of keys) {
        const name = spec.env[key];
        const raw = env[name];
        if (raw === undefined || raw === "") throw new Error(`environment variable ${name} is not set`);
        let value: unknown = raw;
        if (spec.json.includes(key)) {
            try {
                value = JSON.parse(raw);
            } catch {
                throw new Error(`environment variable ${name} is not valid JSON: ${raw}`);
            }
        } else if (spec.numbers.includes(key)) {
            value = Number(raw);
            if (!Number.isFinite(value)) throw new Error(`environment variable ${name} is not a number: ${raw}`);
        }
        (settings as Record<string, unknown>)[key as string] = value;
    }
    return settings;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
