import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/**
 * File names that say nothing about the model: a fixture folder holds `model.onnx`, a tfjs
 * export `model.json`, so a legend entry or folder named after the file reads "model.onnx".
 */
const GENERIC_STEM = /^(model|model[-_.].*|saved_model|weights|graph|network|net)$/i;

/** The `name` of a meta.json, when it is a non-empty string; undefined when unreadable. */
function metaName(path: string): string | undefined {
  try {
    if (!existsSync(path)) return undefined;
    const meta = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown };
    return typeof meta.name === 'string' && meta.name.trim() !== '' ? meta.name.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A short human name of a model spec, for legends, labels and output folders: meta.json's
 * `name` (in the model's folder, or beside the file), else the file name without its extension,
 * else — when that is generic (`model.onnx`) — the folder's name (`census-mlp5`).
 */
export function modelName(spec: string): string {
  const trimmed = spec.replace(/[/\\]+$/, '');
  let isDir = false;
  try {
    isDir = statSync(trimmed).isDirectory();
  } catch {
    // a spec that is not a path on this machine (a recorded path, a hub id): named by its text
  }
  const folder = isDir ? trimmed : dirname(trimmed);
  const fromMeta = metaName(join(folder, 'meta.json'));
  if (fromMeta) return fromMeta;
  return isDir ? basename(trimmed) : modelNameOfPath(trimmed);
}

/**
 * {@link modelName} from the path's text alone, without opening anything: for paths recorded in
 * a result (a report reads results made elsewhere, and follows none of their paths).
 */
export function modelNameOfPath(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  const file = basename(trimmed);
  const stem = basename(file, extname(file));
  if (!GENERIC_STEM.test(stem)) return stem || file;
  // `census-mlp5/tfjs/model.json`, `sst2-bert/onnx/model.onnx`: the format folder names no model.
  let folder = dirname(trimmed);
  if (FORMAT_FOLDER.test(basename(folder))) folder = dirname(folder);
  const name = basename(folder);
  return name !== '' && name !== '.' && name !== '/' ? name : file;
}

/** Folders that hold a model's files in one format, inside the model's own folder. */
const FORMAT_FOLDER = /^(onnx|tfjs|tfjs_model|web_model|saved_model)$/i;

/** A folder-safe form of {@link modelName}: letters, digits, `.`, `_` and `-`. */
export function modelSlug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'model';
}

/**
 * Output sub-folder names of several models, one each: their {@link modelSlug}, with `-2`, `-3`
 * on repeats (two specs of the same folder), so no two models share a folder.
 */
export function modelFolders(specs: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return specs.map((spec) => {
    const base = modelSlug(modelName(spec));
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}-${k}`;
  });
}
