import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  estimators,
  requireInput,
  RunStore,
  runAnalysis,
  writeJsonAtomic,
  type CallCounts,
  type AnalysisEvent,
  type AnalysisOptions,
  type InteractionResult,
  type OpenedModel,
} from '@orderlens/core';
import { type OrderLossConventions } from '@orderlens/core/math';
import { tabularAdapter } from '../adapter/tabular-adapter.js';
import { loadCensus } from '../census/census.js';
import { baselineFor, firstRows, loadRows, type TabularRows } from '../adapter/tabular-data.js';
import {
  CENSUS_ARCHITECTURES,
  CENSUS_OPTIMIZERS,
  PAPER_ADVERSARIAL_ACCURACY,
  PAPER_SHAPE,
  censusModelConfig,
  type CensusModelConfig,
  type CensusOptimizer,
  type CensusProtocol,
  type CensusSampler,
} from './census-configs.js';
import { paperOrdering, seedSpread, type SeedSpread } from './seed-summary.js';

/** PGD settings of the papers' census experiments (lines 690–694 of the paper). */
export const PAPER_PGD = { eps: 0.6, steps: 100, stepSize: 0.01 } as const;

/** Units of the PGD radius: z-scored inputs, or each feature's raw units. */
export const PGD_EPS_UNITS = ['z', 'raw'] as const;
export type PgdEpsUnits = (typeof PGD_EPS_UNITS)[number];

/**
 * The papers' ε and step in z-space: scalars for `z`; for `raw`, per feature `ε/σ_f` and
 * `step/σ_f` with the census standardisation's σ (a feature with σ = 1 keeps ε = 0.6).
 */
export function pgdInZSpace(
  units: PgdEpsUnits,
  stds: ArrayLike<number>,
): { eps: number | Float32Array; stepSize: number | Float32Array } {
  if (units === 'z') return { eps: PAPER_PGD.eps, stepSize: PAPER_PGD.stepSize };
  return {
    eps: Float32Array.from(stds, (s) => PAPER_PGD.eps / s),
    stepSize: Float32Array.from(stds, (s) => PAPER_PGD.stepSize / s),
  };
}

/** What determines a census reproduction. */
export interface CensusReproductionOptions {
  readonly protocol: CensusProtocol;
  readonly archs: readonly string[];
  readonly losses: readonly string[];
  readonly seeds: readonly number[];
  readonly epochs: number;
  /** First k training rows (all when undefined). */
  readonly trainRows?: number;
  /** Correctly classified test rows for the exact J(m). */
  readonly samples: number;
  /** First k test rows attacked. */
  readonly attackRows: number;
  readonly optimizer: CensusOptimizer;
  readonly sampler: CensusSampler;
  /** Clip PGD to each feature's range over the census rows (train and test). */
  readonly pgdClip: boolean;
  /**
   * Units of the papers' ε = 0.6 and step 0.01: `z` (default) on the z-scored inputs, the same
   * for every feature; `raw` in each feature's own units (the ICLR-2022 code has no
   * preprocessing), i.e. `ε/σ_f` and `0.01/σ_f` per feature on the z-scored inputs, and always
   * clipped to each feature's data range (a raw ε of 0.6 is several standard deviations on
   * features with a small σ).
   */
  readonly epsUnits?: PgdEpsUnits;
  /** Order-loss conventions (default `round` sizes, `drawn` coefficient). */
  readonly lossConventions?: OrderLossConventions;
}

/** One model to train: everything the CLI's trainer needs. */
export interface CensusTrainJob {
  readonly id: string;
  readonly arch: string;
  readonly layers: number;
  readonly hidden: number;
  readonly config: CensusModelConfig;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  readonly momentum?: number;
  readonly balance: boolean;
  readonly seed: number;
  readonly lossConventions?: OrderLossConventions;
  readonly train: TabularRows;
  readonly test: TabularRows;
  readonly baseline: Float32Array;
  readonly dir: string;
}

/** What training one model gave (stored for `--resume`, written to `reproduce.json`). */
export interface CensusTrainResult {
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly wallTimeMs: number;
  /** The trainer's own record of its settings. */
  readonly spec: Record<string, unknown>;
  /**
   * Per epoch: wall seconds and optimizer steps (`steps` absent where the trainer did not count
   * them). The plan times its short training run with it; it is not stored in the run's units.
   */
  readonly history?: ReadonlyArray<{ readonly seconds: number; readonly steps?: number }>;
}

/** Attack results of one model. */
export interface CensusAttackResult {
  readonly cleanAccuracy: number;
  readonly adversarialAccuracy: number;
  readonly maxPerturbation: number;
  readonly relativeChange?: number[];
  /** Model rows the attack ran, by purpose (PGD's as `attack`; absent in units stored before). */
  readonly modelCalls?: CallCounts;
}

/** Progress inside one step: the share of it done (0 … 1) and what is under way. */
export type StepProgress = (fraction: number, detail: string) => void;

/** What one model's attack gets: the rows, the papers' PGD in z-space, the data range. */
export interface CensusAttackJob {
  /** The trained model's folder. */
  readonly dir: string;
  readonly rows: TabularRows;
  readonly baseline: Float32Array;
  /** One radius, or one per feature (`--eps-units raw`). */
  readonly eps: number | Float32Array;
  readonly steps: number;
  readonly stepSize: number | Float32Array;
  readonly clip?: { min: Float32Array; max: Float32Array };
}

/**
 * What a reproduction runs each model with. {@link censusReproductionTools} makes them from a
 * trainer (the one part that needs a training runtime, which this package must not import);
 * tests may pass their own.
 */
export interface CensusReproductionTools {
  train(job: CensusTrainJob, onProgress?: StepProgress): Promise<CensusTrainResult>;
  attack(job: CensusAttackJob, onProgress?: StepProgress): Promise<CensusAttackResult>;
  /** Opens `<dir>/model.json` through the runtime registry (the caller disposes the runner). */
  openModel(dir: string): Promise<OpenedModel>;
  /** Package versions for the results' provenance. */
  readonly packages?: Record<string, string>;
}

/** One (seed, architecture, type) of the reproduction. */
export interface CensusReproductionRow {
  readonly seed: number;
  readonly arch: string;
  readonly loss: string;
  readonly configuration: string;
  readonly testAccuracy: number;
  readonly cleanAccuracy: number;
  readonly adversarialAccuracy: number;
  readonly paperAdversarialAccuracy?: number;
  /** Mean-normalised `J(m)` at orders 0 … n−2 (interaction-result@3 `aggregate.strength.J`). */
  readonly J: number[];
  readonly lowShare: number;
  readonly highShare: number;
  readonly nEff?: number;
  readonly paperShape: string;
  /** The analysis written for this model (interaction-result@3). */
  readonly resultFile: string;
}

/** Per (architecture, type): mean and spread over seeds. */
export interface CensusSeedSummary {
  readonly arch: string;
  readonly loss: string;
  readonly configuration: string;
  readonly seeds: number[];
  readonly cleanAccuracy: SeedSpread;
  readonly adversarialAccuracy: SeedSpread;
  readonly lowShare: SeedSpread;
  readonly highShare: SeedSpread;
  readonly paperAdversarialAccuracy?: number;
}

/** What {@link reproduceCensus} returns (also written to `reproduce.json`). */
export interface CensusReproduction {
  readonly rows: CensusReproductionRow[];
  readonly summaries: CensusSeedSummary[];
  /** Per architecture: does low > normal > mid > high hold for the seed means? */
  readonly ordering: Record<string, { holds: boolean | undefined; broken: string[] }>;
  readonly trainRows: number;
  readonly attackRows: number;
  readonly results: Array<{ label: string; result: InteractionResult }>;
  /** Per model, in row order: the trainer's spec and accuracies. */
  readonly training: CensusTrainResult[];
  readonly attacks: CensusAttackResult[];
}

/** Each feature's minimum and maximum over all `sets` (the data range PGD is clipped to). */
export function featureRange(...sets: TabularRows[]): { min: Float32Array; max: Float32Array } {
  const d = sets[0].featureCount;
  const min = new Float32Array(d).fill(Infinity);
  const max = new Float32Array(d).fill(-Infinity);
  for (const s of sets) {
    requireInput(s.featureCount === d, 'rows', `expected ${d} features, got ${s.featureCount}`);
    for (let k = 0; k < s.x.length; k++) {
      const f = k % d;
      if (s.x[k] < min[f]) min[f] = s.x[k];
      if (s.x[k] > max[f]) max[f] = s.x[k];
    }
  }
  return { min, max };
}

/** Share of `Σ J` at the lowest and highest 30% of orders. */
function shares(J: readonly number[]): { low: number; high: number } {
  const cut = Math.max(1, Math.round(J.length * 0.3));
  const total = J.reduce((a, b) => a + b, 0);
  return {
    low: J.slice(0, cut).reduce((a, b) => a + b, 0) / total,
    high: J.slice(-cut).reduce((a, b) => a + b, 0) / total,
  };
}

/** One (seed, architecture, type) of a reproduction: what it trains and where. */
export interface CensusJob {
  readonly seed: number;
  readonly arch: string;
  readonly loss: string;
  readonly config: CensusModelConfig;
  /** `s<seed>-<arch>-<type>`: the run store's units are `train-<id>` and `attack-<id>`. */
  readonly id: string;
  /** The trained model's folder. */
  readonly dir: string;
  /** The folder of its `J(m)` analysis (its own run store in `run/`, `result.json`). */
  readonly analysisDir: string;
}

/**
 * A reproduction's options checked and its data loaded, before anything is written: shared by
 * {@link planCensusReproduction} and {@link reproduceCensus}.
 */
export interface PreparedCensusReproduction {
  readonly jobs: readonly CensusJob[];
  readonly recipe: (typeof CENSUS_OPTIMIZERS)[CensusOptimizer];
  readonly train: TabularRows;
  readonly test: TabularRows;
  readonly baseline: Float32Array;
  readonly attackData: TabularRows;
  readonly pgd: { eps: number | Float32Array; steps: number; stepSize: number | Float32Array };
  readonly clip?: { min: Float32Array; max: Float32Array };
}

/** Checks `options` (each error names its flag), loads the census rows and lists the jobs under `out`. */
export function prepareCensusReproduction(
  options: CensusReproductionOptions,
  out: string,
): PreparedCensusReproduction {
  const { archs, losses, seeds } = options;
  requireInput(seeds.length > 0, '--seeds', 'expected at least one seed');
  for (const a of archs)
    requireInput(
      a in CENSUS_ARCHITECTURES,
      '--archs',
      `unknown architecture "${a}"; expected ${Object.keys(CENSUS_ARCHITECTURES).join(', ')}`,
    );
  const configs = losses.map((l) => censusModelConfig(options.protocol, l));
  const recipe = CENSUS_OPTIMIZERS[options.optimizer];
  requireInput(recipe !== undefined, '--optimizer', `unknown optimizer ${options.optimizer}`);
  const train = firstRows(loadRows({ split: 'train' }, undefined), options.trainRows);
  const test = loadRows({ split: 'test' }, undefined);
  // The training mean of all training rows, as every orderlens census model (not of --train-rows).
  const baseline = baselineFor('mean', train, true);
  const attackData = firstRows(test, options.attackRows);
  const units = options.epsUnits ?? 'z';
  const clip =
    options.pgdClip || units === 'raw'
      ? featureRange(loadRows({ split: 'train' }, undefined), test)
      : undefined;
  const pgd = { ...PAPER_PGD, ...pgdInZSpace(units, loadCensus().preprocessor.stds) };
  const jobs = seeds.flatMap((seed) =>
    archs.flatMap((arch) =>
      losses.map((loss, k) => ({
        seed,
        arch,
        loss,
        config: configs[k],
        id: `s${seed}-${arch}-${loss}`,
        dir: join(out, 'models', `seed${seed}`, `${arch}-${loss}`),
        analysisDir: join(out, 'analysis', `seed${seed}`, `${arch}-${loss}`),
      })),
    ),
  );
  return { jobs, recipe, train, test, baseline, attackData, pgd, ...(clip ? { clip } : {}) };
}

/** Rows per training batch of every census model. */
export const CENSUS_BATCH_SIZE = 128;

/** What the trainer gets for `job` (`train` and `dir` replaceable: the plan times a slice elsewhere). */
export function censusTrainJob(
  job: CensusJob,
  options: CensusReproductionOptions,
  prepared: PreparedCensusReproduction,
  override: { epochs?: number; train?: TabularRows; test?: TabularRows; dir?: string } = {},
): CensusTrainJob {
  const { recipe } = prepared;
  return {
    id: job.id,
    arch: job.arch,
    layers: CENSUS_ARCHITECTURES[job.arch],
    hidden: 100,
    config: job.config,
    epochs: override.epochs ?? options.epochs,
    batchSize: CENSUS_BATCH_SIZE,
    optimizer: recipe.optimizer,
    learningRate: recipe.learningRate,
    ...('momentum' in recipe ? { momentum: recipe.momentum } : {}),
    balance: options.sampler === 'balanced',
    seed: job.seed,
    ...(options.lossConventions ? { lossConventions: options.lossConventions } : {}),
    train: override.train ?? prepared.train,
    test: override.test ?? prepared.test,
    baseline: prepared.baseline,
    dir: override.dir ?? job.dir,
  };
}

/**
 * The census robustness experiment of the ICLR-2022 paper (Table 2): for every seed,
 * architecture and model type, train (tool), attack with L∞ PGD (tool), and measure exact `J(m)`
 * through `runAnalysis` with the tabular adapter (one interaction-result@3 per model, in
 * `<out>/analysis/seed<s>/<arch>-<type>/result.json`). Training and attacks are stored in the
 * run store at `<out>/run` so an interrupted run resumes; each analysis has its own run folder.
 */
export async function reproduceCensus(
  options: CensusReproductionOptions,
  tools: CensusReproductionTools,
  run: {
    out: string;
    resume: boolean;
    signal?: AbortSignal;
    /** After each step (train, attack, analyse one model): steps done, of `total`. */
    onStep?: (done: number, total: number, what: string) => void;
    /**
     * Inside a step, several times a second while it computes: steps done (fractional: 4.25 is a
     * quarter into the fifth), of `total`, and what is under way (epoch and optimizer step, PGD
     * batch and step, analysis sample).
     */
    onProgress?: (done: number, total: number, detail: string) => void;
  },
  prepared: PreparedCensusReproduction = prepareCensusReproduction(options, run.out),
): Promise<CensusReproduction> {
  const { archs } = options;
  const { jobs, train, attackData, baseline, pgd, clip } = prepared;
  const store = RunStore.open({
    dir: join(run.out, 'run'),
    command: 'reproduce census',
    options: { ...options, trainRows: options.trainRows ?? null },
    resume: run.resume,
    dirField: '--out',
  });
  const total = 3 * jobs.length;
  let step = 0;
  const tick = (what: string) => run.onStep?.(++step, total, what);
  /** Progress inside the step under way, with what it does to `job`. */
  const inner =
    (what: string): StepProgress =>
    (fraction, detail) =>
      run.onProgress?.(step + fraction, total, `${what}: ${detail}`);

  const rows: CensusReproductionRow[] = [];
  const training: CensusTrainResult[] = [];
  const attacks: CensusAttackResult[] = [];
  const results: Array<{ label: string; result: InteractionResult }> = [];
  for (const job of jobs) {
    const [trained] = await store.runUnits(
      [`train-${job.id}`],
      async () => {
        mkdirSync(job.dir, { recursive: true });
        // The epochs' times serve the plan's timed run only: the stored unit (and reproduce.json)
        // keeps what a rerun reproduces; each model's training.json has its history.
        const { history: _history, ...result } = await tools.train(
          censusTrainJob(job, options, prepared),
          inner(`training ${job.id}`),
        );
        return result;
      },
      { signal: run.signal },
    );
    tick(`trained ${job.id}`);
    const [attack] = await store.runUnits(
      [`attack-${job.id}`],
      () =>
        tools.attack(
          { dir: job.dir, rows: attackData, baseline, ...pgd, ...(clip ? { clip } : {}) },
          inner(`attacking ${job.id}`),
        ),
      { signal: run.signal },
    );
    tick(`attacked ${job.id}`);
    const { analysisDir } = job;
    const result = await analyzeCensusModel(
      job.dir,
      analysisDir,
      tools,
      { ...run, onProgress: inner(`analysing ${job.id}`) },
      options.samples,
    );
    tick(`analysed ${job.id}`);
    const J = result.aggregate.strength.J;
    const s = shares(J);
    const paper = PAPER_ADVERSARIAL_ACCURACY[job.loss]?.[job.arch === 'mlp8' ? 1 : 0];
    rows.push({
      seed: job.seed,
      arch: job.arch,
      loss: job.loss,
      configuration: job.config.label,
      testAccuracy: trained.testAccuracy,
      cleanAccuracy: attack.cleanAccuracy,
      adversarialAccuracy: attack.adversarialAccuracy,
      ...(job.arch === 'mlp5' || job.arch === 'mlp8' ? { paperAdversarialAccuracy: paper } : {}),
      J,
      lowShare: s.low,
      highShare: s.high,
      ...(result.aggregate.theory.effectiveN !== undefined
        ? { nEff: result.aggregate.theory.effectiveN }
        : {}),
      paperShape: PAPER_SHAPE[job.loss] ?? '',
      resultFile: join(analysisDir, 'result.json'),
    });
    results.push({ label: `${job.arch.toUpperCase()} ${job.loss} seed ${job.seed}`, result });
    training.push(trained);
    attacks.push(attack);
  }
  const summaries = summariseSeeds(rows);
  const ordering: CensusReproduction['ordering'] = {};
  for (const arch of archs)
    ordering[arch] = paperOrdering(
      Object.fromEntries(
        summaries.filter((s) => s.arch === arch).map((s) => [s.loss, 100 * s.adversarialAccuracy.mean]),
      ),
    );
  return {
    rows,
    summaries,
    ordering,
    trainRows: train.rows,
    attackRows: attackData.rows,
    results,
    training,
    attacks,
  };
}

/** Rows grouped by (architecture, type), in first-seen order, with mean and spread over seeds. */
export function summariseSeeds(rows: readonly CensusReproductionRow[]): CensusSeedSummary[] {
  const groups = new Map<string, CensusReproductionRow[]>();
  for (const r of rows) {
    const key = `${r.arch}\u0000${r.loss}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    arch: g[0].arch,
    loss: g[0].loss,
    configuration: g[0].configuration,
    seeds: g.map((r) => r.seed),
    cleanAccuracy: seedSpread(g.map((r) => r.cleanAccuracy)),
    adversarialAccuracy: seedSpread(g.map((r) => r.adversarialAccuracy)),
    lowShare: seedSpread(g.map((r) => r.lowShare)),
    highShare: seedSpread(g.map((r) => r.highShare)),
    ...(g[0].paperAdversarialAccuracy !== undefined
      ? { paperAdversarialAccuracy: g[0].paperAdversarialAccuracy }
      : {}),
  }));
}

/**
 * The analysis options of one trained census model (opened as `model`, its tabular session
 * `session`): the `exact` estimator, the adapter's default selection (100 correctly classified
 * rows, classes alternating, or `samples`), log-odds reward. The run and its plan take the same.
 */
export function censusAnalysisOptions(
  session: AnalysisOptions['session'],
  model: OpenedModel,
  samples: number | undefined,
  signal?: AbortSignal,
): AnalysisOptions {
  const protocol = tabularAdapter.protocols[0];
  const estimator = estimators.get(protocol.estimator);
  return {
    modality: tabularAdapter.name,
    session,
    model,
    estimator,
    estimatorOptions: estimator.options.parse(protocol.estimatorOptions) as Record<string, unknown>,
    selection: { ...tabularAdapter.defaultSelection, ...(samples !== undefined ? { samples } : {}) },
    reward: 'log-odds',
    seed: 0,
    batchSize: 4096,
    fingerprint: { protocol: protocol.name, adapterOptions: CENSUS_ANALYSIS_ADAPTER_OPTIONS },
    options: { protocol: protocol.name, ...CENSUS_ANALYSIS_ADAPTER_OPTIONS },
    ...(signal ? { signal } : {}),
  };
}

/** The tabular adapter's options of every census analysis: the test split, the training-mean baseline. */
export const CENSUS_ANALYSIS_ADAPTER_OPTIONS = {
  dataset: 'census',
  split: 'test',
  baseline: 'mean',
} as const;

/**
 * Exact `J(m)` of one trained census model through the analysis pipeline
 * ({@link censusAnalysisOptions}, the tabular adapter on the census test split).
 */
export async function analyzeCensusModel(
  modelDir: string,
  outDir: string,
  tools: Pick<CensusReproductionTools, 'openModel' | 'packages'>,
  run: { resume: boolean; signal?: AbortSignal; onProgress?: StepProgress },
  samples?: number,
): Promise<InteractionResult> {
  mkdirSync(outDir, { recursive: true });
  const model = await tools.openModel(modelDir);
  try {
    const session = await tabularAdapter.open({
      options: { ...CENSUS_ANALYSIS_ADAPTER_OPTIONS },
      model,
      signal: run.signal,
    });
    try {
      return await runAnalysis({
        ...censusAnalysisOptions(session, model, samples, run.signal),
        // A --resume of the whole reproduction resumes only the analyses that had started: the
        // ones after the interruption have no run yet and start afresh.
        run: {
          out: outDir,
          resume: run.resume && existsSync(join(outDir, 'run', 'manifest.json')),
          command: 'reproduce census',
          finish: (r) => (writeJsonAtomic(join(outDir, 'result.json'), r), r),
        },
        ...(tools.packages ? { packages: tools.packages } : {}),
        ...(run.onProgress ? { onEvent: analysisProgress(run.onProgress) } : {}),
      });
    } finally {
      await session.dispose?.();
    }
  } finally {
    await model.runner.dispose();
  }
}

/**
 * An analysis's events as the share of it done: samples finished plus the share of the sample
 * under way (its estimator's own progress), with the sample named.
 */
function analysisProgress(onProgress: StepProgress): (event: AnalysisEvent) => void {
  let samples = 0;
  let done = 0;
  return (e) => {
    if (e.type === 'selected') {
      samples = e.samples;
      done = e.resumed;
    } else if (e.type === 'progress' && samples > 0) {
      const within = e.total > 0 ? e.done / e.total : 0;
      onProgress(
        (done + within) / samples,
        `sample ${e.sample + 1}/${samples} at ${(100 * within).toFixed(0)}%`,
      );
    } else if (e.type === 'sample' && samples > 0) {
      done++;
      onProgress(done / samples, `sample ${e.sample + 1}/${samples} done`);
    }
  };
}
