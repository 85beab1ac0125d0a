import {
  addCallCounts,
  computeSample,
  computeSelection,
  emptyCallCounts,
  estimators,
  requireInput,
  type AnalysisOptions,
  type CallCounts,
  type ModelRunner,
  type RewardName,
  type StoredSelection,
} from '@orderlens/core';
import { meanAbsOverPairs } from '@orderlens/core/math';
import { tabularAdapter } from './tabular-adapter.js';
import { tabularSession, type TabularSessionRows } from './tabular-session.js';

/** Options of {@link orderChangeUnderAttack}. */
export interface OrderChangeOptions {
  /** Any runtime's runner (tabular never imports a runtime). */
  readonly runner: ModelRunner;
  /** The clean rows `x` with their labels. */
  readonly rows: TabularSessionRows;
  /** Adversarial rows `x'`, aligned with `rows.x` (same shape). */
  readonly xAdv: Float32Array;
  /** Values of absent attributes (length `featureCount`), for `x` and `x'` alike. */
  readonly baseline: ArrayLike<number>;
  /**
   * Rows to analyse. Default: up to `samples` rows the model classifies correctly when clean,
   * classes alternating — the pipeline's sample selection, its predictions counted as `selection`.
   */
  readonly indices?: readonly number[];
  /** Rows to select when `indices` is absent (default 20). */
  readonly samples?: number;
  /** Reward read off the logits (default `log-odds`), with the clean row's true label. */
  readonly reward?: RewardName;
  /** Coalitions per model call (default 4096 = all of one census row's 2^12). */
  readonly batchSize?: number;
  /** Stops between model batches (throws the signal's reason). */
  readonly signal?: AbortSignal;
  readonly onSample?: (done: number, total: number) => void;
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
  /**
   * Model rows run, by purpose: `selection` the clean rows predicted to choose the samples (0 with
   * `indices`), `estimation` the `2^n` coalitions of every analysed clean and adversarial row.
   */
  readonly modelCalls: CallCounts;
}

/**
 * The per-order change of interactions under an adversarial perturbation (the robustness
 * experiment of the bottleneck paper): for each row, exact `I^(m)(i,j)` on `x` and on `x'`, both
 * with the true label's reward, averaged over all pairs and rows. Both go through the analysis
 * pipeline — a {@link tabularSession} of the clean rows and one of the adversarial rows, the
 * tabular adapter's default protocol (the registered `exact` estimator), `computeSample` for
 * each — so every model call is made and counted as in `orderlens analyze tabular`.
 */
export async function orderChangeUnderAttack(options: OrderChangeOptions): Promise<OrderChangeReport> {
  const { rows, runner } = options;
  const d = rows.featureCount;
  requireInput(
    options.xAdv.length === rows.x.length,
    'xAdv',
    `has ${options.xAdv.length} values, x has ${rows.x.length}`,
  );
  const inputName = runner.inputNames[0] ?? 'x';
  const clean = tabularSession(rows, { baseline: options.baseline, inputName });
  const attacked = tabularSession({ ...rows, x: options.xAdv }, { baseline: options.baseline, inputName });
  const protocol = tabularAdapter.protocols.find((p) => p.name === tabularAdapter.defaultProtocol)!;
  const estimator = estimators.get(protocol.estimator);
  const samples = options.samples ?? 20;
  const analysis = (session: typeof clean): AnalysisOptions => ({
    modality: tabularAdapter.name,
    session,
    model: {
      runner,
      file: rows.source,
      dir: '',
      format: runner.backend,
      device: runner.backend,
      sha256: '',
      inputs: runner.inputNames.map((name) => ({ name })),
    },
    estimator,
    estimatorOptions: estimator.options.parse(protocol.estimatorOptions) as Record<string, unknown>,
    selection: { ...tabularAdapter.defaultSelection, samples },
    reward: options.reward ?? 'log-odds',
    seed: 0,
    batchSize: options.batchSize ?? 4096,
    signal: options.signal,
  });
  let selected: StoredSelection;
  if (options.indices) {
    const indices = [...options.indices];
    requireInput(indices.length > 0, 'indices', 'no rows to analyse');
    for (const i of indices)
      requireInput(
        Number.isInteger(i) && i >= 0 && i < rows.rows,
        'indices',
        `row ${i} out of range [0, ${rows.rows})`,
      );
    selected = { selection: { indices, rule: 'all', candidates: rows.rows, warnings: [] }, calls: {} };
  } else {
    requireInput(
      Number.isInteger(samples) && samples > 0,
      'samples',
      `expected a positive integer, got ${samples}`,
    );
    selected = await computeSelection(analysis(clean));
  }
  const calls = addCallCounts(emptyCallCounts(), selected.calls);
  const indices = selected.selection.indices;
  const out: Array<{ index: number; label: number; change: number[]; clean: number[] }> = [];
  let orders: number[] = [];
  let maxPerturbation = 0;
  for (let s = 0; s < indices.length; s++) {
    const index = indices[s];
    for (let f = index * d; f < (index + 1) * d; f++)
      maxPerturbation = Math.max(maxPerturbation, Math.abs(options.xAdv[f] - rows.x[f]));
    const a = await computeSample(analysis(clean), selected, s);
    const b = await computeSample(analysis(attacked), selected, s);
    addCallCounts(calls, a.calls);
    addCallCounts(calls, b.calls);
    const ia = a.sample.multiOrder!.values;
    const ib = b.sample.multiOrder!.values;
    orders = a.orders ?? a.sample.multiOrder!.orders;
    const diff = ia.map((row, p) => row.map((v, k) => v - ib[p][k]));
    out.push({
      index,
      label: rows.y[index],
      change: meanAbsOverPairs(diff, orders.length),
      clean: meanAbsOverPairs(ia, orders.length),
    });
    options.onSample?.(out.length, indices.length);
  }
  const mean = (key: 'change' | 'clean') =>
    orders.map((_m, k) => out.reduce((s, r) => s + r[key][k], 0) / out.length);
  const change = mean('change');
  const cleanStrength = mean('clean');
  return {
    orders,
    change,
    clean: cleanStrength,
    relativeChange: change.map((c, k) => (cleanStrength[k] > 0 ? c / cleanStrength[k] : 0)),
    maxPerturbation,
    samples: out,
    modelCalls: calls,
  };
}
