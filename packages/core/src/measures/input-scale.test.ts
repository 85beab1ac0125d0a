import { describe, expect, it } from 'vitest';
import { float32Tensor } from '../model/tensor.js';
import { expectInputErrorAsync } from '../testing/expect-input-error.js';
import { inputValueScale } from './input-scale.js';

/** A session of `rows` candidates whose input row `k` is `row(k)` (two columns). */
function session(rows: number, row: (k: number) => [number, number]) {
  return {
    candidates: rows,
    inputs: (start: number, end: number) => {
      const x = new Float32Array(2 * (end - start));
      for (let k = start; k < end; k++) x.set(row(k), 2 * (k - start));
      return { x: float32Tensor(x, [end - start, 2]) };
    },
  };
}

describe('inputValueScale (δ relative to the data, tables, images, point clouds)', () => {
  it('gives the RMS, the standard deviation and each column’s, over the first candidates', async () => {
    // Column a: 1, 3, 5, 7 (mean 4, σ √5); column b: always 2 (σ 0). All values: 1 3 5 7 2 2 2 2.
    const s = session(100, (k) => [1 + 2 * k, 2]);
    const scale = await inputValueScale(s, { featureNames: ['a', 'b'], limit: 4 });
    const all = [1, 3, 5, 7, 2, 2, 2, 2];
    const mean = all.reduce((a, b) => a + b, 0) / 8;
    expect(scale.rms).toBeCloseTo(Math.sqrt(all.reduce((a, b) => a + b * b, 0) / 8), 12);
    expect(scale.std).toBeCloseTo(Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / 8), 12);
    expect(scale.perFeature!.names).toEqual(['a', 'b']);
    expect(scale.perFeature!.std[0]).toBeCloseTo(Math.sqrt(5), 12);
    expect(scale.perFeature!.std[1]).toBe(0);
    expect(scale).toMatchObject({ space: 'model-input', table: 'x' });
    expect(scale.over).toBe('the model inputs of the first 4 candidates (8 values)');
  });

  it('reads every candidate up to the limit across chunks, in data order', async () => {
    // 130 rows (three chunks of 64): the mean of column a is 129 / 2 only if all are read.
    const scale = await inputValueScale(
      session(130, (k) => [k, -k]),
      { featureNames: ['a', 'b'] },
    );
    const sd = Math.sqrt((130 * 130 - 1) / 12);
    expect(scale.perFeature!.std[0]).toBeCloseTo(sd, 9);
    expect(scale.perFeature!.std[1]).toBeCloseTo(sd, 9);
    // Both columns together: k and −k, mean 0, so σ² = Σ k² / 130 = 129 · 259 / 6.
    expect(scale.std).toBeCloseTo(Math.sqrt((129 * 259) / 6), 9);
  });

  it('refuses a session without candidates or with column names that do not fit', async () => {
    await expectInputErrorAsync(() => inputValueScale(session(0, () => [0, 0])), 'noise', /no candidate/);
    await expectInputErrorAsync(
      () =>
        inputValueScale(
          session(3, () => [0, 0]),
          { featureNames: ['a', 'b', 'c'] },
        ),
      'noise',
      /2 columns, 3 names/,
    );
  });
});
