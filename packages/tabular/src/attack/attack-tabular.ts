import { InterruptedError, addCallCounts, type CallCounts, type ModelRunner } from '@orderlens/core';
import type { TabularRows } from '../adapter/tabular-data.js';
import { orderChangeUnderAttack, type OrderChangeReport } from '../adapter/attack-change.js';
import { pgdLinf, type PgdProgress } from './pgd-linf.js';

/** Where {@link attackTabular} is: a PGD step, or a sample of the interaction change. */
export type TabularAttackProgress =
  | ({ readonly phase: 'pgd' } & PgdProgress)
  | { readonly phase: 'order-change'; readonly sample: number; readonly samples: number };

/** Result of {@link attackTabular}. */
export interface TabularAttackResult {
  readonly eps: number;
  readonly steps: number;
  readonly stepSize: number;
  readonly rows: number;
  readonly cleanAccuracy: number;
  readonly adversarialAccuracy: number;
  /** Largest `|x' − x|` over all attacked rows (≤ eps). */
  readonly maxPerturbation: number;
  /** Per-order change `E|I^(m)(x) − I^(m)(x')|` (absent when `samples` is 0). */
  readonly orderChange?: OrderChangeReport;
  /** Model rows run, by purpose: PGD's as `attack`, the interaction change's as in `analyze`. */
  readonly modelCalls: CallCounts;
  readonly wallTimeMs: number;
}

/** Largest `|x'[k] − x[k]|`: how far an attack moved any input. */
export function maxPerturbation(x: ArrayLike<number>, adversarial: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < x.length; k++) max = Math.max(max, Math.abs(adversarial[k] - x[k]));
  return max;
}

/** The exit-130 error of an interrupted attack: it keeps nothing partial. */
function attackInterrupted(): InterruptedError {
  return new InterruptedError('interrupted: the attack was stopped before it finished; nothing was written');
}

/**
 * L∞ PGD on tabular rows ({@link pgdLinf}, with the runner's input gradients), then the
 * per-order change of exact interactions on up to `samples` rows the model classifies correctly
 * when clean.
 */
export async function attackTabular(options: {
  /**
   * The model under attack, with the `inputGradients` capability; the interaction change runs it
   * too (a runner that yields to the event loop, as the tfjs runner factory's, lets Ctrl-C be seen).
   */
  runner: ModelRunner;
  rows: TabularRows;
  baseline: Float32Array;
  eps: number;
  steps: number;
  stepSize: number;
  samples: number;
  /**
   * Checked after PGD (which cannot stop inside a batch) and between the model batches of the
   * interaction change.
   */
  signal?: AbortSignal;
  /** Called after every PGD step and every sample of the interaction change. */
  onProgress?: (p: TabularAttackProgress) => void;
}): Promise<TabularAttackResult & { adversarial: Float32Array }> {
  const t0 = performance.now();
  const { rows, onProgress } = options;
  const pgd = await pgdLinf({
    runner: options.runner,
    x: rows.x,
    y: rows.y,
    featureCount: rows.featureCount,
    eps: options.eps,
    steps: options.steps,
    stepSize: options.stepSize,
    ...(onProgress ? { onProgress: (p: PgdProgress) => onProgress({ phase: 'pgd', ...p }) } : {}),
  });
  let orderChange: OrderChangeReport | undefined;
  if (options.signal?.aborted) throw attackInterrupted();
  if (options.samples > 0) {
    // The clean rows are predicted to select the samples through the pipeline (counted as
    // `selection`).
    try {
      orderChange = await orderChangeUnderAttack({
        runner: options.runner,
        rows,
        xAdv: pgd.adversarial,
        baseline: options.baseline,
        samples: options.samples,
        signal: options.signal,
        ...(onProgress
          ? {
              onSample: (sample: number, samples: number) =>
                onProgress({ phase: 'order-change', sample, samples }),
            }
          : {}),
      });
    } catch (e) {
      if (options.signal?.aborted) throw attackInterrupted();
      throw e;
    }
    if (options.signal?.aborted) throw attackInterrupted();
  }
  return {
    eps: options.eps,
    steps: options.steps,
    stepSize: options.stepSize,
    rows: rows.rows,
    cleanAccuracy: pgd.cleanAccuracy,
    adversarialAccuracy: pgd.adversarialAccuracy,
    maxPerturbation: maxPerturbation(rows.x, pgd.adversarial),
    orderChange,
    modelCalls: orderChange ? addCallCounts({ ...pgd.modelCalls }, orderChange.modelCalls) : pgd.modelCalls,
    wallTimeMs: performance.now() - t0,
    adversarial: pgd.adversarial,
  };
}
