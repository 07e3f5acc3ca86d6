// What Classic's start tells the results topic beyond the neutral notices.
import type { Notice } from "../../pipeline/report/notice";

export function runInProgressNotice(pipelineName: string, assessmentTemplateArn: string, activeRunArns: string[]): Notice {
    return {
        subject: `[${pipelineName}] previous assessment still running; this one skipped`,
        message: [
            `An assessment run of template ${assessmentTemplateArn} has not finished, so no new instances were launched.`,
            "The next scheduled start will try again.",
            "",
            "Unfinished runs:",
            ...activeRunArns.map((arn) => `- ${arn}`),
        ].join("\n"),
    };
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
