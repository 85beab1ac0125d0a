import type { SampleResult } from './interaction-result.js';

/** A short name for every player of a sample, for axes, tooltips and salient-set lists. */
export function playerNames(players: SampleResult['players']): string[] {
  switch (players.kind) {
    case 'attributes':
      return [...players.names];
    case 'words':
      // Repeated words get their position, so "the (1)" and "the (4)" stay apart on an axis.
      return players.words.map((w, k, all) => (all.indexOf(w) !== all.lastIndexOf(w) ? `${w} (${k})` : w));
    case 'grid': {
      const cells = players.cells ?? Array.from({ length: players.n }, (_, k) => k);
      return cells.map((c) => `patch ${Math.floor(c / players.cols)},${c % players.cols}`);
    }
    case 'feature-map': {
      // Random central cells (the two-phase paper) play as a subset of the grid.
      const cells = players.cells ?? Array.from({ length: players.n }, (_, k) => k);
      return cells.map((c) => `cell ${Math.floor(c / players.cols)},${c % players.cols}`);
    }
    case 'regions':
      return Array.from({ length: players.n }, (_, k) => `region ${k}`);
    case 'generic':
      return players.names ? [...players.names] : Array.from({ length: players.n }, (_, k) => `player ${k}`);
  }
}

/** Players `0…n−1` in a bit mask (AND-OR salient sets). */
export function maskMembers(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (Math.floor(mask / 2 ** i) % 2 === 1) out.push(i);
  return out;
}

/**
 * Signed pair values of a sample: its SII matrix when the estimator gave one (exact), else the
 * mean of `I^(m)(i,j)` over the measured orders (sampled estimators). Pairs with no value are
 * left out.
 */
export function pairValues(sample: SampleResult): {
  pairs: Array<{ i: number; j: number; value: number }>;
  measure: string;
} {
  const pairs: Array<{ i: number; j: number; value: number }> = [];
  if (sample.sii && sample.sii.length > 0) {
    const n = sample.sii.length;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push({ i, j, value: sample.sii[i][j] });
    return { pairs: pairs.filter((p) => Number.isFinite(p.value)), measure: 'Shapley interaction index' };
  }
  const mo = sample.multiOrder;
  if (!mo) return { pairs, measure: 'none' };
  mo.pairs.forEach(([i, j], p) => {
    const row = mo.values[p].filter(Number.isFinite);
    if (row.length > 0) pairs.push({ i, j, value: row.reduce((a, b) => a + b, 0) / row.length });
  });
  return { pairs, measure: 'mean I^(m)(i,j) over orders' };
}
