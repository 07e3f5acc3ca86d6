// How Classic's instances launch: user data installs the agent, and IMDSv1 stays available because
// the Classic agent reads instance metadata without a session token and reports UNHEALTHY when
// IMDSv2 is required, so the instance could not be assessed.
import type { LaunchProfile } from "../../pipeline/launch/launch";
import { agentUserData } from "./userData";

export const CLASSIC_LAUNCH_PROFILE: LaunchProfile = { userData: agentUserData, httpTokens: "optional" };

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
