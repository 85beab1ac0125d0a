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

/** The light partners of {@link TAB10} (Tableau-20's second half), for models 11 to 20. */
const TAB10_LIGHT = [
  '#9ecae9',
  '#ffbf79',
  '#88d27a',
  '#ff9d98',
  '#83bcb6',
  '#d6a5c9',
  '#f2cf5b',
  '#d8b5a5',
  '#fcbfd2',
  '#bab0ac',
];

/**
 * Colour of the `k`-th model: Tableau-10, then its light partners, then golden-angle hues at
 * alternating lightness — distinct for any number of models, where a 10-colour scheme would
 * give the 11th model the 1st one's colour.
 */
export function modelColour(k: number): string {
  if (k < TAB10.length) return TAB10[k];
  if (k < 2 * TAB10.length) return TAB10_LIGHT[k - TAB10.length];
  return `hsl(${Math.round((k * 137.508) % 360)}, 60%, ${k % 2 === 0 ? 38 : 55}%)`;
}

/** Font stack of chart text (resvg resolves it to DejaVu Sans for PNGs). */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Name of the Vega signal that lists hidden models; every multi-model chart filters on it. */
export const HIDDEN_SIGNAL = 'hiddenModels';

/** Vega-Lite filter keeping rows of visible models. */
export const VISIBLE_FILTER = { filter: `indexof(${HIDDEN_SIGNAL}, datum.model) < 0` };
