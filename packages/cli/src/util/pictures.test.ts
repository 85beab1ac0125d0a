import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type InteractionResult } from '@orderlens/core';
import { theoryStrength } from '@orderlens/core/theory';
import { checkGoldenPng } from '@orderlens/core/testing';
import { distributionSpec, sigma2Spec } from '../commands/dynamics/dynamics-plots.js';
import type { DynamicsResult } from '@orderlens/core/dynamics';
import { structureSeriesLabel } from '../commands/vision/structure.js';
import type { ReportEntry } from '../report/collect-results.js';
import { modelColour } from '../report/palette.js';
import { strengthRows, strengthSpec } from '../report/strength-chart.js';
import { tempDir } from '../test-utils/tmp.js';
import { andOrPlot } from './and-or-plots.js';
import { modelFolders, modelName, modelNameOfPath } from './model-name.js';
import { linePlot, renderVegaLite, strengthPlot, svgToPng } from './plots.js';
import { clipPolyline } from './theory-fit.js';

/*
 * Pictures that explain themselves (issue 24): each finding has a check on the chart's spec, and
 * each kind of picture a golden PNG (rendered at scale 1 to keep the files small) compared by
 * its pixels; ORDERLENS_UPDATE_GOLDEN=1 rewrites the golden files — look at them before committing.
 */

const GOLDEN = fileURLToPath(new URL('./__golden__/', import.meta.url));
const tmp = tempDir('orderlens-pictures-');
afterAll(() => tmp.cleanup());

function expectGolden(svg: string, name: string): void {
  const message = checkGoldenPng(svgToPng(svg, 1), join(GOLDEN, name));
  expect(message).toBeUndefined();
}

/** Orders 0 … n−2 spread over `count` points, and their ratios. */
function ordersOf(n: number, count: number): { orders: number[]; ratios: number[] } {
  const orders = Array.from({ length: count }, (_, k) => Math.round((k * (n - 2)) / (count - 1)));
  return { orders, ratios: orders.map((m) => m / (n - 2)) };
}

const meanNormalised = (xs: readonly number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.map((x) => x / m);
};

/** Curves like the census MLPs': U-shaped with a high low-order end, and one rising curve. */
const U = [1.6, 1.25, 1.06, 0.97, 0.92, 0.88, 0.84, 0.82, 0.82, 0.87, 0.99];
const RISING = [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.2, 1.3, 1.4, 1.5];

/** The y-scale domain of the top-level encoding of a Vega-Lite spec. */
const yDomainOf = (spec: Record<string, unknown>) =>
  (spec.encoding as { y: { scale: { domain?: number[] } } }).y.scale.domain;

/** The colour (`group` → colour) of a strength plot spec. */
function colourOf(spec: Record<string, unknown>, group: string): string {
  const c = (spec.encoding as { color: { scale: { domain: string[]; range: string[] } } }).color.scale;
  return c.range[c.domain.indexOf(group)];
}

function subtitleOf(spec: Record<string, unknown>): string[] {
  const t = spec.title as string | { subtitle?: string[] };
  return typeof t === 'string' ? [] : (t.subtitle ?? []);
}

describe('strength charts', () => {
  const n = 12;
  const { ratios } = ordersOf(n, 11);
  const dense = Array.from({ length: n - 1 }, (_, m) => m);
  const fitted = (nEff: number) => {
    const ks = Array.from({ length: nEff - 1 }, (_, k) => k);
    return { ratios: ks.map((k) => k / (nEff - 2)), values: meanNormalised(theoryStrength(nEff, ks)) };
  };
  const options = () => ({
    curves: [
      { label: 'census-mlp5', ratios, J: meanNormalised(U) },
      { label: 'census-mlp8', ratios, J: meanNormalised(RISING) },
    ],
    theory: [
      {
        label: 'theory F̂(m), n = 12',
        kind: 'theory F̂ at n',
        ratios: dense.map((m) => m / (n - 2)),
        values: meanNormalised(theoryStrength(n, dense)),
      },
      { label: 'fitted n′ = 6 (census-mlp5)', kind: 'fitted n′', of: 'census-mlp5', ...fitted(6) },
      { label: 'fitted n′ = 14 (census-mlp8)', kind: 'fitted n′', of: 'census-mlp8', ...fitted(14) },
    ],
    title: 'Interaction strength over orders',
    yLabel: 'J(m) (mean over orders = 1)',
  });

  it('the measured curves set the y axis; the theory is clipped to it and said to be', async () => {
    const plot = await strengthPlot(options());
    const measured = [...meanNormalised(U), ...meanNormalised(RISING)];
    const [lo, hi] = yDomainOf(plot.spec)!;
    // F̂ at n = 12 reaches ~6 at m = 0: the axis must stay near the measured 0.5 … 1.6.
    expect(hi).toBeLessThan(Math.max(...measured) * 1.1);
    expect(lo).toBeGreaterThan(Math.min(...measured) * 0.85);
    expect(subtitleOf(plot.spec).join('\n')).toMatch(
      /theory F̂\(m\), n = 12: clipped to the measured range \(reaches 6/,
    );
    expectGolden(plot.svg, 'strength.png');
  });

  it("a fitted theory curve has its model's colour; a rising curve under a falling F̂ is optionField", async () => {
    const plot = await strengthPlot(options());
    expect(colourOf(plot.spec, 'census-mlp5')).toBe(modelColour(0));
    expect(colourOf(plot.spec, 'census-mlp8')).toBe(modelColour(1));
    // Theory rows of a model are in that model's colour group.
    const rows = (plot.spec.data as { values: Array<{ group: string; curve: string }> }).values;
    expect(new Set(rows.filter((r) => r.curve.startsWith('fitted n′ = 14')).map((r) => r.group))).toEqual(
      new Set(['census-mlp8']),
    );
    const notes = subtitleOf(plot.spec).join('\n');
    expect(notes).toMatch(/fitted n′ = 14 \(census-mlp8\).*\n?.*shapes disagree: J rises with m, F̂ falls/);
    expect(notes).not.toMatch(/census-mlp5\): .*shapes disagree/);
  });

  it('plot --theory at n = 256: says that F̂ is off the axis instead of drawing a silent zero line', async () => {
    const n256 = 256;
    const th = Array.from({ length: 101 }, (_, k) => Math.floor((254 * k) / 100));
    const f = theoryStrength(n256, th);
    const J = [1, 0.8, 0.6, 0.5, 0.45, 0.4, 0.42, 0.5, 0.6, 0.7, 0.8];
    const plot = await strengthPlot({
      curves: [{ label: 'vit', ratios: ordersOf(n256, 11).ratios, J }],
      theory: [{ label: 'theory F̂ (n = 256)', of: 'vit', ratios: th.map((m) => m / 254), values: f }],
      title: 't',
      yLabel: 'J(m)/J(0)',
    });
    expect(subtitleOf(plot.spec).join('\n')).toMatch(
      /theory F̂ \(n = 256\): clipped .*100 of 101 orders off the axis/,
    );
    // With a measured curve reaching 0, F̂ sits inside the axis: then it is said to be a flat line.
    const flat = await strengthPlot({
      curves: [
        { label: 'vit', ratios: ordersOf(n256, 11).ratios, J: [1, 0.5, 0.1, 0, 0, 0, 0, 0, 0.1, 0.5, 1] },
      ],
      theory: [{ label: 'F̂', ratios: th.map((m) => m / 254), values: f }],
      title: 't',
      yLabel: 'J',
    });
    expect(subtitleOf(flat.spec).join('\n')).toMatch(/F̂: within 1% of the axis floor at \d+ of 101 orders/);
  });

  it('24 curves get 24 different colours (census: 12 models, each with its fitted curve)', async () => {
    const colours = Array.from({ length: 24 }, (_, k) => modelColour(k));
    expect(new Set(colours).size).toBe(24);
    const plot = await linePlot({
      series: colours.map((_, k) => ({ label: `s${k}`, x: [0, 1], y: [k, k + 1] })),
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
    });
    const range = (plot.spec.encoding as { color: { scale: { range: string[] } } }).color.scale.range;
    expect(new Set(range).size).toBe(24);
    // Every legend entry is drawn (Vega cuts a legend short past its symbol limit: "…4 entries").
    expect(plot.svg).not.toMatch(/entries/);
  });
});

describe('clipping a theory curve to the axis', () => {
  it('keeps the parts inside, with the crossing points, so that no point lies far off the frame', () => {
    expect(clipPolyline([0, 1, 2, 3], [10, 2, 0.5, -5], 0, 3)).toEqual([
      [
        { x: 0.875, y: 3 },
        { x: 1, y: 2 },
        { x: 2, y: 0.5 },
        { x: 2 + 0.5 / 5.5, y: 0 },
      ],
    ]);
    // Through the whole band in one step, and out and back in: two parts.
    const parts = clipPolyline([0, 1, 2, 3], [5, -5, 1, 2], 0, 3);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual([
      { x: 0.2, y: 3 },
      { x: 0.5, y: 0 },
    ]);
    expect(parts[1].map((p) => p.x)).toEqual([1 + 5 / 6, 2, 3]);
  });
});

/** A report entry with the fields the strength chart reads. */
function entry(label: string, modality: string, n: number, raw: number[], nEff?: number): ReportEntry {
  const { orders, ratios } = ordersOf(n, raw.length);
  const result = {
    n,
    modality,
    orders,
    ratios,
    aggregate: {
      raw,
      rawError: raw.map((v) => 0.05 * v),
      theory: { n, values: [], ...(nEff ? { effectiveN: nEff } : {}) },
    },
  } as unknown as InteractionResult;
  return { label, path: `/r/${label}/result.json`, dir: `/r/${label}`, result, refused: [] } as ReportEntry;
}

describe('report strength chart', () => {
  const entries = [
    entry('census-mlp5', 'tabular', 12, U, 6),
    entry('census-mlp8', 'tabular', 12, RISING, 14),
    entry('cifar-cnn', 'vision', 16, [3, 2, 1.5, 1.2, 1, 0.9, 0.8, 0.75, 0.7, 0.72, 0.8], 5),
  ];
  const rows = strengthRows(entries);

  it('the measured curves set the axis; the theory is clipped and the caveats are in the subtitle', async () => {
    const spec = strengthSpec(entries, rows, { title: 'every model' });
    const [, hi] = yDomainOf(spec)!;
    const measuredMax = Math.max(...rows.filter((r) => r.curve === 'measured').map((r) => r.hi ?? r.J));
    expect(hi).toBeCloseTo(measuredMax * 1.06, 1);
    expect(subtitleOf(spec).join('\n')).toMatch(/census-mlp8, F̂ at fitted n′ = 14: .*shapes disagree/);
    expectGolden((await renderVegaLite(spec)).svg, 'report-strength.png');
  });

  it('draws the run-wide interval where the result has one, and circles and names orders off target', async () => {
    const base = entry('cifar-cnn', 'vision', 16, [3, 2, 1.5, 1.2, 1, 0.9, 0.8, 0.75, 0.7, 0.72, 0.8], 5);
    const raw = base.result.aggregate.raw;
    const targetMet = raw.map((_, k) => k < 2 || k > 6);
    const withInterval = {
      ...base,
      result: {
        ...base.result,
        aggregate: {
          ...base.result.aggregate,
          strengthInterval: {
            level: 0.95,
            lower: raw.map((v, k) => v * (targetMet[k] ? 0.97 : 0.8)),
            upper: raw.map((v, k) => v * (targetMet[k] ? 1.03 : 1.25)),
            relativeError: raw.map((_, k) => (targetMet[k] ? 0.03 : 0.22)),
            targetError: 0.05,
            targetMet,
          },
        },
      },
    } as ReportEntry;
    const mine = strengthRows([withInterval]).filter((r) => r.curve === 'measured');
    const scale = raw.reduce((a, b) => a + b, 0) / raw.length;
    mine.forEach((r, k) => {
      // The interval, not ±1 s.e. (rawError is 5 % of the value: 1.25 × v is not it).
      expect(r.hi).toBeCloseTo((raw[k] * (targetMet[k] ? 1.03 : 1.25)) / scale, 12);
      expect(r.atTarget).toBe(targetMet[k]);
      expect(r.bar).toBe('95 % interval, target ±5 %');
    });
    const spec = strengthSpec([withInterval], strengthRows([withInterval]), { title: 'interval' });
    expect(subtitleOf(spec)[0]).toMatch(
      /^cifar-cnn: J\(m\) not certain to its target at ratios (\d\.\d+, ){4}\d\.\d+ \(circled/,
    );
    const rings = (spec.layer as Array<{ transform?: Array<{ filter: string }> }>).filter((l) =>
      l.transform?.[0].filter.includes('atTarget === false'),
    );
    expect(rings).toHaveLength(1);
    // Without an interval: ±1 s.e. bars, no rings, no note.
    expect(strengthRows([base]).find((r) => r.curve === 'measured')?.bar).toBe('±1 s.e.');
    expectGolden((await renderVegaLite(spec)).svg, 'report-strength-interval.png');
  });

  it('per-modality panels each have the range of their own curves', () => {
    const spec = strengthSpec(entries, rows, { title: 'per modality', byModality: true });
    const panels = spec.concat as Array<Record<string, unknown>>;
    expect(panels.map((p) => (p.title as { text: string }).text)).toEqual(['tabular', 'vision']);
    const [tab, vis] = panels.map((p) => yDomainOf(p)!);
    expect(tab[1]).toBeLessThan(2.2);
    expect(vis[1]).toBeGreaterThan(2.2);
  });
});

describe('AND-OR picture', () => {
  it('draws per-order AND and OR strength and the sorted strengths with the threshold', async () => {
    const n = 6;
    const ranks = Array.from({ length: 20 }, (_, k) => k + 1);
    const result = {
      n,
      samples: [{ andOr: { threshold: 0.05 } }, { andOr: { threshold: 0.07 } }],
      aggregate: {
        andOr: {
          and: [0, 0.1, 0.4, 1.2, 0.8, 0.2, 0.05],
          or: [0.9, 0.6, 0.2, 0.1, 0.05, 0, 0],
          salientCount: [1, 2, 3, 4, 3, 1, 0],
          sparsity: {
            ranks,
            and: ranks.map((r) => 1.5 / r ** 1.2),
            or: ranks.map((r) => 0.9 / r ** 1.5),
            fractions: [],
            thresholds: [],
            andCount: [],
            orCount: [],
            share: [],
          },
        },
      },
    } as unknown as InteractionResult;
    const plot = await andOrPlot(result, 'AND-OR interactions — census-mlp5');
    expect(plot.svg).toMatch(/salient strength per order/);
    expect(plot.svg).toMatch(/salience threshold/);
    expectGolden(plot.svg, 'and-or.png');
    await expect(
      andOrPlot({ ...result, aggregate: {} } as unknown as InteractionResult, 't'),
    ).rejects.toThrow(/--estimator.*and-or/);
  });
});

describe('structure legend', () => {
  it('names random-surrounding in full, beside random', async () => {
    expect(structureSeriesLabel('random', undefined)).toBe('random');
    expect(structureSeriesLabel('central-surrounding', 0.0512)).toBe(
      'central-surrounding (area vs random +0.051)',
    );
    expect(structureSeriesLabel('random-surrounding', 0.009)).toBe(
      'random-surrounding (area vs random +0.009)',
    );
    const ratios = [0, 0.25, 0.5, 0.75, 1];
    const plot = await linePlot({
      series: [
        { label: structureSeriesLabel('random', undefined), x: ratios, y: [0.9, 0.7, 0.5, 0.3, 0.1] },
        {
          label: structureSeriesLabel('central-surrounding', 0.051),
          x: ratios,
          y: [0.9, 0.8, 0.6, 0.4, 0.1],
        },
        {
          label: structureSeriesLabel('random-surrounding', 0.009),
          x: ratios,
          y: [0.9, 0.72, 0.5, 0.31, 0.1],
        },
      ],
      title: 'Accuracy as patches are masked (4×4 grid, 3 images)',
      xLabel: 'masked fraction k/n',
      yLabel: 'accuracy',
      yDomain: [0, 1],
      xDomain: [0, 1],
    });
    expectGolden(plot.svg, 'structure.png');
  });
});

describe('two-phase dynamics figures', () => {
  // Like the CIFAR VGG-11 series: early epochs fitted in the flat part of the σ² range (the same
  // theory curve each time), the last one w* itself with σ² at the lower edge of the search.
  const THEORY = [0.87, 1.68, 1.86, 1.76, 1.79, 1.32, 0.55, 0.15, 0.02, 0.0];
  const checkpoint = (epoch: number, measured: number[], sigma2: number, atBoundary = false) => {
    const predicted = atBoundary ? measured : THEORY;
    // The fit's own loss (fitTwoPhaseSigma2): the squared distance of the two curves.
    const loss = predicted.reduce((s, p, k) => s + (p - measured[k]) ** 2, 0);
    return {
      epoch,
      andOr: { orders: measured.map((_, k) => k + 1), distribution: measured },
      fit: { sigma2, loss, predicted, atBoundary },
    };
  };
  const result = {
    n: 10,
    samples: [{}, {}, {}],
    checkpoints: [
      checkpoint(0, [0.02, 0.1, 0.4, 1.05, 1.95, 2.48, 2.16, 1.28, 0.5, 0.1], 6.5e-8),
      checkpoint(1, [0.02, 0.11, 0.38, 1.02, 1.93, 2.55, 2.24, 1.27, 0.44, 0.08], 6.4e-8),
      checkpoint(8, [0.97, 1.65, 1.44, 1.2, 1.58, 1.5, 1.06, 0.52, 0.12, 0.02], 3e-8),
      checkpoint(40, [0.91, 1.75, 1.92, 1.76, 1.76, 1.25, 0.51, 0.12, 0.02, 0.0], 2.5e-13, true),
    ],
  } as unknown as DynamicsResult;

  it('draws each epoch with its own theory curve in its own panel, naming a σ² at the edge', async () => {
    const spec = distributionSpec(result, result.checkpoints);
    // In one shared panel the identical theory curves of epochs 0 and 1 lay on each other, and
    // the last one on its measured curve: one panel per epoch shows every one.
    expect(spec.facet).toMatchObject({ field: 'panel' });
    const rows = (spec.data as { values: Array<{ panel: string; curve: string }> }).values;
    const panels = [...new Set(rows.map((r) => r.panel))];
    expect(panels).toHaveLength(4);
    for (const p of panels)
      expect(new Set(rows.filter((r) => r.panel === p).map((r) => r.curve))).toEqual(
        new Set(['measured', 'theory at fitted σ²']),
      );
    expect(panels[3]).toContain('σ² at an edge of its search range: a bound');
    expect(panels[0]).not.toContain('edge');
    // Each panel names its own fit loss: far curves a large one, w* itself none.
    expect(panels[0]).toMatch(/fit loss (\d+\.\d\d)/);
    expect(panels[3]).toContain('fit loss 0.00');
    expect(new Set(panels.map((p) => /fit loss (\S+)/.exec(p)?.[1])).size).toBe(4);
    expectGolden((await renderVegaLite(spec)).svg, 'dynamics-distribution.png');
  });

  it('the σ² chart marks and names a σ² at the edge of its search range', async () => {
    const spec = sigma2Spec(result);
    expect(spec.title).toMatchObject({
      subtitle: 'σ² of epoch 40 sits at the edge of its search range: a bound, not a fit',
    });
    const rows = (spec.data as { values: Array<{ epoch: number; kind: string }> }).values;
    expect(rows.filter((r) => r.kind !== 'fitted').map((r) => r.epoch)).toEqual([40]);
    expectGolden((await renderVegaLite(spec)).svg, 'dynamics-sigma2.png');
  });
});

describe('model names', () => {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));

  it("names a model by meta.json's name or its folder, never model.onnx", () => {
    expect(modelName(join(root, 'fixtures/census-mlp5/model.onnx'))).toBe('census-mlp5');
    expect(modelName(join(root, 'fixtures/census-mlp5'))).toBe('census-mlp5');
    expect(modelNameOfPath('/somewhere/cifar-vit/model.onnx')).toBe('cifar-vit');
    expect(modelNameOfPath('/somewhere/nets/resnet20.onnx')).toBe('resnet20');
    expect(modelNameOfPath('/somewhere/census-mlp5/tfjs/model.json')).toBe('census-mlp5');
    expect(modelNameOfPath('/somewhere/sst2-bert/onnx/model.onnx')).toBe('sst2-bert');
    const dir = join(tmp.dir, 'exported');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), '');
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ name: 'My CNN v2' }));
    expect(modelName(join(dir, 'model.onnx'))).toBe('My CNN v2');
    expect(
      modelFolders([
        join(root, 'fixtures/census-mlp5/model.onnx'),
        join(root, 'fixtures/census-mlp8/model.onnx'),
        join(root, 'fixtures/census-mlp5/model-batch1.onnx'),
        join(dir, 'model.onnx'),
      ]),
    ).toEqual(['census-mlp5', 'census-mlp8', 'census-mlp5-2', 'My_CNN_v2']);
  });
});
