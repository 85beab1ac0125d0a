/**
 * Tableau-10: distinct on white and for the common colour-vision deficiencies. Models get fixed
 * colours by position, so hiding one never recolours the others.
 */
const TAB10 = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#eeca3b',
  '#9d755d',
  '#ff9da6',
  '#79706e',
];

/** Colour of the `k`-th model (Tableau-10, then golden-angle hues). */
export function modelColour(k: number): string {
  if (k < TAB10.length) return TAB10[k];
  return `hsl(${Math.round((k * 137.508) % 360)}, 55%, 45%)`;
}

/** Font stack of chart text (resvg resolves it to DejaVu Sans for PNGs). */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Name of the Vega signal that lists hidden models; every multi-model chart filters on it. */
export const HIDDEN_SIGNAL = 'hiddenModels';

/** Vega-Lite filter keeping rows of visible models. */
export const VISIBLE_FILTER = { filter: `indexof(${HIDDEN_SIGNAL}, datum.model) < 0` };
