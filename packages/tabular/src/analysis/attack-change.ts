import { requireInput } from '@orderlens/core';
import { meanAbsOverPairs } from '@orderlens/core';
import { exactRowInteractions, type TabularModelSetup } from './exact-strength.js';
import { TimedRunner } from './model-io.js';

/** Options of {@link orderChangeUnderAttack}. */
export interface OrderChangeOptions extends TabularModelSetup {
  /** Adversarial rows `x'`, aligned with `x` (same shape). */
  xAdv: Float32Array;
  /** Rows to analyse (e.g. the correctly classified ones); default: the first `samples` rows. */
  indices?: readonly number[];
  /** Rows to analyse when `indices` is absent (default 20). */
  samples?: number;
  /** Orders `m` (default all `0 … n−2`). */
  orders?: number[];
  onSample?: (done: number, total: number) => void;
}

/** How much an attack changes interactions of each order. */
export interface OrderChangeReport {
  readonly orders: number[];
  /** `E_x E_(i,j) |I^(m)(i,j|x) − I^(m)(i,j|x')|` per order. */
  readonly change: number[];
  /** `E_x E_(i,j) |I^(m)(i,j|x)|` per order (the clean strength, for scale). */
  readonly clean: number[];
  /** `change / clean`: the relative sensitivity of each order to the attack. */
  readonly relativeChange: number[];
  /** Largest `|x' − x|` over the analysed rows (the attack's ε, as a check). */
  readonly maxPerturbation: number;
  readonly samples: ReadonlyArray<{
    readonly index: number;
    readonly label: number;
    readonly change: number[];
    readonly clean: number[];
  }>;
  readonly modelCalls: number;
  readonly runtimeMs: number;
}

/**
 * The per-order change of interactions under an adversarial perturbation (the robustness
 * experiment of the bottleneck paper): for each row, exact `I^(m)(i,j)` on `x` and on `x'`, both
 * with the true label's reward, averaged over all pairs and rows.
 */
export async function orderChangeUnderAttack(options: OrderChangeOptions): Promise<OrderChangeReport> {
  const d = options.featureCount;
  requireInput(
    options.xAdv.length === options.x.length,
    'xAdv',
    `has ${options.xAdv.length} values, x has ${options.x.length}`,
  );
  const rows = options.x.length / d;
  const indices = options.indices
    ? [...options.indices]
    : Array.from({ length: Math.min(rows, options.samples ?? 20) }, (_v, i) => i);
  requireInput(indices.length > 0, 'indices', 'no rows to analyse');
  for (const i of indices)
    requireInput(Number.isInteger(i) && i >= 0 && i < rows, 'indices', `row ${i} out of range [0, ${rows})`);
  const timed = new TimedRunner(options.runner, options.featureNames);
  const setup: TabularModelSetup = { ...options, runner: timed };
  const samples: Array<{ index: number; label: number; change: number[]; clean: number[] }> = [];
  let orders: number[] = options.orders ?? [];
  let maxPerturbation = 0;
  for (const index of indices) {
    const x = options.x.subarray(index * d, (index + 1) * d);
    const xa = options.xAdv.subarray(index * d, (index + 1) * d);
    for (let f = 0; f < d; f++) maxPerturbation = Math.max(maxPerturbation, Math.abs(xa[f] - x[f]));
    const label = options.y[index];
    const a = await exactRowInteractions(setup, x, label, options.orders);
    const b = await exactRowInteractions(setup, xa, label, options.orders);
    orders = a.orders;
    const diff = a.values.map((row, p) => row.map((v, k) => v - b.values[p][k]));
    samples.push({
      index,
      label,
      change: meanAbsOverPairs(diff, orders.length),
      clean: meanAbsOverPairs(a.values, orders.length),
    });
    options.onSample?.(samples.length, indices.length);
  }
  const mean = (key: 'change' | 'clean') =>
    orders.map((_m, k) => samples.reduce((s, r) => s + r[key][k], 0) / samples.length);
  const change = mean('change');
  const clean = mean('clean');
  return {
    orders,
    change,
    clean,
    relativeChange: change.map((c, k) => (clean[k] > 0 ? c / clean[k] : 0)),
    maxPerturbation,
    samples,
    modelCalls: timed.rows,
    runtimeMs: timed.runtimeMs,
  };
}
