// The resource graph of a multi-region deployment (including GovCloud, one stack per partition) under Pulumi's mock runtime.
import { expect } from "chai";
import { PIPELINE_TAG } from "../../pipeline/run/tags";
import { MOCK_ACCOUNT, Plan, PlannedResource, planIndexPerPartition } from "../../scripts/mockRuntime";

const REGIONS = ["us-east-1", "eu-west-1", "us-gov-west-1"];
const CONFIG = {
    "aws:region": "us-east-1",
    "golden-ami-assessment:engine": "classic",
    "golden-ami-assessment:regions": JSON.stringify(REGIONS),
    "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true", team: "platform" }),
    "golden-ami-assessment:subnets": JSON.stringify({ "eu-west-1": "subnet-0123456789abcdef0" }),
    "golden-ami-assessment:notificationEmails": JSON.stringify(["secops@example.com", "platform@example.com"]),
    "golden-ami-assessment:duration": "8h",
    "golden-ami-assessment:schedule": "cron(0 6 ? * MON *)",
    "golden-ami-assessment:reportRetentionDays": "90",
};

const component = (region: string) => `gaa-test-${region}`;
const partition = (region: string) => (region.startsWith("us-gov-") ? "aws-us-gov" : "aws");

describe("GoldenAmiAssessment resource graph, engine classic (3 regions incl. GovCloud)", () => {
    let plan: Plan;
    before(async () => {
        plan = await planIndexPerPartition({ stack: "test", config: CONFIG });
    });

    const inRegion = (region: string) => plan.resources.filter((r) => r.name.startsWith(`${component(region)}-`));
    const one = (region: string, type: string, suffix: string): PlannedResource => {
        const found = plan.resources.find((r) => r.type === type && r.name === `${component(region)}-${suffix}`);
        if (!found) throw new Error(`no ${type} ${component(region)}-${suffix}`);
        return found;
    };
    const policyDocs = () =>
        plan.resources
            .filter((r) => ["aws:iam/rolePolicy:RolePolicy", "aws:sns/topicPolicy:TopicPolicy", "aws:s3/bucketPolicy:BucketPolicy"].includes(r.type))
            .map((r) => ({ name: r.name, doc: JSON.parse(r.inputs.policy) }));

    it("creates one component per region, each child parented to it and named after it", () => {
        const components = plan.resources.filter((r) => r.type === "golden-ami-assessment:index:GoldenAmiAssessment");
        expect(components.map((c) => c.name)).to.deep.equal(REGIONS.map(component));
        for (const region of REGIONS) {
            const parent = components.find((c) => c.name === component(region))!;
            const children = plan.resources.filter((r) => r.parent === parent.urn);
            expect(children.length).to.be.greaterThan(30);
            for (const child of children) expect(child.name.startsWith(`${component(region)}-`), child.name).to.equal(true);
            // Everything named after the component is its descendant (CallbackFunction children have the component as ancestor).
            for (const r of inRegion(region)) expect(r.urn, r.name).to.contain("golden-ami-assessment:index:GoldenAmiAssessment$");
        }
    });

    it("creates the same set of resources in every region", () => {
        const census = (region: string) => {
            const counts: Record<string, number> = {};
            for (const r of inRegion(region)) counts[r.type] = (counts[r.type] ?? 0) + 1;
            return counts;
        };
        const expected = {
            "aws:inspector/resourceGroup:ResourceGroup": 1,
            "aws:inspector/assessmentTarget:AssessmentTarget": 1,
            "aws:inspector/assessmentTemplate:AssessmentTemplate": 1,
            "aws:sns/topic:Topic": 2,
            "aws:sns/topicPolicy:TopicPolicy": 1,
            "aws:sns/topicSubscription:TopicSubscription": 3,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:sqs/queue:Queue": 1,
            "aws:ec2/securityGroup:SecurityGroup": 1,
            "aws:cloudwatch/logGroup:LogGroup": 3,
            "aws:iam/role:Role": 3,
            "aws:iam/rolePolicy:RolePolicy": 3,
            "aws:lambda/function:Function": 3,
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 3,
            "aws:lambda/invocation:Invocation": 1,
            "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
            // start's schedule, the reaper's, and analyze's sweep.
            "aws:cloudwatch/eventRule:EventRule": 3,
            "aws:cloudwatch/eventTarget:EventTarget": 3,
            "aws:lambda/permission:Permission": 4,
        };
        for (const region of REGIONS) expect(census(region), region).to.deep.equal(expected);
    });

    it("never attaches CallbackFunction's default managed policies", () => {
        expect(plan.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.deep.equal([]);
        for (const region of REGIONS) {
            for (const fn of ["start", "analyze", "reaper"]) {
                const func = one(region, "aws:lambda/function:Function", fn);
                const role = one(region, "aws:iam/role:Role", `${fn}-role`);
                expect(func.inputs.role).to.equal(role.state.arn);
                expect(func.inputs.runtime).to.equal("nodejs22.x");
                expect(func.inputs.region).to.equal(region);
                expect(func.inputs.loggingConfig.logGroup).to.equal(`/golden-ami-assessment/${component(region)}-${fn}`);
                const invoke = one(region, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `${fn}-invoke`);
                expect(invoke.inputs.destinationConfig.onFailure.destination).to.equal(one(region, "aws:sqs/queue:Queue", "failed-invocations").state.arn);
                const alarm = one(region, "aws:cloudwatch/metricAlarm:MetricAlarm", `${fn}-errors`);
                expect(alarm.inputs.alarmActions).to.deep.equal([one(region, "aws:sns/topic:Topic", "results").state.arn]);
                expect(one(region, "aws:cloudwatch/logGroup:LogGroup", `${fn}-logs`).inputs.retentionInDays).to.equal(30);
            }
        }
    });

    it("uses each region's rules package ARNs, partition and Inspector account", () => {
        const expected: Record<string, string[]> = {
            "us-east-1": [
                "arn:aws:inspector:us-east-1:316112463485:rulespackage/0-gEjTy7T7",
                "arn:aws:inspector:us-east-1:316112463485:rulespackage/0-rExsr2X8",
                "arn:aws:inspector:us-east-1:316112463485:rulespackage/0-R01qwB5Q",
            ],
            "eu-west-1": [
                "arn:aws:inspector:eu-west-1:357557129151:rulespackage/0-ubA5XvBh",
                "arn:aws:inspector:eu-west-1:357557129151:rulespackage/0-sJBhCr0F",
                "arn:aws:inspector:eu-west-1:357557129151:rulespackage/0-SnojL3Z6",
            ],
            "us-gov-west-1": [
                "arn:aws-us-gov:inspector:us-gov-west-1:850862329162:rulespackage/0-4oQgcI4G",
                "arn:aws-us-gov:inspector:us-gov-west-1:850862329162:rulespackage/0-Ac4CFOuc",
                "arn:aws-us-gov:inspector:us-gov-west-1:850862329162:rulespackage/0-rOTGqe5G",
            ],
        };
        for (const region of REGIONS) {
            const template = one(region, "aws:inspector/assessmentTemplate:AssessmentTemplate", "template");
            expect(template.inputs.rulesPackageArns).to.deep.equal(expected[region]);
            expect(template.inputs.duration).to.equal(28800);
            expect(template.inputs.targetArn).to.equal(one(region, "aws:inspector/assessmentTarget:AssessmentTarget", "target").state.arn);
            const completion = one(region, "aws:sns/topic:Topic", "completion").state.arn;
            expect(completion.startsWith(`arn:${partition(region)}:sns:${region}:`)).to.equal(true);
            expect(template.inputs.eventSubscriptions).to.deep.equal([
                { event: "ASSESSMENT_RUN_COMPLETED", topicArn: completion },
                { event: "ASSESSMENT_RUN_STATE_CHANGED", topicArn: completion },
            ]);
            const group = one(region, "aws:inspector/resourceGroup:ResourceGroup", "resource-group");
            expect(group.inputs.tags).to.deep.equal({ [PIPELINE_TAG]: component(region) });
        }
    });

    it("lets only the region's Inspector account publish to the completion topic", () => {
        const accounts: Record<string, string> = { "us-east-1": "316112463485", "eu-west-1": "357557129151", "us-gov-west-1": "850862329162" };
        for (const region of REGIONS) {
            const topicArn = one(region, "aws:sns/topic:Topic", "completion").state.arn;
            const policy = one(region, "aws:sns/topicPolicy:TopicPolicy", "completion-policy");
            expect(policy.inputs.arn).to.equal(topicArn);
            const statements = JSON.parse(policy.inputs.policy).Statement;
            const publishers = statements.filter((s: any) => s.Action.includes("SNS:Publish"));
            expect(publishers).to.have.length(1);
            expect(publishers[0].Principal).to.deep.equal({ AWS: `arn:${partition(region)}:iam::${accounts[region]}:root` });
            expect(publishers[0].Action).to.deep.equal(["SNS:Publish", "SNS:Subscribe"]);
            for (const s of statements) expect(s.Resource).to.equal(topicArn);
            // Nobody else may publish, change or delete the topic through its policy: the deployer's own IAM manages it.
            const others = statements.filter((s: any) => s !== publishers[0]);
            expect(others).to.deep.equal([
                {
                    Sid: "OwnerAccountReadsAndSubscribes",
                    Effect: "Allow",
                    Principal: { AWS: `arn:${partition(region)}:iam::${MOCK_ACCOUNT}:root` },
                    Action: ["SNS:GetTopicAttributes", "SNS:ListSubscriptionsByTopic", "SNS:Subscribe"],
                    Resource: topicArn,
                },
            ]);
        }
    });

    it("scopes every Lambda permission to its source", () => {
        for (const region of REGIONS) {
            const startRule = one(region, "aws:cloudwatch/eventRule:EventRule", "schedule");
            const reaperRule = one(region, "aws:cloudwatch/eventRule:EventRule", "reaper-schedule");
            expect(startRule.inputs.scheduleExpression).to.equal("cron(0 6 ? * MON *)");
            expect(reaperRule.inputs.scheduleExpression).to.equal("rate(1 hour)");
            const fn = (name: string) => one(region, "aws:lambda/function:Function", name).state;
            const permission = (suffix: string) => one(region, "aws:lambda/permission:Permission", suffix).inputs;
            expect(permission("schedule-permission")).to.include({ principal: "events.amazonaws.com", sourceArn: startRule.state.arn, function: fn("start").name });
            expect(permission("reaper-schedule-permission")).to.include({ principal: "events.amazonaws.com", sourceArn: reaperRule.state.arn, function: fn("reaper").name });
            expect(permission("analyze-from-completion")).to.include({
                principal: "sns.amazonaws.com",
                sourceArn: one(region, "aws:sns/topic:Topic", "completion").state.arn,
                function: fn("analyze").name,
            });
            expect(one(region, "aws:cloudwatch/eventTarget:EventTarget", "schedule-target").inputs.arn).to.equal(fn("start").arn);
            // The sweep: analyze every 5 minutes, allowed by that rule only.
            const sweepRule = one(region, "aws:cloudwatch/eventRule:EventRule", "sweep-schedule");
            expect(sweepRule.inputs.scheduleExpression).to.equal("rate(5 minutes)");
            expect(permission("sweep-schedule-permission")).to.include({ principal: "events.amazonaws.com", sourceArn: sweepRule.state.arn, function: fn("analyze").name });
            expect(one(region, "aws:cloudwatch/eventTarget:EventTarget", "sweep-schedule-target").inputs).to.include({ arn: fn("analyze").arn, rule: sweepRule.state.name });
            const subscription = one(region, "aws:sns/topicSubscription:TopicSubscription", "analyze-subscription").inputs;
            expect(subscription).to.include({ protocol: "lambda", endpoint: fn("analyze").arn, topic: one(region, "aws:sns/topic:Topic", "completion").state.arn });
        }
    });

    it("has no policy statement with a wildcard action", () => {
        const docs = policyDocs();
        expect(docs.length).to.equal(REGIONS.length * 5);
        for (const { name, doc } of docs) {
            for (const statement of doc.Statement) {
                const actions = [].concat(statement.Action ?? statement.NotAction);
                for (const action of actions as string[]) expect(action, `${name} ${statement.Sid}`).to.not.contain("*");
            }
        }
    });

    it("allows ec2:TerminateInstances only on instances carrying the pipeline tag", () => {
        let seen = 0;
        for (const region of REGIONS) {
            for (const fn of ["start", "analyze", "reaper"]) {
                const doc = JSON.parse(one(region, "aws:iam/rolePolicy:RolePolicy", `${fn}-policy`).inputs.policy);
                const terminating = doc.Statement.filter((s: any) => s.Action.includes("ec2:TerminateInstances"));
                expect(terminating, `${region} ${fn}`).to.have.length(1);
                for (const s of terminating) {
                    seen++;
                    expect(s.Action).to.deep.equal(["ec2:TerminateInstances"]);
                    expect(s.Resource).to.equal(`arn:${partition(region)}:ec2:${region}:${MOCK_ACCOUNT}:instance/*`);
                    expect(s.Condition).to.deep.equal({ StringEquals: { [`aws:ResourceTag/${PIPELINE_TAG}`]: component(region) } });
                }
            }
        }
        expect(seen).to.equal(9);
    });

    it("confines launches to the pipeline's subnet, security group and tag, and tagging to launch time", () => {
        const sg = one("eu-west-1", "aws:ec2/securityGroup:SecurityGroup", "instances");
        const doc = JSON.parse(one("eu-west-1", "aws:iam/rolePolicy:RolePolicy", "start-policy").inputs.policy);
        const sid = (name: string) => doc.Statement.find((s: any) => s.Sid === name);
        const prefix = `arn:aws:ec2:eu-west-1:${MOCK_ACCOUNT}`;
        expect(sid("LaunchOnlyFromTheConfiguredOwnersImages")).to.deep.include({
            Resource: "arn:aws:ec2:eu-west-1::image/*",
            Condition: { StringEquals: { "ec2:Owner": [MOCK_ACCOUNT] } },
        });
        expect(sid("LaunchIntoThePipelineNetworkOnly").Resource).to.deep.equal([`${prefix}:subnet/subnet-0123456789abcdef0`, `${prefix}:security-group/${sg.id}`]);
        expect(sid("LaunchOnlyConfiguredInstanceTypesAndVolumesTaggedForThisPipeline")).to.deep.include({
            Resource: [`${prefix}:instance/*`, `${prefix}:volume/*`],
            Condition: {
                StringEquals: { [`aws:RequestTag/${PIPELINE_TAG}`]: component("eu-west-1") },
                StringEqualsIfExists: { "ec2:InstanceType": ["t3.medium", "t4g.medium"] },
            },
        });
        expect(sid("TagOnlyAtLaunch").Condition).to.deep.equal({ StringEquals: { "ec2:CreateAction": "RunInstances" } });
        const sns = doc.Statement.filter((s: any) => s.Action.includes("sns:Publish"));
        expect(sns.map((s: any) => s.Resource)).to.deep.equal([one("eu-west-1", "aws:sns/topic:Topic", "results").state.arn]);
        const s3 = doc.Statement.filter((s: any) => s.Action.some((a: string) => a.startsWith("s3:")));
        // Objects under the prefix only (manifests and the start lock), and listing only that prefix.
        const bucketArn = one("eu-west-1", "aws:s3/bucket:Bucket", "reports").state.arn;
        expect(s3.map((s: any) => s.Resource)).to.deep.equal([`${bucketArn}/reports/*`, bucketArn]);
        expect(s3[1].Condition).to.deep.equal({ StringLike: { "s3:prefix": "reports/*" } });
        const analyze = JSON.parse(one("eu-west-1", "aws:iam/rolePolicy:RolePolicy", "analyze-policy").inputs.policy);
        const tagging = analyze.Statement.filter((s: any) => s.Action.includes("ec2:CreateTags"));
        expect(tagging).to.have.length(1);
        expect(tagging[0].Resource).to.equal("arn:aws:ec2:eu-west-1::image/*");
        expect(tagging[0].Condition).to.deep.equal({
            "ForAllValues:StringEquals": { "aws:TagKeys": ["golden-ami-assessment:last-assessed", "golden-ami-assessment:verdict", "golden-ami-assessment:finding-counts"] },
            Null: { "aws:TagKeys": "false" },
        });
        const reaper = JSON.parse(one("eu-west-1", "aws:iam/rolePolicy:RolePolicy", "reaper-policy").inputs.policy);
        const reaperActions = reaper.Statement.flatMap((s: any) => s.Action).sort();
        expect(reaperActions).to.deep.equal(["ec2:DescribeInstances", "ec2:TerminateInstances", "logs:CreateLogStream", "logs:PutLogEvents", "sns:Publish", "sqs:SendMessage"]);
    });

    it("puts instances in the configured subnet or the default VPC's subnets, behind a no-ingress group", () => {
        const env = (region: string) => one(region, "aws:lambda/function:Function", "start").inputs.environment.variables;
        expect(JSON.parse(env("eu-west-1").SUBNET_IDS)).to.deep.equal(["subnet-0123456789abcdef0"]);
        expect(JSON.parse(env("us-east-1").SUBNET_IDS)).to.have.length(2);
        for (const region of REGIONS) {
            const sg = one(region, "aws:ec2/securityGroup:SecurityGroup", "instances").inputs;
            expect(sg.ingress ?? []).to.deep.equal([]);
            expect(sg.egress).to.have.length(1);
            expect(sg.egress[0]).to.include({ protocol: "tcp", fromPort: 443, toPort: 443 });
            expect(env(region).SECURITY_GROUP_ID).to.match(/^sg-[0-9a-f]{17}$/).and.equal(one(region, "aws:ec2/securityGroup:SecurityGroup", "instances").id);
        }
    });

    it("hands each handler the settings it needs through its environment", () => {
        const region = "us-gov-west-1";
        const env = (fn: string) => one(region, "aws:lambda/function:Function", fn).inputs.environment.variables;
        const start = env("start");
        expect(start.PIPELINE_NAME).to.equal(component(region));
        expect(JSON.parse(start.AMI_TAGS)).to.deep.equal({ golden: "true", team: "platform" });
        expect(start.ASSESSMENT_TEMPLATE_ARN).to.equal(one(region, "aws:inspector/assessmentTemplate:AssessmentTemplate", "template").state.arn);
        expect(start.ASSESSMENT_TARGET_ARN).to.equal(one(region, "aws:inspector/assessmentTarget:AssessmentTarget", "target").state.arn);
        expect(start.DURATION_SECONDS).to.equal("28800");
        expect(env("analyze").SEVERITY_THRESHOLD).to.equal("High");
        // cron(0 6 ? * MON *): weekly, so a verdict older than two weeks is stale.
        expect(env("analyze").SCHEDULE_INTERVAL_SECONDS).to.equal(String(7 * 86400));
        expect(env("analyze").REPORT_BUCKET).to.equal(one(region, "aws:s3/bucket:Bucket", "reports").state.bucket);
        expect(env("reaper").RESULTS_TOPIC_ARN).to.equal(one(region, "aws:sns/topic:Topic", "results").state.arn);
    });

    it("keeps reports private, encrypted and for the configured retention", () => {
        for (const region of REGIONS) {
            expect(one(region, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "reports-public-access").inputs).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            const sse = one(region, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "reports-encryption").inputs;
            expect(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("AES256");
            const lifecycle = one(region, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "reports-lifecycle").inputs;
            expect(lifecycle.rules[0].expiration.days).to.equal(90);
            const emails = plan.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription" && r.name.startsWith(`${component(region)}-email-`));
            expect(emails.map((e) => e.inputs.endpoint)).to.deep.equal(["secops@example.com", "platform@example.com"]);
            for (const e of emails) expect(e.inputs.topic).to.equal(one(region, "aws:sns/topic:Topic", "results").state.arn);
        }
    });

    it("exports the outputs keyed by region", () => {
        const assessments = plan.exports.assessments as Record<string, any>;
        expect(Object.keys(assessments)).to.deep.equal(REGIONS);
        for (const region of REGIONS) {
            expect(assessments[region]).to.deep.equal({
                engine: "classic",
                resultsTopicArn: one(region, "aws:sns/topic:Topic", "results").state.arn,
                startFunctionName: one(region, "aws:lambda/function:Function", "start").state.name,
                templateArn: one(region, "aws:inspector/assessmentTemplate:AssessmentTemplate", "template").state.arn,
                bucketName: one(region, "aws:s3/bucket:Bucket", "reports").state.bucket,
            });
        }
    });
});

describe("GoldenAmiAssessment fails at preview on bad config", () => {
    it("names the region when it has no default VPC and no subnet", async () => {
        let message = "";
        try {
            await planIndexPerPartition({ stack: "test", config: { ...CONFIG, "golden-ami-assessment:subnets": "{}" }, cloud: { regionsWithoutDefaultVpc: ["us-gov-west-1"] } });
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).to.contain("us-gov-west-1 has no default VPC").and.contain("subnet");
    });

    it("rejects a bad stack value before creating anything", async () => {
        let message = "";
        try {
            await planIndexPerPartition({ stack: "test", config: { ...CONFIG, "golden-ami-assessment:duration": "2h" } });
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).to.contain("golden-ami-assessment:duration").and.contain('"2h"');
    });
});
