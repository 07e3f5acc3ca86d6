// esbuild cannot tree-shake what is `require()`d: a required ES module, and everything below it,
// keeps every export, and an SDK client exports every command of its service. Pulumi's serialized
// closures bind each package once at the top (`const client_ec2_1 =
// require("@aws-sdk/client-ec2/dist-cjs/index.js")`) and then only read properties of it. So the
// packages are bundled first from one ES module that imports just the names the closure reads
// (the "vendor" module, from each package's ES build: dist-cjs does not tree-shake), and each
// require of the closure is then served by that module.
import { builtinModules } from "module";

/** Module specifier -> the property names the code reads from it, or "all" when it uses it otherwise. */
export type RequiredNames = Map<string, string[] | "all">;

const TOP_LEVEL_REQUIRE = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*("[^"\n]+")\s*\);?\s*$/gm;
const ANY_REQUIRE = /\brequire\(\s*("[^"\n]+")\s*\)/g;
const BUILTINS = new Set(builtinModules);

const isBuiltin = (specifier: string) => specifier.startsWith("node:") || BUILTINS.has(specifier.split("/")[0]);

/** The packages `code` requires (Node built-ins aside) and what it reads of each. */
export function requiredNames(code: string): RequiredNames {
    const found: RequiredNames = new Map();
    const add = (specifier: string, names: Set<string> | "all") => {
        const earlier = found.get(specifier);
        if (names === "all" || earlier === "all") return found.set(specifier, "all");
        (earlier ?? []).forEach((name) => names.add(name));
        found.set(specifier, [...names].sort());
    };
    for (const declaration of code.matchAll(TOP_LEVEL_REQUIRE)) {
        const [statement, binding, quoted] = declaration;
        const bindingAt = declaration.index! + statement.indexOf(binding);
        const uses = new RegExp(`(?<![\\w$.])${binding.replace(/\$/g, "\\$")}(?![\\w$])(\\s*\\.\\s*([A-Za-z_$][\\w$]*))?`, "g");
        const names = new Set<string>();
        let whole = false;
        for (const use of code.matchAll(uses)) {
            if (use.index === bindingAt) continue;
            if (use[2]) names.add(use[2]);
            else whole = true;
        }
        add(JSON.parse(quoted), whole ? "all" : names);
    }
    // Any other require (not bound at the top): the whole module.
    for (const [, quoted] of code.matchAll(ANY_REQUIRE)) if (!found.has(JSON.parse(quoted))) add(JSON.parse(quoted), "all");
    for (const specifier of [...found.keys()]) if (isBuiltin(specifier)) found.delete(specifier);
    return found;
}

/** `<pkg>/dist-cjs/index.js` (also under an absolute `.../node_modules/`) -> `<pkg>`, whose ES build esbuild then picks. */
export function packageEntry(specifier: string): string {
    const match = /^(?:.*[\\/]node_modules[\\/])?((?:@[^\\/]+[\\/])?[^\\/@.][^\\/]*)[\\/]dist-cjs[\\/]index\.js$/.exec(specifier);
    return match ? match[1].replace(/\\/g, "/") : specifier;
}

export interface VendorModule {
    /** ES module source: one export per required specifier. */
    source: string;
    /** Specifier -> the vendor module's export that stands for it. */
    exportOf: Map<string, string>;
}

export function vendorModule(names: RequiredNames): VendorModule {
    const lines: string[] = [];
    const exportOf = new Map<string, string>();
    [...names.keys()].sort().forEach((specifier, index) => {
        const name = `m${index}`;
        const target = JSON.stringify(packageEntry(specifier));
        const used = names.get(specifier)!;
        exportOf.set(specifier, name);
        if (used === "all") {
            lines.push(`export * as ${name} from ${target};`);
        } else {
            lines.push(`import { ${used.map((n, i) => `${n} as ${name}_${i}`).join(", ")} } from ${target};`);
            lines.push(`export const ${name} = { ${used.map((n, i) => `${n}: ${name}_${i}`).join(", ")} };`);
        }
    });
    return { source: lines.join("\n") + "\n", exportOf };
}
