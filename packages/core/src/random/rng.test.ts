import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic per seed and path, and forks are independent of draw order', () => {
    const a = Rng.create(42);
    const b = Rng.create(42);
    a.next();
    expect(a.fork('pair', 3).next()).toBe(b.fork('pair', 3).next());
    expect(Rng.create(42).fork(1).next()).not.toBe(Rng.create(42).fork(2).next());
    expect(Rng.create(1).next()).not.toBe(Rng.create(2).next());
  });

  it('draws uniform integers and k-subsets', () => {
    const r = Rng.create('u');
    const counts = new Array(6).fill(0);
    for (let t = 0; t < 60000; t++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    const s = r.sample([1, 2, 3, 4, 5], 3);
    expect(new Set(s).size).toBe(3);
    expect(() => r.int(0)).toThrow();
  });
});
