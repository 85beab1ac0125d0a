import {
  adapters,
  maskMembers,
  pairMatrixView,
  playerNames,
  type SampleResult,
  type SampleView,
  type SampleViewContext,
  type ViewPainter,
} from '@orderlens/core';
import { heatmapPng } from '../util/plots.js';
import type { ReportEntry } from './collect-results.js';
import { outputPaths, readOutput } from './outputs.js';
import { CHART_FONT } from './palette.js';

export type { SampleView } from '@orderlens/core';

/** The views of one sample, with its strongest AND-OR sets where the estimator found them. */
export interface SampleSection {
  readonly model: string;
  /** The result's modality: whose adapter drew the views (and, for scenes, draws them on the page). */
  readonly modality: string;
  readonly sampleId: string;
  readonly label: number;
  readonly n: number;
  readonly views: readonly SampleView[];
  /** `AND {a, b} = 0.12 (order 2)`, strongest first. */
  readonly salient: readonly string[];
  /** Why a view could not be drawn (e.g. no multi-order table). */
  readonly notes: readonly string[];
}

/** The drawing the report lends to adapters: its heat-map painter and chart font. */
const PAINTER: ViewPainter = { heatmapPng, chartFont: CHART_FONT };

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

/**
 * The views of the first `maxSamples` samples of a result, drawn by the adapter of its modality
 * (the `views` hook, found in the registry); a result whose adapter is not installed or draws no
 * views gets the matrix of pair values. Recorded pictures are read confined to the result's folder;
 * a refused one is noted in `entry.refused`.
 */
export function sampleSections(entry: ReportEntry, maxSamples: number): SampleSection[] {
  const views = adapters.has(entry.result.modality) ? adapters.get(entry.result.modality).views : undefined;
  return entry.result.samples.slice(0, maxSamples).map((sample, s) => {
    const context: SampleViewContext = {
      index: s,
      paint: PAINTER,
      outputs: (key) =>
        outputPaths(entry.result, key).map((path) => ({
          path,
          read: () => readOutput(path, entry.dir, (w) => entry.refused.push(w)),
        })),
    };
    const drawn = views ? views.sample(sample, context) : [pairMatrixView(sample, CHART_FONT)];
    return {
      model: entry.label,
      modality: entry.result.modality,
      sampleId: sample.id,
      label: sample.label,
      n: sample.players.n,
      views: drawn.filter((v): v is SampleView => typeof v !== 'string'),
      salient: salientLines(sample),
      notes: drawn.filter((v): v is string => typeof v === 'string'),
    };
  });
}
