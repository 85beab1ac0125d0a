import { isAbsolute } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { OrderlensInputError, optionPaths, resolveInside, type StudyModel } from '@orderlens/core';

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
   * Checks every file a study model reads: the model file or folder, and every part of every
   * path-valued adapter option (`optionPaths`: data folders, CSV files, `name:<folder>`, each of
   * `idx:<images>,<labels>` on its own — the joined string would pass as one path under a root).
   * Option values that are no path (`census`, `cifar10`: data shipped with orderlens) are left
   * alone, as the study loader leaves them.
   */
  checkModel(m: StudyModel): void {
    this.resolve(m.model.file, `models[${m.index}].model`);
    const options = m.plan.adapterOptions;
    for (const { key, path } of optionPaths(m.plan.adapter.options.descriptors, options)) {
      const field = `models[${m.index}].options.${key}`;
      if (!isAbsolute(path))
        // The loader made every path beside the study absolute; a relative one left over would
        // be read against the worker's working folder, outside any check.
        throw new OrderlensInputError(
          field,
          `${JSON.stringify(path)} names no file beside the study; a worker reads only absolute paths under its roots`,
        );
      this.resolve(path, field);
    }
  }
}
