import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { countNeighbourPairs, gridNeighbours, referencePairs } from './reference-pairs.js';

function chebyshev(cols: number, a: number, b: number): number {
  return Math.max(Math.abs(Math.floor(a / cols) - Math.floor(b / cols)), Math.abs((a % cols) - (b % cols)));
}

function bruteForcePairs(rows: number, cols: number, radius: number): Set<string> {
  const s = new Set<string>();
  for (let a = 0; a < rows * cols; a++) {
    for (let b = a + 1; b < rows * cols; b++) if (chebyshev(cols, a, b) <= radius) s.add(`${a},${b}`);
  }
  return s;
}

describe('referencePairs', () => {
  it('counts the possible pairs like brute force', () => {
    for (const [r, c, rad] of [
      [16, 16, 2],
      [3, 3, 1],
      [1, 5, 2],
      [4, 7, 3],
      [2, 2, 5],
    ]) {
      expect(countNeighbourPairs(r, c, rad)).toBe(bruteForcePairs(r, c, rad).size);
    }
  });

  it('clamps the neighbourhood at the border', () => {
    expect(gridNeighbours(16, 16, 2, 0).sort((a, b) => a - b)).toEqual([1, 2, 16, 17, 18, 32, 33, 34]);
    expect(gridNeighbours(16, 16, 2, 5 * 16 + 5)).toHaveLength(24);
  });

  it('draws distinct unordered pairs within the radius (ICLR protocol sizes)', () => {
    const pairs = referencePairs({
      rows: 16,
      cols: 16,
      radius: 2,
      numPairs: 200,
      rng: Rng.create(1).fork('pairs'),
    });
    expect(pairs).toHaveLength(200);
    const keys = new Set(pairs.map(([a, b]) => `${a},${b}`));
    expect(keys.size).toBe(200);
    const offsets = new Set<number>();
    for (const [a, b] of pairs) {
      expect(a).toBeLessThan(b);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(256);
      const d = chebyshev(16, a, b);
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(2);
      offsets.add(d);
    }
    expect([...offsets].sort()).toEqual([1, 2]); // the whole window is used, not only adjacent cells
  });

  it('is reproducible from its stream', () => {
    const a = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 30, rng: Rng.create(5) });
    const b = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 30, rng: Rng.create(5) });
    const c = referencePairs({ rows: 8, cols: 8, radius: 2, numPairs: 30, rng: Rng.create(6) });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('can exhaust every possible pair', () => {
    const pairs = referencePairs({ rows: 3, cols: 3, radius: 1, numPairs: 20, rng: Rng.create(2) });
    expect(new Set(pairs.map(([a, b]) => `${a},${b}`))).toEqual(bruteForcePairs(3, 3, 1));
  });

  it('rejects impossible requests with the field named', () => {
    expect(() => referencePairs({ rows: 3, cols: 3, radius: 1, numPairs: 21, rng: Rng.create(1) })).toThrow(
      /numPairs: .*only 20 distinct pairs/,
    );
    expect(() => referencePairs({ rows: 0, cols: 3, radius: 1, numPairs: 1, rng: Rng.create(1) })).toThrow(
      /rows/,
    );
    expect(() => referencePairs({ rows: 3, cols: 3, radius: 0, numPairs: 1, rng: Rng.create(1) })).toThrow(
      /radius/,
    );
    expect(() => referencePairs({ rows: 3, cols: 3, radius: 1, numPairs: 1.5, rng: Rng.create(1) })).toThrow(
      /numPairs/,
    );
  });
});
