import type { ModalitySession, SelectionSpec } from '../adapter/modality-adapter.js';
import { selectSamples, type SelectedSamples } from '../analysis/select-samples.js';
import { requireInput } from '../errors/errors.js';
import { ModelGame } from '../game/model-game.js';
import type { RewardName } from '../reward/reward.js';
import { ModelGateway } from '../runtime/model-gateway.js';
import type { OpenedModel } from '../runtime/runner-registry.js';
import type { DynamicsCheckpointStore } from './checkpoint-units.js';
import { checkDynamicsPlayers, checkEpochs, checkSameModel } from './dynamics-checks.js';
import {
  computeDynamics,
  type CheckpointLosses,
  type DynamicsAndOrOptions,
  type DynamicsCheckpoint,
  type DynamicsEvent,
} from './compute-dynamics.js';
import type { DynamicsResult } from './dynamics-result.js';

/** One saved model of a training run. */
export interface ModelCheckpoint {
  readonly epoch: number;
  /** The model file (or spec), recorded. */
  readonly source: string;
  /** Opens the model (`openModel` with the caller's device policy). */
  open(): Promise<OpenedModel>;
  /**
   * The architecture without weights, when the format states it (for tfjs the layer topology
   * with names left out, and the weight shapes). Compared across checkpoints.
   */
  readonly architecture?: unknown;
  readonly losses?: CheckpointLosses;
}

/** What {@link runModelDynamics} reports: the computation's events, plus the selection. */
export type ModelDynamicsEvent =
  | DynamicsEvent
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'selected'; readonly samples: number; readonly epoch: number };

/** Options of {@link runModelDynamics}. */
export interface ModelDynamicsOptions {
  readonly modality: string;
  readonly checkpoints: readonly ModelCheckpoint[];
  /** Binds the data and players to an opened model (an adapter's `open`). */
  openSession(model: OpenedModel): Promise<ModalitySession>;
  readonly selection: SelectionSpec;
  /**
   * Candidates to analyse, given by the caller instead of chosen by `selection` (e.g. the
   * training samples whose labels were reset, `orderlens mislabeled`): every one is taken, in
   * the order given, whatever the last checkpoint predicts; `selection` is then not used.
   */
  readonly candidates?: readonly number[];
  readonly reward: RewardName;
  readonly andOr?: DynamicsAndOrOptions;
  /** Coalitions per model call (default 256; never changes the numbers). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ModelDynamicsEvent) => void;
  readonly packages?: Record<string, string>;
  readonly options?: Record<string, unknown>;
  /**
   * Finished checkpoints kept between runs (`dynamicsRunUnits`): those found are read, not
   * measured; the rest are stored one by one (see `computeDynamics`). The same-model check and the
   * selection still run on every checkpoint, so a resume checks the files it continues with.
   */
  readonly store?: DynamicsCheckpointStore;
}

/** The samples of a run: a selection's, or the caller's (rule `given`). */
type ChosenSamples = Omit<SelectedSamples, 'rule'> & { readonly rule: SelectedSamples['rule'] | 'given' };

/** Session settings that must agree across checkpoints (`model` holds per-file paths: left out). */
function sessionDetails(session: ModalitySession): Record<string, unknown> {
  const { model: _model, ...rest } = session.details;
  return rest;
}

/**
 * What a checkpoint must share with the others to be the same model at another time: declared
 * inputs (names, shapes, types), the architecture the format states, the output width on one
 * real input, the player count and names of the first candidate, and the session's settings.
 */
async function fingerprintOf(
  cp: ModelCheckpoint,
  model: OpenedModel,
  session: ModalitySession,
  gateway: ModelGateway,
) {
  requireInput(session.candidates > 0, 'checkpoints', `the data hold no samples (epoch ${cp.epoch})`);
  const out = await gateway.wrap(model.runner, 'dynamics').run(await session.inputs(0, 1));
  const players = await session.players(0, gateway);
  try {
    const d = players.descriptor as { n: number; names?: string[] };
    return {
      inputs: model.inputs.map((i) => ({ name: i.name, shape: i.shape ?? null, type: i.type ?? null })),
      architecture: cp.architecture ?? null,
      outputs: out.classes,
      players: { n: d.n, names: d.names ?? null },
      format: model.format,
      data: session.data,
      session: sessionDetails(session),
    };
  } finally {
    await players.dispose?.();
  }
}

/**
 * Two-phase dynamics of a model over its training checkpoints, through a modality adapter:
 *
 * 1. epochs are checked (non-empty, strictly increasing), then every checkpoint is opened once
 *    and compared with the last one ({@link checkSameModel}: inputs, architecture, output
 *    width, players, session settings) before any game is evaluated;
 * 2. the samples are chosen ONCE, by `selection` on the LAST checkpoint (the converged model,
 *    whose salient interactions are the theory's `w*`; with rule `correct`, samples it
 *    classifies correctly), and the same candidates and players are used at every checkpoint;
 * 3. {@link computeDynamics} measures every checkpoint and fits σ².
 */
export async function runModelDynamics(options: ModelDynamicsOptions): Promise<DynamicsResult> {
  const { checkpoints } = options;
  checkEpochs(checkpoints.map((c) => c.epoch));
  const emit = options.onEvent ?? (() => undefined);
  const batchSize = options.batchSize ?? 256;
  requireInput(
    Number.isInteger(batchSize) && batchSize > 0,
    'batchSize',
    `expected a positive integer, got ${batchSize}`,
  );
  const lastCp = checkpoints[checkpoints.length - 1];

  // 1. Same model everywhere; the last checkpoint is the reference (and chooses the samples).
  const fingerprints: Array<Record<string, unknown>> = [];
  let chosen: ChosenSamples | undefined;
  let selectionCalls = 0;
  // The same-model check runs every checkpoint once (and whatever building players costs).
  const checkGateway = new ModelGateway();
  let names: string[] | undefined;
  let candidateInfo: Array<{ id: string; index: number; label: number }> = [];
  for (let k = checkpoints.length - 1; k >= 0; k--) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    const cp = checkpoints[k];
    const model = await cp.open();
    try {
      const session = await options.openSession(model);
      try {
        const fp = await fingerprintOf(cp, model, session, checkGateway);
        if (k < checkpoints.length - 1)
          checkSameModel(
            { epoch: lastCp.epoch, fingerprint: fingerprints[0] },
            { epoch: cp.epoch, fingerprint: fp },
          );
        fingerprints.push(fp);
        if (k === checkpoints.length - 1) {
          checkDynamicsPlayers((fp.players as { n: number }).n, 'checkpoints');
          names = (fp.players as { names: string[] | null }).names ?? undefined;
          const gateway = new ModelGateway();
          const runner = gateway.wrap(model.runner, 'selection');
          await session.predictLabels?.(gateway.wrap(model.runner, 'labels'));
          chosen = options.candidates
            ? givenCandidates(options.candidates, session.candidates)
            : await selectSamples(session, runner, options.selection, batchSize);
          selectionCalls = gateway.calls.total;
          for (const w of chosen.warnings) emit({ type: 'warning', message: w });
          candidateInfo = chosen.indices.map((i) => ({ index: i, ...session.candidate(i) }));
          emit({ type: 'selected', samples: chosen.indices.length, epoch: cp.epoch });
        }
      } finally {
        await session.dispose?.();
      }
    } finally {
      await model.runner.dispose();
    }
  }
  const selection = chosen!;
  requireInput(selection.indices.length > 0, 'samples', 'no sample qualifies at the last checkpoint');

  // 2. Each checkpoint's games over the chosen candidates, opened when its turn comes.
  const series: DynamicsCheckpoint[] = checkpoints.map((cp) => ({
    epoch: cp.epoch,
    source: cp.source,
    losses: cp.losses,
    async games() {
      const model = await cp.open();
      const gateway = new ModelGateway();
      const session = await options.openSession(model).catch(async (e: unknown) => {
        await model.runner.dispose();
        throw e;
      });
      const disposers: Array<() => Promise<void> | void> = [];
      const games: ModelGame[] = [];
      try {
        // Nothing of a session may read a label still to be predicted (e.g. a word choice by effect).
        await session.predictLabels?.(gateway.wrap(model.runner, 'labels'), selection.indices);
        for (const [j, k] of selection.indices.entries()) {
          const players = await session.players(k, gateway);
          if (players.dispose) disposers.push(() => players.dispose!());
          games.push(
            new ModelGame(players.masker, gateway.wrap(players.runner ?? model.runner, 'estimation'), {
              // The labels of the selection (predicted ones from the last checkpoint's model).
              reward: { name: options.reward, label: candidateInfo[j].label },
              batchSize,
              signal: options.signal,
            }),
          );
        }
      } catch (e) {
        for (const d of disposers) await d();
        await session.dispose?.();
        await model.runner.dispose();
        throw e;
      }
      return {
        games,
        modelCalls: () => gateway.calls.total,
        async dispose() {
          for (const d of disposers) await d();
          await session.dispose?.();
          await model.runner.dispose();
        },
      };
    },
  }));
  const result = await computeDynamics({
    checkpoints: series,
    andOr: options.andOr,
    modality: options.modality,
    players: names,
    reward: options.reward,
    samples: candidateInfo.map((c) => ({ id: c.id, index: c.index, label: c.label })),
    selection: {
      fromEpoch: lastCp.epoch,
      rule: selection.rule,
      candidates: selection.candidates,
      correct: selection.correct ?? null,
      warnings: selection.warnings,
    },
    fingerprint: fingerprints[0],
    signal: options.signal,
    onEvent: emit,
    packages: options.packages,
    options: options.options,
    ...(options.store ? { store: options.store } : {}),
  });
  return { ...result, modelCalls: result.modelCalls + selectionCalls + checkGateway.calls.total };
}

/** The caller's candidates as a selection (rule `given`), each checked to exist, none twice. */
function givenCandidates(indices: readonly number[], N: number): ChosenSamples {
  requireInput(indices.length > 0, 'candidates', 'expected at least one candidate');
  for (const i of indices)
    requireInput(
      Number.isInteger(i) && i >= 0 && i < N,
      'candidates',
      `expected candidate positions in [0, ${N}), got ${i}`,
    );
  requireInput(new Set(indices).size === indices.length, 'candidates', 'names a candidate twice');
  return { indices: [...indices], rule: 'given', candidates: N, warnings: [] };
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
