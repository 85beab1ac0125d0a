import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { OptionDescriptor } from '../adapter/modality-adapter.js';
import { OrderlensInputError } from '../errors/errors.js';
import { isWithin, realPathOfNearest, resolveInside } from './resolve-inside.js';

/**
 * `ref` resolved (symlinks included) inside the first of `roots` that holds it, checked before
 * anything is opened ({@link resolveInside} per root).
 *
 * @param roots - Folders the reader may read from, in order (a study folder, `--root`s, …).
 * @param ref - The path as written (absolute, or relative to the first root).
 * @param field - The option or field holding `ref`, named in the error.
 * @param what - The roots in words for the error, e.g. `the study folder and the --root folders`.
 * @param rule - The rule, ending the error, e.g. `add --root <dir> to allow another folder`.
 * @returns The target's real path.
 * @throws {@link OrderlensInputError} naming `field` when `ref` lies outside every root (a
 * symlink loop, an empty path or a NUL byte are refused as well).
 */
export function resolveInRoots(
  roots: readonly string[],
  ref: string,
  field: string,
  what: string,
  rule: string,
): string {
  if (roots.length === 0) throw new OrderlensInputError(field, `no folder may be read (no roots given)`);
  if (roots.length === 1) return resolveInside(roots[0], ref, field, { rootLabel: what, rule });
  if (typeof ref !== 'string' || ref.length === 0 || ref.includes('\0'))
    return resolveInside(roots[0], ref, field); // its refusal of an empty path or a NUL byte
  const abs = resolve(roots[0], ref);
  const lexicalRoots = roots.map((r) => resolve(r));
  const realRoots = lexicalRoots.map((r) => realPathOfNearest(r, field));
  const refuse = (target: string) =>
    new OrderlensInputError(
      field,
      `${JSON.stringify(ref)} resolves to ${target}, outside ${what} (${realRoots.join(', ')}); ${rule}`,
    );
  // As resolveInside, per root: lexically first (nothing outside every root is touched), then
  // with symlinks resolved — a link in one root may lead into another.
  if (![...lexicalRoots, ...realRoots].some((r) => isWithin(r, abs))) throw refuse(abs);
  const real = realPathOfNearest(abs, field);
  if (!realRoots.some((r) => isWithin(r, real))) throw refuse(real);
  return real;
}

/** The parts of a path-valued option value: an optional `name:` prefix and its comma-separated parts. */
export interface PathSpec {
  /** `idx`, `fashion-mnist`, `cifar-bin`, …, or undefined for a bare path. */
  readonly prefix?: string;
  /** Each part after the prefix, split at commas (`idx:<images>,<labels>` has two). */
  readonly parts: readonly string[];
}

/**
 * Splits a data spec into its prefix and parts, so that every part of a composite spec
 * (`idx:<images>,<labels>`, a comma list) is checked on its own: checking the joined string as
 * one path lets `idx:<root>/images,/etc/passwd` through, since the whole lies "under" the root.
 * A one-letter prefix is a Windows drive, not a spec name.
 */
export function splitPathSpec(value: string): PathSpec {
  const m = /^([A-Za-z][\w-]+):(.*)$/s.exec(value);
  const rest = m ? m[2] : value;
  return { ...(m ? { prefix: m[1] } : {}), parts: rest.split(',') };
}

/** Joins a {@link PathSpec} back into a spec string. */
export function joinPathSpec(spec: PathSpec): string {
  const rest = spec.parts.join(',');
  return spec.prefix !== undefined ? `${spec.prefix}:${rest}` : rest;
}

/**
 * Whether a part of a spec names a file: absolute, with a path separator, starting with `.`, or
 * naming something that exists in `base`. Names of data shipped with orderlens (`census`,
 * `cifar10`, `test` in `modelnet10:test`) are not paths.
 */
export function looksLikePath(part: string, base?: string): boolean {
  if (part === '') return false;
  if (isAbsolute(part) || /[\\/]/.test(part) || part.startsWith('.')) return true;
  return base !== undefined && existsSync(resolve(base, part));
}

/** One path named by a path-valued adapter option (see {@link OptionDescriptor.path}). */
export interface OptionPath {
  /** The option's key. */
  readonly key: string;
  /** The part as written. */
  readonly path: string;
}

/**
 * The paths named by the path-valued options in `options` (descriptors with `path: true`),
 * composite specs split into their parts. Relative parts are judged against `base`.
 */
export function optionPaths(
  descriptors: readonly OptionDescriptor[],
  options: Readonly<Record<string, unknown>>,
  base?: string,
): OptionPath[] {
  const out: OptionPath[] = [];
  for (const d of descriptors) {
    if (d.path !== true) continue;
    const v = options[d.key];
    const values = typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : [];
    for (const value of values)
      for (const part of splitPathSpec(value).parts)
        if (looksLikePath(part, base)) out.push({ key: d.key, path: part });
  }
  return out;
}
