import { optionName } from '../errors/option-names.js';
import {
  computeSample,
  computeSelection,
  openAnalysisStore,
  storedSample,
} from '../analysis/analysis-units.js';
import type { StoredSample, StoredSelection } from '../analysis/analysis-units.js';
import { analysisResult } from '../analysis/analysis-result.js';
import { interruptedRun, markRunComplete } from '../analysis/analysis-run.js';
import type { RunStore } from '../analysis/run-store.js';
import type { NoiseScale } from '../adapter/modality-adapter.js';
import type { AnalysisOptions } from '../analysis/run-analysis.js';
import { OrderlensInputError, requireInput } from '../errors/errors.js';
import { gameTable } from '../exact/exact-interactions.js';
import { ModelGame } from '../game/model-game.js';
import { Rng } from '../random/rng.js';
import type { InteractionResult, SampleResult } from '../result/interaction-result.js';
import { addCallCounts, ModelGateway, type CallCounts } from '../runtime/model-gateway.js';
import { InteractionVariance, noiseSensitivityByOrder } from './noise-sensitivity.js';

/** Largest `n` of the noise measure: every draw enumerates all `2^n` coalitions. */
export const NOISE_MAX_PLAYERS = 20;

/** The noise of {@link runNoiseSensitivity}: `ε ~ N(0, δ²I)` in model-input units, `draws` per sample. */
export interface NoiseSpec {
  readonly delta: number;
  readonly draws: number;
}

/** Options of {@link runNoiseSensitivity}: an analysis (its estimator gives the clean `J(m)`) plus the noise. */
export interface NoiseSensitivityOptions extends AnalysisOptions {
  readonly noise: NoiseSpec;
}

/** One finished noise unit: the variance over draws of one sample's interactions. */
export interface StoredNoiseUnit {
  readonly index: number;
  readonly noise: NonNullable<SampleResult['noise']>;
  readonly calls: Partial<CallCounts>;
}

/** Unit id of the noise draws of sample `s` in the run store. */
export function noiseUnitId(s: number): string {
  return `noise-${s}`;
}

/** Refuses `δ ≤ 0`, fewer than two draws, and an adapter that cannot perturb inputs — before any work. */
export function checkNoiseOptions(
  options: Pick<NoiseSensitivityOptions, 'noise' | 'session' | 'modality'>,
): void {
  const { delta, draws } = options.noise;
  requireInput(
    Number.isFinite(delta) && delta > 0,
    'delta',
    `expected a standard deviation > 0, got ${delta}`,
  );
  requireInput(
    Number.isInteger(draws) && draws >= 2,
    'draws',
    `expected an integer ≥ 2 (the variance needs two draws), got ${draws}`,
  );
  if (!options.session.perturbedPlayers)
    throw new OrderlensInputError(
      'modality',
      `the ${options.modality} adapter cannot perturb its inputs, so it has no noise-sensitivity measure`,
    );
}

/**
 * The noise unit of sample `s`: `draws` perturbed copies `x + ε_d` (`ε_d ~ N(0, δ²I)` from the
 * stream `seed → noise → s → d`, so a resume or a worker draws the same noise), every coalition
 * of each through a {@link ModelGame} counted as `noise`, the Harsanyi interactions' variance
 * over draws per order. Stored atomically when `store` is given.
 */
export async function computeNoiseUnit(
  options: NoiseSensitivityOptions,
  selected: StoredSelection,
  s: number,
  store?: RunStore,
): Promise<StoredNoiseUnit> {
  const { session, model, noise } = options;
  const k = selected.selection.indices[s];
  const gateway = new ModelGateway();
  await session.predictLabels?.(gateway.wrap(model.runner, 'labels'), [k]);
  const { id, label } = session.candidate(k);
  let acc: InteractionVariance | undefined;
  const vFull: number[] = [];
  for (let d = 0; d < noise.draws; d++) {
    const rng = Rng.create(options.seed).fork('noise', s, d);
    const players = await session.perturbedPlayers!(
      k,
      (x) => {
        for (let i = 0; i < x.length; i++) x[i] += noise.delta * rng.normal();
      },
      gateway,
    );
    try {
      const n = players.descriptor.n;
      requireInput(
        n <= NOISE_MAX_PLAYERS,
        'players',
        `sample ${id} has ${n} players; the noise measure enumerates all 2^n coalitions per draw and handles at most ${NOISE_MAX_PLAYERS}`,
      );
      const game = new ModelGame(players.masker, gateway.wrap(players.runner ?? model.runner, 'noise'), {
        reward: { name: options.reward, label },
        batchSize: options.batchSize ?? 256,
        cacheLimit: options.cacheLimit,
        signal: options.signal,
      });
      const values = await gameTable(game, { maxPlayers: NOISE_MAX_PLAYERS, signal: options.signal });
      acc ??= new InteractionVariance(n);
      acc.addGame(values);
      vFull.push(values[values.length - 1]);
    } finally {
      await players.dispose?.();
    }
  }
  const calls = gateway.calls;
  const unit: StoredNoiseUnit = {
    index: k,
    noise: {
      delta: noise.delta,
      draws: noise.draws,
      variance: acc!.byOrder(),
      vFull,
      modelCalls: calls.noise + calls.selection,
    },
    calls,
  };
  store?.put(noiseUnitId(s), unit);
  return unit;
}

/**
 * Noise sensitivity of interactions (first-principles paper §3.2, Fig. 6):
 * `V^(s) = E_x E_{|S|=s} Var_ε I(S|x + ε)`, `ε ~ N(0, δ²I)`, with the Harsanyi interactions of
 * each perturbed input (MATH.md "Noise sensitivity"). Runs as `runAnalysis` does — the selection,
 * then per sample the clean estimate (the analysis's estimator, counted as `estimation`) and the
 * noise unit (counted as `noise`), each stored so `--resume` skips it — and returns the result
 * document with each sample's `noise` block and `measures.noiseSensitivity`.
 */
export async function runNoiseSensitivity(options: NoiseSensitivityOptions): Promise<InteractionResult> {
  const t0 = performance.now();
  checkNoiseOptions(options);
  const emit = options.onEvent ?? (() => undefined);
  const withNoise: NoiseSensitivityOptions = {
    ...options,
    fingerprint: { ...(options.fingerprint ?? {}), noise: options.noise },
    run: options.run && {
      ...options.run,
      command: options.run.command ?? `noise-sensitivity ${options.modality}`,
    },
  };
  const store = openAnalysisStore(withNoise);
  const selected = await computeSelection(withNoise, store);
  for (const w of selected.selection.warnings) emit({ type: 'warning', message: w });
  const S = selected.selection.indices.length;
  const resumed = store ? selected.selection.indices.filter((_, s) => store.has(noiseUnitId(s))).length : 0;
  emit({ type: 'selected', samples: S, resumed });
  const units: StoredSample[] = [];
  const noiseUnits: StoredNoiseUnit[] = [];
  for (let s = 0; s < S; s++) {
    if (options.signal?.aborted && store) throw interruptedRun(store, countNoiseDone(store, S), S);
    units[s] = storedSample(store, selected, s) ?? (await computeSample(withNoise, selected, s, store));
    const done = store?.get<StoredNoiseUnit>(noiseUnitId(s));
    requireInput(
      !done || done.index === units[s].sample.index,
      'resume',
      `noise unit ${s} of the run is candidate ${done?.index}, but the selection gives ${units[s].sample.index}; rerun without ${optionName('resume')} into another ${optionName('out')}`,
    );
    try {
      noiseUnits[s] = done ?? (await computeNoiseUnit(withNoise, selected, s, store));
    } catch (e) {
      if (options.signal?.aborted && store)
        throw interruptedRun(store, countNoiseDone(store, S), S, `the noise draws of sample ${s + 1}`);
      throw e;
    }
  }
  const base = analysisResult(withNoise, selected, units, { wallTimeMs: performance.now() - t0 });
  const scale = await options.session.noiseScale?.();
  const computed = withNoiseMeasure(base, noiseUnits, options.noise, performance.now() - t0, scale);
  const result = options.run?.finish ? await options.run.finish(computed) : computed;
  if (store) markRunComplete(store, S);
  return result;
}

/**
 * An analysis result with the noise units of its samples (in sample order): each sample's
 * `noise` block, the `noise` calls counted, and `measures.noiseSensitivity` over the samples.
 * Shared by {@link runNoiseSensitivity} and studies whose models name `noise`. `scale` (the
 * session's {@link NoiseScale}, where it has one) is recorded beside `δ`.
 */
export function withNoiseMeasure(
  base: InteractionResult,
  noiseUnits: readonly StoredNoiseUnit[],
  noise: NoiseSpec,
  wallTimeMs: number,
  scale?: NoiseScale,
): InteractionResult {
  requireInput(
    noiseUnits.length === base.samples.length &&
      noiseUnits.every((u, s) => u.index === base.samples[s].index),
    'noise',
    'expected one noise unit per sample of the result, in sample order',
  );
  const calls = addCallCounts({ ...base.modelCalls } as CallCounts, {});
  for (const u of noiseUnits) addCallCounts(calls, { noise: u.calls.noise, selection: u.calls.selection });
  return {
    ...base,
    samples: base.samples.map((smp, s) => ({ ...smp, noise: noiseUnits[s].noise })),
    modelCalls: calls,
    measures: {
      ...(base.measures ?? {}),
      noiseSensitivity: {
        delta: noise.delta,
        draws: noise.draws,
        interactions: 'harsanyi',
        ...(scale ? { scale: scaleRecord(scale) } : {}),
        ...noiseSensitivityByOrder(noiseUnits.map((u) => u.noise.variance)),
      },
    },
    provenance: { ...base.provenance, wallTimeMs },
  };
}

/** A {@link NoiseScale} as the result records it (its own arrays). */
function scaleRecord(scale: NoiseScale) {
  const { perFeature, ...rest } = scale;
  return {
    ...rest,
    ...(perFeature ? { perFeature: { names: [...perFeature.names], std: [...perFeature.std] } } : {}),
  };
}

function countNoiseDone(store: RunStore, S: number): number {
  let c = 0;
  for (let s = 0; s < S; s++) if (store.has(noiseUnitId(s))) c++;
  return c;
}
