// The stack: reads golden-ami-assessment:* config and creates one GoldenAmiAssessment per region
// (per account and region with `accounts`, each through a provider assuming that account's role).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GoldenAmiAssessment } from "./components/goldenAmiAssessment";
import { CONFIG_NAMESPACE, readStackConfig } from "./components/stackConfig";
import { validateHubAccount } from "./components/accountsConfig";
import { HubSpoke, hubSpokeOf, stackHub } from "./components/hub";
import { placeOutputs, stackTargets, targetProviderArgs, validateTargetNames } from "./components/stackTargets";

const config = new pulumi.Config(CONFIG_NAMESPACE);
// Every key of the stack, so that a misspelled one is refused instead of silently ignored.
const settings = readStackConfig((key) => config.get(key), new pulumi.Config("aws").get("region"), Object.keys(pulumi.runtime.allConfig()));

const stack = pulumi.getStack();
// One target per account and region (without `accounts`: per region, in the stack's own account).
const targets = stackTargets(stack, settings.regions, settings.accounts);
validateTargetNames(targets, settings.engine, settings.scanMode);

/** A hub is asked for by `accounts`, `hub` or `digestSchedule` (docs/hub.md). */
const hubWanted = Boolean(settings.accounts || settings.hub || settings.hubOptions.digestSchedule);
/** The deploying account's provider, only with a hub: its caller identity checks `hub`. */
const deployingProvider = hubWanted ? new aws.Provider("aws-deploying-account", { region: settings.regions[0] as aws.Region }) : undefined;
/**
 * With a hub: the provider of the hub's account (`hub`, else the deploying account) in the
 * first region, for the hub. A `hub` the stack does not reach fails the preview naming the key; the provider
 * also refuses any other account (allowedAccountIds).
 */
const hubProvider = deployingProvider && hubAccountProvider(deployingProvider);

function hubAccountProvider(deploying: aws.Provider): aws.Provider {
    const key = `${CONFIG_NAMESPACE}:hub`;
    const hubAccount = aws.getCallerIdentityOutput({}, { provider: deploying }).accountId.apply((id) => validateHubAccount(key, settings.hub, settings.accounts, id));
    const hubRole = settings.accounts?.find((account) => account.id === settings.hub)?.roleArn;
    const target = { region: settings.regions[0], component: "", provider: "", roleArn: hubRole };
    return new aws.Provider("aws-hub", { ...(targetProviderArgs(stack, target) as aws.ProviderArgs), allowedAccountIds: hubAccount.apply((id) => [id]) });
}

// The hub: created first, so each spoke knows its bucket; it admits them all after the loop.
const hub = hubProvider && stackHub(stack, settings, { providers: { aws: hubProvider } }, true);
const hubSpokes: HubSpoke[] = [];

/** Outputs keyed by region; with `accounts`, by account then region. */
export const assessments: Record<string, object> = {};
for (const target of targets) {
    const { region } = target;
    // One provider per account and region, so a GovCloud region can use its own credentials (aws:profile etc. apply to all).
    const provider = new aws.Provider(target.provider, targetProviderArgs(stack, target) as aws.ProviderArgs);
    const assessment = new GoldenAmiAssessment(
        target.component,
        {
            region,
            engine: settings.engine,
            scanMode: settings.scanMode,
            enableInspector: settings.enableInspector,
            amiTags: settings.amiTags,
            amiOwners: settings.amiOwners,
            rulesPackages: settings.rulesPackages,
            duration: settings.durationSeconds,
            schedule: settings.schedule,
            instanceTypes: settings.instanceTypes,
            subnetId: target.subnetId ?? settings.subnets[region],
            notificationEmails: settings.notificationEmails,
            severityThreshold: settings.severityThreshold,
            reportRetentionDays: settings.reportRetentionDays,
            maxConcurrentInstances: settings.maxConcurrentInstances,
            kmsKeyArns: settings.kmsKeyArns,
            deprecateFailingAmis: settings.deprecateFailingAmis,
            reserveStartConcurrency: settings.reserveStartConcurrency,
            acceptedRisks: settings.acceptedRisks,
            failWhen: settings.failWhen,
            securityHub: settings.securityHub,
            assessOnPublish: settings.assessOnPublish,
            assessOnTag: settings.assessOnTag,
            hub: hub && { bucketName: hub.bucketName },
            perRunEmails: settings.hubOptions.perRunEmails,
        },
        { providers: { aws: provider } },
    );
    hubSpokes.push(hubSpokeOf(region, settings.engine, settings.schedule, assessment));
    placeOutputs(assessments, target, {
        engine: assessment.engine,
        resultsTopicArn: assessment.resultsTopicArn,
        startFunctionName: assessment.startFunctionName,
        bucketName: assessment.bucketName,
        ...(assessment.templateArn ? { templateArn: assessment.templateArn } : {}),
    });
}

hub?.admitSpokes(hubSpokes);
/** The hub, when the stack has one (an empty object without: an undefined export makes Pulumi warn). */
export const hubOutputs = !hub ? {} : { bucketName: hub.bucketName, resultsTopicArn: hub.resultsTopicArn, indexFunctionName: hub.indexFunctionName, digestFunctionName: hub.digestFunctionName };
