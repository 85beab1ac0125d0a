import { describe, expect, it } from 'vitest';
import { CoalitionBatch, Rng } from '@orderlens/core';
import { loadCensus } from '../census/census.js';
import { parseBaselineSpec, tabularBaseline } from './baseline.js';
import { TabularMasker } from './tabular-masker.js';

describe('TabularMasker on census rows', () => {
  const census = loadCensus();
  const d = 12;

  it('puts exactly the baseline in absent attributes and the row in present ones', () => {
    const rng = Rng.create('masker-test');
    for (const baselineKind of ['mean', 'zero', 'median'] as const) {
      const baseline = tabularBaseline(baselineKind, { x: census.train.x, featureCount: d });
      for (let s = 0; s < 5; s++) {
        const row = census.test.x.subarray(s * d, (s + 1) * d);
        const masker = new TabularMasker(row, { baseline });
        const masks = Array.from({ length: 64 }, () => rng.int(1 << d));
        masks.push(0, (1 << d) - 1);
        const batch = CoalitionBatch.fromMasks(d, masks);
        const out = masker.mask(batch, 3, masks.length);
        const t = out.x;
        expect(t.type).toBe('float32');
        expect(t.dims).toEqual([masks.length - 3, d]);
        for (let k = 3; k < masks.length; k++)
          for (let f = 0; f < d; f++) {
            const want = (masks[k] >> f) & 1 ? row[f] : baseline[f];
            expect(Object.is(t.data[(k - 3) * d + f], want)).toBe(true);
          }
      }
    }
  });

  it('masks grouped inputs together and honours the input name', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    const baseline = Float32Array.from([-1, -2, -3, -4, -5]);
    const m = new TabularMasker(x, { baseline, playerOfFeature: [0, 1, 1, -1, 2], inputName: 'features' });
    expect(m.n).toBe(3);
    const out = m.mask(CoalitionBatch.fromSets(3, [[], [1], [0, 2]]), 0, 3).features;
    expect(Array.from(out.data)).toEqual([-1, -2, -3, 4, -5, -1, 2, 3, 4, -5, 1, -2, -3, 4, 5]);
  });

  it('rejects mismatched baselines and player maps', () => {
    const row = census.train.x.subarray(0, d);
    expect(() => new TabularMasker(row, { baseline: new Float32Array(11) })).toThrow(
      /baseline: has 11 values but the row has 12 inputs/,
    );
    expect(
      () =>
        new TabularMasker(row, { baseline: census.baseline, playerOfFeature: [0, 2, ...Array(10).fill(0)] }),
    ).toThrow(/playerOfFeature/);
    const m = new TabularMasker(row, { baseline: census.baseline });
    expect(() => m.mask(new CoalitionBatch(5, 1), 0, 0)).toThrow(/over 5 players, the masker has 12/);
  });
});

describe('baselines', () => {
  it('computes mean, median, zero and custom vectors', () => {
    const x = Float32Array.from([1, 10, 2, 30, 9, 20]); // 3 rows × 2
    expect(Array.from(tabularBaseline('mean', { x, featureCount: 2 }))).toEqual([4, 20]);
    expect(Array.from(tabularBaseline('median', { x, featureCount: 2 }))).toEqual([2, 20]);
    expect(Array.from(tabularBaseline('zero', { featureCount: 2 }))).toEqual([0, 0]);
    expect(Array.from(tabularBaseline('custom', { featureCount: 2, custom: [0.5, -1] }))).toEqual([0.5, -1]);
    expect(() => tabularBaseline('custom', { featureCount: 2, custom: [1] })).toThrow(
      /custom baseline has 1 values, expected 2/,
    );
    expect(parseBaselineSpec('custom:1, 2.5')).toEqual({ kind: 'custom', custom: [1, 2.5] });
    expect(parseBaselineSpec('median')).toEqual({ kind: 'median' });
    expect(() => parseBaselineSpec('average')).toThrow(/baseline: expected mean, zero, median/);
  });
});
