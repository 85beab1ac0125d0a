import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { toJsonText } from '@orderlens/core';

/**
 * Writes `value` as JSON to `path` unless `path` exists, atomically and at most once, even when
 * two processes (a worker presumed dead and the one that took its job over) finish the same
 * unit: the content goes to a temporary file, which is then hard-linked to `path`. `link`
 * fails if `path` exists, and is atomic on local file systems and on NFS — the classic NFS-safe
 * exclusive create. Returns whether this call wrote the file. The bytes are those of the run
 * store's own writes (`toJsonText`), so a unit reads the same whoever wrote it.
 */
export function writeJsonOnce(path: string, value: unknown): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, toJsonText(value));
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}
