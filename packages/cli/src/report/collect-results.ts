import { lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { OrderlensInputError, resolveInside, type InteractionResult } from '@orderlens/core';
import { readResultFile } from '../util/result-io.js';

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
 * folders are skipped; symbolic links to folders are not followed (a link back up would loop,
 * one out would report another folder), and a `result.json` that is a symbolic link must
 * resolve inside `root` (`resolveInside`), else the report is refused before it is read.
 */
export function findResultFiles(root: string): string[] {
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
      }
    }
  };
  walk(root);
  return out;
}

/**
 * The label of a result: its folder relative to the root without `models/` segments (a study's
 * `models/<id>/result.json` is `<id>`; a multi-model analysis in `census/models/0-a.onnx` is
 * `census/0-a.onnx`), or the model file's name for a result at the root itself.
 */
function labelOf(root: string, path: string, result: InteractionResult): string {
  const rel = relative(root, dirname(path));
  const parts = rel === '' ? [] : rel.split(sep).filter((p) => p !== 'models');
  if (parts.length > 0) return parts.join('/');
  const model = result.provenance.model?.file;
  return model ? basename(model) : basename(resolve(root));
}

/**
 * Finds and validates every result under `root` (each with `parseResult`, so a bad file is an
 * input error naming it and its first bad field). Labels are made unique with a suffix.
 */
export function loadReportEntries(root: string): ReportEntry[] {
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new OrderlensInputError('<dir>', `${root} is not a folder`);
  const files = findResultFiles(root);
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
