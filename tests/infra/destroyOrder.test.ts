// `pulumi destroy` (or a region removed) never leaves an instance running: the reaper's
// CRUD-scoped invocation is deleted (so the reaper runs) before the network, the launch identity
// and the functions it depends on, and after the schedule targets that depend on it.
import { expect } from "chai";
import { Plan, PlannedResource, planIndex } from "../../scripts/mockRuntime";

function find(plan: Plan, type: string, name: string): PlannedResource {
    const found = plan.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name}`);
    return found;
}

for (const engine of ["inspector2", "classic"]) {
    describe(`deletion order, engine ${engine}`, () => {
        const c = "gaa-order-us-east-1";
        let plan: Plan;
        before(async () => {
            plan = await planIndex({
                stack: "order",
                config: { "aws:region": "us-east-1", "golden-ami-assessment:engine": engine, "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }) },
            });
        });

        it("invokes the reaper on every lifecycle action, with a constant input", () => {
            const guard = find(plan, "aws:lambda/invocation:Invocation", `${c}-terminate-on-delete`);
            expect(guard.inputs.lifecycleScope).to.equal("CRUD");
            expect(guard.inputs.functionName).to.equal(find(plan, "aws:lambda/function:Function", `${c}-reaper`).state.name);
            expect(JSON.parse(guard.inputs.input)).to.have.property("purpose");
        });

        it("depends on the network, the functions and the launch identity, so it is deleted (and runs) before them", () => {
            const guard = find(plan, "aws:lambda/invocation:Invocation", `${c}-terminate-on-delete`);
            const expected = [`${c}-instances`, `${c}-start`, `${c}-analyze`, `${c}-reaper`, `${c}-reaper-policy`];
            if (engine === "inspector2") expected.push(`${c}-instance-profile`, `${c}-instance-role`);
            else expected.push(`${c}-target`);
            expect(guard.dependsOn).to.include.members(expected);
        });

        it("is depended on by the schedule targets, so no start fires after the drain", () => {
            for (const target of [`${c}-schedule-target`, `${c}-reaper-schedule-target`]) {
                expect(find(plan, "aws:cloudwatch/eventTarget:EventTarget", target).dependsOn).to.include(`${c}-terminate-on-delete`);
            }
        });
    });
}
