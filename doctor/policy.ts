// The read-only IAM policy a user attaches to run the doctor: every action it calls, named, and
// nothing that writes. Actions that support resource-level permissions are scoped (IAM service
// authorization reference); the Describe/List/Get calls that do not take "*".
import type { PolicyDocument } from "../infra/policies";
import { STANDARD_VCPU_QUOTA } from "./checks/capacity";

export const DOCTOR_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "DoctorReadOnly",
            Effect: "Allow",
            Action: [
                "sts:GetCallerIdentity",
                "ec2:DescribeImages",
                "ec2:DescribeSnapshots",
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeRouteTables",
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeInstanceTypes",
                "inspector2:BatchGetAccountStatus",
                "inspector2:GetConfiguration",
                "inspector2:GetEc2DeepInspectionConfiguration",
                "inspector:ListRulesPackages",
                "sns:ListTopics",
            ],
            Resource: "*",
        },
        // Only the stacks' results topics (named gaa-<stack>-<region>-results-<suffix>).
        { Sid: "DoctorResultsTopics", Effect: "Allow", Action: ["sns:ListSubscriptionsByTopic"], Resource: "arn:*:sns:*:*:gaa-*-results-*" },
        { Sid: "DoctorVcpuQuota", Effect: "Allow", Action: ["servicequotas:GetServiceQuota"], Resource: `arn:*:servicequotas:*:*:${STANDARD_VCPU_QUOTA.ServiceCode}/${STANDARD_VCPU_QUOTA.QuotaCode}` },
        // Tells an AWS managed snapshot key (aws/ebs) from a customer-managed one.
        { Sid: "DoctorSnapshotKeys", Effect: "Allow", Action: ["kms:DescribeKey"], Resource: "arn:*:kms:*:*:key/*" },
    ],
};

/** Every action the policy allows. */
export const DOCTOR_ACTIONS: string[] = DOCTOR_POLICY.Statement.flatMap((s) => s.Action);
