import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeCost,
  describeWork,
  formatCount,
  formatSeconds,
  planAnalysisCost,
  storedRunProgress,
  type AnalysisCost,
  type PlannedWork,
} from '@orderlens/core';
import { parseOrderLossSpec } from '@orderlens/core/math';
import { tabularAdapter } from '../adapter/tabular-adapter.js';
import { firstRows } from '../adapter/tabular-data.js';
import {
  CENSUS_ANALYSIS_ADAPTER_OPTIONS,
  CENSUS_BATCH_SIZE,
  censusAnalysisOptions,
  censusTrainJob,
  type CensusJob,
  type CensusReproductionOptions,
  type CensusReproductionTools,
  type PreparedCensusReproduction,
} from './reproduce-census.js';

/**
 * Steps of each epoch of the plan's timed training run, per (architecture, type): two epochs of
 * this many batches are trained, and the second (past tfjs's first-run compilation) is timed.
 */
export const TIMED_TRAINING_STEPS = 4;

/** Training of one model as planned. */
export interface CensusTrainingPlan {
  readonly epochs: number;
  /** Training rows per epoch (`--train-rows`, or all). */
  readonly rows: number;
  /** Optimizer steps in all: `epochs × ⌈rows / batch⌉`. */
  readonly steps: number;
  /**
   * Rows through the model in all: per epoch `rows × (1 + 2T)` forward and backward (each row
   * with its `S1` and `S2` of each of the `T` order-loss terms), then the accuracy on the
   * training and test rows.
   */
  readonly modelRows: number;
  /** Extrapolated from the timed run: an estimate. */
  readonly estimatedSeconds: number;
}

/** The plan of one (seed, architecture, type). */
export interface CensusJobPlan {
  readonly id: string;
  /** Absent where `--resume` finds the model trained already. */
  readonly training?: CensusTrainingPlan;
  /** PGD's gradient rows and the clean and adversarial predictions (0 where attacked already). */
  readonly attackCalls: number;
  readonly attackSeconds: number;
  /** The `J(m)` analysis, by {@link planAnalysisCost} on the timed run's model. */
  readonly analysis: AnalysisCost;
}

/** What {@link planCensusReproduction} returns: the sum (as `--budget` checks it) and each model's part. */
export interface CensusPlan extends PlannedWork {
  readonly jobs: readonly CensusJobPlan[];
  readonly trainingRows: number;
  readonly trainingSteps: number;
  readonly attackCalls: number;
  readonly analysisCalls: number;
}

/**
 * The cost of {@link reproduceCensus} with the same options, before its first training step and
 * without writing into `run.out`. For each (architecture, type), its first seed's trainer runs
 * two epochs of {@link TIMED_TRAINING_STEPS} batches in a temporary folder (the test rows cut in
 * the same proportion), and the second epoch's time per training row is extrapolated to the full
 * epochs (seeds cost the same). The model it left is opened for the analysis's plan
 * ({@link planAnalysisCost}: the exact estimator's coalitions counted on the first candidate, the
 * model timed on a warm-up batch). PGD's gradient rows are counted exactly and timed at the
 * training's rate per model row (both run forward and backward). With `run.resume`, units the
 * run store holds and analyses finished in part are planned as the resume will run them.
 */
export async function planCensusReproduction(
  options: CensusReproductionOptions,
  tools: CensusReproductionTools,
  prepared: PreparedCensusReproduction,
  run: { out: string; resume: boolean; signal?: AbortSignal },
): Promise<CensusPlan> {
  const { train, test, attackData, pgd } = prepared;
  const attackCallsPerModel = attackData.rows * (pgd.steps + 2);
  const timed = new Map<
    string,
    { secondsPerRow: number; secondsPerModelRow: number; analysis: AnalysisCost }
  >();
  const jobs: CensusJobPlan[] = [];
  for (const job of prepared.jobs) {
    const key = `${job.arch}-${job.loss}`;
    const terms = parseOrderLossSpec(job.config.loss, '--losses').length;
    let measured = timed.get(key);
    if (measured === undefined) {
      measured = await timeFirstSeed(job, terms, options, tools, prepared, run.signal);
      timed.set(key, measured);
    }
    const stored = (unit: string) => run.resume && existsSync(join(run.out, 'run', 'units', `${unit}.json`));
    const stepsPerEpoch = Math.ceil(train.rows / CENSUS_BATCH_SIZE);
    const training: CensusTrainingPlan | undefined = stored(`train-${job.id}`)
      ? undefined
      : {
          epochs: options.epochs,
          rows: train.rows,
          steps: options.epochs * stepsPerEpoch,
          modelRows: options.epochs * (train.rows * (1 + 2 * terms) + train.rows + test.rows),
          estimatedSeconds: options.epochs * train.rows * measured.secondsPerRow,
        };
    const attackCalls = stored(`attack-${job.id}`) ? 0 : attackCallsPerModel;
    const progress = run.resume ? storedRunProgress(job.analysisDir) : undefined;
    const analysis =
      progress === undefined
        ? measured.analysis
        : await planCensusAnalysis(job.dir, options, tools, run, progress);
    jobs.push({
      id: job.id,
      ...(training ? { training } : {}),
      attackCalls,
      attackSeconds: attackCalls * measured.secondsPerModelRow,
      analysis,
    });
  }
  const trainingRows = jobs.reduce((a, j) => a + (j.training?.modelRows ?? 0), 0);
  const trainingSteps = jobs.reduce((a, j) => a + (j.training?.steps ?? 0), 0);
  const attackCalls = jobs.reduce((a, j) => a + j.attackCalls, 0);
  const analysisCalls = jobs.reduce((a, j) => a + j.analysis.totalCalls, 0);
  const seconds = jobs.reduce(
    (a, j) => a + (j.training?.estimatedSeconds ?? 0) + j.attackSeconds + (j.analysis.estimatedSeconds ?? 0),
    0,
  );
  return {
    totalCalls: trainingRows + attackCalls + analysisCalls,
    breakdown: `${formatCount(trainingRows)} training rows in ${formatCount(trainingSteps)} steps + ${formatCount(attackCalls)} PGD + ${formatCount(analysisCalls)} J(m), over ${jobs.length} models`,
    estimatedSeconds: seconds,
    jobs,
    trainingRows,
    trainingSteps,
    attackCalls,
    analysisCalls,
  };
}

/**
 * The timed run of `job`'s trainer (its first seed): two epochs of {@link TIMED_TRAINING_STEPS}
 * batches, and the plan of its analysis on the model it left, all in a temporary folder.
 */
async function timeFirstSeed(
  job: CensusJob,
  terms: number,
  options: CensusReproductionOptions,
  tools: CensusReproductionTools,
  prepared: PreparedCensusReproduction,
  signal: AbortSignal | undefined,
): Promise<{ secondsPerRow: number; secondsPerModelRow: number; analysis: AnalysisCost }> {
  const { train, test } = prepared;
  const rows = Math.min(train.rows, TIMED_TRAINING_STEPS * CENSUS_BATCH_SIZE);
  // The test rows in the proportion of the full run, so the accuracy pass after each epoch scales too.
  const testRows = Math.max(1, Math.min(test.rows, Math.round((rows * test.rows) / train.rows)));
  const dir = mkdtempSync(join(tmpdir(), 'orderlens-census-plan-'));
  try {
    const trained = await tools.train(
      censusTrainJob(job, options, prepared, {
        epochs: 2,
        train: firstRows(train, rows),
        test: firstRows(test, testRows),
        dir,
      }),
    );
    const epochSeconds = trained.history?.[1]?.seconds ?? trained.wallTimeMs / 1000 / 2;
    const analysis = await planCensusAnalysis(dir, options, tools, { signal });
    return {
      secondsPerRow: epochSeconds / rows,
      secondsPerModelRow: epochSeconds / (rows * (1 + 2 * terms) + rows + testRows),
      analysis,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** {@link planAnalysisCost} of the analysis of the model in `modelDir`, as `analyzeCensusModel` runs it. */
async function planCensusAnalysis(
  modelDir: string,
  options: CensusReproductionOptions,
  tools: CensusReproductionTools,
  run: { signal?: AbortSignal },
  resumed?: ReturnType<typeof storedRunProgress>,
): Promise<AnalysisCost> {
  const model = await tools.openModel(modelDir);
  try {
    const session = await tabularAdapter.open({
      options: { ...CENSUS_ANALYSIS_ADAPTER_OPTIONS },
      model,
      signal: run.signal,
    });
    try {
      return await planAnalysisCost(
        censusAnalysisOptions(session, model, options.samples, run.signal),
        resumed ? { resumed } : {},
      );
    } finally {
      await session.dispose?.();
    }
  } finally {
    await model.runner.dispose();
  }
}

/** The plan as printed before the run: the sum, then one line per model. */
export function describeCensusPlan(plan: CensusPlan): string {
  const lines = plan.jobs.map((j) => {
    const train = j.training
      ? `train ${j.training.epochs} epoch${j.training.epochs === 1 ? '' : 's'} × ${formatCount(j.training.rows)} rows = ${formatCount(j.training.steps)} steps (${formatCount(j.training.modelRows)} model rows), about ${formatSeconds(j.training.estimatedSeconds)}`
      : 'trained already';
    const attack = j.attackCalls
      ? `PGD ${formatCount(j.attackCalls)} calls, about ${formatSeconds(j.attackSeconds)}`
      : 'attacked already';
    return `  ${j.id}: ${train}; ${attack}; J(m) ${describeCost(j.analysis).replace(/^plan: /, '')}`;
  });
  return (
    `${describeWork(plan, 'plan of reproduce census')}\n` +
    `  (times are estimates: training extrapolated from ${TIMED_TRAINING_STEPS} timed steps per architecture and type, PGD at that rate per model row)\n` +
    `${lines.join('\n')}\n`
  );
}
