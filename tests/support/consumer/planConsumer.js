"use strict";
// Copied into a throw-away consumer project and run there (cwd = the consumer, so Pulumi's code
// paths come from the consumer's package.json). Creates one GoldenAmiAssessment from the installed
// package under Pulumi mocks and writes, per Lambda function, its environment and its code
// archive's files: {functions: [{name, region, env, files: {path: text}}]}.
// Plain JS, resolving only from the consumer's node_modules.
// Usage: node planConsumer.js <out.json>
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const functions = [];

function state(type, name, inputs) {
    const arn = (service, resource) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
    switch (type) {
        case "aws:inspector/assessmentTarget:AssessmentTarget":
            return { arn: arn("inspector", "target/0-consumer") };
        case "aws:inspector/assessmentTemplate:AssessmentTemplate":
            return { arn: `${inputs.targetArn}/template/0-consumer` };
        case "aws:inspector/resourceGroup:ResourceGroup":
            return { arn: arn("inspector", "resourcegroup/0-consumer") };
        case "aws:s3/bucket:Bucket":
            return { bucket: `${inputs.bucketPrefix || name}consumer`, arn: `arn:aws:s3:::${inputs.bucketPrefix || name}consumer` };
        case "aws:lambda/function:Function":
            return { name: `${name}-fn`, arn: arn("lambda", `function:${name}-fn`) };
        case "aws:iam/role:Role":
            return { name: `${name}-role`, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: arn("logs", `log-group:${inputs.name}`) };
        default:
            return { arn: arn(type.split(":")[1].split("/")[0], name), name };
    }
}

pulumi.runtime.setMocks(
    {
        newResource(args) {
            const resourceState = { ...args.inputs, ...state(args.type, args.name, args.inputs) };
            if (args.type === "aws:lambda/function:Function") functions.push({ name: args.name, inputs: args.inputs });
            const id = args.type === "aws:ec2/securityGroup:SecurityGroup" ? "sg-0123456789abcdef0" : `${args.name}-id`;
            return { id, state: resourceState };
        },
        call(args) {
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/consumer`, userId: "AIDACONSUMER", id: ACCOUNT };
                case "aws:ec2/getSubnet:getSubnet":
                    return { id: args.inputs.id, vpcId: "vpc-0123456789abcdef0" };
                case "aws:ec2/getVpcs:getVpcs":
                    return { ids: ["vpc-0123456789abcdef0"], id: REGION };
                case "aws:ec2/getSubnets:getSubnets":
                    return { ids: ["subnet-0123456789abcdef0"], id: REGION };
                default:
                    throw new Error(`no mock for ${args.token}`);
            }
        },
    },
    "consumer",
    "dev",
    true,
);

/** The archive's files (path -> text): bundled code archives hold StringAssets only. */
async function filesOf(archive) {
    const out = {};
    for (const [key, value] of Object.entries(await archive.assets)) {
        if (!pulumi.asset.Asset.isInstance(value) || !("text" in value)) throw new Error(`${key}: not a StringAsset`);
        out[key] = await value.text;
    }
    return out;
}

async function main() {
    const errors = [];
    process.on("unhandledRejection", (reason) => errors.push(reason));
    const { GoldenAmiAssessment } = require("@golden-ami-assessment/pulumi");
    const assessment = new GoldenAmiAssessment("gaa-consumer", {
        region: REGION,
        amiTags: { golden: "true" },
        subnetId: "subnet-0123456789abcdef0",
        notificationEmails: ["secops@example.com"],
    });
    await new Promise((resolve) =>
        pulumi.all([assessment.startFunctionName, assessment.analyzeFunctionName, assessment.reaperFunctionName]).apply(resolve),
    );
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
    if (errors.length > 0) throw errors[0];
    const out = [];
    for (const fn of functions) {
        out.push({ name: fn.name, region: fn.inputs.region, env: fn.inputs.environment.variables, files: await filesOf(fn.inputs.code) });
    }
    fs.writeFileSync(process.argv[2], JSON.stringify({ functions: out }));
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(error && error.stack ? error.stack : error);
        process.exit(1);
    },
);
