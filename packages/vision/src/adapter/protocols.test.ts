/**
 * The vision adapter's protocols as the pipeline runs them — the registered estimator with the
 * protocol's options and pair strategy, per sample (what `computeSample` does with a model game)
 * — on closed-form grid games, so every estimate can be compared with the truth.
 */
import { describe, expect, it } from 'vitest';
import {
  CoalitionBatch,
  aggregateSamples,
  estimators,
  interactionResultSchema,
  pairStrategy,
  parseWithSchema,
  planAnalysis,
  type AnalysisProtocol,
  type Game,
  type GridPlayers,
  type SampleEstimate,
  type SampleResult,
} from '@orderlens/core';
import { PAPER_RATIOS, ordersFromRatios, type UnanimityGame } from '@orderlens/core/math';
import { expectInputError, localGridGame } from '@orderlens/core/testing';
import { VISION_ANALYSIS_PROTOCOLS, VISION_OPTIONS, visionAdapter } from '../index.js';

const gridGame = (seed: string) => localGridGame({ side: 16, seed });
const players: GridPlayers = { kind: 'grid', n: 256, rows: 16, cols: 16, height: 32, width: 32 };
const protocol = (name: string) => VISION_ANALYSIS_PROTOCOLS.find((p) => p.name === name)!;

/** Wraps a game and histograms the sizes of the coalitions it is asked for. */
class RecordingGame implements Game {
  readonly n: number;
  readonly sizes: Float64Array;
  modelCalls = 0;
  constructor(private readonly inner: UnanimityGame) {
    this.n = inner.n;
    this.sizes = new Float64Array(inner.n + 1);
  }
  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    for (let k = 0; k < batch.count; k++) this.sizes[batch.size(k)]++;
    this.modelCalls += batch.count;
    return this.inner.evaluateSync(batch);
  }
}

/** Sample `s` of a protocol (with overrides, as `--contexts`, `--pairs`, … give them) on `game`. */
async function estimate(
  p: AnalysisProtocol,
  game: Game,
  s: number,
  over: { options?: Record<string, unknown>; pairs?: number } = {},
  seed: number | string = 0,
): Promise<SampleEstimate> {
  const estimator = estimators.get(p.estimator);
  const options = parseWithSchema(estimator.options, { ...p.estimatorOptions, ...over.options }, 'options');
  const grid = p.pairs as { name: 'grid'; count: number; radius: number };
  const pairs = pairStrategy({ ...grid, count: over.pairs ?? grid.count });
  return estimator.estimate(game, options, { seed, sampleIndex: s, players, pairs });
}

const asSample = (e: SampleEstimate, s: number): SampleResult => {
  const { orders: _o, ratios: _r, ...rest } = e;
  return { id: `sample-${s}`, index: s, label: 0, players, ...rest };
};

describe('vision protocols', () => {
  it('the reference protocol matches MATH.md on the default 16×16 grid', () => {
    const ref = protocol('reference');
    expect(ref).toMatchObject({
      estimator: 'reference',
      estimatorOptions: { contexts: 100, repeats: 2 },
      pairs: { name: 'grid', count: 200, radius: 2 },
      selection: { perClass: 5, order: 'class' },
    });
    expect(ref.estimatorOptions.ratios).toEqual([...PAPER_RATIOS]);
    expect(VISION_OPTIONS.descriptors.find((o) => o.key === 'grid')!.description).toMatch(/default 16×16/);
    expect(protocol('fast')).toMatchObject({ estimator: 'shared', estimatorOptions: { contexts: 32 } });
    // The default is the protocol the J(m)-accuracy bench found within ±5 % (docs/j-accuracy.md).
    expect(visionAdapter.defaultProtocol).toBe('unbiased');
    expect(protocol('unbiased')).toMatchObject({
      estimator: 'reference',
      estimatorOptions: { contexts: 30, strength: 'bracket' },
      pairs: { name: 'grid', count: 200, radius: 2 },
    });
    expect(protocol('lite')).toMatchObject({ estimator: 'reference', estimatorOptions: { contexts: 10 } });
    expect(protocol('lite').estimatorOptions.strength).toBeUndefined(); // plain, as before
    const reference = estimators.get('reference');
    expect(() => parseWithSchema(reference.options, { contexts: 0 }, 'options')).toThrow(/contexts/);
    expect(() => parseWithSchema(reference.options, { ratios: [1.5] }, 'options')).toThrow(/ratios/);
  });

  it('the reference protocol draws 200 neighbour pairs and 100 uniform contexts per pair and order', async () => {
    const oracle = gridGame('ref');
    const game = new RecordingGame(oracle);
    const res = await estimate(protocol('reference'), game, 0, { options: { repeats: 1 } }, 11);
    const n = 256;
    const orders = ordersFromRatios(n, PAPER_RATIOS);
    expect(res.orders).toEqual(orders);
    const { pairs, values, standardErrors } = res.multiOrder!;
    // 200 distinct unordered pairs of distinct cells within Chebyshev radius 2.
    expect(pairs.length).toBe(200);
    expect(new Set(pairs.map(([i, j]) => `${i},${j}`)).size).toBe(200);
    for (const [i, j] of pairs) {
      expect(i).toBeLessThan(j);
      expect(
        Math.max(Math.abs(Math.floor(i / 16) - Math.floor(j / 16)), Math.abs((i % 16) - (j % 16))),
      ).toBeLessThanOrEqual(2);
    }
    // Each (pair, order, context) asks for S, S∪{i}, S∪{j}, S∪{i,j} with |S| = m: 100 contexts,
    // except m = 0 and m = n − 2, where the single context is enumerated.
    const want = new Float64Array(n + 1);
    for (const m of new Set(orders)) {
      const contexts = m === 0 || m === n - 2 ? 1 : 100;
      want[m] += 200 * contexts;
      want[m + 1] += 2 * 200 * contexts;
      want[m + 2] += 200 * contexts;
    }
    expect(Array.from(game.sizes)).toEqual(Array.from(want));
    expect(res.modelCalls).toBe(4 * 200 * (11 * 100 + 2));
    // The two enumerated orders are exact; at every other order the estimates are unbiased:
    // the mean error over pairs is within a few of its standard errors (errors of different
    // pairs are independent in the reference mode).
    orders.forEach((m, k) => {
      let err = 0;
      let var_ = 0;
      pairs.forEach(([i, j], p) => {
        const exact = oracle.multiOrder(i, j, m);
        if (m === 0 || m === n - 2) expect(values[p][k]).toBeCloseTo(exact, 6);
        err += values[p][k] - exact;
        var_ += standardErrors![p][k] ** 2;
      });
      if (m !== 0 && m !== n - 2) {
        expect(var_).toBeGreaterThan(0);
        expect(Math.abs(err)).toBeLessThan(5 * Math.sqrt(var_) + 1e-6);
      }
    });
    // One repeat: no instability.
    expect(res.strengthByRepeat).toHaveLength(1);
    expect(aggregateSamples([asSample(res, 0)], n, res.orders, res.ratios).instability).toBeNull();
  });

  it('the fast protocol shares contexts, is exact where it enumerates, and reports the instability of repeats', async () => {
    const oracle = gridGame('shared');
    const over = { options: { contexts: 30, ratios: [0, 0.1, 0.5, 0.9, 1], repeats: 3 }, pairs: 40 };
    const fast = protocol('fast');
    const res = [await estimate(fast, oracle, 0, over, 'x'), await estimate(fast, oracle, 1, over, 'x')];
    const agg = aggregateSamples(
      res.map((r, s) => asSample(r, s)),
      256,
      res[0].orders,
      res[0].ratios,
    );
    expect(agg.instability).toBeGreaterThan(0);
    expect(agg.instability).toBeLessThan(1);
    // J(m) averages 1 over the orders.
    expect(agg.strength.J.reduce((a, b) => a + b, 0) / agg.strength.J.length).toBeCloseTo(1, 12);
    const mo = res[1].multiOrder!;
    mo.pairs.forEach(([i, j], p) =>
      mo.orders.forEach((m, k) => {
        const se = mo.standardErrors![p][k];
        const exact = oracle.multiOrder(i, j, m);
        if (m === 0 || m === 254) expect(mo.values[p][k]).toBeCloseTo(exact, 6);
        else expect(Number.isFinite(se)).toBe(true);
      }),
    );
    // Pairs are drawn once per sample: the same for every repeat and reproducible from the seed.
    const again = await estimate(fast, oracle, 1, { ...over, options: { ...over.options, repeats: 1 } }, 'x');
    expect(again.multiOrder!.pairs).toEqual(mo.pairs);
    expect(again.multiOrder!.values).toEqual(mo.values);
    // Another seed draws other pairs.
    const other = await estimate(fast, oracle, 1, { ...over, options: { ...over.options, repeats: 1 } }, 'y');
    expect(other.multiOrder!.pairs).not.toEqual(mo.pairs);
  });
});

describe('unbiased protocol', () => {
  it('uses the bracket estimator at under a third of the reference calls and records error bars', async () => {
    const p = protocol('unbiased');
    expect(p.estimator).toBe('reference');
    expect(p.estimatorOptions).toMatchObject({ strength: 'bracket', contexts: 30 });
    const calls = (q: AnalysisProtocol) => 4 * 200 * (11 * (q.estimatorOptions.contexts as number) + 2);
    expect(p.pairs).toEqual(protocol('reference').pairs);
    expect(calls(p)).toBeLessThanOrEqual(calls(protocol('reference')) / 3);
    expect(() =>
      parseWithSchema(estimators.get('reference').options, { strength: 'nope' }, 'options'),
    ).toThrow(/strength/);
    const small = { options: { contexts: 6, repeats: 1 }, pairs: 6 };
    const run = (strength: string) =>
      estimate(p, gridGame('u'), 0, { ...small, options: { ...small.options, strength } }, 4);
    const bracket = await run('bracket');
    expect(bracket.strength).toHaveLength(PAPER_RATIOS.length);
    expect(bracket.strengthError).toHaveLength(PAPER_RATIOS.length);
    expect(bracket.strengthBias).toHaveLength(PAPER_RATIOS.length);
    // The heavy-tail-aware interval of each order (issue 26) brackets the estimate.
    expect(bracket.strengthLevel).toBe(0.95);
    bracket.strength.forEach((v, k) => {
      expect(bracket.strengthLower![k]).toBeLessThanOrEqual(v);
      expect(bracket.strengthUpper![k]).toBeGreaterThanOrEqual(v);
    });
    // Same contexts: the bracket is the midpoint of plain (biased up) and cross-fit (biased down).
    const plain = await run('plain');
    expect(plain.strengthLower).toBeUndefined();
    const crossFit = await run('cross-fit');
    expect(plain.multiOrder!.values).toEqual(bracket.multiOrder!.values);
    bracket.strength.forEach((v, k) => {
      expect(v).toBeCloseTo((plain.strength[k] + crossFit.strength[k]) / 2, 12);
      expect(Math.abs(v - plain.strength[k])).toBeLessThanOrEqual(
        Math.abs(plain.strength[k] - crossFit.strength[k]) / 2 + 1e-12,
      );
    });
  });
});

describe('adaptive protocol', () => {
  it('spends at most 1/6 of the reference calls, records an interval and a target flag per order', async () => {
    const p = protocol('adaptive');
    expect(p.estimator).toBe('adaptive');
    expect(p.pairs).toEqual(protocol('reference').pairs);
    const o = p.estimatorOptions as { budgetContexts: number; initialContexts: number; targetError: number };
    expect(o).toMatchObject({ initialContexts: 8, budgetContexts: 16, targetError: 0.05 });
    const reference = 4 * 200 * (11 * 100 + 2);
    expect(4 * 200 * (11 * o.budgetContexts + 2)).toBeLessThanOrEqual(reference / 6);
    expect(() => parseWithSchema(estimators.get('adaptive').options, { contexts: 30 }, 'options')).toThrow(
      /contexts/,
    );
    const game = new RecordingGame(gridGame('a'));
    const res = await estimate(p, game, 0, { options: { repeats: 1 }, pairs: 12 }, 5);
    const sampled = res.orders.filter((m) => m > 0 && m < 254).length;
    expect(game.modelCalls).toBeLessThanOrEqual(4 * 12 * (16 * sampled + 2));
    expect(res.strengthLower).toHaveLength(PAPER_RATIOS.length);
    expect(res.strengthTargetMet).toHaveLength(PAPER_RATIOS.length);
    expect(res.strengthLevel).toBe(0.95);
    res.strength.forEach((v, k) => {
      expect(res.strengthLower![k]).toBeLessThanOrEqual(v);
      expect(res.strengthUpper![k]).toBeGreaterThanOrEqual(v);
    });
    // The document schema keeps the new optional fields (it would strip unknown ones).
    const kept = interactionResultSchema.shape.samples.element.parse(asSample(res, 0));
    expect(kept.strengthLower).toEqual(res.strengthLower);
    expect(kept.strengthTargetMet).toEqual(res.strengthTargetMet);
  });

  // Core names the setting by its key (the CLI maps it to --target-error).
  it('takes targetError and budgetContexts, and only for the adaptive estimator', () => {
    const plan = planAnalysis(
      visionAdapter,
      { protocol: 'adaptive', targetError: '0.1', budgetContexts: '24' },
      {},
    );
    expect(plan.estimatorOptions).toMatchObject({ targetError: 0.1, budgetContexts: 24, initialContexts: 8 });
    expectInputError(
      () => planAnalysis(visionAdapter, { protocol: 'unbiased', targetError: '0.1' }, {}),
      'targetError',
      /no such option/,
    );
    expectInputError(
      () => planAnalysis(visionAdapter, { protocol: 'adaptive', targetError: '0' }, {}),
      'targetError',
      /positive number, got "0"/,
    );
  });
});
