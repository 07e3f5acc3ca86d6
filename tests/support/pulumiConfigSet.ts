// `pulumi config set` lines as the Pulumi CLI stores them, offline: the flat "namespace:key" -> raw
// string map a program sees (structured values as JSON). With --path, 'ns:key[0]' builds a list
// and 'ns:key.sub' a map, and the value is typed as the CLI types it: true/false become booleans
// and integers numbers (use --string to keep a string). Without --path the value is a string.

/** Splits a shell line into words: single and double quotes, backslash escapes, # comments. */
export function shellWords(line: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === "'") {
            const end = line.indexOf("'", i + 1);
            if (end < 0) throw new Error(`unterminated ' in: ${line}`);
            word = (word ?? "") + line.slice(i + 1, end);
            i = end;
        } else if (c === '"') {
            let j = i + 1;
            let text = "";
            for (; j < line.length && line[j] !== '"'; j++) text += line[j] === "\\" && /["\\$`]/.test(line[j + 1] ?? "") ? line[++j] : line[j];
            if (j >= line.length) throw new Error(`unterminated " in: ${line}`);
            word = (word ?? "") + text;
            i = j;
        } else if (c === "\\" && i + 1 < line.length) {
            word = (word ?? "") + line[++i];
        } else if (/\s/.test(c)) {
            if (word !== undefined) words.push(word);
            word = undefined;
        } else if (c === "#" && word === undefined) {
            break;
        } else {
            word = (word ?? "") + c;
        }
    }
    if (word !== undefined) words.push(word);
    return words;
}

type Segment = string | number;

/** "ns:key[0].sub" -> ["ns:key", 0, "sub"]; quoted map keys ["a.b"] are supported. */
export function parsePath(path: string): Segment[] {
    const m = /^([^.[\]]+)/.exec(path);
    if (!m) throw new Error(`bad config path ${path}`);
    const segments: Segment[] = [m[1]];
    let rest = path.slice(m[1].length);
    while (rest) {
        let n: RegExpExecArray | null;
        if ((n = /^\[(\d+)\]/.exec(rest))) segments.push(Number(n[1]));
        else if ((n = /^\["([^"]*)"\]/.exec(rest))) segments.push(n[1]);
        else if ((n = /^\.([^.[\]]+)/.exec(rest))) segments.push(n[1]);
        else throw new Error(`bad config path ${path}`);
        rest = rest.slice(n[0].length);
    }
    return segments;
}

function typedValue(raw: string, asString: boolean): unknown {
    if (asString) return raw;
    if (raw === "true") return true;
    if (raw === "false") return false;
    if (/^(0|-?[1-9]\d*)$/.test(raw)) return Number(raw);
    return raw;
}

/** Applies `pulumi config set` commands (whole lines, other commands ignored) to a config tree. */
export function applyConfigSet(lines: string[], initial: Record<string, unknown> = {}): Record<string, string> {
    const tree: Record<string, unknown> = { ...initial };
    for (const line of lines) {
        const words = shellWords(line);
        if (words[0] !== "pulumi" || words[1] !== "config" || words[2] !== "set") continue;
        const args = words.slice(3);
        const path = args.includes("--path");
        const asString = args.includes("--string");
        const positional = args.filter((a) => !a.startsWith("--"));
        if (positional.length !== 2) throw new Error(`expected a key and a value in: ${line}`);
        const [key, raw] = positional;
        if (!path) {
            tree[key] = raw;
            continue;
        }
        const segments = parsePath(key);
        let node: any = tree;
        for (let i = 0; i < segments.length - 1; i++) {
            const segment = segments[i];
            const nextIsIndex = typeof segments[i + 1] === "number";
            if (node[segment] === undefined || typeof node[segment] !== "object") node[segment] = nextIsIndex ? [] : {};
            if (nextIsIndex && !Array.isArray(node[segment])) throw new Error(`${key}: ${String(segment)} is a map, not a list`);
            node = node[segment];
        }
        const last = segments[segments.length - 1];
        if (typeof last === "number" && last > (node as unknown[]).length) throw new Error(`${key}: index ${last} is past the end of the list`);
        node[last] = typedValue(raw, asString);
    }
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)]));
}

/** The `pulumi config set` lines of the first ```bash block under `## <heading>` in a Markdown text. */
export function configSetLines(markdown: string, heading: string): string[] {
    const section = markdown.split(`\n## ${heading}\n`)[1]?.split(/\n## /)[0];
    if (section === undefined) throw new Error(`no section "## ${heading}"`);
    const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
    if (block === undefined) throw new Error(`no bash block in "## ${heading}"`);
    return block.split("\n").filter((line) => /^\s*pulumi config set\b/.test(line));
}
