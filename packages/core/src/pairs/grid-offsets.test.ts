import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { offsetPairs, offsetPartner, windowOffsets } from './grid-offsets.js';
import { gridNeighbourPairs, pairStrategy } from './strategies.js';

const chebyshev = (cols: number, a: number, b: number): number =>
  Math.max(Math.abs(Math.floor(a / cols) - Math.floor(b / cols)), Math.abs((a % cols) - (b % cols)));

describe('grid offsets (ICLR-2022 pair rule)', () => {
  it('has the 24 offsets of a 5×5 window without its centre', () => {
    const o = windowOffsets(2);
    expect(o).toHaveLength(24);
    expect(o.some(([r, c]) => r === 0 && c === 0)).toBe(false);
    expect(new Set(o.map(([r, c]) => `${r},${c}`)).size).toBe(24);
  });

  it('clamps partners at the border with the frequencies the offsets give', () => {
    // Corner cell 0 of a 16×16 grid: offset (dr, dc) lands on (max(0, dr), max(0, dc)).
    // 8 of 24 offsets land on the cell itself, 3 on each of (0,1), (0,2), (1,0), (2,0), 1 on
    // each of the 4 diagonal cells (1,1), (1,2), (2,1), (2,2).
    const offsets = windowOffsets(2);
    const rng = Rng.create('corner');
    const N = 48000;
    const counts = new Map<number, number>();
    for (let t = 0; t < N; t++) {
      const j = offsetPartner(16, 16, offsets, 0, rng);
      counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    const expected = new Map<number, number>([
      [0, 8],
      [1, 3],
      [2, 3],
      [16, 3],
      [32, 3],
      [17, 1],
      [18, 1],
      [33, 1],
      [34, 1],
    ]);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const [j, k] of expected) {
      const p = k / 24;
      // 5 binomial standard errors.
      expect(Math.abs(counts.get(j)! / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('draws every in-window offset uniformly away from the border', () => {
    const offsets = windowOffsets(2);
    const rng = Rng.create('inner');
    const i = 7 * 16 + 7;
    const counts = new Map<number, number>();
    const N = 24000;
    for (let t = 0; t < N; t++) {
      const j = offsetPartner(16, 16, offsets, i, rng);
      counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    for (const c of counts.values()) expect(Math.abs(c / N - 1 / 24)).toBeLessThan(0.006);
  });

  it('draws distinct unordered pairs within the radius, deterministically', () => {
    const a = offsetPairs({ rows: 16, cols: 16, radius: 2, numPairs: 200, rng: Rng.create(3) });
    const b = offsetPairs({ rows: 16, cols: 16, radius: 2, numPairs: 200, rng: Rng.create(3) });
    expect(a).toEqual(b);
    expect(new Set(a.map(([x, y]) => `${x},${y}`)).size).toBe(200);
    for (const [x, y] of a) {
      expect(x).toBeLessThan(y);
      expect(chebyshev(16, x, y)).toBeLessThanOrEqual(2);
    }
    // A tiny grid has exactly its 6 pairs; asking for more is refused.
    expect(offsetPairs({ rows: 2, cols: 2, radius: 2, numPairs: 6, rng: Rng.create(1) })).toHaveLength(6);
    expect(() => offsetPairs({ rows: 2, cols: 2, radius: 2, numPairs: 7, rng: Rng.create(1) })).toThrow(
      /numPairs: a 2×2 grid has only 6/,
    );
  });

  it('is the grid strategy with partner offsets; the default partner rule is unchanged', () => {
    const players = { kind: 'grid', n: 256, rows: 16, cols: 16, height: 32, width: 32 } as const;
    const offsetsStrategy = pairStrategy({ name: 'grid', count: 50, radius: 2, partner: 'offsets' });
    expect(offsetsStrategy.parameters).toMatchObject({ count: 50, radius: 2, partner: 'offsets' });
    expect(offsetsStrategy.pairs({ players, rng: Rng.create(5) })).toEqual(
      offsetPairs({ rows: 16, cols: 16, radius: 2, numPairs: 50, rng: Rng.create(5) }),
    );
    expect(gridNeighbourPairs({ count: 50, radius: 2 }).parameters).toEqual({ count: 50, radius: 2 });
    expect(() => gridNeighbourPairs({ count: 5, radius: 2, partner: 'x' as 'window' })).toThrow(
      /pairs.partner/,
    );
  });
});
