import { OrderlensInputError } from '@orderlens/core';
import { PatchGrid } from '../grid/patch-grid.js';
import { toModelInput } from '../image/preprocess.js';
import type { ImageShape } from '../image/raw-image.js';
import { datasetChannelStats, datasetImage, type ImageDataset } from './dataset.js';

/** A dataset as a training set for a patch network: normalised NHWC inputs and the patch players. */
export interface PatchTrainingSet {
  readonly shape: ImageShape;
  /** Model inputs of every image, row-major (`count × size`), normalised with the set's own statistics. */
  readonly x: Float32Array;
  /** Elements per image. */
  readonly size: number;
  /** Per-channel mean and standard deviation of the pixels (in `pixel / 255` units). */
  readonly mean: number[];
  readonly std: number[];
  readonly grid: PatchGrid;
  /** Side of a square patch in pixels. */
  readonly patch: number;
}

/**
 * Normalises every image of `dataset` with the dataset's own per-channel statistics (NHWC, RGB)
 * and lays a `rows × cols` patch grid over it. The patch network needs square cells that tile the
 * image, so a grid that does not is refused naming `field`.
 */
export function patchTrainingSet(
  dataset: ImageDataset,
  grid: { readonly rows: number; readonly cols: number },
  field = '--grid',
): PatchTrainingSet {
  const shape: ImageShape = {
    channels: dataset.channels,
    height: dataset.height,
    width: dataset.width,
    layout: 'NHWC',
  };
  const { rows, cols } = grid;
  if (shape.height % rows !== 0 || shape.width % cols !== 0 || shape.height / rows !== shape.width / cols)
    throw new OrderlensInputError(
      field,
      `the patch network needs square cells: a ${rows}×${cols} grid does not tile ${shape.height}×${shape.width} images evenly`,
    );
  const { mean, std } = datasetChannelStats(dataset);
  const pre = { layout: 'NHWC' as const, mean, std };
  const size = shape.channels * shape.height * shape.width;
  const x = new Float32Array(dataset.count * size);
  for (let k = 0; k < dataset.count; k++) toModelInput(datasetImage(dataset, k), pre, x, k * size);
  return {
    shape,
    x,
    size,
    mean,
    std,
    grid: new PatchGrid(rows, cols, shape.height, shape.width),
    patch: shape.height / rows,
  };
}
