// The role the stack assumes in each account of `accounts` (docs/accounts.md prints it): trusted by the
// deploying account only, allowed to create, read, update, tag and delete exactly what one
// GoldenAmiAssessment creates, and only under the component's names (gaa-*). Pure documents; every
// action named, none by wildcard.
import { Partition } from "./partition";
import { PolicyDocument } from "./policies";

/** Where a statement applies: the account and partition of the member account. */
export interface MemberScope {
    partition: Partition;
    account: string;
}

export interface MemberStatement {
    Sid: string;
    /** The Pulumi resource types (or "lookups") whose create/read/update/tag/delete need these actions. */
    types: string[];
    actions: string[];
    resources: (scope: MemberScope) => string[];
    condition?: Record<string, Record<string, string | string[]>>;
    /** Where the actions come from. SAR: the AWS Service Authorization Reference page of the service. */
    source: string;
}

/** Every component name starts with "gaa-" (components/stackTargets.ts): the scope of every name below. */
const NAME = "gaa-*";
const SAR = (page: string) => `https://docs.aws.amazon.com/service-authorization/latest/reference/list_${page}.html`;
const arn = (service: string, resource: string, regional = true) => (s: MemberScope) => [`arn:${s.partition}:${service}:${regional ? "*" : ""}:${s.account}:${resource}`];

/** The managed policies the component attaches to its instance role (engines/inspector2/infra.ts). */
const MANAGED_POLICIES = ["AmazonSSMManagedInstanceCore", "AmazonInspector2ManagedCisPolicy"];

export const MEMBER_STATEMENTS: MemberStatement[] = [
    {
        Sid: "RolesOfTheComponent",
        types: ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
        actions: [
            "iam:CreateRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
            "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy",
        ],
        resources: arn("iam", `role/${NAME}`, false),
        source: `${SAR("awsidentityandaccessmanagementiam")}; the provider's aws.iam.Role reads inline and attached policies and instance profiles before delete`,
    },
    {
        Sid: "AttachOnlyTheInstanceRolesManagedPolicies",
        types: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
        actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        resources: arn("iam", `role/${NAME}`, false),
        condition: { ArnLike: { "iam:PolicyARN": MANAGED_POLICIES.map((name) => `arn:*:iam::aws:policy/${name}`) } },
        source: `${SAR("awsidentityandaccessmanagementiam")} (condition key iam:PolicyARN)`,
    },
    {
        Sid: "InstanceProfileOfTheComponent",
        types: ["aws:iam/instanceProfile:InstanceProfile"],
        actions: ["iam:CreateInstanceProfile", "iam:GetInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile"],
        resources: arn("iam", `instance-profile/${NAME}`, false),
        source: SAR("awsidentityandaccessmanagementiam"),
    },
    {
        // [?] AddRoleToInstanceProfile also checks iam:PassRole; its iam:PassedToService is not documented, so no condition.
        Sid: "PassOnlyTheComponentsRoles",
        types: ["aws:lambda/function:Function", "aws:iam/instanceProfile:InstanceProfile"],
        actions: ["iam:PassRole"],
        resources: arn("iam", `role/${NAME}`, false),
        source: `${SAR("awsidentityandaccessmanagementiam")}; Lambda CreateFunction and IAM AddRoleToInstanceProfile pass the role`,
    },
    {
        Sid: "InspectorServiceLinkedRoleOnly",
        types: ["aws:inspector2/enabler:Enabler"],
        actions: ["iam:CreateServiceLinkedRole"],
        resources: (s) => [`arn:${s.partition}:iam::${s.account}:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2`],
        condition: { StringEquals: { "iam:AWSServiceName": "inspector2.amazonaws.com" } },
        source: "Amazon Inspector user guide, Using service-linked roles: enabling Inspector creates AWSServiceRoleForAmazonInspector2",
    },
    {
        Sid: "FunctionsOfTheComponent",
        types: ["aws:lambda/function:Function", "aws:lambda/permission:Permission", "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "aws:lambda/invocation:Invocation"],
        actions: [
            "lambda:CreateFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction",
            "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:PutFunctionConcurrency", "lambda:GetFunctionConcurrency", "lambda:DeleteFunctionConcurrency",
            "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags",
            "lambda:AddPermission", "lambda:GetPolicy", "lambda:RemovePermission",
            "lambda:PutFunctionEventInvokeConfig", "lambda:GetFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig",
            "lambda:InvokeFunction",
        ],
        resources: arn("lambda", `function:${NAME}`),
        source: `${SAR("awslambda")}; lambda.Invocation invokes the reaper on destroy (infra/destroyGuard.ts)`,
    },
    {
        Sid: "LogGroupsOfTheComponent",
        types: ["aws:cloudwatch/logGroup:LogGroup"],
        actions: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:DeleteLogGroup", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
        resources: arn("logs", "log-group:/golden-ami-assessment/*"),
        source: SAR("amazoncloudwatchlogs"),
    },
    {
        Sid: "ListingHasNoResourceLevelPermissions",
        types: ["aws:cloudwatch/logGroup:LogGroup", "aws:ec2/securityGroup:SecurityGroup", "lookups"],
        actions: ["logs:DescribeLogGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "cloudwatch:DescribeAlarms"],
        resources: () => ["*"],
        source: `${SAR("amazoncloudwatchlogs")}, ${SAR("amazonec2")}, ${SAR("amazoncloudwatch")}: these list actions support no resource type`,
    },
    {
        Sid: "AlarmsOfTheComponent",
        types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
        actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
        resources: arn("cloudwatch", `alarm:${NAME}`),
        source: SAR("amazoncloudwatch"),
    },
    {
        Sid: "RulesOfTheComponent",
        types: ["aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget"],
        actions: ["events:PutRule", "events:DescribeRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource", "events:PutTargets", "events:ListTargetsByRule", "events:RemoveTargets"],
        resources: arn("events", `rule/${NAME}`),
        source: SAR("amazoneventbridge"),
    },
    {
        Sid: "QueuesOfTheComponent",
        types: ["aws:sqs/queue:Queue"],
        actions: ["sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags"],
        resources: arn("sqs", NAME),
        source: SAR("amazonsqs"),
    },
    {
        Sid: "TopicsOfTheComponent",
        types: ["aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription"],
        actions: ["sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"],
        resources: arn("sns", NAME),
        source: SAR("amazonsns"),
    },
    {
        // The SAR lists no resource type for Unsubscribe: it acts on a subscription ARN, which no policy can name in advance.
        Sid: "UnsubscribeHasNoResourceLevelPermissions",
        types: ["aws:sns/topicSubscription:TopicSubscription"],
        actions: ["sns:Unsubscribe"],
        resources: () => ["*"],
        source: SAR("amazonsns"),
    },
    {
        Sid: "BucketsOfTheComponent",
        types: [
            "aws:s3/bucket:Bucket", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ],
        actions: [
            "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning",
            "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketTagging", "s3:GetBucketPolicy",
            "s3:GetBucketOwnershipControls", "s3:GetBucketPublicAccessBlock", "s3:PutBucketTagging", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
            "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketOwnershipControls", "s3:PutBucketPublicAccessBlock", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
            "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration",
        ],
        resources: (s) => [`arn:${s.partition}:s3:::${NAME}`],
        source: `${SAR("amazons3")}; the provider's aws.s3.Bucket read calls the bucket's Get* configuration actions`,
    },
    {
        // The hub's list of expected spokes (components/hub.ts admitSpokes), an object the stack writes.
        Sid: "TheHubsSpokeListObject",
        types: ["aws:s3/bucketObjectv2:BucketObjectv2"],
        actions: ["s3:PutObject", "s3:GetObject", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObject"],
        resources: (s) => [`arn:${s.partition}:s3:::${NAME}/hub/*`],
        source: `${SAR("amazons3")}; [?] the provider's aws.s3.BucketObjectv2 read calls HeadObject (s3:GetObject) and GetObjectTagging`,
    },
    {
        Sid: "CreateSecurityGroupsNamedForTheComponent",
        types: ["aws:ec2/securityGroup:SecurityGroup"],
        actions: ["ec2:CreateSecurityGroup"],
        resources: (s) => [`arn:${s.partition}:ec2:*:${s.account}:security-group/*`],
        condition: { StringLike: { "aws:RequestTag/Name": `${NAME}-instances` } },
        source: `${SAR("amazonec2")}; infra/network.ts tags the group Name=<component>-instances`,
    },
    {
        Sid: "CreateSecurityGroupsInAnyVpc",
        types: ["aws:ec2/securityGroup:SecurityGroup"],
        actions: ["ec2:CreateSecurityGroup"],
        resources: (s) => [`arn:${s.partition}:ec2:*:${s.account}:vpc/*`],
        source: `${SAR("amazonec2")}: CreateSecurityGroup also authorizes on the VPC`,
    },
    {
        Sid: "TagSecurityGroupsOnlyAtCreation",
        types: ["aws:ec2/securityGroup:SecurityGroup"],
        actions: ["ec2:CreateTags"],
        resources: (s) => [`arn:${s.partition}:ec2:*:${s.account}:security-group/*`],
        condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" } },
        source: `${SAR("amazonec2")} (condition key ec2:CreateAction)`,
    },
    {
        Sid: "ChangeOnlyTheComponentsSecurityGroups",
        types: ["aws:ec2/securityGroup:SecurityGroup"],
        actions: ["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
        resources: (s) => [`arn:${s.partition}:ec2:*:${s.account}:security-group/*`],
        condition: { StringLike: { "ec2:ResourceTag/Name": `${NAME}-instances` } },
        source: `${SAR("amazonec2")}; the provider revokes the default egress rule after creating a group`,
    },
    {
        // Enabler is kept on destroy (retainOnDelete): inspector2:Disable is deliberately not granted.
        Sid: "EnableInspectorHasNoResourceLevelPermissions",
        types: ["aws:inspector2/enabler:Enabler"],
        actions: ["inspector2:Enable", "inspector2:BatchGetAccountStatus"],
        resources: () => ["*"],
        source: SAR("amazoninspector2"),
    },
    {
        Sid: "InspectorClassicHasNoResourceLevelPermissions",
        types: ["aws:inspector/resourceGroup:ResourceGroup", "aws:inspector/assessmentTarget:AssessmentTarget", "aws:inspector/assessmentTemplate:AssessmentTemplate"],
        actions: [
            "inspector:CreateResourceGroup", "inspector:DescribeResourceGroups", "inspector:CreateAssessmentTarget", "inspector:DescribeAssessmentTargets", "inspector:UpdateAssessmentTarget",
            "inspector:DeleteAssessmentTarget", "inspector:CreateAssessmentTemplate", "inspector:DescribeAssessmentTemplates", "inspector:DeleteAssessmentTemplate",
            "inspector:SubscribeToEvent", "inspector:UnsubscribeFromEvent", "inspector:ListEventSubscriptions", "inspector:ListTagsForResource", "inspector:SetTagsForResource",
        ],
        resources: () => ["*"],
        source: SAR("amazoninspector"),
    },
];

/** The member role's permissions policy in an account. */
export function memberRolePolicy(scope: MemberScope): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: MEMBER_STATEMENTS.map((s) => ({
            Sid: s.Sid,
            Effect: "Allow",
            Action: s.actions,
            Resource: s.resources(scope),
            ...(s.condition ? { Condition: s.condition } : {}),
        })),
    };
}

/** The member role's trust policy: the deploying account, whose own IAM decides which of its principals may assume it. */
export function memberTrustPolicy(partition: Partition, deployingAccount: string) {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "TheDeployingAccount", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${deployingAccount}:root` }, Action: "sts:AssumeRole" }],
    };
}
