// The contract between the component and the handlers: the component sets these
// environment variables on each function; handlers read them once per container.
export type Severity = "Critical" | "High" | "Medium" | "Low" | "Informational";

export interface RuntimeSettings {
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
    assessmentTargetArn: string;
    assessmentTemplateArn: string;
    durationSeconds: number;
    severityThreshold: Severity;
    resultsTopicArn: string;
    reportBucket: string;
    /** Key prefix for everything the handlers write to the bucket, ends with "/". */
    reportPrefix: string;
    /** How long start waits for agents to become HEALTHY. */
    agentWaitSeconds: number;
    /** Extra time the reaper allows beyond duration + agent wait. */
    reapGraceSeconds: number;
}

/** Environment variable name for each setting. */
export const SETTINGS_ENV: Record<keyof RuntimeSettings, string> = {
    pipelineName: "PIPELINE_NAME",
    amiTags: "AMI_TAGS",
    amiOwners: "AMI_OWNERS",
    instanceTypes: "INSTANCE_TYPES",
    subnetIds: "SUBNET_IDS",
    securityGroupId: "SECURITY_GROUP_ID",
    assessmentTargetArn: "ASSESSMENT_TARGET_ARN",
    assessmentTemplateArn: "ASSESSMENT_TEMPLATE_ARN",
    durationSeconds: "DURATION_SECONDS",
    severityThreshold: "SEVERITY_THRESHOLD",
    resultsTopicArn: "RESULTS_TOPIC_ARN",
    reportBucket: "REPORT_BUCKET",
    reportPrefix: "REPORT_PREFIX",
    agentWaitSeconds: "AGENT_WAIT_SECONDS",
    reapGraceSeconds: "REAP_GRACE_SECONDS",
};

const JSON_SETTINGS: ReadonlyArray<keyof RuntimeSettings> = ["amiTags", "amiOwners", "instanceTypes", "subnetIds"];
const NUMBER_SETTINGS: ReadonlyArray<keyof RuntimeSettings> = ["durationSeconds", "agentWaitSeconds", "reapGraceSeconds"];

/** Renders settings as Lambda environment variables (only the keys given). */
export function settingsToEnv(settings: Partial<RuntimeSettings>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(settings)) {
        if (value === undefined) continue;
        env[SETTINGS_ENV[key as keyof RuntimeSettings]] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return env;
}

/**
 * Reads the settings a handler needs. A missing or malformed variable throws, naming it:
 * a misconfigured function must fail loudly on its first invocation, not guess.
 */
export function readSettings<K extends keyof RuntimeSettings>(
    env: Record<string, string | undefined>,
    keys: ReadonlyArray<K>,
): Pick<RuntimeSettings, K> {
    const settings = {} as Pick<RuntimeSettings, K>;
    for (const key of keys) {
        const name = SETTINGS_ENV[key];
        const raw = env[name];
        if (raw === undefined || raw === "") throw new Error(`environment variable ${name} is not set`);
        let value: unknown = raw;
        if (JSON_SETTINGS.includes(key)) {
            try {
                value = JSON.parse(raw);
            } catch {
                throw new Error(`environment variable ${name} is not valid JSON: ${raw}`);
            }
        } else if (NUMBER_SETTINGS.includes(key)) {
            value = Number(raw);
            if (!Number.isFinite(value)) throw new Error(`environment variable ${name} is not a number: ${raw}`);
        }
        (settings as Record<string, unknown>)[key] = value;
    }
    return settings;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
