import { InterruptedError, addCallCounts, type CallCounts, type ModelRunner } from '@orderlens/core';
import type { TabularRows } from '../adapter/tabular-data.js';
import { orderChangeUnderAttack, type OrderChangeReport } from '../adapter/attack-change.js';

/** What an L∞ attack on tabular rows returns (a runtime with gradients computes it). */
export interface TabularPgdOutcome {
  /** Attacked rows, row-major like `rows.x`. */
  readonly adversarial: Float32Array;
  readonly cleanAccuracy: number;
  readonly adversarialAccuracy: number;
  /** The model rows PGD ran (forward and backward per row and step, both accuracy passes) as `attack`. */
  readonly modelCalls: CallCounts;
}

/**
 * L∞ PGD on `rows` with the model under attack: the caller binds a runtime that has gradients
 * (the CLI: runtime-tfjs's `pgdLinf` on a LayersModel), so this package stays runtime-free.
 */
export type TabularPgd = (
  rows: TabularRows,
  settings: { readonly eps: number; readonly steps: number; readonly stepSize: number },
) => Promise<TabularPgdOutcome>;

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
 * L∞ PGD on tabular rows, then the per-order change of exact interactions on up to `samples`
 * rows the model classifies correctly when clean (through `runner()`, made only then).
 */
export async function attackTabular(options: {
  pgd: TabularPgd;
  /** The same model as a runner, for the interaction change (a runner that yields, so Ctrl-C is seen). */
  runner: () => ModelRunner;
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
}): Promise<TabularAttackResult & { adversarial: Float32Array }> {
  const t0 = performance.now();
  const { rows } = options;
  const pgd = await options.pgd(rows, { eps: options.eps, steps: options.steps, stepSize: options.stepSize });
  let orderChange: OrderChangeReport | undefined;
  if (options.signal?.aborted) throw attackInterrupted();
  if (options.samples > 0) {
    // The clean rows are predicted to select the samples through the pipeline (counted as
    // `selection`).
    try {
      orderChange = await orderChangeUnderAttack({
        runner: options.runner(),
        rows,
        xAdv: pgd.adversarial,
        baseline: options.baseline,
        samples: options.samples,
        signal: options.signal,
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
