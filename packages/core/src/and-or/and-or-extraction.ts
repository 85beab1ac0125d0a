import { requireInput } from '../errors/errors.js';
import { tableOrder } from '../exact/mobius.js';
import { extractAndOrBatch } from './and-or-batch.js';
import type { AndOrCommonOptions } from './and-or-presets.js';
import type { AndOrDecomposition } from './and-or-types.js';

/** Options of {@link extractAndOr}. */
export interface AndOrOptions extends AndOrCommonOptions {
  /** Called every `reportEvery` iterations with the current L1 loss. */
  onProgress?: (iteration: number, loss: number) => void;
}

/**
 * Learns the sparse AND-OR decomposition of one game table (two-phase-dynamics paper; MATH.md):
 * {@link extractAndOrBatch} with one sample. `values[T] = v(T)`, `T` a bitmask, length `2^n`.
 */
export function extractAndOr(values: Float64Array, options: AndOrOptions = {}): AndOrDecomposition {
  let n: number;
  try {
    n = tableOrder(values.length);
  } catch (e) {
    requireInput(false, 'values', (e as Error).message.replace(/^values: /, ''));
  }
  const { onProgress, ...rest } = options;
  return extractAndOrBatch(values, n, {
    ...rest,
    onProgress: onProgress ? (it, losses) => onProgress(it, losses[0]) : undefined,
  }).decompositions[0];
}
