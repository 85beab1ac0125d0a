import { isAbsolute } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { OrderlensInputError, resolveInside, type OptionDescriptor, type StudyModel } from '@orderlens/core';

/**
 * The folders a worker may read models, data and study folders from (`--root`, repeatable).
 * Every path a job names, and every path its study names in turn, must resolve inside one of
 * them: a job naming `../../etc` or `/etc/passwd` is refused before anything is opened (core's
 * {@link resolveInside}: lexical check first, then symlinks resolved).
 */
export class WorkerRoots {
  /** The roots, absolute with symlinks resolved. */
  readonly dirs: readonly string[];

  constructor(dirs: readonly string[], field = '--root') {
    if (dirs.length === 0)
      throw new OrderlensInputError(field, 'name at least one folder the worker may read (--root <dir>)');
    this.dirs = dirs.map((d) => {
      if (!existsSync(d) || !statSync(d).isDirectory())
        throw new OrderlensInputError(field, `${d} is not a folder`);
      return resolveInside(d, '.', field);
    });
  }

  /**
   * `ref` (absolute, or relative to a root) resolved inside the first root that holds it.
   *
   * @throws {@link OrderlensInputError} naming `field` when it lies outside every root.
   */
  resolve(ref: string, field: string): string {
    for (const root of this.dirs) {
      try {
        return resolveInside(root, ref, field);
      } catch (e) {
        if (!(e instanceof OrderlensInputError)) throw e;
      }
    }
    throw new OrderlensInputError(
      field,
      `${JSON.stringify(ref)} is outside the folders this worker may read (${this.dirs.join(', ')}); refused`,
    );
  }

  /**
   * Checks every file a study model reads: the model file or folder, and every path-valued
   * adapter option (data folders, CSV files, `name:<folder>` specs). Option values that are no
   * path (`census`, `cifar10`: data shipped with orderlens) are left alone, as the study loader
   * leaves them.
   */
  checkModel(m: StudyModel): void {
    this.resolve(m.model.file, `models[${m.index}].model`);
    const options = m.plan.adapterOptions;
    for (const d of m.plan.adapter.options as readonly OptionDescriptor[]) {
      const v = options[d.key];
      const values =
        d.type === 'string' && typeof v === 'string'
          ? [v]
          : d.type === 'strings' && Array.isArray(v)
            ? v
            : [];
      for (const raw of values) {
        const value = String(raw);
        const field = `models[${m.index}].options.${d.key}`;
        const path = pathOf(value);
        if (path !== undefined) this.resolve(path, field);
        else if (/[\\/]/.test(value))
          // The loader made every path that exists beside the study absolute; a relative one
          // left over would be read against the worker's working folder, outside any check.
          throw new OrderlensInputError(
            field,
            `${JSON.stringify(value)} names no file beside the study; a worker reads only absolute paths under its roots`,
          );
      }
    }
  }
}

/** The file path an option value names (absolute, or after a `name:` prefix), else undefined. */
function pathOf(v: string): string | undefined {
  if (isAbsolute(v)) return v;
  const m = /^([A-Za-z][\w-]*):(.+)$/.exec(v);
  return m && isAbsolute(m[2]) ? m[2] : undefined;
}
