import { describe, expect, it } from 'vitest';
import { expectInputError } from '../testing/expect-input-error.js';
import type { SalientEntry, SalientSample } from './salient-samples.js';
import { transferAcrossNetworks, transferAcrossSamples } from './transferability.js';

const and = (mask: number, value = 1): SalientEntry => ({ mask, kind: 'and', value });
const or = (mask: number, value = 1): SalientEntry => ({ mask, kind: 'or', value });
const s = (id: string, label: number, salient: SalientEntry[], n = 6): SalientSample => ({
  id,
  label,
  n,
  salient,
});

describe('transferAcrossSamples', () => {
  it('is the fraction of the other samples of the class sharing each salient interaction, per order', () => {
    // Class 0: A = and{0,1} on all three samples, B = and{2,3} on two, C = or{4,5} on one, D =
    // and{0,1,2} on one. Order 2: A appears 3× with f = 1, B 2× with f = 1/2, C 1× with f = 0
    // (same set as B's order but OR), so (3 + 1 + 0) / 6. Order 3: D once, f = 0.
    const A = and(0b11);
    const B = and(0b1100);
    const C = or(0b110000);
    const D = and(0b111);
    const samples = [
      s('x', 0, [and(0, 5), A, B, C]),
      s('y', 0, [A, B, D]),
      s('z', 0, [A]),
      s('lonely', 1, [A]),
    ];
    const t = transferAcrossSamples(samples);
    expect(t.share[1]).toBeCloseTo(4 / 6, 12);
    expect(t.counts[1]).toBe(6);
    expect(t.share[2]).toBe(0);
    expect(t.share[0]).toBeNull();
    expect(t.overall).toBeCloseTo(4 / 7, 12);
    expect(t.skippedClasses).toEqual([1]);
  });

  it('does not count the same set with another kind as shared, except for singletons', () => {
    const t = transferAcrossSamples([s('a', 0, [and(3)]), s('b', 0, [or(3)])]);
    expect(t.share[1]).toBe(0);
    // A single player's AND and OR terms are one interaction (only their sum is defined).
    const one = transferAcrossSamples([s('a', 0, [and(4), or(4)]), s('b', 0, [or(4)])]);
    expect(one.share[0]).toBe(1);
    expect(one.counts[0]).toBe(2);
  });

  it('refuses samples over different players and classes that all have one sample', () => {
    expectInputError(
      () => transferAcrossSamples([s('a', 0, [], 6), s('b', 0, [], 7)], '--model'),
      '--model',
      /players/,
    );
    expectInputError(() => transferAcrossSamples([s('a', 0, []), s('b', 1, [])]), 'samples', /single sample/);
  });
});

describe('transferAcrossNetworks', () => {
  it('shares both ways and the Jaccard index of the salient sets, per order', () => {
    const a = [s('r1', 0, [and(3), and(5), or(6), and(7)]), s('r2', 1, [and(3)])];
    const b = [s('r1', 0, [and(3), or(5), and(7), and(11)]), s('r2', 1, [and(9)])];
    const t = transferAcrossNetworks(a, b);
    // Order 2 in A: and3 (shared), and5, or6, and3 (r2, not shared) → 1/4; in B: and3, or5, and9 → 1/3.
    expect(t.aInB.share[1]).toBeCloseTo(1 / 4, 12);
    expect(t.bInA.share[1]).toBeCloseTo(1 / 3, 12);
    // Union at order 2: r1 {and3, and5, or6, or5}, r2 {and3, and9} → 6, intersection 1.
    expect(t.jaccard.share[1]).toBeCloseTo(1 / 6, 12);
    // Order 3: and7 in both → 1; and11 only in B.
    expect(t.aInB.share[2]).toBe(1);
    expect(t.bInA.share[2]).toBe(0.5);
    expect(t.samples).toEqual(['r1', 'r2']);
  });

  it('refuses networks with different players or different samples, naming the option', () => {
    const a = [s('r1', 0, [and(3)])];
    expectInputError(
      () => transferAcrossNetworks(a, [s('r1', 0, [and(3)], 7)], { field: '--models' }),
      '--models',
      /different players/,
    );
    expectInputError(
      () =>
        transferAcrossNetworks(a, [s('r1', 0, [and(3)])], {
          field: '--models',
          playersA: ['age', 'sex'],
          playersB: ['age', 'race'],
        }),
      '--models',
      /different players/,
    );
    expectInputError(
      () => transferAcrossNetworks(a, [s('r2', 0, [and(3)])], { field: '--models' }),
      '--models',
      /different samples/,
    );
  });
});
