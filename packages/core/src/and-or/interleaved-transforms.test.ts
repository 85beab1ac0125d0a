import { describe, expect, it } from 'vitest';
import { mobiusInPlace, mobiusTransposeInPlace } from '../exact/mobius.js';
import { Rng } from '../random/rng.js';
import {
  deinterleave,
  interleave,
  mobiusInterleavedInPlace,
  mobiusTransposeInterleavedInPlace,
} from './interleaved-transforms.js';

describe('interleaved transforms', () => {
  it('equal the one-table transforms bit for bit, for every n and sample count', () => {
    const rng = Rng.create('interleaved');
    for (let n = 0; n <= 11; n++) {
      for (const samples of [1, 2, 3, 8]) {
        const size = 2 ** n;
        const tables = Float64Array.from({ length: samples * size }, () => rng.normal() * 10);
        const forward = mobiusInterleavedInPlace(
          interleave(tables, samples, new Float64Array(tables.length)),
          samples,
        );
        const transpose = mobiusTransposeInterleavedInPlace(
          interleave(tables, samples, new Float64Array(tables.length)),
          samples,
        );
        const f = deinterleave(forward, samples, new Float64Array(tables.length));
        const t = deinterleave(transpose, samples, new Float64Array(tables.length));
        for (let s = 0; s < samples; s++) {
          const one = tables.slice(s * size, (s + 1) * size);
          expect(Array.from(f.subarray(s * size, (s + 1) * size))).toEqual(
            Array.from(mobiusInPlace(one.slice())),
          );
          expect(Array.from(t.subarray(s * size, (s + 1) * size))).toEqual(
            Array.from(mobiusTransposeInPlace(one.slice())),
          );
        }
      }
    }
  });

  it('interleave and deinterleave are inverse', () => {
    const a = Float64Array.from({ length: 3 * 8 }, (_, k) => k);
    const b = interleave(a, 3, new Float64Array(a.length));
    expect(b[1]).toBe(8); // coalition 0 of sample 1
    expect(Array.from(deinterleave(b, 3, new Float64Array(a.length)))).toEqual(Array.from(a));
  });
});
