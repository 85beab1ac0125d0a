import { aggregateSamples } from '../analysis/aggregate.js';
import { emptyCallCounts } from '../runtime/model-gateway.js';
import { meanAbsOverPairs } from '../strength/mean-abs.js';
import type { EstimateResult } from './estimate-result.js';
import { RESULT_SCHEMA, type InteractionResult, type SampleResult } from './interaction-result.js';

const arr = (v: Float64Array | number[] | undefined) => (v === undefined ? undefined : Array.from(v));

/**
 * The result document of an estimate on a game file (`orderlens exact | sample | and-or --game`):
 * one sample with generic players, the same schema every model analysis writes, so `plot`
 * and reports read game results and model results alike.
 */
export function gameResultDocument(
  estimate: EstimateResult,
  info: {
    estimator: string;
    options: Record<string, unknown>;
    source: string;
    /** The game file's `name`, recorded for legends. */
    name?: string;
    seed?: number | string;
    packages?: Record<string, string>;
    extra?: Partial<SampleResult>;
  },
): InteractionResult {
  const n = estimate.n;
  const mo = estimate.multiOrder;
  const orders = mo?.orders ?? [];
  const ratios = mo?.ratios ?? orders.map((m) => (n > 2 ? m / (n - 2) : 0));
  const strength = mo ? meanAbsOverPairs(mo.values, orders.length) : [];
  const residuals = estimate.residuals
    ? Object.fromEntries(
        Object.entries(estimate.residuals).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
      )
    : undefined;
  const sample: SampleResult = {
    id: 'game',
    index: 0,
    label: 0,
    players: { kind: 'generic', n },
    strength,
    ...(mo ? { multiOrder: { ...mo, ratios } } : {}),
    ...(estimate.sii ? { sii: estimate.sii.map((r) => Array.from(r)) } : {}),
    ...(estimate.shapley ? { shapley: arr(estimate.shapley) } : {}),
    ...(estimate.banzhaf ? { banzhaf: arr(estimate.banzhaf) } : {}),
    ...(estimate.harsanyi ? { harsanyi: arr(estimate.harsanyi) } : {}),
    ...(estimate.or ? { or: arr(estimate.or) } : {}),
    ...(residuals ? { residuals } : {}),
    modelCalls: estimate.modelCalls,
    wallTimeMs: estimate.wallTimeMs,
    ...(info.extra ?? {}),
  };
  const calls = emptyCallCounts();
  calls.estimation = estimate.modelCalls;
  calls.total = estimate.modelCalls;
  return {
    schema: RESULT_SCHEMA,
    modality: 'game',
    estimator: { name: info.estimator, options: info.options },
    reward: estimate.reward ?? 'value',
    n,
    orders,
    ratios,
    samples: [sample],
    aggregate: orders.length
      ? aggregateSamples([sample], n, orders, ratios)
      : {
          strength: { orders: [], J: [], normalization: 'mean' },
          strengthPerSample: { orders: [], J: [], normalization: 'per-sample-mean' },
          raw: [],
          instability: null,
          theory: { n, values: [] },
        },
    modelCalls: calls,
    provenance: {
      ...(info.name ? { name: info.name } : {}),
      packages: info.packages ?? {},
      data: info.source,
      options: info.options,
      seed: info.seed ?? 0,
      device: 'none',
      createdAt: new Date().toISOString(),
      wallTimeMs: estimate.wallTimeMs,
    },
  };
}
