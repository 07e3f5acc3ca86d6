"use strict";
// Preloaded with `node -r` into the fresh process that runs a Lambda archive. The archive bundles
// its SDK clients, so nothing is loaded from outside it; the stub finds the clients as the bundle
// defines them: keepNames (infra/bundle/) gives every class its name through
// Object.defineProperty(cls, "name", ...), and each class named *Client with a `send` gets a
// `send` that answers from a script (command name -> response, or a list used in turn, the last
// repeated) and records each call. HTTP(S) requests fail and are recorded: nothing reaches a
// network. Every non-built-in require is recorded too. Plain JS, Node built-ins only.
//
// Script values: {"$error": {name, message, ...}} throws an error with those properties;
// {"$text": "..."} becomes an S3-style body (transformToString); {"$date": "ISO"} a Date.
const Module = require("module");
const fs = require("fs");
const http = require("http");
const https = require("https");

const config = JSON.parse(fs.readFileSync(process.env.GAA_STUB_CONFIG, "utf8"));
const script = config.script || {};
const used = Object.create(null);
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
        const error = new Error(response.$error.message || response.$error.name);
        Object.assign(error, response.$error);
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

const defineProperty = Object.defineProperty;
Object.defineProperty = function (target, key, descriptor) {
    const result = defineProperty.apply(this, arguments);
    const named = key === "name" && typeof target === "function" && descriptor && typeof descriptor.value === "string";
    if (named && /Client$/.test(descriptor.value) && target.prototype && typeof target.prototype.send === "function" && !patched.has(target)) {
        defineProperty(target.prototype, "send", { value: stubSend, writable: true, configurable: true });
        patched.add(target);
        record({ type: "client", name: descriptor.value });
    }
    return result;
};

for (const [name, mod] of [["http", http], ["https", https]]) {
    for (const method of ["request", "get"]) {
        mod[method] = function (...args) {
            record({ type: "network", module: name, method });
            throw new Error(`the stub allows no ${name}.${method}`);
        };
    }
}

const originalLoad = Module._load;
Module._load = function (request, parent) {
    const builtin = request.startsWith("node:") || Module.builtinModules.includes(request.split("/")[0]);
    // The invoke script itself (the main module) and its require of __index.js are not the archive's.
    if (!builtin && parent && !/invokeHandler\.js$/.test(parent.filename || "")) record({ type: "load", request, from: parent && parent.filename });
    return originalLoad.apply(this, arguments);
};
