import { pairValues, type AdapterViews, type SampleResult, type SampleView } from '@orderlens/core';
import { wordArcsSvg } from '../pictures/word-arcs.js';

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

/** Report pictures of text results: word arcs per sample. */
export const textViews: AdapterViews = {
  sample: (sample) => [wordArcsView(sample)],
};
