// Nothing launched is left running when the pipeline is deleted (`pulumi destroy`, or a region
// removed from the stack): a CRUD-scoped invocation of the reaper. Pulumi deletes a resource
// before what it depends on, so the invocation, which depends on the network, the launch identity
// and the functions, runs its delete (the reaper terminates every pipeline instance and waits)
// before any of them goes; the schedule targets depend on it, so no start can fire afterwards.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HandlerFunction } from "./handlerFunction";

export function terminateOnDelete(
    name: string,
    region: string,
    reaper: HandlerFunction,
    dependencies: pulumi.Resource[],
    parent: pulumi.Resource,
): aws.lambda.Invocation {
    return new aws.lambda.Invocation(
        `${name}-terminate-on-delete`,
        {
            region,
            functionName: reaper.func.name,
            // Constant, so updates of the stack never invoke it again; only create (a no-op) and delete do.
            input: JSON.stringify({ purpose: "terminate every instance this pipeline launched before the pipeline is deleted" }),
            lifecycleScope: "CRUD",
        },
        { parent, dependsOn: [reaper.func, reaper.rolePolicy, ...dependencies] },
    );
}
