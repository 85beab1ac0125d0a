import { fileURLToPath } from 'node:url';

/** A path in this repository's checkout (fixtures, data), from the CLI's sources. */
export const repoPath = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
