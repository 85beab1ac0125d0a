import { resolveAndOrSettings, type AndOrPreset } from '../and-or/and-or-presets.js';
import { requireInput } from '../errors/errors.js';
import { gameTable } from '../exact/exact-interactions.js';
import type { Game } from '../game/game.js';
import { fitTwoPhaseSigma2 } from '../theory/two-phase-fit.js';
import { checkDynamicsPlayers, checkEpochs, DYNAMICS_MAX_PLAYERS } from './dynamics-checks.js';
import {
  DYNAMICS_FIT_CRITERION,
  DYNAMICS_SCHEMA,
  parseDynamicsResult,
  type DynamicsCheckpointResult,
  type DynamicsLosses,
  type DynamicsResult,
} from './dynamics-result.js';
import {
  checkpointUnit,
  unitSalientVectors,
  type DynamicsCheckpointStore,
  type StoredDynamicsCheckpoint,
} from './checkpoint-units.js';
import { measureCheckpoint } from './measure-checkpoint.js';

/** Train/test numbers a checkpoint's source may know (any may be missing). */
export interface CheckpointLosses {
  readonly trainLoss?: number;
  readonly testLoss?: number;
  readonly trainAccuracy?: number;
  readonly testAccuracy?: number;
}

/** The games of one checkpoint's samples, and what to release afterwards. */
export interface CheckpointGames {
  /** One game per chosen sample, in the same order at every checkpoint. */
  readonly games: readonly Game[];
  /** Model calls made so far through these games (read after the tables are built). */
  modelCalls?(): number;
  dispose?(): void | Promise<void>;
}

/** One checkpoint of a series: its epoch and a factory for the games of the chosen samples. */
export interface DynamicsCheckpoint {
  readonly epoch: number;
  /** Where it came from (model file), recorded. */
  readonly source?: string;
  readonly losses?: CheckpointLosses;
  /** Builds the games (opens the model); called once, when the checkpoint's turn comes. */
  games(): Promise<CheckpointGames>;
}

/** AND-OR settings of a dynamics run (the preset's defaults otherwise). */
export interface DynamicsAndOrOptions {
  readonly preset?: AndOrPreset;
  readonly niter?: number;
  readonly qthres?: number;
  readonly lr?: number;
  /** Extract from `v − v(∅)` (default: the preset's; `authors` yes). */
  readonly shiftEmpty?: boolean;
}

/** What {@link computeDynamics} reports while it runs. */
export type DynamicsEvent =
  | {
      readonly type: 'checkpoint-start';
      readonly index: number;
      readonly count: number;
      readonly epoch: number;
    }
  | {
      readonly type: 'tables';
      readonly index: number;
      readonly sample: number;
      readonly samples: number;
      /** The table was read from the store (a killed run had evaluated it), not evaluated. */
      readonly resumed?: boolean;
    }
  | { readonly type: 'extracting'; readonly index: number; readonly epoch: number }
  | {
      readonly type: 'checkpoint';
      readonly index: number;
      readonly count: number;
      readonly epoch: number;
      readonly result: Omit<DynamicsCheckpointResult, 'fit'>;
      /** True when the checkpoint was read from the store (a resume), not measured. */
      readonly resumed?: boolean;
    };

/** Options of {@link computeDynamics}. */
export interface ComputeDynamicsOptions {
  readonly checkpoints: readonly DynamicsCheckpoint[];
  readonly andOr?: DynamicsAndOrOptions;
  /** Recorded: the modality (default `game`). */
  readonly modality?: string;
  /** Recorded: player names, when known. */
  readonly players?: readonly string[];
  /** Recorded: the reward the games use (default `game value`). */
  readonly reward?: string;
  /** Recorded: the samples (default `sample-k`, label 0). */
  readonly samples?: ReadonlyArray<{ id: string; index: number; label: number }>;
  /** Recorded: how the samples were chosen (default: all, from the last checkpoint). */
  readonly selection?: DynamicsResult['selection'];
  /** Recorded: what the checkpoints were checked to share. */
  readonly fingerprint?: Record<string, unknown>;
  /** Coalitions per request to a game (memory bound; never changes the numbers). */
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: DynamicsEvent) => void;
  readonly packages?: Record<string, string>;
  readonly options?: Record<string, unknown>;
  /**
   * Finished checkpoints kept between runs: a checkpoint found there is read instead of
   * measured (its model is never opened), and each one measured is stored as soon as it is, so
   * a killed run resumes from its last finished checkpoint with the same numbers.
   */
  readonly store?: DynamicsCheckpointStore;
}

function lossesOf(l: CheckpointLosses | undefined): DynamicsLosses {
  const v = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  const trainLoss = v(l?.trainLoss);
  const testLoss = v(l?.testLoss);
  return {
    trainLoss,
    testLoss,
    trainAccuracy: v(l?.trainAccuracy),
    testAccuracy: v(l?.testAccuracy),
    lossGap: trainLoss !== null && testLoss !== null ? testLoss - trainLoss : null,
  };
}

/**
 * σ² per checkpoint by {@link DYNAMICS_FIT_CRITERION}: `distributions[k]` is checkpoint `k`'s
 * salient strength over orders `1 … n`, `truths` the converged salient vectors (`2^n` each).
 * A checkpoint without any salient strength gets `null` (there is no shape to fit).
 */
export function fitCheckpointSeries(
  distributions: readonly (readonly number[])[],
  truths: readonly ArrayLike<number>[],
): Array<DynamicsCheckpointResult['fit']> {
  return distributions.map((dist) => {
    if (!dist.some((x) => x > 0)) return null;
    const fit = fitTwoPhaseSigma2(dist, truths);
    return {
      sigma2: fit.sigma2,
      log10Sigma2: Math.log10(fit.sigma2),
      loss: fit.loss,
      predicted: fit.predicted,
      atBoundary: fit.atBoundary,
    };
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * Two-phase dynamics over a series of checkpoints of one model (issue 15, items 4–6): at every
 * checkpoint, for the same samples and players, all `2^n` coalition values of each sample, the
 * sparse AND-OR decompositions of those tables (batched over samples), the per-order
 * distribution of salient interactions, and `J(m)` from the same tables. Then the theory: the
 * salient AND and OR interactions of every sample at the LAST checkpoint are the converged `w*`,
 * and σ² is fitted per checkpoint by {@link DYNAMICS_FIT_CRITERION} (`fitTwoPhaseSigma2`); the
 * paper's claim is that the fitted σ² falls over training as higher orders are learned.
 *
 * Checks before any game is built: epochs non-negative and strictly increasing, the series
 * non-empty; at each checkpoint, every game has the same `n ≤ 20` as the first checkpoint's.
 * Checkpoints are handled one after another and released before the next is opened.
 */
export async function computeDynamics(options: ComputeDynamicsOptions): Promise<DynamicsResult> {
  const t0 = performance.now();
  const { checkpoints } = options;
  requireInput(Array.isArray(checkpoints), 'checkpoints', 'expected a list of checkpoints');
  checkEpochs(checkpoints.map((c) => c.epoch));
  const andOr = options.andOr ?? {};
  const settings = resolveAndOrSettings({
    preset: andOr.preset,
    niter: andOr.niter,
    qthres: andOr.qthres,
    lr: andOr.lr,
    shiftEmpty: andOr.shiftEmpty,
  });
  const emit = options.onEvent ?? (() => undefined);
  const K = checkpoints.length;
  let n: number | undefined;
  let sampleCount: number | undefined;
  const measured: StoredDynamicsCheckpoint[] = [];
  let totalCalls = 0;
  for (const [k, cp] of checkpoints.entries()) {
    throwIfAborted(options.signal);
    const stored = options.store?.get(k, cp.epoch);
    if (stored) {
      sampleCount ??= stored.salient.length;
      n ??= stored.n;
      requireInput(
        stored.salient.length === sampleCount && stored.n === n,
        'resume',
        `the stored checkpoint of epoch ${cp.epoch} has ${stored.salient.length} samples of ${stored.n} players, the series ${sampleCount} of ${n}`,
      );
      totalCalls += stored.block.modelCalls;
      measured.push(stored);
      emit({ type: 'checkpoint', index: k, count: K, epoch: cp.epoch, result: stored.block, resumed: true });
      continue;
    }
    const t1 = performance.now();
    emit({ type: 'checkpoint-start', index: k, count: K, epoch: cp.epoch });
    const opened = await cp.games();
    let tables: Float64Array[];
    let calls = 0;
    try {
      const { games } = opened;
      requireInput(games.length > 0, `checkpoints[${k}].games`, 'expected at least one sample');
      sampleCount ??= games.length;
      requireInput(
        games.length === sampleCount,
        `checkpoints[${k}].games`,
        `the checkpoint of epoch ${cp.epoch} gives ${games.length} samples, the first gave ${sampleCount}: the samples must be the same at every checkpoint`,
      );
      tables = [];
      let fresh = 0;
      let resumedCalls = 0;
      for (const [s, game] of games.entries()) {
        n ??= game.n;
        checkDynamicsPlayers(game.n, `checkpoints[${k}].games[${s}].n`);
        requireInput(
          game.n === n,
          `checkpoints[${k}].games[${s}].n`,
          `sample ${s} has ${game.n} players at epoch ${cp.epoch}, ${n} before: the players must be the same at every checkpoint`,
        );
        // A sample whose table a killed run stored is read, not evaluated again.
        const kept = options.store?.getTable?.(cp.epoch, s);
        if (kept) {
          requireInput(
            kept.table.length === 2 ** game.n,
            'resume',
            `the stored table of sample ${s} at epoch ${cp.epoch} has ${kept.table.length} values, the game 2^${game.n}`,
          );
          tables.push(Float64Array.from(kept.table));
          resumedCalls += kept.calls;
          emit({ type: 'tables', index: k, sample: s, samples: games.length, resumed: true });
          continue;
        }
        const before = game.modelCalls ?? 0;
        const table = await gameTable(game, {
          maxPlayers: DYNAMICS_MAX_PLAYERS,
          chunkSize: options.chunkSize,
          signal: options.signal,
        });
        const used = game.modelCalls !== undefined ? game.modelCalls - before : 2 ** game.n;
        fresh += used;
        const stored = options.store?.putTable?.(cp.epoch, s, { table: Array.from(table), calls: used });
        tables.push(stored ? Float64Array.from(stored.table) : table);
        emit({ type: 'tables', index: k, sample: s, samples: games.length });
      }
      // The calls this process made (the gateway's count, player building included when the
      // adapter counts it) plus those of the tables a killed run had stored.
      calls = (opened.modelCalls ? opened.modelCalls() : fresh) + resumedCalls;
    } finally {
      await opened.dispose?.();
    }
    throwIfAborted(options.signal);
    emit({ type: 'extracting', index: k, epoch: cp.epoch });
    const m = measureCheckpoint(tables, n!, {
      preset: settings.preset,
      niter: settings.niter,
      qthres: settings.qthres,
      ...(settings.lr !== undefined ? { lr: settings.lr } : {}),
      shiftEmpty: settings.shiftEmpty,
      signal: options.signal,
    });
    totalCalls += calls;
    const block: Omit<DynamicsCheckpointResult, 'fit'> = {
      epoch: cp.epoch,
      source: cp.source ?? null,
      losses: lossesOf(cp.losses),
      meanGap: m.meanGap,
      andOr: m.andOr,
      multiOrder: m.multiOrder,
      modelCalls: calls,
      wallTimeMs: performance.now() - t1,
    };
    const unit = checkpointUnit(block, m, n!);
    // With a store, go on with the unit as stored: a resumed run reads exactly these numbers.
    const kept = options.store ? options.store.put(k, cp.epoch, unit) : unit;
    options.store?.dropTables?.(cp.epoch, tables.length);
    measured.push(kept);
    emit({ type: 'checkpoint', index: k, count: K, epoch: cp.epoch, result: kept.block });
  }

  // The converged interactions w*: every sample's salient AND and OR vectors at the last checkpoint.
  const last = measured[measured.length - 1];
  const truths = unitSalientVectors(last);
  const usable = truths.filter((w) => w.some((x) => x !== 0));
  requireInput(
    usable.length > 0,
    'checkpoints',
    `the last checkpoint (epoch ${last.block.epoch}) has no salient interaction on any sample, so the theory has no w* to start from`,
  );
  const fits = fitCheckpointSeries(
    measured.map(({ block }) => block.andOr.distribution),
    usable,
  );
  const fitted: DynamicsCheckpointResult[] = measured.map(({ block }, k) => ({ ...block, fit: fits[k] }));
  const S = sampleCount!;
  const result: DynamicsResult = {
    schema: DYNAMICS_SCHEMA,
    modality: options.modality ?? 'game',
    n: n!,
    players: options.players ? [...options.players] : null,
    reward: options.reward ?? 'game value',
    samples: options.samples
      ? options.samples.map((s) => ({ ...s }))
      : Array.from({ length: S }, (_, s) => ({ id: `sample-${s}`, index: s, label: 0 })),
    selection: options.selection ?? {
      fromEpoch: last.block.epoch,
      rule: 'all',
      candidates: S,
      correct: null,
      warnings: [],
    },
    andOr: {
      preset: settings.preset,
      niter: settings.niter,
      qthres: settings.qthres,
      shiftEmpty: settings.shiftEmpty,
    },
    fingerprint: options.fingerprint ?? {},
    theory: {
      criterion: DYNAMICS_FIT_CRITERION,
      truthEpoch: last.block.epoch,
      truthVectors: usable.length,
    },
    checkpoints: fitted,
    modelCalls: totalCalls,
    provenance: {
      createdAt: new Date().toISOString(),
      wallTimeMs: performance.now() - t0,
      packages: options.packages ?? {},
      options: options.options ?? {},
    },
  };
  requireInput(
    result.samples.length === S,
    'samples',
    `records ${result.samples.length} samples, the games were ${S}`,
  );
  // The document is checked against its own schema before anyone writes it.
  return parseDynamicsResult(result);
}
