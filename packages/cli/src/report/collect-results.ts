import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { OrderlensInputError, resolveInside, type InteractionResult } from '@orderlens/core';
import { modelNameOfPath } from '../util/model-name.js';
import { readResultFile } from '@orderlens/core';

/** One analysed model found under a report folder. */
export interface ReportEntry {
  /** Short unique name shown in legends and toggles (e.g. the study's model id). */
  readonly label: string;
  /** Path of the result file. */
  readonly path: string;
  /** Folder of the result file (its pictures are resolved against it). */
  readonly dir: string;
  readonly result: InteractionResult;
  /** Output files of this result refused for the report (outside its folder, wrong kind), filled while it is drawn. */
  readonly refused: string[];
}

/**
 * Folders never searched: `run/` holds the resumable run store (per-sample unit files, not
 * results), the others are tooling.
 */
const SKIP_DIRS = new Set(['run', 'node_modules', '.git']);

/**
 * Every `result.json` under `root`, recursively, sorted by path. `run/` folders and hidden
 * folders are skipped. A `result.json` that is a symbolic link must resolve inside `root`
 * (`resolveInside`), else the report is refused before it is read. Other symbolic links are not
 * followed — a link back up (or to itself) would loop, one out would report another folder —
 * and each one met is passed to `onSkip` with the reason (a loop named as one), so the report
 * can say what it left out.
 */
export function findResultFiles(root: string, onSkip?: (path: string, why: string) => void): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      throw new OrderlensInputError('<dir>', `cannot read ${dir}: ${(e as Error).message}`);
    }
    for (const name of names) {
      const path = join(dir, name);
      // lstat: the entry itself, never what a link points to (stat of a link loop throws ELOOP).
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) walk(path);
      } else if (name === 'result.json' && st.isFile()) out.push(path);
      else if (name === 'result.json' && st.isSymbolicLink()) {
        const real = resolveInside(root, relative(root, path), '<dir>', {
          rootLabel: 'the report folder',
          rule: 'a report reads only results under the folder it is given',
        });
        if (statSync(real, { throwIfNoEntry: false })?.isFile()) out.push(real);
      } else if (st.isSymbolicLink() && !SKIP_DIRS.has(name) && !name.startsWith('.'))
        onSkip?.(path, symlinkReason(path));
    }
  };
  walk(root);
  return out;
}

/** Why a symbolic link was left out, in words (a loop is named as one). */
function symlinkReason(path: string): string {
  try {
    realpathSync(path);
    return 'a symbolic link; links are not followed';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'a symbolic link loop (it leads back to itself); links are not followed';
    if (code === 'ENOENT') return 'a broken symbolic link; links are not followed';
    return `a symbolic link that cannot be resolved (${code ?? (e as Error).message}); links are not followed`;
  }
}

/**
 * The label of a result: its folder relative to the root without `models/` segments (a study's
 * `models/<id>/result.json` is `<id>`; a multi-model analysis in `census/models/census-mlp5` is
 * `census/census-mlp5`), or the model's name (its folder for a generic `model.onnx`) for a result
 * at the root itself.
 */
function labelOf(root: string, path: string, result: InteractionResult): string {
  const rel = relative(root, dirname(path));
  const parts = rel === '' ? [] : rel.split(sep).filter((p) => p !== 'models');
  if (parts.length > 0) return parts.join('/');
  const model = result.provenance.model?.file;
  return model ? modelNameOfPath(model) : basename(resolve(root));
}

/**
 * Refuses a report folder (`<dir>`) that is not a folder, naming a symbolic link loop as one
 * (`statSync` would throw a raw ELOOP).
 */
export function requireReportFolder(root: string): void {
  let st;
  try {
    st = statSync(root, { throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrderlensInputError(
      '<dir>',
      code === 'ELOOP'
        ? `${root} is a symbolic link loop (it leads back to itself)`
        : `cannot read ${root}: ${(e as Error).message}`,
    );
  }
  if (!st?.isDirectory()) throw new OrderlensInputError('<dir>', `${root} is not a folder`);
}

/**
 * Finds and validates every result under `root` (each with `parseResult`, so a bad file is an
 * input error naming it and its first bad field). Labels are made unique with a suffix.
 */
export function loadReportEntries(root: string, onSkip?: (path: string, why: string) => void): ReportEntry[] {
  requireReportFolder(root);
  const files = findResultFiles(root, onSkip);
  if (files.length === 0)
    throw new OrderlensInputError(
      '<dir>',
      `no result.json under ${root} (run \`orderlens analyze … --out ${root}\` or a study first)`,
    );
  const seen = new Set<string>();
  return files.map((path) => {
    const result = readResultFile(path, path);
    const base = labelOf(root, path, result);
    let label = base;
    for (let k = 2; seen.has(label); k++) label = `${base} (${k})`;
    seen.add(label);
    return { label, path, dir: dirname(path), result, refused: [] };
  });
}
