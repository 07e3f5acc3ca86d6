// The Inspector v2 handlers' IAM documents. Inspector v2's List/Get calls have no resource-level
// permissions; everything that can be scoped (EC2, IAM, S3, CIS configurations by tag) is.
import {
    LaunchScope,
    PolicyDocument,
    PolicyScope,
    PolicyStatement,
    commonStatements,
    deprecationStatements,
    describeStatement,
    launchStatements,
    runStateStatements,
    tagGoldenAmisStatement,
    terminatePipelineInstances,
} from "../../infra/policies";
import { spokeHubStatement } from "../../infra/hubPolicies";
import type { RulesPackageName } from "../../pipeline/run/rulesPackages";
import { PIPELINE_TAG } from "../../pipeline/run/tags";
import type { ScanModeSetting } from "./settings";
import { VERDICT_EVENT_DETAIL_TYPE, VERDICT_EVENT_SOURCE } from "../../pipeline/report/verdictEvents";

export interface Inspector2Scope {
    scanMode: ScanModeSetting;
    rulesPackages: RulesPackageName[];
    /** The instance role; absent for an agentless-only stack, which passes no role. */
    instanceRoleArn?: string;
    /** securityHub: true adds BatchImportFindings on the account's default product. */
    securityHub?: boolean;
}

/**
 * Where verdicts go: PutEvents on the region's default bus only, and only our source and detail
 * type (events:source, events:detail-type: multi-valued, one value per entry, so ForAllValues, with
 * Null false so that a request without them cannot match vacuously); BatchImportFindings on the account's own default
 * product only, and only with securityHub (IAM action data: its resource type is "product").
 */
export function verdictSinkStatements(scope: PolicyScope, v2: Pick<Inspector2Scope, "securityHub">): PolicyStatement[] {
    const statements: PolicyStatement[] = [
        {
            Sid: "PutVerdictEventsOnTheDefaultBusOnly",
            Effect: "Allow",
            Action: ["events:PutEvents"],
            Resource: `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:event-bus/default`,
            Condition: {
                "ForAllValues:StringEquals": { "events:source": VERDICT_EVENT_SOURCE, "events:detail-type": VERDICT_EVENT_DETAIL_TYPE },
                Null: { "events:source": "false", "events:detail-type": "false" },
            },
        },
    ];
    if (v2.securityHub) {
        statements.push({
            Sid: "ImportVerdictFindingsIntoTheAccountsDefaultProductOnly",
            Effect: "Allow",
            Action: ["securityhub:BatchImportFindings"],
            Resource: `arn:${scope.partition}:securityhub:${scope.region}:${scope.accountId}:product/${scope.accountId}/default`,
        });
    }
    return statements;
}

function inspector2Reads(actions: string[]): PolicyStatement {
    return { Sid: "Inspector2ListAndGetHaveNoResourceLevelPermissions", Effect: "Allow", Action: actions.map((a) => `inspector2:${a}`), Resource: "*" };
}

/** CIS scan configurations are taggable: created only with our tag, deleted only when they carry it. */
function cisConfigurationStatement(scope: PolicyScope, actions: string[], tagCondition: "aws:RequestTag" | "aws:ResourceTag"): PolicyStatement {
    return {
        Sid: tagCondition === "aws:RequestTag" ? "CreateOnlyCisScansTaggedForThisPipeline" : "DeleteOnlyThisPipelinesCisScans",
        Effect: "Allow",
        Action: actions.map((a) => `inspector2:${a}`),
        Resource: "*",
        Condition: { StringEquals: { [`${tagCondition}/${PIPELINE_TAG}`]: scope.pipelineName } },
    };
}

function passInstanceRole(roleArn: string): PolicyStatement {
    return {
        Sid: "PassOnlyTheInstanceRoleToEc2",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: roleArn,
        Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    };
}

export function startPolicy(scope: PolicyScope, launch: LaunchScope, v2: Inspector2Scope): PolicyDocument {
    const launches = v2.scanMode !== "agentless";
    const statements: PolicyStatement[] = [
        ...commonStatements(scope),
        describeStatement(launches ? ["ec2:DescribeImages", "ec2:DescribeInstances"] : ["ec2:DescribeImages"]),
        // GetConfiguration: the scan mode, so the report can say when the account is hybrid.
        inspector2Reads(launches ? ["BatchGetAccountStatus", "GetConfiguration"] : ["BatchGetAccountStatus"]),
        ...runStateStatements(scope, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
        // Start reports a run that launched nothing itself, and sends its verdicts.
        ...verdictSinkStatements(scope, v2),
    ];
    if (v2.scanMode !== "instance") {
        // The IAM action data lists no resource type for GetImageFindings (reference §10); an
        // unsupported image-ARN scope would make this Allow never match.
        statements.push({ Sid: "GetImageFindingsHasNoDocumentedResourceTypes", Effect: "Allow", Action: ["ec2:GetImageFindings"], Resource: "*" });
        // Start reports AMI-result verdicts itself and tags those AMIs, as analyze does for launched runs.
        statements.push(tagGoldenAmisStatement(scope));
    }
    if (launches) {
        if (!v2.instanceRoleArn) throw new Error("an instance role is needed to launch");
        statements.push(...launchStatements(scope, launch), terminatePipelineInstances(scope), passInstanceRole(v2.instanceRoleArn));
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The publish function does what start does for one AMI at a time: describe it, claim, launch
 * with the same scoped RunInstances/CreateTags/PassRole, clean up a failed launch, report. So it
 * gets exactly start's statements (no reaping beyond its own run: TerminateInstances stays
 * scoped to the pipeline's instances), and nothing that start lacks.
 */
export function publishPolicy(scope: PolicyScope, launch: LaunchScope, v2: Inspector2Scope): PolicyDocument {
    return startPolicy(scope, launch, v2);
}

export function analyzePolicy(scope: PolicyScope, v2: Inspector2Scope): PolicyDocument {
    // GetEc2DeepInspectionConfiguration: whether a DEEP_INSPECTION_* coverage reason can be final.
    const reads = ["ListCoverage", "ListFindings", "GetEc2DeepInspectionConfiguration"];
    const cis = v2.rulesPackages.includes("cis");
    if (cis) reads.push("ListCisScanConfigurations", "ListCisScans", "ListCisScanResultsAggregatedByTargetResource", "GetCisScanResultDetails");
    // Analyze creates the run's CIS scan once SSM manages the instances, and deletes it: one role for both.
    const cisLifecycle = cis
        ? [cisConfigurationStatement(scope, ["CreateCisScanConfiguration", "TagResource"], "aws:RequestTag"), cisConfigurationStatement(scope, ["DeleteCisScanConfiguration"], "aws:ResourceTag")]
        : [];
    return {
        Version: "2012-10-17",
        Statement: [
            ...commonStatements(scope),
            // DescribeImages: an AMI deregistered mid-run is reported NOT ASSESSED (amiGone.ts).
            describeStatement(["ec2:DescribeInstances", "ec2:DescribeImages"]),
            inspector2Reads(reads),
            ...cisLifecycle,
            terminatePipelineInstances(scope),
            tagGoldenAmisStatement(scope),
            ...deprecationStatements(scope),
            ...runStateStatements(scope, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
            ...verdictSinkStatements(scope, v2),
            ...(scope.hub ? [spokeHubStatement(scope.partition, scope.hub.bucket, scope.hub.prefix)] : []),
        ],
    };
}

export const EC2_ASSUME_ROLE_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Sid: "Ec2AssumesRole", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
