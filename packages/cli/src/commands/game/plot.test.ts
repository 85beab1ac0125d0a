import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseResult, type InteractionResult } from '@orderlens/core';
import { theoryStrength } from '@orderlens/core/theory';
import { runCli } from '../../program.js';
import { examplePath, tempDir } from '../../test-utils/tmp.js';
import { PNG_SIGNATURE, pngSize } from '@orderlens/core';
import { curveFromResult, defaultCurveLabel } from './plot.js';

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
      // Pairs of the game's own pair terms: J(0) > 0, so J(m)/J(0) is defined.
      '--pairs',
      '0-1,17-18,32-48,49-65,34-35',
      '--contexts',
      '4',
      '--out',
      sampled,
    ]);
    expect(s.code).toBe(0);
    for (const f of [exact, sampled]) parseResult(JSON.parse(readFileSync(f, 'utf8')));
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

  it('computes curves from the aggregate raw strength over result.orders with the requested normalisation', () => {
    // Orders out of order and one repeated: the curve is sorted and de-duplicated, ratios kept.
    const result = {
      n: 5,
      orders: [3, 0, 1],
      ratios: [1, 0, 1 / 3],
      aggregate: { raw: [2, 2, 2] },
    } as unknown as InteractionResult;
    const c = curveFromResult(result, 'x', 'none');
    expect(c.orders).toEqual([0, 1, 3]);
    expect(c.ratios).toEqual([0, 1 / 3, 1]);
    expect(c.J).toEqual([2, 2, 2]);
    expect(c.n).toBe(5);
    const r2 = { ...result, aggregate: { raw: [2, 3, 2] } } as unknown as InteractionResult; // by order 0,1,3: 3, 2, 2
    expect(curveFromResult(r2, 'x', 'none').J).toEqual([3, 2, 2]);
    expect(curveFromResult(r2, 'x', 'order-0').J).toEqual([1, 2 / 3, 2 / 3]);
    expect(curveFromResult(r2, 'x', 'mean').J.map((v) => +v.toFixed(12))).toEqual(
      [3 / (7 / 3), 2 / (7 / 3), 2 / (7 / 3)].map((v) => +v.toFixed(12)),
    );
    // Stored ratios win over m/(n−2) (sampled results at paper ratios store them).
    const r3 = { ...r2, ratios: [0.9, 0, 0.3] } as unknown as InteractionResult;
    expect(curveFromResult(r3, 'x', 'none').ratios).toEqual([0, 0.3, 0.9]);
    expect(() =>
      curveFromResult({ ...r2, orders: [3, 2, 1] } as unknown as InteractionResult, 'x', 'order-0'),
    ).toThrow(/--normalize: x: order-0 normalisation .* requires order m = 0/);
    expect(() =>
      curveFromResult({ ...r2, aggregate: { raw: [1, 2] } } as unknown as InteractionResult, 'x', 'none'),
    ).toThrow(/--result: x: the result has no strength curve to plot/);
    expect(() =>
      curveFromResult(
        { ...r2, orders: [], ratios: [], aggregate: { raw: [] } } as unknown as InteractionResult,
        'x',
        'none',
      ),
    ).toThrow(/no strength curve/);
    expect(theoryStrength(5, [0])[0]).toBeCloseTo(1, 12);
  });

  it('labels curves by the game or model name, a result.json by its folder, never "result"', async () => {
    const exact = tmp.file('runs/cnn/result.json');
    const sampled = tmp.file('runs/grid/result.json');
    expect(
      (await runCli(['-q', 'exact', '--game', examplePath('games/unanimity-8.json'), '--out', exact])).code,
    ).toBe(0);
    const r = await runCli([
      '-q',
      'sample',
      '--game',
      examplePath('games/grid-256.json'),
      '--grid',
      '16',
      '--num-pairs',
      '3',
      '--contexts',
      '2',
      '--out',
      sampled,
    ]);
    expect(r.code).toBe(0);
    const read = (f: string) => parseResult(JSON.parse(readFileSync(f, 'utf8')));
    // The game files' names, recorded by the game commands.
    expect(defaultCurveLabel(exact, read(exact))).toBe('unanimity-8');
    expect(read(sampled).provenance.name).toBe(
      JSON.parse(readFileSync(examplePath('games/grid-256.json'), 'utf8')).name,
    );
    // A model run: the model's name; else a result.json by its folder.
    const anon = { ...read(exact), provenance: { ...read(exact).provenance, name: undefined } };
    expect(defaultCurveLabel(exact, anon)).toBe('cnn');
    expect(defaultCurveLabel(tmp.file('x/exact8.json'), anon)).toBe('exact8');
    const model = {
      ...anon,
      provenance: {
        ...anon.provenance,
        model: { file: '/f/cifar-cnn/model.onnx', sha256: '', format: 'onnx', backend: 'cpu' },
      },
    };
    expect(defaultCurveLabel(exact, model)).toBe('cifar-cnn');
    // A curve with J(0) = 0 (random pairs of the grid game carry no pair term) cannot be
    // normalised by J(0): refused naming the option, not drawn unscaled under a "J(m)/J(0)" axis.
    const zero = read(sampled);
    expect(zero.aggregate.raw[0]).toBe(0);
    for (const flag of ['--theory', '--fit-n']) {
      const bad = await runCli(['plot', '--result', sampled, flag, '--out', tmp.file('plots/zero')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^error: --normalize: grid-256: J\(0\) = 0, so the order-0 normalisation/);
    }
    const base = tmp.file('plots/named');
    expect((await runCli(['plot', '--result', exact, '--result', exact, '--out', base])).code).toBe(0);
    const svg = readFileSync(`${base}.svg`, 'utf8');
    expect(svg).toContain('unanimity-8');
    expect(svg).toContain('unanimity-8 (2)');
    expect(svg).not.toMatch(/>result</);
  });

  it('rejects bad inputs', async () => {
    const bad = tmp.file('bad.json', '{"oops":');
    const r1 = await runCli(['plot', '--result', bad, '--out', tmp.file('p')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^error: --result: .*bad\.json is not valid JSON/);
    const notResult = tmp.file('nr.json', '{"a": 1}');
    const r2 = await runCli(['plot', '--result', notResult, '--out', tmp.file('p')]);
    expect(r2.stderr).toMatch(
      /^error: .*nr\.json\.schema: not a valid orderlens\/interaction-result@3 document/,
    );
    const empty = tmp.file('e.json', '{"n": 4}');
    const r3 = await runCli(['plot', '--result', empty, '--out', tmp.file('p')]);
    expect(r3.stderr).toMatch(
      /^error: .*e\.json\.schema: not a valid orderlens\/interaction-result@3 document/,
    );
    // A result of the old schema is named as such, not listed as missing fields.
    const old = tmp.file('old.json', '{"schema":"orderlens/interaction-result@1","n":3}');
    const r7 = await runCli(['plot', '--result', old, '--out', tmp.file('p')]);
    expect(r7.stderr).toMatch(
      /^error: .*old\.json: is a "orderlens\/interaction-result@1" file; this version reads orderlens\/interaction-result@3 and orderlens\/interaction-result@2 \(re-run the analysis to get one\)\n$/,
    );
    const array = tmp.file('a.json', '[1, 2]');
    const r8 = await runCli(['plot', '--result', array, '--out', tmp.file('p')]);
    expect(r8.stderr).toMatch(/^error: --result: .*a\.json: expected a JSON object \(an orderlens result\)/);
    const missing = await runCli(['plot', '--result', tmp.file('none.json'), '--out', tmp.file('p')]);
    expect(missing.stderr).toMatch(/^error: --result: no such file: .*none\.json/);
    for (const r of [r7, r8, missing]) expect(r.code).toBe(2);
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
