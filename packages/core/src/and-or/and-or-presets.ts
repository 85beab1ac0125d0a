import { requireInput } from '../errors/errors.js';

/**
 * Conventions of the sparse AND-OR extraction (see `docs/and-or.md`):
 * - `orderlens`: start from the sparsest pure split, keep the best iterate, a learning rate scaled
 *   to the game (`1e-2 · max|v| / 2^n`), `qthres = 0.02`, salient `|I| > 0.03 · E_x|v(N) − v(∅)|`.
 * - `authors`: the conventions of the authors' code (sjtu-xai-lab/interaction-concept): start at
 *   `p = q = 0`, return the last iterate, `lr = 1e-5`, `qthres = 0.04` of `|v(N) − v(∅)|`, salient
 *   `|I| ≥ 0.01 · max_S |I(S)|` per sample, singleton and empty-set OR terms merged into AND, the
 *   reward shifted to `v − v(∅)` (their `0-v0`).
 */
export type AndOrPreset = 'orderlens' | 'authors';

/** Where the optimiser starts. */
export type AndOrStart = 'sparsest-pure-split' | 'zero';

/** The fully resolved settings of one extraction run. */
export interface AndOrSettings {
  readonly preset: AndOrPreset;
  /** `|q_T| ≤ qthres · |v(N) − v(∅)|`, per sample. */
  readonly qthres: number;
  /** Iterations: `orderlens` takes `niter` steps; `authors` evaluates `niter` times, stepping `niter − 1` times. */
  readonly niter: number;
  /** Initial learning rate; `undefined` means the per-sample rule of `orderlens` (`1e-2 · max|v| / 2^n`). */
  readonly lr: number | undefined;
  readonly momentum: number;
  readonly start: AndOrStart;
  /** `best`: the iterate with the smallest L1 loss; `last`: the final iterate. */
  readonly keep: 'best' | 'last';
  /**
   * Salient threshold: `gap` is `ratio · E_x|v(N) − v(∅)|` over the batch with `|I| > τ`; `max` is
   * `ratio · max_S max(|I_and(S)|, |I_or(S)|)` per sample with `|I| ≥ τ`. `tau` fixes τ instead.
   */
  readonly salient: { readonly rule: 'gap' | 'max'; readonly ratio: number; readonly tau?: number };
  /** Add `I_or(S)` to `I_and(S)` and zero it for `|S| ≤ 1` (the same concept; authors' output form). */
  readonly mergeSingletons: boolean;
  /**
   * Extract from `v(S) − v(∅)` instead of `v(S)` (the authors' `0-v0`): the empty coalition's
   * value, which is no interaction, then carries no strength, so it can neither set the
   * per-sample `max` threshold nor take L1 weight. Interactions of `|S| ≥ 1` of the Harsanyi
   * transform do not change; the AND-OR split of `v(∅)` does.
   */
  readonly shiftEmpty: boolean;
}

/** Options every extraction entry point shares; each defaults to the preset's value. */
export interface AndOrCommonOptions {
  /** Conventions to start from (default `orderlens`). */
  preset?: AndOrPreset;
  /** Bound on the noise term: `|q_T| ≤ qthres · |v(N) − v(∅)|` (`orderlens` 0.02, `authors` 0.04). */
  qthres?: number;
  /** SGD iterations (default 10 000 in both presets). */
  niter?: number;
  /** Initial learning rate; decays log-uniformly to `lr/10` (`orderlens`: `1e-2 · max_S |v(S)| / 2^n` per sample; `authors`: 1e-5). */
  lr?: number;
  /** Momentum (default 0.9). */
  momentum?: number;
  /** Fixed salient threshold τ (default: the preset's rule). */
  tau?: number;
  /** Merge singleton and empty-set OR terms into AND (default: `authors` yes, `orderlens` no). */
  mergeSingletons?: boolean;
  /** Extract from `v − v(∅)` (default: `authors` yes, `orderlens` no). */
  shiftEmpty?: boolean;
  /** Checked every `reportEvery` iterations; an aborted signal stops the run with its reason. */
  signal?: AbortSignal;
  /** How often `onProgress` is called and the signal checked (default 1000). */
  reportEvery?: number;
}

const PRESETS: Record<AndOrPreset, AndOrSettings> = {
  orderlens: {
    preset: 'orderlens',
    qthres: 0.02,
    niter: 10000,
    lr: undefined,
    momentum: 0.9,
    start: 'sparsest-pure-split',
    keep: 'best',
    salient: { rule: 'gap', ratio: 0.03 },
    mergeSingletons: false,
    shiftEmpty: false,
  },
  // Citations are to sjtu-xai-lab/interaction-concept at e92e776 (docs/and-or.md has the table).
  authors: {
    preset: 'authors',
    qthres: 0.04, // README.md:22, --sparsify-qthres=0.04 --sparsify-qstd=vN-v0
    niter: 10000, // README.md:23, --sparsify-niter=10000
    lr: 1e-5, // README.md:23, --sparsify-lr=1e-5
    momentum: 0.9, // src/harsanyi/and_or_harsanyi_utils.py:208
    start: 'zero', // and_or_harsanyi_utils.py:206-207
    keep: 'last', // and_or_harsanyi_utils.py:244,255
    salient: { rule: 'max', ratio: 0.01 }, // experiments/exp_utils.py:144-152
    mergeSingletons: true, // src/harsanyi/aog_inference.py:35-53, src/eval_interaction_tabular.py:159
    shiftEmpty: true, // the reward's `0-v0` shift (issue 21)
  },
};

/** The settings of a preset with the given options applied, validated. */
export function resolveAndOrSettings(options: AndOrCommonOptions = {}): AndOrSettings {
  const presetName = options.preset ?? 'orderlens';
  requireInput(
    presetName === 'orderlens' || presetName === 'authors',
    'preset',
    `expected 'orderlens' or 'authors', got ${String(presetName)}`,
  );
  const base = PRESETS[presetName];
  const qthres = options.qthres ?? base.qthres;
  requireInput(
    Number.isFinite(qthres) && qthres >= 0,
    'qthres',
    `expected a non-negative number, got ${qthres}`,
  );
  const niter = options.niter ?? base.niter;
  requireInput(
    Number.isInteger(niter) && niter >= 0,
    'niter',
    `expected a non-negative integer, got ${niter}`,
  );
  const lr = options.lr ?? base.lr;
  requireInput(
    lr === undefined || (Number.isFinite(lr) && lr > 0),
    'lr',
    `expected a positive number, got ${lr}`,
  );
  const momentum = options.momentum ?? base.momentum;
  requireInput(
    Number.isFinite(momentum) && momentum >= 0 && momentum < 1,
    'momentum',
    `expected a number in [0, 1), got ${momentum}`,
  );
  const tau = options.tau;
  requireInput(
    tau === undefined || (Number.isFinite(tau) && tau >= 0),
    'tau',
    `expected a non-negative number, got ${tau}`,
  );
  const reportEvery = options.reportEvery ?? 1000;
  requireInput(
    Number.isInteger(reportEvery) && reportEvery > 0,
    'reportEvery',
    `expected a positive integer, got ${reportEvery}`,
  );
  return {
    ...base,
    qthres,
    niter,
    lr,
    momentum,
    salient: tau === undefined ? base.salient : { ...base.salient, tau },
    mergeSingletons: options.mergeSingletons ?? base.mergeSingletons,
    shiftEmpty: options.shiftEmpty ?? base.shiftEmpty,
  };
}
