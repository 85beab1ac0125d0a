import {
  andOrSecondsPerIteration,
  formatCount,
  planAnalysisCost,
  plannedSamples,
  type PlannedWork,
} from '../analysis/cost-plan.js';
import { resolveAndOrSettings } from '../and-or/and-or-presets.js';
import { exactEstimator } from '../estimators/exact-estimator.js';
import type { DynamicsAndOrOptions } from './compute-dynamics.js';
import { checkDynamicsPlayers, checkEpochs } from './dynamics-checks.js';
import type { ModelDynamicsOptions } from './model-dynamics.js';

/** What {@link planModelDynamics} found: the model calls of a dynamics run and its time. */
export interface DynamicsCost extends PlannedWork {
  readonly checkpoints: number;
  /** Checkpoints a resumed run measured already (no calls but their same-model check). */
  readonly checkpointsDone: number;
  /** Samples measured at every checkpoint (at most, before the selection). */
  readonly samples: number;
  readonly players: number;
  /** `samples × (2^n + players' calls)`: every coalition of every sample, at each checkpoint still to measure. */
  readonly callsPerCheckpoint: number;
  /** Predictions of the selection on the last checkpoint, at most (0 for given candidates). */
  readonly selectionCalls: number;
  /** The same-model check's calls: one input and one set of players per checkpoint (on a resume too). */
  readonly checkCalls: number;
  readonly totalCalls: number;
  readonly secondsPerCall?: number;
  readonly warmupRows: number;
  /** AND-OR optimiser seconds per checkpoint (`niter` iterations over the samples' tables). */
  readonly optimiserSecondsPerCheckpoint: number;
}

/**
 * The cost of `runModelDynamics` with the same options, before its first counted model call, and
 * by the analysis plan's own code ({@link planAnalysisCost}): the last checkpoint's model (the one
 * that selects the samples) is opened, one sample's coalitions are counted by the exact estimator
 * against a runner that never reaches the model (all 2^n, as the run's game tables are), and one
 * batch of them times the model. The AND-OR optimiser's iterations are timed on `n` players and
 * multiplied by `niter` and the samples. `checkpointsDone` checkpoints (a resume) cost only their
 * same-model check.
 */
export async function planModelDynamics(
  options: Pick<
    ModelDynamicsOptions,
    'checkpoints' | 'openSession' | 'selection' | 'candidates' | 'reward' | 'batchSize' | 'signal'
  > & { readonly andOr?: DynamicsAndOrOptions; readonly checkpointsDone?: number },
): Promise<DynamicsCost> {
  const { checkpoints } = options;
  checkEpochs(checkpoints.map((c) => c.epoch));
  const K = checkpoints.length;
  const done = Math.min(K, options.checkpointsDone ?? 0);
  const model = await checkpoints[K - 1].open();
  try {
    const session = await options.openSession(model);
    try {
      const selection = options.candidates
        ? { ...options.selection, rule: 'all' as const, samples: options.candidates.length }
        : options.selection;
      const cost = await planAnalysisCost({
        modality: 'dynamics',
        session,
        model,
        estimator: exactEstimator,
        estimatorOptions: exactEstimator.options.parse({}) as Record<string, unknown>,
        selection,
        reward: options.reward,
        seed: 0,
        batchSize: options.batchSize,
        signal: options.signal,
      });
      checkDynamicsPlayers(cost.players, 'checkpoints');
      const samples = options.candidates ? options.candidates.length : plannedSamples({ selection, session });
      const settings = resolveAndOrSettings(options.andOr ?? {});
      const optimiser = settings.niter * samples * andOrSecondsPerIteration(cost.players, { ...settings });
      // Building a sample's players may cost a call (a feature-map prefix), at every checkpoint.
      const callsPerCheckpoint = samples * (cost.callsPerSample + cost.playerCallsPerSample);
      const left = K - done;
      const selectionCalls = options.candidates ? 0 : cost.selectionCalls;
      // The same-model check runs one input and builds the first candidate's players per checkpoint.
      const checkCalls = K * (1 + cost.playerCallsPerSample);
      const totalCalls = left * callsPerCheckpoint + selectionCalls + checkCalls;
      return {
        checkpoints: K,
        checkpointsDone: done,
        samples,
        players: cost.players,
        callsPerCheckpoint,
        selectionCalls,
        checkCalls,
        totalCalls,
        breakdown:
          `${formatCount(callsPerCheckpoint)} per checkpoint (${samples} samples × ${cost.playerCallsPerSample ? `(2^${cost.players} + ${cost.playerCallsPerSample})` : `2^${cost.players}`}) × ${left} checkpoints` +
          `${done ? ` (${done} measured already)` : ''} + at most ${formatCount(selectionCalls)} selection calls + ${checkCalls} for the same-model check`,
        warmupRows: cost.warmupRows,
        optimiserSecondsPerCheckpoint: optimiser,
        ...(cost.secondsPerCall !== undefined
          ? {
              secondsPerCall: cost.secondsPerCall,
              estimatedSeconds:
                totalCalls * cost.secondsPerCall +
                left * (samples * cost.overheadSecondsPerSample + optimiser),
            }
          : {}),
      };
    } finally {
      await session.dispose?.();
    }
  } finally {
    await model.runner.dispose();
  }
}
