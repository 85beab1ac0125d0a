import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OrderlensInputError } from '../errors/errors.js';

/**
 * Resolves `ref`, a path written inside a model or data file (a tfjs weight shard, an ONNX
 * external-data location, a tokenizer or meta file), to an absolute path that is guaranteed to
 * lie inside the folder `root`, and refuses anything else.
 *
 * Model files come from strangers, so a reference is untrusted input: `../../etc/passwd`, an
 * absolute path, or a symlink inside the folder that points out of it must never make orderlens
 * open a file outside the model's folder. The check is done in two steps, both before the
 * target is opened:
 *
 * 1. lexically (`root` joined with `ref`, `..` collapsed), so an escape is refused without
 *    touching anything outside;
 * 2. after resolving symlinks: the real path of `root` against the real path of the target, or
 *    of its nearest existing parent when the target does not exist yet (so a missing file under
 *    a symlinked folder is judged by where the folder really is).
 *
 * @param root - The folder references are relative to (usually the model file's folder).
 * @param ref - The reference as written in the file.
 * @param field - The field holding `ref`, named in the error (e.g. `weightsManifest.paths[0]`).
 * @returns The target's absolute path with symlinks resolved (open this one, not `ref`).
 * @throws {@link OrderlensInputError} naming `field` when `ref` is empty, contains a NUL byte,
 * or resolves outside `root`.
 */
export function resolveInside(
  root: string,
  ref: string,
  field: string,
  options: ConfineOptions = {},
): string {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new OrderlensInputError(
      field,
      `expected a file path relative to ${root}, got ${JSON.stringify(ref)}`,
    );
  }
  if (ref.includes('\0')) {
    throw new OrderlensInputError(field, `path ${JSON.stringify(ref)} contains a NUL byte`);
  }
  const lexicalRoot = resolve(root);
  const lexical = resolve(lexicalRoot, ref);
  // The nearest existing ancestor's real path: a root that does not exist yet (an output folder)
  // under a symlinked parent must be compared in the same resolved terms as its contents.
  const realRoot = realPathOfNearest(lexicalRoot, field);
  // Step 1: no file system access at all for an escape visible in the text itself. Both the
  // given and the real root are accepted as bases so that a root reached through a symlink
  // (e.g. /tmp → /private/tmp) does not refuse honest relative references.
  if (!isWithin(lexicalRoot, lexical) && !isWithin(realRoot, lexical)) {
    throw outside(field, ref, lexical, realRoot, options);
  }
  // Step 2: symlinks resolved. A symlink is only followed (realpath), never opened.
  const real = realPathOfNearest(lexical, field);
  if (!isWithin(realRoot, real)) throw outside(field, ref, real, realRoot, options);
  return real;
}

/** How {@link resolveInside} words its refusal. */
export interface ConfineOptions {
  /** What the root is, in words: `the model folder` (default), `the result's folder`, … */
  readonly rootLabel?: string;
  /** The rule broken, ending the message (default: references in a model file stay inside its folder). */
  readonly rule?: string;
}

function outside(
  field: string,
  ref: string,
  target: string,
  root: string,
  options: ConfineOptions,
): OrderlensInputError {
  const label = options.rootLabel ?? 'the model folder';
  const rule = options.rule ?? 'references in a model file must stay inside its folder';
  return new OrderlensInputError(
    field,
    `${JSON.stringify(ref)} resolves to ${target}, outside ${label} ${root}; ${rule}`,
  );
}

/** Whether `p` is `root` itself or below it (both absolute, normalised). */
export function isWithin(root: string, p: string): boolean {
  const rel = relative(root, p);
  // `relative` gives an absolute path across Windows drives and a `..`-prefixed one outside.
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith('..' + sep));
}

/**
 * The real path of `p`, or, when `p` does not exist, the real path of its nearest existing
 * ancestor joined with the missing tail. The walk ends at the file system root, where
 * `dirname` is a fixed point, so it cannot loop.
 *
 * A symlink loop (ELOOP) cannot be judged by where it leads: with `field` it is refused with an
 * {@link OrderlensInputError} naming it; without, the path is returned as written (the caller
 * only compares it, and opening it fails anyway).
 */
export function realPathOfNearest(p: string, field?: string): string {
  const tail: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return tail.length === 0 ? realpathSync(cur) : join(realpathSync(cur), ...tail.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' && field !== undefined)
        throw new OrderlensInputError(field, `${cur} is a symbolic link loop (ELOOP); refused`);
      const parent = dirname(cur);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === cur) return join(cur, ...tail.reverse());
      tail.push(basename(cur));
      cur = parent;
    }
  }
}
