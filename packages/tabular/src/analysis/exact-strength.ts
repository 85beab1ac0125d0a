import {
  exactInteractions,
  fitEffectiveN,
  meanAbsOverPairs,
  ModelGame,
  requireInput,
  strengthCurve,
  theoryStrength,
  type EffectiveNFit,
  type ModelRunner,
  type RewardName,
  type StrengthCurve,
} from '@orderlens/core';
import { TabularMasker } from '../masker/tabular-masker.js';
import { accuracy, predictRows, selectCorrect, TimedRunner } from './model-io.js';

/** What every exact tabular analysis needs: a model, rows and how to mask them. */
export interface TabularModelSetup {
  /** Any runtime's runner (ONNX, tfjs); tabular never imports a runtime. */
  runner: ModelRunner;
  /** `rows × featureCount` model inputs (already preprocessed). */
  x: Float32Array;
  /** True labels, one per row. */
  y: Int32Array;
  featureCount: number;
  /** Values of absent attributes (length `featureCount`). */
  baseline: ArrayLike<number>;
  /** Player of each model input (default: one player per input). */
  playerOfFeature?: ArrayLike<number>;
  /** Names of the model inputs, for error messages and reports. */
  featureNames?: readonly string[];
  /** Model input name (default: the runner's first input). */
  inputName?: string;
  /** Reward read off the logits (default `log-odds`). */
  reward?: RewardName;
  /** Coalitions per model call (default 4096 = all of one census sample's 2^12). */
  batchSize?: number;
  signal?: AbortSignal;
}

/** One analysed sample. */
export interface SampleStrength {
  /** Row index in the given `x`. */
  readonly index: number;
  readonly label: number;
  /** `E_{(i,j)} |I^(m)(i,j|x)|` at each analysed order (all `C(n,2)` pairs, exact). */
  readonly strength: number[];
  /** `v(∅)` and `v(N)`. */
  readonly vEmpty: number;
  readonly vFull: number;
  /** Largest identity residual of the exact computation (a self-check, ~1e-15). */
  readonly residual: number;
}

/** Options of {@link analyzeTabularExact}. */
export interface ExactStrengthOptions extends TabularModelSetup {
  /** Correctly classified samples to analyse (default 100). */
  samples?: number;
  /** Alternate classes when choosing samples (default true). */
  balanceClasses?: boolean;
  /** Orders `m` (default all `0 … n−2`). */
  orders?: number[];
  /** Ratios the orders stand for, for the `n'` fit (default `m/(n−2)`). */
  ratios?: number[];
  /** Samples done in an earlier, interrupted run (same model and options): they are not recomputed. */
  previous?: readonly SampleStrength[];
  /** Called after each sample (e.g. to save progress for resuming). */
  onSample?: (sample: SampleStrength, done: number, total: number) => void;
}

/** The bottleneck curve of a model on tabular data, from exact interactions. */
export interface TabularStrengthReport {
  readonly method: 'exact';
  readonly n: number;
  readonly orders: number[];
  readonly ratios: number[];
  readonly reward: RewardName;
  /** Accuracy of the model on all given rows. */
  readonly accuracy: number;
  readonly samples: SampleStrength[];
  /** `J(m)`: mean over samples, normalised by its mean over orders. */
  readonly J: StrengthCurve;
  /** `J̄(m)`: each sample normalised by its mean over orders, then averaged. */
  readonly Jbar: StrengthCurve;
  /** `Ĵ(m) = J(m)/J(0)`. */
  readonly Jhat: StrengthCurve;
  /** Theory `F̂(m)` at the true `n` (Theorem 1), normalised to 1 at order 0. */
  readonly theory: { readonly n: number; readonly orders: number[]; readonly F: number[] };
  /** The effective `n'` whose `F̂` best matches `Ĵ` on the ratio grid. */
  readonly fit: EffectiveNFit;
  /** Model input rows run in this call (predictions and coalitions; resumed samples excluded). */
  readonly modelCalls: number;
  readonly wallTimeMs: number;
  /** Time spent inside the runner's `run` (the runtime's share of `wallTimeMs`). */
  readonly runtimeMs: number;
}

/**
 * Exact multi-order interactions `I^(m)(i,j|x)` of one row: all `2^n` coalitions through a
 * {@link ModelGame} (so through the Evaluator), then core's exact transforms.
 */
export async function exactRowInteractions(
  setup: TabularModelSetup,
  row: ArrayLike<number>,
  label: number,
  orders?: number[],
): Promise<{
  orders: number[];
  pairs: Array<[number, number]>;
  values: number[][];
  vEmpty: number;
  vFull: number;
  residual: number;
  modelCalls: number;
}> {
  const masker = new TabularMasker(row, {
    baseline: setup.baseline,
    playerOfFeature: setup.playerOfFeature,
    inputName: setup.inputName ?? setup.runner.inputNames[0] ?? 'x',
  });
  const game = new ModelGame(masker, setup.runner, {
    reward: { name: setup.reward ?? 'log-odds', label },
    batchSize: setup.batchSize ?? 4096,
    signal: setup.signal,
  });
  const result = await exactInteractions(game, { orders, signal: setup.signal });
  const multi = result.multiOrder!;
  const harsanyi = result.harsanyi!;
  let vFull = 0;
  for (const h of harsanyi) vFull += h;
  const residual = Math.max(0, ...Object.values(result.residuals ?? {}).filter((v) => Number.isFinite(v)));
  return {
    orders: multi.orders,
    pairs: multi.pairs,
    values: multi.values,
    vEmpty: harsanyi[0],
    vFull,
    residual,
    modelCalls: game.modelCalls,
  };
}

/**
 * The bottleneck curve of a model on tabular rows, computed exactly: the model classifies every
 * row, up to `samples` correctly classified rows are chosen (classes alternating), and for each
 * one all `2^n` coalitions are evaluated and every `I^(m)(i,j)` derived. Returns `J`, `J̄`, `Ĵ`,
 * the theory curve `F̂` and the fitted effective `n'`. Resumable through `previous`/`onSample`.
 */
export async function analyzeTabularExact(options: ExactStrengthOptions): Promise<TabularStrengthReport> {
  const t0 = performance.now();
  const d = options.featureCount;
  requireInput(
    options.y.length * d === options.x.length,
    'y',
    `has ${options.y.length} labels but x has ${options.x.length / d} rows of ${d} inputs`,
  );
  const timed = new TimedRunner(options.runner, options.featureNames);
  const setup: TabularModelSetup = { ...options, runner: timed };
  const pred = await predictRows(timed, options.x, d, { inputName: options.inputName });
  requireInput(pred.classes >= 1, 'model output', 'the model returned no logits');
  const wanted = options.samples ?? 100;
  const chosen = selectCorrect(pred.predicted, options.y, wanted, options.balanceClasses ?? true);
  requireInput(chosen.length > 0, 'samples', 'the model classifies none of the given rows correctly');

  const n = new TabularMasker(options.x.subarray(0, d), {
    baseline: options.baseline,
    playerOfFeature: options.playerOfFeature,
  }).n;
  requireInput(n >= 2, 'players', `multi-order interactions need at least 2 players, got ${n}`);
  const orders = options.orders ?? Array.from({ length: n - 1 }, (_v, m) => m);
  const ratios = options.ratios ?? orders.map((m) => (n > 2 ? m / (n - 2) : 0));
  requireInput(
    ratios.length === orders.length,
    'ratios',
    `expected ${orders.length} ratios (one per order), got ${ratios.length}`,
  );

  const done = new Map<number, SampleStrength>();
  for (const s of options.previous ?? []) {
    if (chosen.includes(s.index) && s.strength.length === orders.length) done.set(s.index, s);
  }
  for (const index of chosen) {
    if (done.has(index)) continue;
    const row = options.x.subarray(index * d, (index + 1) * d);
    const r = await exactRowInteractions(setup, row, options.y[index], orders);
    const sample: SampleStrength = {
      index,
      label: options.y[index],
      strength: meanAbsOverPairs(r.values, orders.length),
      vEmpty: r.vEmpty,
      vFull: r.vFull,
      residual: r.residual,
    };
    done.set(index, sample);
    options.onSample?.(sample, done.size, chosen.length);
  }
  const samples = chosen.map((i) => done.get(i)!);
  const perSample = samples.map((s) => s.strength);
  const J = strengthCurve(perSample, 'mean', orders);
  const Jbar = strengthCurve(perSample, 'per-sample-mean', orders);
  const Jhat = strengthCurve(perSample, 'order-0', orders);
  const F = theoryStrength(n, orders);
  return {
    method: 'exact',
    n,
    orders,
    ratios,
    reward: options.reward ?? 'log-odds',
    accuracy: accuracy(pred.predicted, options.y),
    samples,
    J,
    Jbar,
    Jhat,
    theory: { n, orders, F: F.map((f) => f / F[0]) },
    fit: fitEffectiveN(ratios, Jhat.J, { nMax: 256 }),
    modelCalls: timed.rows,
    wallTimeMs: performance.now() - t0,
    runtimeMs: timed.runtimeMs,
  };
}
