// Paging and batching for list and batch calls of either engine.

/** Pages a list call to the end, refusing a repeated token (which would page forever). */
export async function pageAll<T>(name: string, fetch: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>): Promise<T[]> {
    const items: T[] = [];
    let nextToken: string | undefined;
    do {
        const token = nextToken;
        const page = await fetch(token);
        items.push(...(page.items ?? []));
        if (page.nextToken && page.nextToken === token) throw new Error(`${name} returned the same nextToken twice: ${token}`);
        nextToken = page.nextToken;
    } while (nextToken);
    return items;
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
}

/** A real sleep, for callers that inject none. */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets Pulumi serialize this module by value even when it is loaded from node_modules. */
export const deploymentOnlyModule = true;
