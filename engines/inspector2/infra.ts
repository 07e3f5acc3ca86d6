// The Inspector v2 engine: no assessment runs. Instances launch with an SSM-only instance profile,
// Inspector scans them on its own, and analyze is woken by Inspector's scan events and by a
// short sweep schedule behind them (events are best effort).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../../infra/defaults";
import { Engine, EngineInputs, pickEnvironment } from "../../infra/engine";
import { scheduleInvocation } from "../../infra/schedule";
import type { RulesPackageName } from "../../pipeline/run/rulesPackages";
import { Severity, settingsToEnv } from "../../pipeline/run/settings";
import { analyzeHandlerFactory, analyzeSettingsKeys } from "./analyze";
import { EC2_ASSUME_ROLE_POLICY, analyzePolicy, publishPolicy, startPolicy } from "./policies";
import { publishHandler } from "./publishInfra";
import { publishSettingsKeys } from "./publish";
import { INSPECTOR2_SETTINGS_SPEC, Inspector2Settings } from "./settings";
import { startHandlerFactory, startSettingsKeys } from "./start";

/**
 * What wakes analyze: Inspector v2's scan events for EC2 instances only. "Inspector2 Scan" is also
 * sent for ECR images and Lambda functions; only EC2's carry detail.instance-id (reference §3, §10).
 */
export const SCAN_EVENT_PATTERN = {
    source: ["aws.inspector2"],
    "detail-type": ["Inspector2 Scan"],
    detail: { "scan-status": ["INITIAL_SCAN_COMPLETE"], "instance-id": [{ exists: true }] },
};

/**
 * Start launches at most 500 instances (maxConcurrentInstances), 5 at a time, then waits up to
 * 90 s for launch failures: Lambda's maximum, and start watches its remaining time (startRun.ts).
 */
export const START_TIMEOUT_SECONDS = 900;

/** The managed policy the Inspector SSM plugin's CIS session needs on the instance (reference §10). */
export function cisInstancePolicyArn(partition: string): string {
    return `arn:${partition}:iam::aws:policy/AmazonInspector2ManagedCisPolicy`;
}

interface InstanceIdentity {
    role: aws.iam.Role;
    profile: aws.iam.InstanceProfile;
}

/** The instances' role: the partition's SSM core managed policy, and the CIS one only when CIS is asked for. */
function instanceIdentity(name: string, partition: string, rulesPackages: pulumi.Output<RulesPackageName[]>, parent: pulumi.Resource): InstanceIdentity {
    const role = new aws.iam.Role(
        `${name}-instance-role`,
        { assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE_POLICY), description: "Golden AMI assessment instances: SSM management only, so Inspector v2 can scan them" },
        { parent },
    );
    new aws.iam.RolePolicyAttachment(
        `${name}-instance-ssm`,
        { role: role.name, policyArn: `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` },
        { parent },
    );
    // rulesPackages comes from validated config, known at preview; the attachment follows it.
    rulesPackages.apply((packages) => {
        if (!packages.includes("cis")) return;
        new aws.iam.RolePolicyAttachment(`${name}-instance-cis`, { role: role.name, policyArn: cisInstancePolicyArn(partition) }, { parent });
    });
    const profile = new aws.iam.InstanceProfile(`${name}-instance-profile`, { role: role.name }, { parent });
    return { role, profile };
}

/** The policy settings both handlers read; failWhen.maxScanAgeDays is the agentless results' age limit (amiScanMaxAgeDays). */
function verdictSettings(policy: EngineInputs["verdictPolicy"], severityThreshold: Severity): Pick<Inspector2Settings, "amiScanMaxAgeDays" | "acceptedRisks" | "failWhen" | "securityHub"> {
    return {
        amiScanMaxAgeDays: policy.failWhen?.maxScanAgeDays ?? DEFAULTS.amiScanMaxAgeDays,
        acceptedRisks: policy.acceptedRisks,
        // Always set, so the handlers' FAIL_WHEN is never missing: severityThreshold alone when not configured.
        failWhen: policy.failWhen ?? { severity: severityThreshold },
        securityHub: policy.securityHub,
    };
}

export function inspector2Engine(inputs: EngineInputs): Engine {
    const { name, region, parent, scanMode } = inputs;
    if (inputs.enableInspector) {
        // Its delete disables every scan type of the account (EC2, ECR, Lambda) and their findings
        // go with them (terraform-provider-aws enabler.go, reference §10): never let destroy do that.
        new aws.inspector2.Enabler(`${name}-inspector2`, { region, accountIds: [inputs.accountId], resourceTypes: ["EC2"] }, { parent, retainOnDelete: true });
    }
    // An agentless-only stack launches nothing, so it has no instance role to pass.
    const identity = scanMode === "agentless" ? undefined : instanceIdentity(name, inputs.partition, inputs.rulesPackages, parent);
    const settings: pulumi.Output<Inspector2Settings> = pulumi
        .all([inputs.shared, inputs.rulesPackages, identity?.profile.arn ?? ""])
        .apply(([shared, rulesPackages, instanceProfileArn]) => ({ ...shared, rulesPackages, scanMode, instanceProfileArn, ...verdictSettings(inputs.verdictPolicy, shared.severityThreshold) }));
    const environment = (keys: ReadonlyArray<keyof Inspector2Settings>) => pickEnvironment(settings, keys, (s) => settingsToEnv(s, INSPECTOR2_SETTINGS_SPEC));
    const securityHub = inputs.verdictPolicy.securityHub;
    const v2Scope = pulumi.all([inputs.rulesPackages, identity?.role.arn]).apply(([rulesPackages, instanceRoleArn]) => ({ scanMode, rulesPackages, instanceRoleArn, securityHub }));

    const outputs: Record<string, pulumi.Output<string>> = {};
    if (identity) outputs.instanceProfileArn = identity.profile.arn;
    const launchPolicy = (build: typeof startPolicy) => (logGroupArn: pulumi.Output<string>) =>
        pulumi
            .all([inputs.policyScope(logGroupArn), inputs.network.subnetIds, inputs.network.securityGroup.id, inputs.shared, v2Scope])
            .apply(([scope, subnetIds, securityGroupId, shared, v2]) => build(scope, { subnetIds, securityGroupId, amiOwners: shared.amiOwners, instanceTypes: shared.instanceTypes, kmsKeyArns: shared.kmsKeyArns }, v2));
    // Assess on publish: the publish function, its AMI rule(s) and drain schedule (publishInfra.ts).
    const publishEnvironment = pickEnvironment(settings.apply((s) => ({ ...s, assessOnTag: inputs.assessOnTag })), publishSettingsKeys(scanMode), (s) => settingsToEnv(s, INSPECTOR2_SETTINGS_SPEC));
    const extraHandlers = inputs.assessOnPublish
        ? [publishHandler({ name, region, parent, assessOnTag: inputs.assessOnTag, environment: publishEnvironment, policy: launchPolicy(publishPolicy), outputs, timeoutSeconds: START_TIMEOUT_SECONDS })]
        : [];
    return {
        extraHandlers,
        start: {
            description: "Finds golden AMIs, reads Inspector v2 AMI results or launches one SSM-managed instance per AMI for Inspector v2",
            callbackFactory: startHandlerFactory,
            environment: environment(startSettingsKeys(scanMode)),
            policy: launchPolicy(startPolicy),
            timeoutSeconds: START_TIMEOUT_SECONDS,
            memorySizeMb: 256,
            // A retry would launch a second set of instances; the run lock refuses it, but fail loudly instead.
            maximumRetryAttempts: 0,
        },
        analyze: {
            description: "Confirms Inspector v2 scans by coverage, then consolidates findings per golden AMI, reports once and terminates the run's instances",
            callbackFactory: analyzeHandlerFactory,
            environment: environment(analyzeSettingsKeys()),
            policy: (logGroupArn) => pulumi.all([inputs.policyScope(logGroupArn), v2Scope]).apply(([scope, v2]) => analyzePolicy(scope, v2)),
            timeoutSeconds: 900,
            memorySizeMb: 512,
            // Idempotent (markers and a claimed report), so retries are safe.
            maximumRetryAttempts: 2,
        },
        connect: (analyze) => {
            if (scanMode === "agentless") return; // start writes the report itself; nothing to wait for.
            const rule = new aws.cloudwatch.EventRule(
                `${name}-scan-events`,
                { region, description: "Inspector v2 finished scanning an EC2 instance", eventPattern: JSON.stringify(SCAN_EVENT_PATTERN) },
                { parent },
            );
            new aws.lambda.Permission(
                `${name}-scan-events-permission`,
                { region, action: "lambda:InvokeFunction", function: analyze.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
                { parent },
            );
            new aws.cloudwatch.EventTarget(`${name}-scan-events-target`, { region, rule: rule.name, arn: analyze.arn }, { parent });
            scheduleInvocation(`${name}-sweep-schedule`, DEFAULTS.sweepSchedule, analyze, region, parent);
            outputs.scanEventRuleArn = rule.arn;
        },
        launchDependencies: identity ? [identity.profile, identity.role] : [],
        outputs,
    };
}
