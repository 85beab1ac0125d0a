import { probeWritableFile, toJsonText, writeJsonAtomic } from '@orderlens/core';
import type { CliIo } from './io.js';

/**
 * Checks, before any work, that a result file given with `--out` can be written (nothing to
 * check for stdout: `undefined` or `-`). Refuses /proc, a path under a regular file, a folder,
 * a read-only place, naming `field`.
 */
export function probeResultPath(path: string | undefined, field = '--out'): void {
  if (path === undefined || path === '-') return;
  probeWritableFile(path, field);
}

/**
 * Writes a result: atomically to `path`, or as JSON on stdout when `path` is undefined or `-`.
 * Returns a short description for the summary line.
 */
export function writeResult(path: string | undefined, result: unknown, io: Pick<CliIo, 'stdout'>): string {
  if (path === undefined || path === '-') {
    io.stdout(`${toJsonText(result)}\n`);
    return 'stdout';
  }
  writeJsonAtomic(path, result);
  return path;
}
