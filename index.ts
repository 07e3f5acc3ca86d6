// The stack: reads golden-ami-assessment:* config and creates one GoldenAmiAssessment per region.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GoldenAmiAssessment } from "./components/goldenAmiAssessment";
import { CONFIG_NAMESPACE, componentName, readStackConfig } from "./components/stackConfig";
import { HubSpoke, hubSpokeOf, stackHub } from "./components/hub";

const config = new pulumi.Config(CONFIG_NAMESPACE);
// Every key of the stack, so that a misspelled one is refused instead of silently ignored.
const settings = readStackConfig((key) => config.get(key), new pulumi.Config("aws").get("region"), Object.keys(pulumi.runtime.allConfig()));

// The hub (docs/hub.md): created first, so each spoke knows its bucket; it admits them all after the loop.
const hub = stackHub(pulumi.getStack(), settings, { providers: { aws: new aws.Provider("aws-hub", { region: settings.regions[0] as aws.Region }) } });
const hubSpokes: HubSpoke[] = [];

/** Outputs keyed by region. */
export const assessments: Record<string, object> = {};
for (const region of settings.regions) {
    // One provider per region, so a GovCloud region can use its own credentials (aws:profile etc. apply to all).
    const provider = new aws.Provider(`aws-${region}`, { region: region as aws.Region });
    const assessment = new GoldenAmiAssessment(
        componentName(pulumi.getStack(), region),
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
            subnetId: settings.subnets[region],
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
            perRunEmails: settings.hub.perRunEmails,
        },
        { providers: { aws: provider } },
    );
    hubSpokes.push(hubSpokeOf(region, settings.engine, settings.schedule, assessment));
    assessments[region] = {
        engine: assessment.engine,
        resultsTopicArn: assessment.resultsTopicArn,
        startFunctionName: assessment.startFunctionName,
        bucketName: assessment.bucketName,
        ...(assessment.templateArn ? { templateArn: assessment.templateArn } : {}),
    };
}

hub?.admitSpokes(hubSpokes);
/** The hub, when the stack has one (an empty object without: an undefined export makes Pulumi warn). */
export const hubOutputs = !hub ? {} : { bucketName: hub.bucketName, resultsTopicArn: hub.resultsTopicArn, indexFunctionName: hub.indexFunctionName, digestFunctionName: hub.digestFunctionName };
