// Report delivery: an already deployed stack's email subscriptions still pending confirmation
// (SNS ListSubscriptionsByTopic answers SubscriptionArn "PendingConfirmation" for those; SNS API reference).
import { CheckResult, RegionAnswers, result, unanswered } from "../types";

export function checkDelivery(answers: RegionAnswers, stack: string | undefined): CheckResult | undefined {
    const { region, topic } = answers;
    if (!stack) return result("report delivery", region, "pass", "not checked: no stack name given");
    if (!topic) return undefined;
    if (!topic.ok) return unanswered("report delivery", region, "sns:ListTopics/ListSubscriptionsByTopic", topic);
    if (!topic.value.topicArn) return result("report delivery", region, "pass", `stack ${stack} is not deployed yet in ${region} (no results topic): nothing to confirm`);
    const emails = topic.value.subscriptions.filter((s) => s.Protocol === "email" || s.Protocol === "email-json");
    const pending = emails.filter((s) => s.SubscriptionArn === "PendingConfirmation");
    if (pending.length) {
        return result(
            "report delivery",
            region,
            "warning",
            `${pending.length} of ${emails.length} email subscriptions of ${topic.value.topicArn} are pending confirmation (${pending.map((s) => s.Endpoint).join(", ")}): they receive no report`,
            "Each address must click Confirm subscription in the AWS Notification email; to resend it, remove the address from notificationEmails, deploy, and add it back.",
        );
    }
    return result("report delivery", region, "pass", `${emails.length} email subscriptions of ${topic.value.topicArn}, all confirmed`);
}
