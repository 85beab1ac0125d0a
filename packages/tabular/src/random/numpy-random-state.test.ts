import { describe, expect, it } from 'vitest';
import { NumpyRandomState } from './numpy-random-state.js';

// Expected values printed by NumPy 1.24 (`/usr/bin/python3`), e.g.
// np.random.RandomState(0).randint(0, 2**32, size=3, dtype=np.uint32).
describe('NumpyRandomState', () => {
  it('matches MT19937 seeded like RandomState(0)', () => {
    const rs = new NumpyRandomState(0);
    expect([rs.nextUint32(), rs.nextUint32(), rs.nextUint32()]).toEqual([2357136044, 2546248239, 3071714933]);
  });

  it('matches RandomState.permutation and shuffle', () => {
    expect(Array.from(new NumpyRandomState(7).permutation(10))).toEqual([8, 5, 0, 2, 1, 9, 7, 3, 6, 4]);
    const a = Array.from({ length: 20 }, (_v, i) => i);
    new NumpyRandomState(5).shuffle(a);
    expect(a).toEqual([2, 5, 17, 19, 12, 1, 11, 10, 13, 18, 7, 4, 8, 9, 0, 16, 6, 15, 14, 3]);
    const p = new NumpyRandomState(0).permutation(30162);
    expect(Array.from(p.subarray(0, 8))).toEqual([1963, 14485, 26933, 25507, 8573, 20007, 26679, 12384]);
    expect(Array.from(p.subarray(-3))).toEqual([9845, 10799, 2732]);
  });

  it('rejects seeds NumPy rejects', () => {
    expect(() => new NumpyRandomState(-1)).toThrow(/seed/);
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(/seed/);
  });
});
