import { fileURLToPath } from 'node:url';
import { tempDir as coreTempDir } from '@orderlens/core/testing';

/** A fresh temporary directory (core's helper, with the CLI's prefix). */
export const tempDir = (prefix = 'orderlens-cli-') => coreTempDir(prefix);

/** Absolute path of a file under the repository's `examples/`. */
export function examplePath(rel: string): string {
  return fileURLToPath(new URL(`../../../../examples/${rel}`, import.meta.url));
}
