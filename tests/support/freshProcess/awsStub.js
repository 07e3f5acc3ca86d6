"use strict";
// Preloaded with `node -r` into the fresh process that runs a Lambda archive. Stubs AWS: whenever
// an @aws-sdk/client-* module is loaded, every exported *Client class gets a `send` that answers
// from a script (command name -> response, or a list of responses used in turn, the last one
// repeated) and records each call. Nothing reaches the network. Plain JS, Node built-ins only:
// it must not resolve anything from the project.
//
// Script values: {"$error": {name, message, ...}} throws an error with those properties;
// {"$text": "..."} becomes an S3-style body (transformToString); {"$date": "ISO"} a Date.
const Module = require("module");
const fs = require("fs");

const config = JSON.parse(fs.readFileSync(process.env.GAA_STUB_CONFIG, "utf8"));
const script = config.script || {};
const used = Object.create(null);
const seenLoads = new Set();
const patched = new WeakSet();

function record(entry) {
    fs.appendFileSync(config.callsFile, JSON.stringify(entry) + "\n");
}

function revive(value) {
    if (Array.isArray(value)) return value.map(revive);
    if (value && typeof value === "object") {
        const keys = Object.keys(value);
        if (keys.length === 1 && typeof value.$text === "string") {
            const text = value.$text;
            return { transformToString: async () => text, transformToByteArray: async () => new TextEncoder().encode(text) };
        }
        if (keys.length === 1 && typeof value.$date === "string") return new Date(value.$date);
        const out = {};
        for (const key of keys) out[key] = revive(value[key]);
        return out;
    }
    return value;
}

function respond(commandName) {
    if (!(commandName in script)) {
        const error = new Error(`the stub has no scripted response for ${commandName}`);
        error.name = "StubNotScripted";
        throw error;
    }
    let response = script[commandName];
    if (Array.isArray(response)) {
        const index = used[commandName] || 0;
        used[commandName] = index + 1;
        response = response[Math.min(index, response.length - 1)];
    }
    if (response && typeof response === "object" && response.$error) {
        const spec = response.$error;
        const error = new Error(spec.message || spec.name);
        Object.assign(error, spec);
        throw error;
    }
    return revive(response === undefined ? {} : response);
}

function stubSend(command) {
    const commandName = (command && command.constructor && command.constructor.name) || "UnknownCommand";
    const call = { type: "call", client: this.constructor.name, command: commandName, input: command ? command.input : undefined };
    try {
        const output = respond(commandName);
        record(call);
        return Promise.resolve({ $metadata: { httpStatusCode: 200, requestId: "stub" }, ...output });
    } catch (error) {
        record({ ...call, error: error.name, unscripted: error.name === "StubNotScripted" });
        return Promise.reject(error);
    }
}

function patchClients(exported) {
    if (!exported || (typeof exported !== "object" && typeof exported !== "function")) return;
    for (const key of Object.keys(exported)) {
        if (!/Client$/.test(key)) continue;
        let value;
        try {
            value = exported[key];
        } catch {
            continue;
        }
        if (typeof value !== "function" || !value.prototype || typeof value.prototype.send !== "function" || patched.has(value)) continue;
        Object.defineProperty(value.prototype, "send", { value: stubSend, writable: true, configurable: true });
        patched.add(value);
    }
}

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
    const exported = originalLoad.apply(this, arguments);
    if (/^@aws-sdk\/client-[a-z0-9-]+(\/|$)/.test(request)) {
        let filename;
        try {
            filename = fs.realpathSync(Module._resolveFilename(request, parent, isMain));
        } catch {
            filename = undefined;
        }
        const key = `${request}\n${filename}`;
        if (!seenLoads.has(key)) {
            seenLoads.add(key);
            record({ type: "load", request, filename, from: parent && parent.filename });
        }
        patchClients(exported);
    }
    return exported;
};
