"use strict";
// Runs in a fresh `node` whose cwd is a materialized Lambda archive, like the Lambda runtime:
// loads ./__index.js (its module-level code reads the environment, as in a new container),
// invokes exports.handler(event, context) and writes the outcome as JSON.
// Usage: node -r awsStub.js invokeHandler.js <job.json>; job = {event, remainingMs, resultFile}.
const fs = require("fs");
const path = require("path");

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

function errorJson(error) {
    if (!(error instanceof Error)) return { message: String(error) };
    return { name: error.name, message: error.message, code: error.code, stack: error.stack };
}

function write(outcome) {
    fs.writeFileSync(job.resultFile, JSON.stringify(outcome, (key, value) => (value instanceof Error ? errorJson(value) : value)));
}

(async () => {
    let handlerModule;
    try {
        handlerModule = require(path.resolve("__index.js"));
    } catch (error) {
        write({ ok: false, phase: "load", error: errorJson(error) });
        return;
    }
    if (typeof handlerModule.handler !== "function") {
        write({ ok: false, phase: "load", error: { message: "__index.js exports no handler function" } });
        return;
    }
    const context = {
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        awsRequestId: "00000000-0000-0000-0000-000000000000",
        getRemainingTimeInMillis: () => job.remainingMs,
    };
    try {
        const result = await handlerModule.handler(job.event, context);
        write({ ok: true, result });
    } catch (error) {
        write({ ok: false, phase: "invoke", error: errorJson(error) });
    }
})().then(
    () => process.exit(0),
    (error) => {
        console.error(error);
        process.exit(2);
    },
);
