// A handler's Lambda code archive: one file, __index.js, the handler's serialized closure bundled
// with the packages it requires (infra/bundle/). CallbackFunction serializes again for every
// function it creates; the handlers capture nothing per region (they read their settings from the
// environment), so each is serialized and bundled once per program and shared by every region.
import * as pulumi from "@pulumi/pulumi";
import { bundleHandler } from "./bundle/bundleHandler";

export const HANDLER_ENTRY = "__index.handler";

const bundles = new Map<Function, Promise<string>>();

/**
 * Resolves the closure's requires from this file's folder: the packages our handlers import, as
 * Node resolves them for this package, in this project or in a consumer's node_modules.
 */
const RESOLVE_DIR = __dirname;

export function handlerArchive(callbackFactory: Function): pulumi.asset.AssetArchive {
    let text = bundles.get(callbackFactory);
    if (!text) {
        text = handlerCode(callbackFactory);
        bundles.set(callbackFactory, text);
    }
    return new pulumi.asset.AssetArchive(text.then((source) => ({ "__index.js": new pulumi.asset.StringAsset(source) })));
}

async function handlerCode(callbackFactory: Function): Promise<string> {
    // allowSecrets false: a captured secret would land in plain text in the archive; fail instead.
    const closure = await pulumi.runtime.serializeFunction(callbackFactory, { exportName: "handler", isFactoryFunction: true, allowSecrets: false });
    const bundle = await bundleHandler(callbackFactory.name || "(anonymous factory)", closure.text, RESOLVE_DIR);
    return bundle.text;
}
