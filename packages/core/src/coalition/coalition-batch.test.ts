import { describe, expect, it } from 'vitest';
import { CoalitionBatch, popcount32 } from './coalition-batch.js';

describe('CoalitionBatch', () => {
  it('stores large-n coalitions as bitsets', () => {
    const b = new CoalitionBatch(256, 1);
    const k = b.pushPlayers([0, 31, 32, 200, 255]);
    b.pushPlayers([1]);
    expect(b.count).toBe(2);
    expect(b.players(k)).toEqual([0, 31, 32, 200, 255]);
    expect(b.size(k)).toBe(5);
    expect(b.has(k, 200)).toBe(true);
    b.remove(k, 200);
    expect(b.has(k, 200)).toBe(false);
    expect(b.key(0)).not.toBe(b.key(1));
    expect(b.slice(1, 2).players(0)).toEqual([1]);
  });
  it('uses integer masks for small n and validates players', () => {
    const b = CoalitionBatch.fromMasks(5, [0b10101]);
    expect(b.players(0)).toEqual([0, 2, 4]);
    expect(b.key(0)).toBe(21);
    expect(() => b.pushPlayers([5])).toThrow(/players: player index 5 out of range/);
    expect(popcount32(0xffffffff)).toBe(32);
  });
  it('gives equal keys exactly for equal coalitions at 33–53 players (number keys) and beyond', () => {
    for (const n of [40, 53, 54, 100]) {
      const b = CoalitionBatch.fromSets(n, [[0, 35], [0, 35], [35], [0, n - 1], [n - 1, 0], [n - 1]]);
      expect(b.key(0)).toBe(b.key(1));
      expect(b.key(3)).toBe(b.key(4));
      const distinct = new Set([b.key(0), b.key(2), b.key(3), b.key(5)]);
      expect(distinct.size).toBe(4);
      expect(typeof b.key(0)).toBe(n <= 53 ? 'number' : 'string');
    }
  });
});
