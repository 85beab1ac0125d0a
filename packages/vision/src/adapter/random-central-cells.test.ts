import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoalitionBatch, OrderlensInputError, type ModelGateway, type OpenedModel } from '@orderlens/core';
import { RandomCentralCells, centralWindow, windowCells } from './random-central-cells.js';
import { visionAdapter } from '../index.js';

const inWindow = (cell: number) => {
  const r = Math.floor(cell / 8);
  const c = cell % 8;
  return r >= 1 && r <= 6 && c >= 1 && c <= 6;
};

describe('random central cells (two-phase paper, App. F.3: 10 of the central 6×6 of an 8×8 grid)', () => {
  it('default window: the grid without its outer ring, centred', () => {
    expect(centralWindow(8, 8)).toEqual({ rows: 6, cols: 6, top: 1, left: 1 });
    expect(centralWindow(8, 8, '4')).toEqual({ rows: 4, cols: 4, top: 2, left: 2 });
    expect(centralWindow(7, 9, '5x5')).toEqual({ rows: 5, cols: 5, top: 1, left: 2 });
    const cells = windowCells(8, centralWindow(8, 8));
    expect(cells).toHaveLength(36);
    expect(cells.every(inWindow)).toBe(true);
  });

  it('draws k cells inside the window, reproducibly from the seed, differently across samples', () => {
    const draw = new RandomCentralCells({ gridRows: 8, gridCols: 8, k: 10, seed: 0 });
    const seen = new Set<string>();
    for (let index = 0; index < 20; index++) {
      const cells = draw.cellsOf(index);
      expect(cells).toHaveLength(10);
      expect(new Set(cells).size).toBe(10);
      expect(cells.every(inWindow)).toBe(true);
      expect(cells).toEqual([...cells].sort((a, b) => a - b));
      // Reproducible: a new drawer with the same seed gives the same cells.
      expect(new RandomCentralCells({ gridRows: 8, gridCols: 8, k: 10, seed: 0 }).cellsOf(index)).toEqual(
        cells,
      );
      seen.add(cells.join(','));
    }
    expect(seen.size).toBe(20); // C(36, 10) ≈ 2.5e8 subsets: twenty samples never share one
    const other = new RandomCentralCells({ gridRows: 8, gridCols: 8, k: 10, seed: 1 });
    expect(other.cellsOf(0)).not.toEqual(draw.cellsOf(0));
    // Every cell of the window is drawn sometimes, none outside it ever.
    const hits = new Set(Array.from({ length: 200 }, (_, i) => draw.cellsOf(i)).flat());
    expect([...hits].sort((a, b) => a - b)).toEqual(windowCells(8, centralWindow(8, 8)));
  });

  it('refuses more cells than the window holds and a window larger than the grid, naming the flag', () => {
    expect(() => new RandomCentralCells({ gridRows: 8, gridCols: 8, k: 37, seed: 0 })).toThrow(
      /^--central-random: the central 6×6 window of the 8×8 grid holds 36 cells, asked for 37/,
    );
    expect(
      () => new RandomCentralCells({ gridRows: 8, gridCols: 8, k: 5, window: '3', seed: 0 }),
    ).not.toThrow();
    expect(() => new RandomCentralCells({ gridRows: 8, gridCols: 8, k: 10, window: '3', seed: 0 })).toThrow(
      /^--central-random: .*holds 9 cells, asked for 10/,
    );
    expect(() => centralWindow(8, 8, '9')).toThrow(OrderlensInputError);
    expect(() => centralWindow(8, 8, '9')).toThrow(
      /^--central-window: a 9×9 window does not fit the 8×8 grid/,
    );
    expect(() => centralWindow(8, 8, 'x')).toThrow(/^--central-window:/);
  });
});

/** A model that is only described: patch players never run it. */
function described(file: string): OpenedModel {
  return {
    runner: {
      backend: 'none',
      inputNames: ['x'],
      run: () => Promise.reject(new Error('not run')),
      dispose: () => Promise.resolve(),
    },
    file,
    dir: resolve(file, '..'),
    format: 'onnx',
    device: 'cpu',
    sha256: 'x',
    inputs: [{ name: 'x', shape: ['batch', 3, 32, 32], type: 'float32' }],
  };
}

describe('vision adapter --central-random', () => {
  const model = described(resolve('fixtures/cifar-cnn/model.onnx'));
  const open = (options: Record<string, unknown>) =>
    visionAdapter.open({
      options: { dataset: 'cifar10', baseline: 'mean', heatmaps: 0, grid: '8', limit: 20, ...options },
      model,
    });
  const gateway = {} as ModelGateway;

  it('gives each sample its own 10 central patches; the other patches keep the image', async () => {
    const session = await open({ centralRandom: 10, playersSeed: 3 });
    const a = await session.players(0, gateway);
    const b = await session.players(1, gateway);
    for (const p of [a, b]) {
      expect(p.descriptor).toMatchObject({ kind: 'grid', n: 10, rows: 8, cols: 8 });
      const cells = (p.descriptor as { cells: number[] }).cells;
      expect(cells.every(inWindow)).toBe(true);
      expect(p.masker.n).toBe(10);
    }
    expect((a.descriptor as { cells: number[] }).cells).not.toEqual(
      (b.descriptor as { cells: number[] }).cells,
    );
    // Reopened (the next checkpoint of a dynamics run): the same players for the same sample.
    const again = await (await open({ centralRandom: 10, playersSeed: 3 })).players(0, gateway);
    expect(again.descriptor).toEqual(a.descriptor);
    expect(session.details.players).toMatch(
      /10 cells drawn per sample \(seed 3\) from the central 6×6 window/,
    );

    // The empty coalition changes exactly the pixels of the 10 drawn patches (4×4 pixels each).
    const cells = (a.descriptor as { cells: number[] }).cells;
    const batch = CoalitionBatch.fromSets(10, [[], Array.from({ length: 10 }, (_, i) => i)]);
    const x = a.masker.mask(batch, 0, 2).x.data as Float32Array;
    const size = 3 * 32 * 32;
    for (let i = 0; i < size; i++) {
      const cell = Math.floor((i % 1024) / 32 / 4) * 8 + Math.floor((i % 32) / 4);
      if (!cells.includes(cell)) expect(x[i]).toBe(x[size + i]);
    }
  });

  it('refuses --central-random with --central, --central-window alone, and too many cells', async () => {
    await expect(open({ centralRandom: 10, central: 10 })).rejects.toThrow(/^--central-random:/);
    await expect(open({ centralWindow: '4' })).rejects.toThrow(
      /^--central-window: applies with --central-random/,
    );
    await expect(open({ centralRandom: 40 })).rejects.toThrow(
      /^--central-random: .*holds 36 cells, asked for 40/,
    );
  });
});
