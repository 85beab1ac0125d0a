import { describe, expect, it } from 'vitest';
import { Rng, type ModelOutput, type ModelRunner, type NamedTensors } from '@orderlens/core';
import { PatchGrid } from '../grid/patch-grid.js';
import { areaBetween, defaultMaskedCounts, structureCurves } from './structure-curves.js';
import { blockCells, blockShape, keptPlayers } from './blocks.js';

/** 4-connectivity of a set of cells on a grid. */
function connected(cells: number[], cols: number): boolean {
  if (cells.length === 0) return true;
  const set = new Set(cells);
  const seen = new Set([cells[0]]);
  const stack = [cells[0]];
  while (stack.length) {
    const c = stack.pop()!;
    const r = Math.floor(c / cols);
    const q = c % cols;
    for (const [dr, dq] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const rr = r + dr;
      const qq = q + dq;
      if (qq < 0 || qq >= cols || rr < 0) continue;
      const d = rr * cols + qq;
      if (set.has(d) && !seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return seen.size === set.size;
}

describe('structure blocks', () => {
  it('keep exactly n − k patches, as one connected block for the surrounding modes', () => {
    const rng = Rng.create('blocks');
    for (const [rows, cols] of [
      [8, 8],
      [5, 7],
      [3, 10],
    ]) {
      const n = rows * cols;
      for (let k = 0; k <= n; k++) {
        for (const mode of ['random', 'central-surrounding', 'random-surrounding'] as const) {
          const kept = keptPlayers(rows, cols, k, mode, rng.fork(rows, cols, k, mode));
          expect(new Set(kept).size).toBe(n - k);
          expect(kept.every((p) => p >= 0 && p < n)).toBe(true);
          if (mode !== 'random') expect(connected(kept, cols)).toBe(true);
        }
      }
    }
  });

  it('centres the central block and masks the border first', () => {
    expect(blockShape(8, 8, 16)).toEqual({ height: 4, width: 4 });
    expect(keptPlayers(8, 8, 48, 'central-surrounding', Rng.create(0))).toEqual(blockCells(8, 8, 16, 2, 2));
    // With 36 kept on 8×8, the outer ring (28 border patches) is exactly what is masked.
    const kept = new Set(keptPlayers(8, 8, 28, 'central-surrounding', Rng.create(0)));
    for (let p = 0; p < 64; p++) {
      const r = Math.floor(p / 8);
      const c = p % 8;
      expect(kept.has(p)).toBe(r > 0 && r < 7 && c > 0 && c < 7);
    }
  });

  it('integrates the area between curves by the trapezoid rule', () => {
    expect(areaBetween([0, 0.5, 1], [1, 1, 1], [0, 0.5, 1])).toBeCloseTo(0.5, 12);
    expect(areaBetween([1, 0], [0, 0], [1, 1])).toBeCloseTo(-1, 12);
    expect(defaultMaskedCounts(16)).toEqual([0, 2, 3, 5, 6, 8, 10, 11, 13, 14, 16]);
  });
});

/**
 * A real (if tiny) classifier with a closed-form behaviour: it answers the true class 1 exactly
 * when the pixel at (2, 2) — inside patch 5 of a 4×4 grid over 8×8 — is not the baseline 0.
 */
const keyPatchModel: ModelRunner = {
  backend: 'test:key-patch',
  inputNames: ['x'],
  async run(inputs: NamedTensors): Promise<ModelOutput> {
    const x = inputs.x;
    const B = x.dims[0];
    const data = new Float32Array(B * 2);
    for (let b = 0; b < B; b++) {
      const on = (x.data as Float32Array)[b * 64 + 2 * 8 + 2] !== 0;
      data[b * 2 + (on ? 1 : 0)] = 1;
    }
    return { data, rows: B, classes: 2 };
  },
  async dispose() {},
};

describe('structureCurves', () => {
  it('matches the closed-form accuracy of a model that needs one patch', async () => {
    const grid = PatchGrid.square(4, 8, 8);
    const shape = { channels: 1, height: 8, width: 8, layout: 'NCHW' as const };
    const x = new Float32Array(64).fill(1);
    const samples = [{ x, baseline: new Float32Array(64), label: 1 }];
    const masked = [0, 4, 8, 12, 15, 16];
    const res = await structureCurves({
      runner: keyPatchModel,
      samples,
      shape,
      grid,
      masked,
      repeats: 400,
      seed: 3,
    });
    const n = 16;
    expect(res.masked).toEqual(masked);
    // Random masking keeps patch 5 with probability (n − k)/n.
    res.accuracy.random!.forEach((a, t) => expect(Math.abs(a - (n - masked[t]) / n)).toBeLessThan(0.1));
    // Central: deterministic; random-surrounding: the share of block positions covering patch 5.
    masked.forEach((k, t) => {
      const keep = n - k;
      expect(res.accuracy['central-surrounding']![t]).toBe(
        keptPlayers(4, 4, k, 'central-surrounding', Rng.create(0)).includes(5) ? 1 : 0,
      );
      const { height, width } = blockShape(4, 4, keep);
      let cover = 0;
      let total = 0;
      for (let top = 0; top + height <= 4; top++) {
        for (let left = 0; left + width <= 4; left++) {
          total++;
          if (keep > 0 && blockCells(4, 4, keep, top, left).includes(5)) cover++;
        }
      }
      expect(Math.abs(res.accuracy['random-surrounding']![t] - cover / total)).toBeLessThan(0.1);
    });
    expect(res.areas['central-surrounding']).toBeGreaterThan(0);
    expect(res.accuracy.random![0]).toBe(1);
    expect(res.accuracy.random![masked.length - 1]).toBe(0);
    // k = 0 and k = n are the same mask in every mode: the Evaluator runs them once.
    expect(res.modelCalls).toBeLessThan(3 * masked.length * 400);
  });
});
