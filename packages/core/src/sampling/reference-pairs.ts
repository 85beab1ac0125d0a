import { requireInput, requirePositiveInt } from '../errors/errors.js';
import type { Rng } from '../random/rng.js';

/** Options of {@link referencePairs}. */
export interface ReferencePairsOptions {
  /** Grid rows; player `r·cols + c` is the cell at row `r`, column `c`. */
  readonly rows: number;
  /** Grid columns. */
  readonly cols: number;
  /** Chebyshev radius of the neighbourhood of `i` from which `j` is drawn (2 in the ICLR code). */
  readonly radius: number;
  /** Number of distinct unordered pairs to draw (200 in the ICLR code). */
  readonly numPairs: number;
  /** Random stream (fork it from the run's seed). */
  readonly rng: Rng;
}

/** The cells `j ≠ i` within Chebyshev distance `radius` of cell `i`, the window clamped to the grid. */
export function gridNeighbours(rows: number, cols: number, radius: number, i: number): number[] {
  const r = Math.floor(i / cols);
  const c = i % cols;
  const out: number[] = [];
  for (let rr = Math.max(0, r - radius); rr <= Math.min(rows - 1, r + radius); rr++) {
    for (let cc = Math.max(0, c - radius); cc <= Math.min(cols - 1, c + radius); cc++) {
      if (rr !== r || cc !== c) out.push(rr * cols + cc);
    }
  }
  return out;
}

/** Number of unordered pairs of distinct cells at Chebyshev distance ≤ `radius` on the grid. */
export function countNeighbourPairs(rows: number, cols: number, radius: number): number {
  // Pairs at offset (dr, dc), counted once per unordered pair: dr > 0, or dr = 0 and dc > 0.
  let total = 0;
  for (let dr = 0; dr <= Math.min(radius, rows - 1); dr++) {
    for (let dc = -Math.min(radius, cols - 1); dc <= Math.min(radius, cols - 1); dc++) {
      if (dr === 0 && dc <= 0) continue;
      total += (rows - dr) * (cols - Math.abs(dc));
    }
  }
  return total;
}

/**
 * Player pairs drawn as in the ICLR-2022 reference code: `i` uniform on the `rows × cols` grid,
 * `j` uniform among the cells within Chebyshev radius `radius` of `i` (the window clamped at the
 * border, so border cells have fewer neighbours), redrawn until the unordered pair is new.
 *
 * Pairs are returned as `[min, max]` in the order drawn. Throws when `numPairs` exceeds the number
 * of possible pairs ({@link countNeighbourPairs}).
 */
export function referencePairs(options: ReferencePairsOptions): Array<[number, number]> {
  const { rows, cols, radius, numPairs, rng } = options;
  requirePositiveInt(rows, 'rows');
  requirePositiveInt(cols, 'cols');
  requirePositiveInt(radius, 'radius');
  requirePositiveInt(numPairs, 'numPairs');
  requireInput(rng !== undefined && typeof rng.int === 'function', 'rng', 'expected an Rng stream');
  const possible = countNeighbourPairs(rows, cols, radius);
  requireInput(
    numPairs <= possible,
    'numPairs',
    `a ${rows}×${cols} grid has only ${possible} distinct pairs within Chebyshev radius ${radius}, asked for ${numPairs}`,
  );
  const cells = rows * cols;
  const neighbours: Array<number[] | undefined> = new Array(cells);
  const seen = new Set<number>();
  const out: Array<[number, number]> = [];
  while (out.length < numPairs) {
    const i = rng.int(cells);
    const nb = (neighbours[i] ??= gridNeighbours(rows, cols, radius, i));
    const j = nb[rng.int(nb.length)];
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    const key = a * cells + b;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([a, b]);
  }
  return out;
}
