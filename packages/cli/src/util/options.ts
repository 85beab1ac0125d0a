import { statSync } from 'node:fs';
import { OrderlensInputError } from '@orderlens/core';

/*
 * Option parsers. Each takes the option's name (as the user typed it, e.g. `--contexts`) so that
 * errors name it. They throw OrderlensInputError, which the CLI prints as
 * `error: --contexts: expected a positive integer, got "abc"` with exit code 2.
 *
 * Use them inside actions (`parseInteger(opts.contexts, '--contexts', { min: 1 })`) rather than as
 * commander argParsers, so that every message has the same shape and exit code.
 */

/** Bounds for numeric options. */
export interface NumberBounds {
  min?: number;
  max?: number;
  /** Exclusive lower bound (e.g. a strictly positive float). */
  greaterThan?: number;
}

function describeBounds(b: NumberBounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`≥ ${b.min}`);
  if (b.greaterThan !== undefined) parts.push(`> ${b.greaterThan}`);
  if (b.max !== undefined) parts.push(`≤ ${b.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

function checkBounds(value: number, field: string, kind: string, b: NumberBounds, raw: unknown): number {
  const ok =
    (b.min === undefined || value >= b.min) &&
    (b.max === undefined || value <= b.max) &&
    (b.greaterThan === undefined || value > b.greaterThan);
  if (!ok)
    throw new OrderlensInputError(field, `expected ${kind}${describeBounds(b)}, got ${JSON.stringify(raw)}`);
  return value;
}

/** Parses a decimal integer option (`"12"`, `"-3"`; not `"1.5"`, `"1e3"`, `""`). */
export function parseInteger(raw: string | number, field: string, bounds: NumberBounds = {}): number {
  const text = String(raw).trim();
  if (!/^[-+]?\d+$/.test(text))
    throw new OrderlensInputError(
      field,
      `expected an integer${describeBounds(bounds)}, got ${JSON.stringify(raw)}`,
    );
  const v = Number(text);
  if (!Number.isSafeInteger(v))
    throw new OrderlensInputError(field, `integer out of range, got ${JSON.stringify(raw)}`);
  return checkBounds(v, field, 'an integer', bounds, raw);
}

/** Parses a finite float option (`"0.5"`, `"1e-3"`, `".25"`). */
export function parseFloatOption(raw: string | number, field: string, bounds: NumberBounds = {}): number {
  const text = String(raw).trim();
  const v = text === '' ? NaN : Number(text);
  if (!Number.isFinite(v))
    throw new OrderlensInputError(
      field,
      `expected a finite number${describeBounds(bounds)}, got ${JSON.stringify(raw)}`,
    );
  return checkBounds(v, field, 'a number', bounds, raw);
}

/** Splits a comma/whitespace separated list, dropping empty items; errors if nothing is left. */
export function parseList(raw: string, field: string): string[] {
  const items = String(raw)
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0)
    throw new OrderlensInputError(field, `expected a comma-separated list, got ${JSON.stringify(raw)}`);
  return items;
}

/** Parses a comma-separated list of integers (`"1,2,8"`). */
export function parseIntegerList(raw: string, field: string, bounds: NumberBounds = {}): number[] {
  return parseList(raw, field).map((s, k) => parseInteger(s, `${field}[${k}]`, bounds));
}

/** Parses a comma-separated list of floats (`"0,0.05,0.1"`). */
export function parseFloatList(raw: string, field: string, bounds: NumberBounds = {}): number[] {
  return parseList(raw, field).map((s, k) => parseFloatOption(s, `${field}[${k}]`, bounds));
}

/**
 * Parses player pairs `"0-1,3-7"` (also `0:1`). With `n`, indices must be in `[0, n)`. The two
 * players of a pair must differ; pairs are returned as given (not reordered), duplicates rejected.
 */
export function parsePairList(raw: string, field: string, n?: number): Array<[number, number]> {
  const seen = new Set<string>();
  return parseList(raw, field).map((item, k) => {
    const m = /^(\d+)\s*[-:]\s*(\d+)$/.exec(item);
    if (!m)
      throw new OrderlensInputError(
        `${field}[${k}]`,
        `expected a pair like "3-7", got ${JSON.stringify(item)}`,
      );
    const i = Number(m[1]);
    const j = Number(m[2]);
    if (n !== undefined && (i >= n || j >= n)) {
      throw new OrderlensInputError(
        `${field}[${k}]`,
        `player index out of range [0, ${n}) in ${JSON.stringify(item)}`,
      );
    }
    if (i === j)
      throw new OrderlensInputError(
        `${field}[${k}]`,
        `a pair needs two different players, got ${JSON.stringify(item)}`,
      );
    const key = i < j ? `${i}-${j}` : `${j}-${i}`;
    if (seen.has(key))
      throw new OrderlensInputError(`${field}[${k}]`, `duplicate pair ${JSON.stringify(item)}`);
    seen.add(key);
    return [i, j] as [number, number];
  });
}

/** Parses one of a fixed set of choices. */
export function parseChoice<T extends string>(raw: string, field: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) {
    throw new OrderlensInputError(field, `expected one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** Parses a seed: an integer when it looks like one, otherwise the string itself (Rng accepts both). */
export function parseSeed(raw: string | number, field = '--seed'): number | string {
  const text = String(raw).trim();
  if (text === '') throw new OrderlensInputError(field, 'expected an integer or a non-empty string');
  return /^[-+]?\d+$/.test(text) ? parseInteger(text, field) : text;
}

/**
 * Parses `--grid`: `16` (16×16) or `28x28` / `4x64` (rows × cols).
 */
export function parseGrid(raw: string, field = '--grid'): { rows: number; cols: number } {
  const m = /^\s*(\d+)\s*(?:[x×]\s*(\d+))?\s*$/i.exec(raw);
  if (!m)
    throw new OrderlensInputError(
      field,
      `expected a side like 16 or rows×cols like 4x64, got ${JSON.stringify(raw)}`,
    );
  const rows = parseInteger(m[1], field, { min: 1 });
  const cols = m[2] === undefined ? rows : parseInteger(m[2], field, { min: 1 });
  return { rows, cols };
}

/**
 * Checks that an input path given with `field` exists (a file, or a folder with `kind: 'dir'`),
 * before any work, so a missing `--csv` is reported as `--csv` and not as whatever the reader
 * needs next (e.g. the preprocessing that goes with a CSV).
 */
export function requireInputPath(path: string, field: string, kind: 'file' | 'dir' = 'file'): string {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrderlensInputError(
      field,
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `no such ${kind === 'dir' ? 'folder' : 'file'}: ${path}`
        : `cannot read ${path}: ${(e as Error).message}`,
    );
  }
  if (kind === 'file' && isDir) throw new OrderlensInputError(field, `${path} is a folder, not a file`);
  if (kind === 'dir' && !isDir) throw new OrderlensInputError(field, `${path} is a file, not a folder`);
  return path;
}

/** Help of `--keep-denormals`, shared by every command that opens models. */
export const KEEP_DENORMALS_HELP =
  'keep denormal floats in ONNX Runtime (default: flushed to zero, often much faster, numbers within float32 rounding); recorded in the result';
