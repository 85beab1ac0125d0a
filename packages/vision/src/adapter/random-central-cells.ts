import { OrderlensInputError, Rng } from '@orderlens/core';
import { parseGridSize } from '../grid/patch-grid.js';

/** A centred window of a `rows × cols` grid: its size and its top-left cell. */
export interface CentralWindow {
  readonly rows: number;
  readonly cols: number;
  readonly top: number;
  readonly left: number;
}

/**
 * The central window of a grid. Default: the grid without its outer ring of cells — the
 * two-phase paper's "central 6×6 of an 8×8 grid, no patch on the edges" (App. F.3). `spec` is
 * `side` or `RxC` (`--central-window`); the window must fit the grid, and is centred (an odd
 * margin puts the extra cell after the window).
 */
export function centralWindow(gridRows: number, gridCols: number, spec?: string): CentralWindow {
  const size =
    spec !== undefined
      ? parseGridSize(spec, '--central-window')
      : { rows: Math.max(1, gridRows - 2), cols: Math.max(1, gridCols - 2) };
  if (size.rows > gridRows || size.cols > gridCols)
    throw new OrderlensInputError(
      '--central-window',
      `a ${size.rows}×${size.cols} window does not fit the ${gridRows}×${gridCols} grid`,
    );
  return {
    rows: size.rows,
    cols: size.cols,
    top: Math.floor((gridRows - size.rows) / 2),
    left: Math.floor((gridCols - size.cols) / 2),
  };
}

/** The cells (`r·gridCols + c`) inside a window, in cell order. */
export function windowCells(gridCols: number, w: CentralWindow): number[] {
  const out: number[] = [];
  for (let r = w.top; r < w.top + w.rows; r++)
    for (let c = w.left; c < w.left + w.cols; c++) out.push(r * gridCols + c);
  return out;
}

/** Options of {@link RandomCentralCells}. */
export interface RandomCentralCellsOptions {
  readonly gridRows: number;
  readonly gridCols: number;
  /** Cells drawn per sample (`--central-random`). */
  readonly k: number;
  /** `--central-window` (default: the grid without its outer ring). */
  readonly window?: string;
  /** `--players-seed`. */
  readonly seed: number;
}

/**
 * The two-phase paper's image players (App. F.3): per sample, `k` cells drawn at random from the
 * central window of the grid (patches, or cells of a feature map); the other cells are always
 * present. The draw of sample `index` depends only on the seed and that index, so the players are
 * the same at every checkpoint of a dynamics run and in a resumed run, and differ across samples.
 */
export class RandomCentralCells {
  readonly window: CentralWindow;
  readonly pool: readonly number[];
  readonly k: number;
  private readonly seed: number;

  constructor(o: RandomCentralCellsOptions) {
    this.window = centralWindow(o.gridRows, o.gridCols, o.window);
    this.pool = windowCells(o.gridCols, this.window);
    if (o.k > this.pool.length)
      throw new OrderlensInputError(
        '--central-random',
        `the central ${this.window.rows}×${this.window.cols} window of the ${o.gridRows}×${o.gridCols} grid holds ${this.pool.length} cells, asked for ${o.k} (a smaller k or a larger --central-window)`,
      );
    this.k = o.k;
    this.seed = o.seed;
  }

  /** The cells of sample `index` (its index in the data), ascending. */
  cellsOf(index: number): number[] {
    const rng = Rng.create(this.seed).fork('central-random', index);
    return rng.sample(this.pool, this.k).sort((a, b) => a - b);
  }

  /** How the players were chosen, for the result's details. */
  describe(): string {
    return `${this.k} cells drawn per sample (seed ${this.seed}) from the central ${this.window.rows}×${this.window.cols} window (the others always present)`;
  }
}
