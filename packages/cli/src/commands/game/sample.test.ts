import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { UnanimityGame } from '@orderlens/core/math';
import { runCli } from '../../program.js';
import { examplePath, tempDir } from '../../test-utils/tmp.js';
import { parseGrid } from '../../util/options.js';
import { scaledTimeout } from '@orderlens/core/testing';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const grid = examplePath('games/grid-256.json');
const unan8 = examplePath('games/unanimity-8.json');

describe('orderlens sample', () => {
  it('writes orders, ratios, pairs, values, strength and model calls', async () => {
    const out = tmp.file('s.json');
    const r = await runCli([
      'sample',
      '--game',
      grid,
      '--grid',
      '16',
      '--radius',
      '2',
      '--num-pairs',
      '6',
      '--orders',
      '0,0.05,0.5,0.95,1',
      '--contexts',
      '8',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/sample \d+\/\d+ \(100%\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sample: n = 256, 6 pairs × 5 orders × 8 contexts, \d+ model calls; wrote /);
    const res = parseResult(JSON.parse(readFileSync(out, 'utf8')));
    expect(res.modality).toBe('game');
    expect(res.n).toBe(256);
    expect(res.samples).toHaveLength(1);
    const mo = res.samples[0].multiOrder!;
    expect(mo.orders).toEqual([0, 12, 127, 241, 254]); // floor(254·r)
    expect(mo.ratios).toEqual([0, 0.05, 0.5, 0.95, 1]);
    expect(res.orders).toEqual([0, 12, 127, 241, 254]);
    expect(res.ratios).toEqual([0, 0.05, 0.5, 0.95, 1]);
    expect(mo.pairs).toHaveLength(6);
    for (const [i, j] of mo.pairs) {
      expect(i).toBeLessThan(j);
      // within Chebyshev radius 2 on the 16×16 grid
      expect(
        Math.max(Math.abs(Math.floor(i / 16) - Math.floor(j / 16)), Math.abs((i % 16) - (j % 16))),
      ).toBeLessThanOrEqual(2);
    }
    expect(mo.values).toHaveLength(6);
    mo.values.forEach((row) => expect(row).toHaveLength(5));
    expect(res.aggregate.strength.J).toHaveLength(5);
    expect(res.aggregate.raw).toHaveLength(5);
    // strength = mean over the pairs of |I^(m)| (one sample, so the aggregate is the same)
    mo.orders.forEach((_, k) => {
      const meanAbs = mo.values.reduce((a, row) => a + Math.abs(row[k]), 0) / mo.values.length;
      expect(res.samples[0].strength[k]).toBeCloseTo(meanAbs, 12);
      expect(res.aggregate.raw[k]).toBeCloseTo(meanAbs, 12);
    });
    expect(res.modelCalls.total).toBeGreaterThan(0);
    expect(res.modelCalls.estimation).toBe(res.modelCalls.total);
    expect(res.samples[0].modelCalls).toBe(res.modelCalls.total);
    expect(res.estimator).toMatchObject({ name: 'reference', options: { contexts: 8 } });
    expect(res.provenance.data).toMatch(/grid-256\.json \(.*grid-256\)$/);
    expect(res.provenance.seed).toBe(3);
    // Orders 0 and n−2 have a single context, so they are exact: compare with the closed form.
    const spec = JSON.parse(readFileSync(grid, 'utf8'));
    const g = new UnanimityGame(spec.n, spec.v0, spec.terms);
    mo.pairs.forEach(([i, j], p) => {
      expect(mo.values[p][0]).toBeCloseTo(g.multiOrder(i, j, 0), 12);
      expect(mo.values[p][4]).toBeCloseTo(g.multiOrder(i, j, 254), 12);
    });
    // Same seed → same pairs and values, whatever the batch size.
    const again = await runCli([
      'sample',
      '--game',
      grid,
      '--grid',
      '16x16',
      '--num-pairs',
      '6',
      '--orders',
      '0,0.05,0.5,0.95,1',
      '--contexts',
      '8',
      '--seed',
      '3',
      '--batch-size',
      '64',
      '-q',
    ]);
    expect(again.code).toBe(0);
    const res2 = parseResult(JSON.parse(again.stdout));
    expect(res2.samples[0].multiOrder!.pairs).toEqual(mo.pairs);
    expect(res2.samples[0].multiOrder!.values).toEqual(mo.values);
  });

  it('estimates listed pairs close to the closed form (shared mode)', async () => {
    const r = await runCli([
      '-q',
      'sample',
      '--game',
      unan8,
      '--pairs',
      '0-1,2-3,5-6',
      '--orders',
      '0,1,2,3,4,5,6',
      '--contexts',
      '400',
      '--mode',
      'shared',
    ]);
    expect(r.code).toBe(0);
    const res = parseResult(JSON.parse(r.stdout));
    expect(res.estimator.name).toBe('shared');
    const spec = JSON.parse(readFileSync(unan8, 'utf8'));
    const g = new UnanimityGame(spec.n, spec.v0, spec.terms);
    const mo = res.samples[0].multiOrder!;
    expect(mo.pairs).toEqual([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
    mo.pairs.forEach(([i, j], p) =>
      mo.orders.forEach((m, k) => {
        const se = mo.standardErrors?.[p][k] ?? 0;
        expect(Math.abs(mo.values[p][k] - g.multiOrder(i, j, m))).toBeLessThanOrEqual(5 * se + 1e-12);
      }),
    );
  });

  it.each([
    [['--grid', '15'], /^error: --grid: a 15×15 grid has 225 cells but the game has n = 256 players/],
    [['--grid', '16', '--pairs', '0-1'], /^error: --pairs: give either --pairs or --grid, not both/],
    [[], /^error: --pairs: choose the pairs/],
    [['--pairs', '0-256'], /^error: --pairs\[0\]: player index out of range \[0, 256\)/],
    [['--pairs', '0-1', '--radius', '3'], /^error: --radius: only applies with --grid/],
    [
      ['--grid', '16', '--num-pairs', '100000'],
      /^error: --num-pairs: a 16×16 grid has only \d+ distinct pairs within Chebyshev radius 2/,
    ],
    [['--grid', '16', '--contexts', '0'], /^error: --contexts: expected an integer ≥ 1, got "0"/],
    [['--grid', '16', '--mode', 'fast'], /^error: --mode: expected one of reference, shared, got "fast"/],
    [['--grid', '16', '--orders', '0,1.5'], /^error: --orders: /],
    [['--grid', '16', '--orders', '0,300'], /^error: --orders: order 300 is outside 0…254/],
    [['--grid', '16', '--contexts', '5', '--context', '5'], /error: unknown option '--context'/],
  ])('rejects %j', async (args, message) => {
    const r = await runCli(['sample', '--game', grid, ...(args as string[])]);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.code).toBe(2);
  });

  it('stops cleanly when interrupted, writing nothing', async () => {
    const out = tmp.file('big.json');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const t0 = performance.now();
    // Would take minutes; the game yields to the event loop, so the abort is seen within a request.
    const r = await runCli(['sample', '--game', grid, '--grid', '16', '--contexts', '20000', '--out', out], {
      signal: controller.signal,
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: stopped before the result was complete; nothing was written\n$/);
    expect(existsSync(out)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(scaledTimeout(20_000));
  });

  it('parses grids', () => {
    expect(parseGrid('16')).toEqual({ rows: 16, cols: 16 });
    expect(parseGrid('4x64')).toEqual({ rows: 4, cols: 64 });
    expect(() => parseGrid('4x')).toThrow(/--grid: expected a side like 16/);
  });
});
