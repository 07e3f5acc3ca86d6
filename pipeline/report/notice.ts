// A message for the results topic, built by pure functions and published by notify.ts.
export interface Notice {
    subject: string;
    message: string;
}

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
