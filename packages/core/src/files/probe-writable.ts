import {
  accessSync,
  constants,
  mkdirSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OrderlensInputError } from '../errors/errors.js';
import { isWithin, realPathOfNearest } from './resolve-inside.js';

/**
 * Kernel pseudo-file systems: nothing a command writes there is a result, and Node's recursive
 * `mkdirSync` never returns on some of them (`/proc/x` answers ENOENT to every mkdir, and the
 * recursive walk retries forever), so they are refused by name before anything is created.
 */
const PSEUDO_FS = ['/proc', '/sys'];

/**
 * Checks, before any work starts, that `dir` is a folder a command can write its output to:
 * creates it (and missing parents) one level at a time, creates and removes a probe file, then
 * removes again every folder it created, so a refused or later-failing run leaves no partial
 * output behind.
 *
 * Refused, with an {@link OrderlensInputError} naming `field`: a path under `/proc` or `/sys`;
 * a path whose existing part is a regular file (`out.json/x`, ENOTDIR); `dir` itself being a
 * file; a read-only file system (EROFS); missing permission (EACCES/EPERM); a full disk.
 *
 * @param dir - The output folder (need not exist).
 * @param field - The option naming it, e.g. `--out`.
 * @returns The absolute path of `dir`.
 */
export function probeWritableDir(dir: string, field: string): string {
  const abs = resolve(dir);
  refusePseudoFs(abs, field);
  // Find the nearest existing ancestor. The walk ends where `dirname` is a fixed point (the
  // file system root), so it is bounded by the path depth.
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    const st = statOrNull(cur, field);
    if (st !== null) {
      if (!st.isDirectory()) {
        const what =
          cur === abs ? `${abs} is a file, not a folder` : `${cur} is a file, so ${abs} cannot be a folder`;
        throw new OrderlensInputError(field, `${what}; choose another output folder`);
      }
      break;
    }
    const parent = dirname(cur);
    if (parent === cur)
      throw new OrderlensInputError(field, `cannot create ${abs}: no existing parent folder`);
    missing.push(cur);
    cur = parent;
  }
  const created: string[] = [];
  try {
    // Non-recursive mkdir, outermost first: one system call per level, each failure reported
    // for the level it happened at (never the retry loop of `{ recursive: true }`).
    for (let k = missing.length - 1; k >= 0; k--) {
      try {
        mkdirSync(missing[k]);
      } catch (e) {
        throw writeError(field, abs, `cannot create folder ${missing[k]}`, e);
      }
      created.push(missing[k]);
    }
    const probe = resolve(abs, `.orderlens-write-probe-${process.pid}-${Date.now().toString(36)}`);
    try {
      writeFileSync(probe, '', { flag: 'wx' });
    } catch (e) {
      throw writeError(field, abs, `cannot write in ${abs}`, e);
    }
    unlinkSync(probe);
  } finally {
    // Innermost first; these folders were created empty by this function.
    for (let k = created.length - 1; k >= 0; k--) {
      try {
        rmdirSync(created[k]);
      } catch {
        // Someone else wrote into it meanwhile: theirs to keep.
      }
    }
  }
  return abs;
}

/**
 * Checks, before any work starts, that the output file `path` can be written: its folder
 * passes {@link probeWritableDir}, `path` is not a folder, and an existing file is writable.
 * The file itself is not touched (results are written to a temporary name and renamed).
 *
 * @param path - The output file (need not exist).
 * @param field - The option naming it, e.g. `--out`.
 * @param example - A file name to suggest when `path` is a folder (default `result.json`).
 * @returns The absolute path of `path`.
 */
export function probeWritableFile(path: string, field: string, example = 'result.json'): string {
  const abs = resolve(path);
  refusePseudoFs(abs, field);
  const st = statOrNull(abs, field);
  if (st?.isDirectory()) {
    throw new OrderlensInputError(field, `${abs} is a folder; give a file name (e.g. ${abs}/${example})`);
  }
  probeWritableDir(dirname(abs), field);
  if (st !== null) {
    try {
      accessSync(abs, constants.W_OK);
    } catch (e) {
      throw writeError(field, abs, `cannot overwrite ${abs}`, e);
    }
  }
  return abs;
}

function refusePseudoFs(abs: string, field: string): void {
  // Judge both the path as given and where its existing part really is (a symlink into /proc).
  for (const p of [abs, realPathOfNearest(abs)]) {
    const fs = PSEUDO_FS.find((root) => isWithin(root, p));
    if (fs !== undefined) {
      throw new OrderlensInputError(
        field,
        `${abs} is under ${fs}, a kernel pseudo-file system that cannot hold output; choose a regular folder`,
      );
    }
  }
}

/** `statSync`, or null when nothing exists there; any other failure is reported. */
function statOrNull(p: string, field: string): Stats | null {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') {
      // A parent is a regular file; the walk reaches and reports it.
      return null;
    }
    throw writeError(field, p, `cannot inspect ${p}`, e);
  }
}

/** Plain words for the error codes a user can act on. */
const WHY: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a parent is a file, not a folder',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'a symbolic link on the path loops back to itself',
};

function writeError(field: string, abs: string, what: string, e: unknown): OrderlensInputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = (code !== undefined ? WHY[code] : undefined) ?? (e as Error).message ?? String(e);
  return new OrderlensInputError(field, `${what}: ${why}; choose another output folder than ${abs}`);
}
