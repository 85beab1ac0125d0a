import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { basename, extname, isAbsolute, relative } from 'node:path';
import { OrderlensInputError, isWithin, resolveInside, type InteractionResult } from '@orderlens/core';

/**
 * The kinds of file a report embeds, by extension, each recognised by its first bytes: a result
 * file is untrusted (a folder made by someone else), and a report is made to be shared, so
 * nothing but a picture or a point view the analysis wrote may end up in it.
 */
const EMBEDDABLE: Record<string, (head: string) => boolean> = {
  '.png': (head) => head.startsWith('\x89PNG\r\n\x1a\n'),
  '.svg': (head) =>
    /^(\uFEFF)?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head),
  '.html': (head) => /^(\uFEFF)?\s*(<!--[\s\S]*?-->\s*)*(<!DOCTYPE html[^>]*>|<html[\s>])/i.test(head),
};

/** Largest output file embedded (the point views of 2,048-point clouds are well under 1 MB). */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * Where an output file of a result is now, confined to the result's own folder. Analyses record
 * absolute paths, and a folder that was moved or copied (a study downloaded from a server) still
 * has its pictures beside result.json, so:
 *
 * - a relative recorded path is taken relative to the result's folder;
 * - an absolute one is never opened as written: only where it lies under the result's folder
 *   (as written) is its path below that folder kept, else only its bare name is looked up there;
 * - either way the file must resolve, symlinks followed, inside the result's folder
 *   (`resolveInside`): `../`, `/etc/passwd` or a symlink out of the folder is refused.
 *
 * @throws {@link OrderlensInputError} naming `field` when the recorded path leaves the folder.
 * @returns The real path to open, or undefined when nothing is there.
 */
export function resolveOutput(recorded: string, resultDir: string, field = 'outputs'): string | undefined {
  const rel = !isAbsolute(recorded)
    ? recorded
    : isWithin(resultDir, recorded)
      ? relative(resultDir, recorded)
      : basename(recorded);
  const path = resolveInside(resultDir, rel === '' ? '.' : rel, field, {
    rootLabel: "the result's folder",
    rule: 'a report embeds only files under the folder of the result that records them',
  });
  return path;
}

/** The recorded paths of one output kind (`heatmaps`, `point-view`, `word-arcs`, …), as strings. */
export function outputPaths(result: InteractionResult, key: string): string[] {
  const v = result.outputs?.[key];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((p): p is string => typeof p === 'string');
  return [];
}

/**
 * Reads an output file of a result for embedding: confined to the result's folder
 * ({@link resolveOutput}), a regular file of at most 32 MB, of a kind the report embeds
 * (`.png`, `.svg`, `.html`) and whose first bytes are of that kind. Undefined when it cannot be
 * found or read, or is refused; a refusal is told to `refused` (the report prints it as a
 * warning) and the file is never opened.
 */
export function readOutput(
  recorded: string,
  resultDir: string,
  refused?: (why: string) => void,
): Buffer | undefined {
  const ext = extname(recorded).toLowerCase();
  const isKind = EMBEDDABLE[ext];
  if (!isKind) {
    refused?.(`${JSON.stringify(recorded)}: not a .png, .svg or .html file; not embedded`);
    return undefined;
  }
  let path: string | undefined;
  try {
    path = resolveOutput(recorded, resultDir);
  } catch (e) {
    if (!(e instanceof OrderlensInputError)) throw e;
    refused?.(`${e.message}; not embedded`);
    return undefined;
  }
  if (path === undefined) return undefined;
  let fd: number;
  try {
    // No follow: `path` is already real, so a link there now was swapped in after the check;
    // non-blocking: a FIFO named `heatmap-0.png` must not hang the report (it is refused below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined; // not there (a picture not written, or removed): the report draws its own
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_OUTPUT_BYTES) {
      refused?.(`${path}: not a regular file of at most ${MAX_OUTPUT_BYTES} bytes; not embedded`);
      return undefined;
    }
    const bytes = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const k = readSync(fd, bytes, got, st.size - got, got);
      if (k === 0) break;
      got += k;
    }
    const data = bytes.subarray(0, got);
    if (!isKind(data.subarray(0, 512).toString('latin1'))) {
      refused?.(`${path}: its content is not ${ext.slice(1).toUpperCase()}; not embedded`);
      return undefined;
    }
    return data;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
