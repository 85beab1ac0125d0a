import { readFileSync } from 'node:fs';
import {
  OrderlensInputError,
  parseResult,
  probeWritableFile,
  toJsonText,
  writeJsonAtomic,
  type InteractionResult,
} from '@orderlens/core';
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

/** Reads and validates an `orderlens/interaction-result@3` file; errors name `field` or the file and field. */
export function readResultFile(path: string, field = '--result'): InteractionResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrderlensInputError(
      field,
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new OrderlensInputError(field, `${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new OrderlensInputError(field, `${path}: expected a JSON object (an orderlens result)`);
  return parseResult(json, path);
}
