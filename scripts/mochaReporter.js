// Mocha's spec reporter plus a plain closing line ("N passed, N failed") that any CI can read.
const Spec = require("mocha/lib/reporters/spec");

class SpecWithTotals extends Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once("end", () => {
            const { passes, failures, pending } = this.stats;
            console.log(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ""}`);
        });
    }
}

module.exports = SpecWithTotals;
