import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { theoryStrength, type InteractionResult } from '@orderlens/core';
import { runCli } from '../../program.js';
import { examplePath, tempDir } from '../../test-utils/tmp.js';
import { PNG_SIGNATURE, pngSize } from '../../util/png.js';
import { curveFromResult } from './plot.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('orderlens plot', () => {
  it('plots strength curves of exact and sampled results with the theory curve', async () => {
    const exact = tmp.file('exact.json');
    const sampled = tmp.file('sampled.json');
    expect(
      (await runCli(['-q', 'exact', '--game', examplePath('games/unanimity-8.json'), '--out', exact])).code,
    ).toBe(0);
    const s = await runCli([
      '-q',
      'sample',
      '--game',
      examplePath('games/grid-256.json'),
      '--grid',
      '16',
      '--num-pairs',
      '5',
      '--contexts',
      '4',
      '--out',
      sampled,
    ]);
    expect(s.code).toBe(0);
    const base = tmp.file('plots/strength');
    const r = await runCli([
      'plot',
      '--result',
      exact,
      '--result',
      sampled,
      '--label',
      'exact 8',
      '--label',
      'grid 256',
      '--theory',
      '--out',
      base,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^plot: 2 curve\(s\) \+ 1 theory; wrote .*strength\.svg, .*strength\.png\n$/);
    const svg = readFileSync(`${base}.svg`, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const t of ['exact 8', 'grid 256', 'theory F̂ (n = 8)', 'Ĵ(m) = J(m)/J(0)']) expect(svg).toContain(t);
    const png = readFileSync(`${base}.png`);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(400);
  });

  it('computes curves from multiOrder with the requested normalisation', () => {
    const result = {
      n: 5,
      multiOrder: {
        orders: [3, 0, 1],
        pairs: [
          [0, 1],
          [2, 3],
        ],
        values: [
          [1, 2, -4],
          [-3, 2, 0],
        ],
      },
    } as unknown as InteractionResult;
    // mean |I| per order: m=3 → 2, m=0 → 2, m=1 → 2 … use distinct numbers instead:
    const c = curveFromResult(result, 'x', 'none');
    expect(c.orders).toEqual([0, 1, 3]);
    expect(c.ratios).toEqual([0, 1 / 3, 1]);
    expect(c.J).toEqual([2, 2, 2]);
    const r2 = {
      ...result,
      multiOrder: {
        ...result.multiOrder!,
        values: [
          [1, 4, -4],
          [-3, 2, 0],
        ],
      },
    } as InteractionResult;
    expect(curveFromResult(r2, 'x', 'order-0').J).toEqual([1, 2 / 3, 2 / 3]); // raw [3, 2, 2] by order 0,1,3
    expect(curveFromResult(r2, 'x', 'mean').J.map((v) => +v.toFixed(12))).toEqual(
      [3 / (7 / 3), 2 / (7 / 3), 2 / (7 / 3)].map((v) => +v.toFixed(12)),
    );
    expect(() =>
      curveFromResult(
        { ...r2, multiOrder: { ...r2.multiOrder!, orders: [3, 2, 1] } } as InteractionResult,
        'x',
        'order-0',
      ),
    ).toThrow(/--normalize: x: order-0 normalisation .* requires order m = 0/);
    expect(theoryStrength(5, [0])[0]).toBeCloseTo(1, 12);
  });

  it('rejects bad inputs', async () => {
    const bad = tmp.file('bad.json', '{"oops":');
    const r1 = await runCli(['plot', '--result', bad, '--out', tmp.file('p')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^error: --result: .*bad\.json is not valid JSON/);
    const notResult = tmp.file('nr.json', '{"a": 1}');
    const r2 = await runCli(['plot', '--result', notResult, '--out', tmp.file('p')]);
    expect(r2.stderr).toMatch(/^error: --result: .*nr\.json: not an orderlens result/);
    const empty = tmp.file('e.json', '{"n": 4}');
    const r3 = await runCli(['plot', '--result', empty, '--out', tmp.file('p')]);
    expect(r3.stderr).toMatch(/neither multiOrder values nor a strength curve/);
    const r4 = await runCli([
      'plot',
      '--result',
      empty,
      '--label',
      'a',
      '--label',
      'b',
      '--out',
      tmp.file('p'),
    ]);
    expect(r4.stderr).toMatch(/^error: --label: give one --label per --result \(1\), got 2/);
    const r5 = await runCli([
      'plot',
      '--result',
      empty,
      '--theory',
      '--normalize',
      'mean',
      '--out',
      tmp.file('p'),
    ]);
    expect(r5.stderr).toMatch(/^error: --normalize: the theory curve is normalised to F̂\(0\) = 1/);
    const r6 = await runCli(['plot', '--out', tmp.file('p')]);
    expect(r6.stderr).toMatch(/^error: --result: give at least one result file/);
    for (const r of [r2, r3, r4, r5, r6]) expect(r.code).toBe(2);
  });
});
