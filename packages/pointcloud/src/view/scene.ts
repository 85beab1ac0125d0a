import type { InteractionResult } from '@orderlens/core';

type SampleResult = InteractionResult['samples'][number];

/** One interaction drawn between two region centroids. */
export interface PairEdge {
  /** Players `i < j`. */
  readonly i: number;
  readonly j: number;
  /** Signed strength (SII, or mean `I^(m)` over orders). */
  readonly value: number;
}

/** What both pictures of one cloud show. */
export interface CloudScene {
  readonly title: string;
  /** Normalised `x y z` of every point. */
  readonly positions: Float32Array;
  /** Player of each point (−1 for regions that are not players). */
  readonly playerOfPoint: Int32Array;
  /** Centroid of each player. */
  readonly centroids: ReadonlyArray<readonly [number, number, number]>;
  /** Strongest pairs, strongest first. */
  readonly edges: readonly PairEdge[];
  /** Where the edge values come from (`sii` or `mean I^(m) over orders`). */
  readonly edgeMeasure: string;
}

/** The Tableau-10 palette: distinct on white and for the common colour-vision deficiencies. */
const TAB10 = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [188, 189, 34],
  [23, 190, 207],
  [127, 127, 127],
] as const;

/** Grey of points in regions that are never masked. */
export const OTHER_REGION_RGB: readonly [number, number, number] = [205, 205, 205];

/** Colour of player `j` (Tableau-10, then golden-angle hues beyond ten players). */
export function playerColour(j: number): [number, number, number] {
  if (j < TAB10.length) return [...TAB10[j]];
  const h = (j * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (0.5 - 0.4 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * The `count` strongest pairs of a sample by |value|: from its SII matrix when the estimator gave
 * one (exact), else from the mean of `I^(m)(i,j)` over the measured orders (sampled estimators).
 */
export function strongestPairs(sample: SampleResult, count = 5): { edges: PairEdge[]; measure: string } {
  const all: PairEdge[] = [];
  let measure: string;
  if (sample.sii && sample.sii.length > 0) {
    measure = 'Shapley interaction index';
    for (let i = 0; i < sample.sii.length; i++)
      for (let j = i + 1; j < sample.sii.length; j++) all.push({ i, j, value: sample.sii[i][j] });
  } else if (sample.multiOrder) {
    measure = 'mean I^(m)(i,j) over orders';
    sample.multiOrder.pairs.forEach(([i, j], p) => {
      const row = sample.multiOrder!.values[p];
      all.push({ i, j, value: row.reduce((s, v) => s + v, 0) / Math.max(1, row.length) });
    });
  } else return { edges: [], measure: 'none' };
  all.sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.i - b.i || a.j - b.j);
  return { edges: all.filter((e) => Number.isFinite(e.value)).slice(0, count), measure };
}
