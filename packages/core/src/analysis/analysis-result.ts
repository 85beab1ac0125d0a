import { requireInput } from '../errors/errors.js';
import { RESULT_SCHEMA, type InteractionResult } from '../result/interaction-result.js';
import { addCallCounts, emptyCallCounts } from '../runtime/model-gateway.js';
import { aggregateSamples, DEFAULT_TARGET_ERROR } from './aggregate.js';
import type { StoredSample, StoredSelection } from './analysis-units.js';
import type { AnalysisOptions } from './run-analysis.js';

/**
 * The `orderlens/interaction-result@3` document of an analysis from its finished units: the
 * samples in selection order, the run-wide aggregate, and `modelCalls` summed over the selection
 * and every sample (whichever process or worker computed them). Needs no model call; `units`
 * must hold every sample of the selection.
 */
export function analysisResult(
  options: Pick<
    AnalysisOptions,
    | 'modality'
    | 'session'
    | 'model'
    | 'estimator'
    | 'estimatorOptions'
    | 'pairs'
    | 'reward'
    | 'seed'
    | 'options'
    | 'packages'
  >,
  selected: StoredSelection,
  units: readonly StoredSample[],
  timing: { readonly wallTimeMs: number; readonly createdAt?: string },
): InteractionResult {
  const { session, model, estimator } = options;
  const selection = selected.selection;
  const S = selection.indices.length;
  requireInput(S > 0, 'samples', 'expected at least one sample');
  requireInput(units.length === S, 'samples', `expected ${S} finished samples, got ${units.length}`);
  for (let s = 0; s < S; s++)
    requireInput(units[s] !== undefined, `samples[${s}]`, 'this sample is not finished');
  const total = emptyCallCounts();
  addCallCounts(total, selected.calls);
  for (const u of units) addCallCounts(total, u.calls);
  const samples = units.map((u) => u.sample);
  const n = samples[0].players.n;
  // The orders the estimator reported for the first sample that kept them; estimators report
  // `orders(n)` known in advance, which older units (without them) fall back to.
  const first = units.find((u) => u.orders && u.ratios);
  const { orders, ratios } = first
    ? { orders: first.orders!, ratios: first.ratios! }
    : estimator.orders(n, options.estimatorOptions);
  for (const [s, smp] of samples.entries())
    requireInput(
      smp.players.n === n,
      `samples[${s}]`,
      `has ${smp.players.n} players, the others ${n}: results over different player counts are not averaged`,
    );
  return {
    schema: RESULT_SCHEMA,
    modality: options.modality,
    estimator: { name: estimator.name, options: options.estimatorOptions },
    ...(options.pairs ? { pairs: { name: options.pairs.name, parameters: options.pairs.parameters } } : {}),
    reward: options.reward,
    n,
    orders,
    ratios,
    samples,
    // An estimator with a target (`adaptive`'s targetError) is judged by it; others by ±5 %.
    aggregate: aggregateSamples(samples, n, orders, ratios, targetErrorOf(options.estimatorOptions)),
    selection: {
      rule: selection.rule,
      candidates: selection.candidates,
      ...(selection.correct !== undefined ? { correct: selection.correct } : {}),
      ...(selection.predicted !== undefined ? { predicted: selection.predicted } : {}),
      ...(selection.accuracy !== undefined ? { accuracy: selection.accuracy } : {}),
      ...(selection.requested !== undefined ? { requested: selection.requested } : {}),
      warnings: selection.warnings,
    },
    modelCalls: total,
    provenance: {
      packages: options.packages ?? {},
      model: {
        file: model.file,
        sha256: model.sha256,
        format: model.format,
        backend: model.runner.backend,
        ...(model.runtime ? { runtime: { ...model.runtime } } : {}),
      },
      data: session.data,
      options: options.options ?? {},
      seed: options.seed,
      device: model.device,
      createdAt: timing.createdAt ?? new Date().toISOString(),
      wallTimeMs: timing.wallTimeMs,
    },
  };
}

/** The estimator's own `targetError` option when it has one, else {@link DEFAULT_TARGET_ERROR}. */
function targetErrorOf(estimatorOptions: unknown): number {
  const t = (estimatorOptions as { targetError?: unknown } | undefined)?.targetError;
  return typeof t === 'number' && t > 0 ? t : DEFAULT_TARGET_ERROR;
}
