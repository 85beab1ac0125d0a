import { basename } from 'node:path';
import type { SampleResult } from '@orderlens/core';
import { wordArcsSvg } from '@orderlens/nlp';
import { patchStrength } from '@orderlens/vision';
import { heatmapPng } from '../util/plots.js';
import type { ReportEntry } from './collect-results.js';
import { cloudPayload, type CloudPayload } from './cloud-scene.js';
import { outputPaths, readOutput } from './outputs.js';
import { CHART_FONT } from './palette.js';
import { maskMembers, pairValues, playerNames } from './player-names.js';

/** One picture of a sample. */
export type SampleView =
  | { readonly kind: 'image'; readonly caption: string; readonly png: Buffer }
  | { readonly kind: 'svg'; readonly caption: string; readonly svg: string }
  | { readonly kind: 'chart'; readonly caption: string; readonly spec: Record<string, unknown> }
  | { readonly kind: 'cloud'; readonly caption: string; readonly cloud: CloudPayload };

/** The views of one sample, with its strongest AND-OR sets where the estimator found them. */
export interface SampleSection {
  readonly model: string;
  readonly sampleId: string;
  readonly label: number;
  readonly n: number;
  readonly views: readonly SampleView[];
  /** `AND {a, b} = 0.12 (order 2)`, strongest first. */
  readonly salient: readonly string[];
  /** Why a view could not be drawn (e.g. no multi-order table). */
  readonly notes: readonly string[];
}

/**
 * The heat map the vision adapter wrote for the `s`-th sample (`heatmap-<s>.png`: image, low- and
 * high-order strength per patch), else one drawn here from the multi-order table: mean |I^(m)| of
 * the pairs holding each patch, over every order (viridis, patches without pairs transparent).
 */
function heatmapView(entry: ReportEntry, sample: SampleResult, s: number): SampleView | string {
  const recorded = outputPaths(entry.result, 'heatmaps').find((p) => basename(p) === `heatmap-${s}.png`);
  const png = recorded ? readOutput(recorded, entry.dir, (w) => entry.refused.push(w)) : undefined;
  if (png)
    return {
      kind: 'image',
      caption: 'image · low-order (r ≤ 0.1) · high-order (r ≥ 0.7) interaction strength per patch',
      png,
    };
  const p = sample.players;
  if (p.kind !== 'grid' && p.kind !== 'feature-map') return 'not an image grid';
  if (!sample.multiOrder) return 'no multi-order table, so no heat map';
  const strength = patchStrength(sample.multiOrder, p.n, () => true);
  const values = new Float64Array(p.rows * p.cols).fill(NaN);
  const cells = p.kind === 'grid' && p.cells ? p.cells : Array.from({ length: p.n }, (_, k) => k);
  cells.forEach((c, k) => (values[c] = strength[k]));
  const side = Math.max(8, Math.round(192 / Math.max(p.rows, p.cols)));
  return {
    kind: 'image',
    caption: `mean |I^(m)| per ${p.kind === 'grid' ? 'patch' : 'feature-map cell'} over pairs and orders (no picture was written)`,
    png: heatmapPng(values, p.rows, p.cols, {
      width: side * p.cols,
      height: side * p.rows,
      colormap: 'sequential',
    }),
  };
}

/** Arcs between the words of the strongest pairs (SII, or mean I^(m) over orders). */
function wordArcsView(sample: SampleResult): SampleView | string {
  const p = sample.players;
  if (p.kind !== 'words') return 'not words';
  const { pairs, measure } = pairValues(sample);
  if (pairs.length === 0) return 'no pairwise values to draw arcs from';
  try {
    return { kind: 'svg', caption: `strongest pairs (${measure})`, svg: wordArcsSvg(p, pairs, { top: 8 }) };
  } catch (e) {
    return `word arcs: ${(e as Error).message}`;
  }
}

/**
 * An n×n matrix of pair values with the players' names on both axes (attributes of a table row,
 * or any players without geometry): red positive, blue negative, hover for the value.
 */
function matrixView(sample: SampleResult): SampleView | string {
  const names = playerNames(sample.players);
  const { pairs, measure } = pairValues(sample);
  if (pairs.length === 0) return 'no pairwise values';
  const rows: Array<{ a: string; b: string; value: number }> = [];
  for (const { i, j, value } of pairs)
    rows.push({ a: names[i], b: names[j], value }, { a: names[j], b: names[i], value });
  const maxAbs = Math.max(1e-300, ...pairs.map((p) => Math.abs(p.value)));
  const cell = Math.max(12, Math.min(20, Math.round(260 / names.length)));
  return {
    kind: 'chart',
    caption: `pairwise interactions (${measure})`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      background: 'white',
      width: cell * names.length,
      height: cell * names.length,
      data: { values: rows },
      mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'a', type: 'nominal', sort: names, title: null, axis: { labelAngle: -45 } },
        y: { field: 'b', type: 'nominal', sort: names, title: null },
        color: {
          field: 'value',
          type: 'quantitative',
          title: measure === 'Shapley interaction index' ? 'SII' : 'mean I^(m)',
          scale: { scheme: 'redblue', reverse: true, domain: [-maxAbs, maxAbs] },
        },
        tooltip: [
          { field: 'a', title: 'i' },
          { field: 'b', title: 'j' },
          { field: 'value', type: 'quantitative', format: '.4g' },
        ],
      },
      config: { font: CHART_FONT, view: { stroke: null } },
    },
  };
}

function salientLines(sample: SampleResult, top = 6): string[] {
  const a = sample.andOr;
  if (!a) return [];
  const names = playerNames(sample.players);
  return [...a.salient]
    .sort((x, y) => Math.abs(y.value) - Math.abs(x.value))
    .slice(0, top)
    .map((s) => {
      const members = maskMembers(s.mask, sample.players.n).map((i) => names[i] ?? String(i));
      return `${s.kind.toUpperCase()} {${members.join(', ')}} = ${s.value.toPrecision(4)} (order ${s.order})`;
    });
}

/** The views of the first `maxSamples` samples of a result, by their players' kind. */
export function sampleSections(entry: ReportEntry, maxSamples: number): SampleSection[] {
  return entry.result.samples.slice(0, maxSamples).map((sample, s) => {
    const views: SampleView[] = [];
    const notes: string[] = [];
    const add = (v: SampleView | string) => (typeof v === 'string' ? notes.push(v) : views.push(v));
    switch (sample.players.kind) {
      case 'grid':
      case 'feature-map':
        add(heatmapView(entry, sample, s));
        break;
      case 'words':
        add(wordArcsView(sample));
        break;
      case 'regions': {
        const cloud = cloudPayload(entry, sample);
        if (cloud)
          views.push({
            kind: 'cloud',
            caption: `regions and their strongest pairs (${cloud.measure}; red positive, blue negative; drag to orbit${cloud.points ? '' : '; centroids only: no point view was written for this sample'})`,
            cloud,
          });
        break;
      }
      case 'attributes':
      case 'generic':
        add(matrixView(sample));
        break;
    }
    return {
      model: entry.label,
      sampleId: sample.id,
      label: sample.label,
      n: sample.players.n,
      views,
      salient: salientLines(sample),
      notes,
    };
  });
}
