import {
  OrderlensInputError,
  hasCapability,
  requireInput,
  type CoalitionBatch,
  type CountedFeatureRunner,
  type GraphCut,
  type Masker,
  type ModelRunner,
  type NamedTensors,
  type TensorData,
} from '@orderlens/core';
import { PatchGrid } from '../grid/patch-grid.js';
import type { ImageLayout, ImageShape } from '../image/raw-image.js';
import { PatchMasker } from './patch-masker.js';

/**
 * Cuts `runner`'s model at the intermediate tensor `tensorName` through the runtime's graph-cut
 * capability (asked through core, so this package never imports a runtime). Throws naming the
 * tensor when the model has no such tensor, and naming the runner when it cannot cut.
 */
export async function cutModelAt(runner: ModelRunner, tensorName: string): Promise<GraphCut> {
  if (!hasCapability(runner, 'graphCut')) {
    throw new OrderlensInputError(
      'runner',
      `the ${runner.backend} runner cannot cut a model at an intermediate tensor; feature-map masking needs a runtime with the graphCut capability (ONNX)`,
    );
  }
  const names = await runner.capabilities.graphCut.listTensors();
  if (!names.includes(tensorName)) {
    const shown = names.slice(0, 12).join(', ');
    throw new OrderlensInputError(
      'tensor',
      `unknown tensor "${tensorName}"; the model has ${names.length} intermediate tensors, e.g. ${shown}${names.length > 12 ? ', …' : ''}`,
    );
  }
  return runner.capabilities.graphCut.cut(tensorName);
}

/** Options of {@link FeatureMapMasker.create}. */
export interface FeatureMapMaskerOptions {
  /**
   * The model cut at the feature map (see {@link cutModelAt}), its prefix counted by the
   * caller's gateway (`gateway.wrapFeature(cut.prefix, 'feature-map-prefix')`).
   */
  readonly cut: Omit<GraphCut, 'prefix'> & { readonly prefix: CountedFeatureRunner };
  /** Inputs of one image (batch dimension 1), as the full model takes them. */
  readonly inputs: NamedTensors;
  /** Grid over the feature map's spatial size (cells as in {@link PatchGrid}). */
  readonly grid: { readonly rows: number; readonly cols: number };
  /** Layout of the feature map: `NCHW` (ONNX from PyTorch, default) or `NHWC`. */
  readonly layout?: ImageLayout;
  /** Value of absent cells (default 0, MATH.md's feature-map baseline). */
  readonly baseline?: number;
}

/**
 * Masks cells of an intermediate feature map instead of pixels: the model's prefix runs once per
 * image, then each coalition zeroes (or sets to `baseline`) the absent cells of the map, and the
 * suffix runs on the masked maps. Use `cut.suffix` as the game's runner.
 */
export class FeatureMapMasker implements Masker {
  readonly n: number;
  /** The unmasked feature map (batch 1). */
  readonly featureMap: TensorData;
  readonly grid: PatchGrid;
  readonly shape: ImageShape;
  private readonly inner: PatchMasker;

  private constructor(featureMap: TensorData, grid: PatchGrid, shape: ImageShape, inner: PatchMasker) {
    this.featureMap = featureMap;
    this.grid = grid;
    this.shape = shape;
    this.inner = inner;
    this.n = grid.n;
  }

  /** Runs the prefix on `inputs` and prepares masking of the resulting map. */
  static async create(options: FeatureMapMaskerOptions): Promise<FeatureMapMasker> {
    const { cut, inputs, grid } = options;
    for (const [name, t] of Object.entries(inputs)) {
      requireInput(
        t.dims[0] === 1,
        `inputs.${name}`,
        `expected batch dimension 1 (one image), got dims [${t.dims.join(', ')}]`,
      );
    }
    const map = await cut.prefix.run(inputs);
    requireInput(
      map.type === 'float32',
      'tensor',
      `feature map "${cut.tensorName}" must be float32, got ${map.type}`,
    );
    requireInput(
      map.dims.length === 4 && map.dims[0] === 1,
      'tensor',
      `feature map "${cut.tensorName}" must have dims [1, C, H, W] (or [1, H, W, C]), got [${map.dims.join(', ')}]`,
    );
    const layout = options.layout ?? 'NCHW';
    const shape: ImageShape =
      layout === 'NCHW'
        ? { channels: map.dims[1], height: map.dims[2], width: map.dims[3], layout }
        : { channels: map.dims[3], height: map.dims[1], width: map.dims[2], layout };
    const g = new PatchGrid(grid.rows, grid.cols, shape.height, shape.width);
    const x = map.data as Float32Array;
    const baseline = new Float32Array(x.length).fill(options.baseline ?? 0);
    const inputName = cut.suffix.inputNames[0] ?? cut.tensorName;
    const inner = new PatchMasker({ x, baseline, shape, grid: g, inputName });
    return new FeatureMapMasker(map, g, shape, inner);
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    return this.inner.mask(batch, start, end);
  }
}
