import { describe, expect, it } from 'vitest';
import { playerNames } from './sample-pairs.js';

describe('playerNames', () => {
  it('names random central feature-map cells by their place in the grid', () => {
    const base = { kind: 'feature-map' as const, rows: 8, cols: 8, tensor: 't', height: 28, width: 28 };
    expect(playerNames({ ...base, n: 2, cells: [9, 54] })).toEqual(['cell 1,1', 'cell 6,6']);
    expect(playerNames({ ...base, n: 64 })[10]).toBe('cell 1,2');
  });

  it('names central patches the same way', () => {
    const grid = { kind: 'grid' as const, rows: 8, cols: 8, height: 32, width: 32 };
    expect(playerNames({ ...grid, n: 2, cells: [27, 36] })).toEqual(['patch 3,3', 'patch 4,4']);
  });
});
