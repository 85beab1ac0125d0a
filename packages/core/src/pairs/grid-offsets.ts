import { requireInput, requirePositiveInt } from '../errors/errors.js';
import type { Rng } from '../random/rng.js';
import { countNeighbourPairs } from '../sampling/reference-pairs.js';

/**
 * The offsets `(dr, dc)` of a `(2·radius + 1)²` window without its centre, row-major from
 * `(−radius, −radius)`: the 24 neighbours of radius 2 in the ICLR-2022 code
 * (Nebularaid2000/bottleneck, gen_pairs_pixel.py, `gen_pairs`, lines 13–16).
 */
export function windowOffsets(radius: number): Array<[number, number]> {
  requirePositiveInt(radius, 'radius');
  const out: Array<[number, number]> = [];
  for (let dr = -radius; dr <= radius; dr++)
    for (let dc = -radius; dc <= radius; dc++) if (dr !== 0 || dc !== 0) out.push([dr, dc]);
  return out;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * One partner draw of the ICLR-2022 code for cell `i`: an offset uniform among the window's
 * offsets, added to `i`'s row and column and each clamped to the grid. Near the border several
 * offsets land on the same cell (or on `i` itself), so partners there are NOT uniform among the
 * in-window cells: at a corner of a radius-2 window the diagonal neighbour is hit by 1 offset of
 * 24, the edge neighbours by 3, and `i` itself by 8 (the caller redraws those).
 */
export function offsetPartner(
  rows: number,
  cols: number,
  offsets: ReadonlyArray<readonly [number, number]>,
  i: number,
  rng: Rng,
): number {
  const [dr, dc] = offsets[rng.int(offsets.length)];
  const r = clamp(Math.floor(i / cols) + dr, 0, rows - 1);
  const c = clamp((i % cols) + dc, 0, cols - 1);
  return r * cols + c;
}

/** Options of {@link offsetPairs}. */
export interface OffsetPairsOptions {
  readonly rows: number;
  readonly cols: number;
  /** Half-width of the window (2 in the ICLR code: the 24 offsets of a 5×5 window). */
  readonly radius: number;
  /** Distinct unordered pairs to draw (200 in the ICLR code). */
  readonly numPairs: number;
  readonly rng: Rng;
}

/**
 * Pairs drawn point by point as the ICLR-2022 code draws them (gen_pairs_pixel.py, `gen_pairs`,
 * lines 19–37): `i` uniform on the grid, an offset uniform among the window's, the partner
 * clamped at the border; a draw whose partner is `i` itself or whose unordered pair was drawn
 * before is thrown away and both cells are drawn again. Returned as `[min, max]` in draw order.
 *
 * This differs from {@link referencePairs} (partner uniform among the in-window cells) only at
 * the border, where clamping favours the cells in line with `i`.
 */
export function offsetPairs(options: OffsetPairsOptions): Array<[number, number]> {
  const { rows, cols, radius, numPairs, rng } = options;
  requirePositiveInt(rows, 'rows');
  requirePositiveInt(cols, 'cols');
  requirePositiveInt(numPairs, 'numPairs');
  const offsets = windowOffsets(radius);
  // Every in-window cell is reached by its own offset, so the reachable pairs are exactly the
  // pairs within Chebyshev `radius`.
  const possible = countNeighbourPairs(rows, cols, radius);
  requireInput(
    numPairs <= possible,
    'numPairs',
    `a ${rows}×${cols} grid has only ${possible} distinct pairs within Chebyshev radius ${radius}, asked for ${numPairs}`,
  );
  const cells = rows * cols;
  const seen = new Set<number>();
  const out: Array<[number, number]> = [];
  while (out.length < numPairs) {
    const i = rng.int(cells);
    const j = offsetPartner(rows, cols, offsets, i, rng);
    if (i === j) continue;
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    if (seen.has(a * cells + b)) continue;
    seen.add(a * cells + b);
    out.push([a, b]);
  }
  return out;
}
