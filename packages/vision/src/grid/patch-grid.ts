import { requireInput } from '@orderlens/core';
import { elementIndex, type ImageShape } from '../image/raw-image.js';

/** A cell of a {@link PatchGrid}: rows `[top, bottom)`, columns `[left, right)`. */
export interface CellRect {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * A `rows × cols` grid of patches over an `height × width` image; each patch is a player.
 *
 * Player `r·cols + c` is the cell at grid row `r`, column `c` (row-major, matching core's
 * `referencePairs`). Cell boundaries are `floor(k·H/rows)` for `k = 0 … rows` (and
 * `floor(k·W/cols)` across), so sizes that the grid does not divide still work: cells differ by at
 * most one pixel and every pixel belongs to exactly one cell. For example 10 rows over 32 pixels
 * gives boundaries 0,3,6,9,12,16,19,22,25,28,32.
 */
export class PatchGrid {
  readonly rows: number;
  readonly cols: number;
  readonly height: number;
  readonly width: number;
  /** `rows + 1` row boundaries. */
  readonly rowBounds: Int32Array;
  /** `cols + 1` column boundaries. */
  readonly colBounds: Int32Array;
  private pixelPlayers?: Int32Array;

  constructor(rows: number, cols: number, height: number, width: number) {
    requireInput(
      Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0,
      'image size',
      `expected positive integers, got ${height}×${width}`,
    );
    requireInput(
      Number.isInteger(rows) && rows > 0 && Number.isInteger(cols) && cols > 0,
      'grid',
      `expected positive integer rows and columns, got ${rows}×${cols}`,
    );
    requireInput(
      rows <= height && cols <= width,
      'grid',
      `a ${rows}×${cols} grid is larger than the ${height}×${width} image (each cell needs at least one pixel)`,
    );
    this.rows = rows;
    this.cols = cols;
    this.height = height;
    this.width = width;
    this.rowBounds = Int32Array.from({ length: rows + 1 }, (_, k) => Math.floor((k * height) / rows));
    this.colBounds = Int32Array.from({ length: cols + 1 }, (_, k) => Math.floor((k * width) / cols));
  }

  /** A `g × g` grid. */
  static square(g: number, height: number, width: number): PatchGrid {
    return new PatchGrid(g, g, height, width);
  }

  /**
   * The grid of a vision transformer's patches: one player per `patchSize × patchSize` token
   * (e.g. 14×14 for 224/16). Requires the image to be a multiple of the patch size.
   */
  static forVit(patchSize: number, height: number, width: number): PatchGrid {
    requireInput(
      Number.isInteger(patchSize) && patchSize > 0,
      'patchSize',
      `expected a positive integer, got ${patchSize}`,
    );
    requireInput(
      height % patchSize === 0 && width % patchSize === 0,
      'patchSize',
      `a ViT patch of ${patchSize} must divide the ${height}×${width} image`,
    );
    return new PatchGrid(height / patchSize, width / patchSize, height, width);
  }

  /** Number of players. */
  get n(): number {
    return this.rows * this.cols;
  }

  /** Player owning pixel `(y, x)`. */
  playerAt(y: number, x: number): number {
    return this.cellRow(y) * this.cols + this.cellCol(x);
  }

  /** Grid row of pixel row `y`: the `r` with `floor(r·H/rows) ≤ y < floor((r+1)·H/rows)`. */
  cellRow(y: number): number {
    let r = Math.floor(((y + 1) * this.rows) / this.height);
    // The closed form is exact except at boundaries; settle them with the stored bounds.
    if (r >= this.rows) r = this.rows - 1;
    while (this.rowBounds[r] > y) r--;
    while (this.rowBounds[r + 1] <= y) r++;
    return r;
  }

  /** Grid column of pixel column `x`. */
  cellCol(x: number): number {
    let c = Math.floor(((x + 1) * this.cols) / this.width);
    if (c >= this.cols) c = this.cols - 1;
    while (this.colBounds[c] > x) c--;
    while (this.colBounds[c + 1] <= x) c++;
    return c;
  }

  /** The pixel rectangle of `player`. */
  cell(player: number): CellRect {
    requireInput(
      Number.isInteger(player) && player >= 0 && player < this.n,
      'player',
      `player ${player} outside [0, ${this.n})`,
    );
    const r = Math.floor(player / this.cols);
    const c = player % this.cols;
    return {
      top: this.rowBounds[r],
      bottom: this.rowBounds[r + 1],
      left: this.colBounds[c],
      right: this.colBounds[c + 1],
    };
  }

  /** Player of every pixel, row-major `H × W`. */
  playerOfPixel(): Int32Array {
    if (!this.pixelPlayers) {
      const out = new Int32Array(this.height * this.width);
      for (let y = 0; y < this.height; y++) {
        const r = this.cellRow(y);
        for (let x = 0; x < this.width; x++) out[y * this.width + x] = r * this.cols + this.cellCol(x);
      }
      this.pixelPlayers = out;
    }
    return this.pixelPlayers;
  }

  /**
   * Player of every value of one model input of `shape` (all channels of a pixel belong to its
   * cell). This is the `playerOfFeature` map that order-loss training takes.
   */
  playerOfElement(shape: ImageShape): Int32Array {
    requireInput(
      shape.height === this.height && shape.width === this.width,
      'shape',
      `the grid covers ${this.height}×${this.width} but the input is ${shape.height}×${shape.width}`,
    );
    const pix = this.playerOfPixel();
    const out = new Int32Array(shape.channels * shape.height * shape.width);
    for (let c = 0; c < shape.channels; c++) {
      for (let y = 0; y < shape.height; y++) {
        for (let x = 0; x < shape.width; x++) out[elementIndex(shape, c, y, x)] = pix[y * shape.width + x];
      }
    }
    return out;
  }
}

/** Parses a grid given as `g` or `rowsxcols` (e.g. `16`, `7x7`). */
export function parseGridSize(text: string | number, field = 'grid'): { rows: number; cols: number } {
  const s = String(text).trim().toLowerCase();
  const m = /^(\d+)(?:x(\d+))?$/.exec(s);
  requireInput(m !== null, field, `expected g or RxC (e.g. 16 or 7x7), got "${String(text)}"`);
  const rows = Number(m[1]);
  const cols = m[2] !== undefined ? Number(m[2]) : rows;
  requireInput(rows > 0 && cols > 0, field, `expected positive sizes, got "${String(text)}"`);
  return { rows, cols };
}
