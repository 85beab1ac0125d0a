import { float32Tensor, type ModalitySession } from '@orderlens/core';
import { TabularMasker } from '../masker/tabular-masker.js';
import type { TabularRows } from './tabular-data.js';

/** What a tabular session reads of its rows. */
export type TabularSessionRows = Pick<
  TabularRows,
  'x' | 'y' | 'rows' | 'featureCount' | 'featureNames' | 'playerOfFeature' | 'source'
>;

/** Options of {@link tabularSession}. */
export interface TabularSessionOptions {
  /** Values of absent attributes, in model-input space (length `featureCount`). */
  readonly baseline: ArrayLike<number>;
  /** Model input name (default `x`). */
  readonly inputName?: string;
  /** Settings recorded (and fingerprinted) with a result. */
  readonly details?: Record<string, unknown>;
}

/**
 * Rows as the analysis pipeline sees them: one candidate per row (id `row-k`, its label), the
 * unmasked rows for sample selection, and one player per attribute (the inputs of a one-hot
 * column together), absent attributes at the baseline. The tabular adapter opens its sessions
 * with it; experiments on rows held in memory (adversarial rows of an attack) use it directly,
 * with `computeSelection`/`computeSample`/`runAnalysis` and the registered `exact` estimator.
 */
export function tabularSession(rows: TabularSessionRows, options: TabularSessionOptions): ModalitySession {
  const d = rows.featureCount;
  const inputName = options.inputName ?? 'x';
  const owner = Array.from(rows.playerOfFeature);
  const n = Math.max(...owner) + 1;
  const names = Array.from(
    { length: n },
    (_, p) => rows.featureNames[owner.indexOf(p)]?.split('=')[0] ?? `x${p}`,
  );
  const playersOf = (row: Float32Array) => ({
    descriptor: { kind: 'attributes' as const, n, names, values: Array.from(row) },
    masker: new TabularMasker(row, {
      baseline: options.baseline,
      playerOfFeature: rows.playerOfFeature,
      inputName,
    }),
  });
  return {
    data: rows.source,
    candidates: rows.rows,
    classes: Math.max(...Array.from(rows.y)) + 1,
    candidate: (k) => ({ id: `row-${k}`, label: rows.y[k] }),
    inputs: (start, end) => ({
      [inputName]: float32Tensor(rows.x.subarray(start * d, end * d), [end - start, d]),
    }),
    async players(k) {
      return playersOf(rows.x.subarray(k * d, (k + 1) * d));
    },
    // The noise is added to the row in model-input space (standardised numbers, one-hot
    // columns), before masking: absent attributes still take the baseline.
    async perturbedPlayers(k, perturb) {
      const row = Float32Array.from(rows.x.subarray(k * d, (k + 1) * d));
      perturb(row);
      return playersOf(row);
    },
    details: options.details ?? {},
  };
}
