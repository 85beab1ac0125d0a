import type { SampleResult } from '../result/interaction-result.js';
import { pairValues, playerNames } from '../result/sample-pairs.js';

/**
 * One picture of one sample of a result, as an adapter draws it for the report (and `analyze`):
 * a PNG, an SVG fragment, a Vega-Lite chart spec, or a `scene` — plain JSON that the adapter's own
 * browser script ({@link AdapterViews.scenes}) draws on a canvas (point clouds in three.js).
 */
export type SampleView =
  | { readonly kind: 'image'; readonly caption: string; readonly png: Uint8Array }
  | { readonly kind: 'svg'; readonly caption: string; readonly svg: string }
  | { readonly kind: 'chart'; readonly caption: string; readonly spec: Record<string, unknown> }
  | {
      readonly kind: 'scene';
      readonly caption: string;
      readonly scene: Readonly<Record<string, unknown>>;
      /** A still picture of the scene for pages without scripts (Markdown), when one was written. */
      readonly still?: Uint8Array;
    };

/** Options of {@link ViewPainter.heatmapPng}. */
export interface ViewHeatmapOptions {
  readonly width: number;
  readonly height: number;
  readonly colormap: 'sequential' | 'diverging';
}

/**
 * Drawing the host lends to adapters, so every report picture shares one palette and one font
 * and adapters carry no chart library: the CLI passes its heat-map painter and chart font.
 */
export interface ViewPainter {
  /** A `rows × cols` grid of values (row-major) as a PNG; non-finite values transparent. */
  heatmapPng(values: ArrayLike<number>, rows: number, cols: number, options: ViewHeatmapOptions): Uint8Array;
  /** Font family of charts (Vega-Lite `config.font`). */
  readonly chartFont: string;
}

/** A file the analysis recorded in a result's `outputs` (a heat map, a point view). */
export interface RecordedOutput {
  /** The path as recorded. */
  readonly path: string;
  /**
   * Its bytes, read confined to the result's folder and checked to be of the kind its extension
   * says (`.png`, `.svg`, `.html`); undefined when absent or refused (the host reports why).
   */
  read(): Uint8Array | undefined;
}

/** What {@link AdapterViews.sample} is given besides the sample. */
export interface SampleViewContext {
  /** The sample's position in `result.samples` (outputs are named by it, e.g. `heatmap-<s>.png`). */
  readonly index: number;
  /** The files recorded under `outputs[key]` of the sample's result. */
  outputs(key: string): readonly RecordedOutput[];
  readonly paint: ViewPainter;
}

/**
 * The pictures an adapter draws of a finished result's samples (the `views` hook of
 * {@link ModalityAdapter}): the report asks the adapter of each result's `modality` through the
 * registry, so the host knows no modality. Results of an adapter that is not installed, or has
 * no views, get {@link pairMatrixView}.
 */
export interface AdapterViews {
  /**
   * Views of one sample; a string instead of a view says why a picture could not be drawn
   * (e.g. `no multi-order table, so no heat map`) and is shown as a note.
   */
  sample(sample: SampleResult, context: SampleViewContext): ReadonlyArray<SampleView | string>;
  /**
   * The browser side of this adapter's `scene` views: an import map (JSON text; modules inlined
   * as data: URLs, the page makes no request) and an ES module script. The script draws every
   * `{ id, scene }` of the JSON block `<script id="scene-data-<adapter name>">` on the canvas
   * with that id, and sets `window.__orderlensScenesReady[<adapter name>] = true` when all drew.
   */
  readonly scenes?: { importMap(): string; readonly script: string };
}

/**
 * An n×n matrix of pair values with the players' names on both axes (attributes of a table row,
 * or any players without geometry): red positive, blue negative, hover for the value. Pair values
 * are the SII when the estimator gave it, else the mean of I^(m)(i,j) over orders.
 */
export function pairMatrixView(sample: SampleResult, chartFont: string): SampleView | string {
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
      config: { font: chartFont, view: { stroke: null } },
    },
  };
}
