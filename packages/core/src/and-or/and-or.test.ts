import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { UnanimityGame } from '../game/unanimity-game.js';
import { orInteractions, mobiusTransform } from '../exact/mobius.js';
import { Rng } from '../random/rng.js';
import {
  andOrInteractions,
  extractAndOr,
  salientOrderStrength,
  universalMatchingResidual,
} from './and-or-extraction.js';

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
    expect(d.matchingResidual).toBeLessThan(1e-9);
    const Q = 0.04 * Math.abs(values[values.length - 1] - values[0]);
    for (const x of d.q) expect(Math.abs(x)).toBeLessThanOrEqual(Q + 1e-15);
  });

  it('recovers a pure OR game as OR interactions', () => {
    // v(T) = 1(T ∩ {0,1} ≠ ∅) is an OR of players 0 and 1.
    const orGame = Float64Array.from({ length: 2 ** 5 }, (_, T) => (T & 0b11 ? 1 : 0));
    const d = extractAndOr(orGame, { niter: 3000, qthres: 0 });
    expect(d.finalLoss).toBeLessThan(d.initialLoss);
    expect(Math.abs(d.or[0b11]) + Math.abs(d.or[0b01]) + Math.abs(d.or[0b10])).toBeGreaterThan(0.9);
    expect(d.matchingResidual).toBeLessThan(1e-9);
  });

  it('never returns a decomposition less sparse than the pure AND one of a unanimity game', () => {
    const game = UnanimityGame.random(7, 12, () => rng.next());
    const v = table(game);
    const pureAnd = Math.abs(game.v0) + game.terms.reduce((s, t) => s + Math.abs(t.value), 0);
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
