import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { InteractionResult } from '@orderlens/core';

/**
 * Where an output file of a result is now. Analyses record absolute paths; a folder that was
 * moved or copied (a study downloaded from a server) still has its pictures beside result.json,
 * so the recorded path, then the path relative to the result's folder, then its bare name there
 * are tried. Undefined when none exists.
 */
export function resolveOutput(recorded: string, resultDir: string): string | undefined {
  const candidates = [
    ...(isAbsolute(recorded) ? [recorded] : [join(resultDir, recorded)]),
    join(resultDir, basename(recorded)),
  ];
  return candidates.find((p) => existsSync(p));
}

/** The recorded paths of one output kind (`heatmaps`, `point-view`, `word-arcs`, …), as strings. */
export function outputPaths(result: InteractionResult, key: string): string[] {
  const v = result.outputs?.[key];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((p): p is string => typeof p === 'string');
  return [];
}

/** Reads an output file, or undefined when it cannot be found or read. */
export function readOutput(recorded: string, resultDir: string): Buffer | undefined {
  const path = resolveOutput(recorded, resultDir);
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
