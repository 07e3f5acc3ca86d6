// A handler's Lambda code archive: its serialized closure as __index.js plus the node_modules it
// needs; the same layout CallbackFunction builds. CallbackFunction serializes again for every
// function it creates; the handlers capture nothing per region (they read their settings from the
// environment), so each is serialized once per program and its archive shared by every region.
import * as pulumi from "@pulumi/pulumi";

export const HANDLER_ENTRY = "__index.handler";

const serializedClosures = new Map<Function, Promise<string>>();
const modulePaths = new Map<string, Promise<Map<string, pulumi.asset.Asset | pulumi.asset.Archive>>>();

/** How many times a closure was actually serialized in this process (for the benchmark). */
export function serializationCount(): number {
    return serializedClosures.size;
}

export function handlerArchive(callbackFactory: Function, excludePackages: readonly string[]): pulumi.asset.AssetArchive {
    let text = serializedClosures.get(callbackFactory);
    if (!text) {
        // allowSecrets false: a captured secret would land in plain text in the archive; fail instead.
        text = pulumi.runtime
            .serializeFunction(callbackFactory, { exportName: "handler", isFactoryFunction: true, allowSecrets: false })
            .then((closure) => closure.text);
        serializedClosures.set(callbackFactory, text);
    }
    // The runtime's own aws-sdk v2 is never bundled (as in CallbackFunction).
    const excluded = [...new Set([...excludePackages, "aws-sdk"])].sort();
    const key = excluded.join(",");
    let modules = modulePaths.get(key);
    if (!modules) {
        modules = pulumi.runtime.computeCodePaths({ extraExcludePackages: excluded });
        modulePaths.set(key, modules);
    }
    return new pulumi.asset.AssetArchive(
        Promise.all([text, modules]).then(([source, paths]) => ({ "__index.js": new pulumi.asset.StringAsset(source), ...Object.fromEntries(paths) })),
    );
}
