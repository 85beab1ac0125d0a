import { requireInput, type Rng } from '@orderlens/core';

/** How `k` of the `n` patches are masked in the structure experiments (MATH.md). */
export type StructureMode = 'random' | 'central-surrounding' | 'random-surrounding';

/** All modes, in plotting order. */
export const STRUCTURE_MODES: readonly StructureMode[] = Object.freeze([
  'random',
  'central-surrounding',
  'random-surrounding',
]);

/** Shape of a contiguous block of `keep` cells on a `rows × cols` grid. */
export interface BlockShape {
  /** Rows the block spans. */
  readonly height: number;
  /** Columns the block spans. */
  readonly width: number;
}

/**
 * The block that keeps `keep` cells: as square as possible,
 * `width = max(ceil(keep / rows), min(cols, ceil(√keep)))` columns and `height = ceil(keep / width)` rows, filled row by row from its top-left corner, so
 * the last row may be partial (left-aligned). The result is always 4-connected.
 */
export function blockShape(rows: number, cols: number, keep: number): BlockShape {
  requireInput(
    Number.isInteger(keep) && keep >= 0 && keep <= rows * cols,
    'keep',
    `expected 0…${rows * cols} patches, got ${keep}`,
  );
  if (keep === 0) return { height: 0, width: 0 };
  const width = Math.max(Math.ceil(keep / rows), Math.min(cols, Math.ceil(Math.sqrt(keep))));
  return { height: Math.ceil(keep / width), width };
}

/** The cells (players, row-major) of a block of `keep` cells placed with its corner at `(top, left)`. */
export function blockCells(rows: number, cols: number, keep: number, top: number, left: number): number[] {
  const { height, width } = blockShape(rows, cols, keep);
  requireInput(
    top >= 0 && left >= 0 && top + height <= rows && left + width <= cols,
    'block',
    `a ${height}×${width} block at (${top}, ${left}) leaves the ${rows}×${cols} grid`,
  );
  const out: number[] = [];
  for (let t = 0; t < keep; t++) out.push((top + Math.floor(t / width)) * cols + left + (t % width));
  return out;
}

/**
 * The players kept when `masked` of the `rows × cols` patches are masked:
 * - `random`: a uniform random subset of `n − masked` players;
 * - `central-surrounding`: one centred block of `n − masked` patches (see {@link blockShape});
 *   everything around it, starting from the border, is masked;
 * - `random-surrounding`: the same block at a uniformly random position.
 */
export function keptPlayers(
  rows: number,
  cols: number,
  masked: number,
  mode: StructureMode,
  rng: Rng,
): number[] {
  const n = rows * cols;
  requireInput(
    Number.isInteger(masked) && masked >= 0 && masked <= n,
    'masked',
    `expected 0…${n} masked patches, got ${masked}`,
  );
  const keep = n - masked;
  switch (mode) {
    case 'random':
      return rng
        .sample(
          Array.from({ length: n }, (_, i) => i),
          keep,
        )
        .sort((a, b) => a - b);
    case 'central-surrounding': {
      const { height, width } = blockShape(rows, cols, keep);
      return blockCells(rows, cols, keep, Math.floor((rows - height) / 2), Math.floor((cols - width) / 2));
    }
    case 'random-surrounding': {
      const { height, width } = blockShape(rows, cols, keep);
      return blockCells(rows, cols, keep, rng.int(rows - height + 1), rng.int(cols - width + 1));
    }
    default:
      throw new RangeError(`unknown structure mode ${String(mode)}`);
  }
}
