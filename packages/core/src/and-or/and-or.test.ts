import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { UnanimityGame } from '../game/unanimity-game.js';
import { orInteractions, mobiusTransform } from '../exact/mobius.js';
import { Rng } from '../random/rng.js';
import { andOrInteractions, extractAndOr, salientOrderStrength, universalMatchingResidual } from './index.js';

function table(game: UnanimityGame): Float64Array {
  return game.evaluateSync(
    CoalitionBatch.fromMasks(
      game.n,
      Array.from({ length: 2 ** game.n }, (_, k) => k),
    ),
  );
}

describe('AND-OR decomposition', () => {
  const rng = Rng.create('and-or');
  const n = 8;
  const values = Float64Array.from({ length: 2 ** n }, () => rng.normal());

  it('with p = v/2 and q = 0 reduces to the pure AND (Harsanyi) and OR interactions', () => {
    const p = values.map((x) => x / 2);
    const q = new Float64Array(values.length);
    const { and, or } = andOrInteractions(values, p, q);
    const h = mobiusTransform(values);
    and.forEach((x, k) => expect(x).toBeCloseTo(h[k], 10));
    // v_or = 0: every OR interaction vanishes.
    or.forEach((x) => expect(Math.abs(x)).toBeLessThan(1e-12));
    const pOr = values.map((x) => -x / 2);
    const orOnly = andOrInteractions(values, pOr, q).or;
    orInteractions(values).forEach((x, k) => expect(orOnly[k]).toBeCloseTo(x, 10));
  });

  it('learns a sparser decomposition that keeps universal matching and respects the q bound', () => {
    const d = extractAndOr(values, { niter: 2000, qthres: 0.04 });
    expect(d.finalLoss).toBeLessThan(0.8 * d.initialLoss);
    // The start alone (the sparsest pure split) is not enough: iterating matters.
    const start = extractAndOr(values, { niter: 0, qthres: 0.04 });
    expect(start.finalLoss).toBeGreaterThan(0.9 * d.initialLoss);
    expect(d.finalLoss).toBeLessThan(0.5 * start.finalLoss);
    expect(d.matchingResidual).toBeLessThan(1e-9);
    const Q = 0.04 * Math.abs(values[values.length - 1] - values[0]);
    for (const x of d.q) expect(Math.abs(x)).toBeLessThanOrEqual(Q + 1e-15);
  });

  it('recovers a pure OR game as OR interactions, starting away from it', () => {
    // v(T) = 1(T ∩ {0,1} ≠ ∅) is an OR of players 0 and 1. The orderlens start (the sparsest
    // pure split) would already be the answer, so start at the half-half split (authors preset)
    // and check that the iterations, not the start, find it.
    const orGame = Float64Array.from({ length: 2 ** 5 }, (_, T) => (T & 0b11 ? 1 : 0));
    const options = { preset: 'authors', qthres: 0, lr: 3e-4 } as const;
    const start = extractAndOr(orGame, { ...options, niter: 0 });
    expect(start.finalLoss).toBeCloseTo(2, 12); // half AND (1.5), half OR (0.5)
    expect(start.or[0b11]).toBeCloseTo(0.5, 12);
    expect(start.and[0b11]).toBeCloseTo(-0.5, 12);
    const d = extractAndOr(orGame, { ...options, niter: 10000 });
    expect(d.steps).toBe(9999);
    expect(d.finalLoss).toBeLessThan(1.1);
    expect(d.or[0b11]).toBeGreaterThan(0.98);
    expect(Math.abs(d.and[0b11])).toBeLessThan(0.01);
    expect(d.matchingResidual).toBeLessThan(1e-9);
  });

  it('never returns a decomposition less sparse than the pure AND one of a unanimity game', () => {
    const game = UnanimityGame.random(7, 12, () => rng.next());
    const v = table(game);
    const pureAnd = Math.abs(game.v0) + game.terms.reduce((s, t) => s + Math.abs(t.value), 0);
    // Guarantee of the orderlens start and best-iterate rule (it holds at niter = 0 by design).
    const d = extractAndOr(v, { niter: 500, qthres: 0.02 });
    expect(d.finalLoss).toBeLessThanOrEqual(pureAnd + 1e-9);
    expect(d.matchingResidual).toBeLessThan(1e-9);
  });

  it('matching residual detects a wrong decomposition', () => {
    const game = UnanimityGame.random(6, 10, () => rng.next());
    const v = table(game);
    const q = new Float64Array(v.length);
    const { and, or } = andOrInteractions(
      v,
      v.map((x) => x / 2),
      q,
    );
    expect(universalMatchingResidual(v, q, and, or)).toBeLessThan(1e-12);
    and[5] += 0.1;
    expect(universalMatchingResidual(v, q, and, or)).toBeGreaterThan(0.09);
  });

  it('per-order salient strength averages 1 over orders', () => {
    const d = extractAndOr(values, { niter: 200 });
    const s = salientOrderStrength([d], [values]);
    expect(s.orders).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s.strength.reduce((a, b) => a + b, 0) / n).toBeCloseTo(1, 12);
  });
});
