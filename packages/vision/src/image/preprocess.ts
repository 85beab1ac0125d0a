import { OrderlensInputError, float32Tensor, requireInput, type TensorData } from '@orderlens/core';
import {
  checkRawImage,
  elementIndex,
  imageSize,
  type ImageLayout,
  type ImageShape,
  type RawImage,
} from './raw-image.js';

/**
 * How bytes become model inputs: `value = (pixel · scale − mean[c]) / std[c]`, channels in
 * `channelOrder`, laid out as `layout`. `mean` and `std` are per channel (one number applies to
 * every channel), in the scaled units (so `0.5` with `scale = 1/255`).
 */
export interface PreprocessOptions {
  /** Default `NCHW`. */
  readonly layout?: ImageLayout;
  /** Order of colour channels the model expects; default `RGB` (ignored for grey images). */
  readonly channelOrder?: 'RGB' | 'BGR';
  /** Multiplier applied to the bytes first; default `1/255`. */
  readonly scale?: number;
  /** Default 0. */
  readonly mean?: number | readonly number[];
  /** Default 1. */
  readonly std?: number | readonly number[];
}

/** Fully resolved {@link PreprocessOptions}. */
export interface Preprocessing {
  readonly layout: ImageLayout;
  readonly channelOrder: 'RGB' | 'BGR';
  readonly scale: number;
  readonly mean: number[];
  readonly std: number[];
}

/** Resolves defaults and validates against a channel count. */
export function resolvePreprocessing(options: PreprocessOptions, channels: number): Preprocessing {
  const perChannel = (v: number | readonly number[] | undefined, dflt: number, field: string): number[] => {
    if (v === undefined) return new Array<number>(channels).fill(dflt);
    if (typeof v === 'number') return new Array<number>(channels).fill(v);
    requireInput(
      Array.isArray(v) && v.length === channels,
      field,
      `expected ${channels} value(s), one per channel, got ${Array.isArray(v) ? v.length : typeof v}`,
    );
    return [...v];
  };
  const mean = perChannel(options.mean, 0, 'mean');
  const std = perChannel(options.std, 1, 'std');
  for (const m of mean) requireInput(Number.isFinite(m), 'mean', `expected finite numbers, got ${m}`);
  for (const s of std)
    requireInput(Number.isFinite(s) && s > 0, 'std', `expected positive numbers, got ${s}`);
  const scale = options.scale ?? 1 / 255;
  requireInput(
    Number.isFinite(scale) && scale !== 0,
    'scale',
    `expected a finite non-zero number, got ${scale}`,
  );
  const channelOrder = options.channelOrder ?? 'RGB';
  requireInput(
    channelOrder === 'RGB' || channelOrder === 'BGR',
    'channelOrder',
    `expected RGB or BGR, got ${String(channelOrder)}`,
  );
  const layout = options.layout ?? 'NCHW';
  requireInput(
    layout === 'NCHW' || layout === 'NHWC',
    'layout',
    `expected NCHW or NHWC, got ${String(layout)}`,
  );
  return { layout, channelOrder, scale, mean, std };
}

/** Shape of the model input made from images of `height × width × channels`. */
export function modelShape(height: number, width: number, channels: number, layout: ImageLayout): ImageShape {
  return { channels, height, width, layout };
}

/**
 * One image as a model input (no batch dimension), or into `target` at `offset`.
 * With `BGR`, model channel 0 is the image's blue channel.
 */
export function toModelInput(
  img: RawImage,
  options: PreprocessOptions = {},
  target?: Float32Array,
  offset = 0,
): Float32Array {
  checkRawImage(img);
  const p = resolvePreprocessing(options, img.channels);
  const shape = modelShape(img.height, img.width, img.channels, p.layout);
  const out = target ?? new Float32Array(imageSize(shape));
  requireInput(
    out.length - offset >= imageSize(shape),
    'target',
    `needs ${imageSize(shape)} values from offset ${offset}`,
  );
  const { height: H, width: W, channels: C, data } = img;
  for (let c = 0; c < C; c++) {
    // Model channel c reads source channel src (reversed for BGR).
    const src = p.channelOrder === 'BGR' && C === 3 ? C - 1 - c : c;
    const a = p.scale / p.std[c];
    const b = -p.mean[c] / p.std[c];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        out[offset + elementIndex(shape, c, y, x)] = data[(y * W + x) * C + src] * a + b;
      }
    }
  }
  return out;
}

/** A batch of images (all the same size) as one model input tensor. */
export function toModelBatch(images: readonly RawImage[], options: PreprocessOptions = {}): TensorData {
  requireInput(images.length > 0, 'images', 'expected at least one image');
  const first = images[0];
  const p = resolvePreprocessing(options, first.channels);
  const shape = modelShape(first.height, first.width, first.channels, p.layout);
  const size = imageSize(shape);
  const data = new Float32Array(size * images.length);
  images.forEach((img, k) => {
    if (img.height !== first.height || img.width !== first.width || img.channels !== first.channels) {
      throw new OrderlensInputError(
        `images[${k}]`,
        `expected ${first.height}×${first.width}×${first.channels} like images[0], got ${img.height}×${img.width}×${img.channels}`,
      );
    }
    toModelInput(img, p, data, k * size);
  });
  return float32Tensor(
    data,
    p.layout === 'NCHW'
      ? [images.length, shape.channels, shape.height, shape.width]
      : [images.length, shape.height, shape.width, shape.channels],
  );
}

/**
 * Per-channel mean of a model input in model space: the "dataset mean" baseline when given the
 * mean image bytes, or the mean of one image.
 */
export function channelMeans(x: Float32Array, shape: ImageShape): number[] {
  const out = new Array<number>(shape.channels).fill(0);
  const hw = shape.height * shape.width;
  for (let c = 0; c < shape.channels; c++) {
    let s = 0;
    for (let y = 0; y < shape.height; y++)
      for (let xx = 0; xx < shape.width; xx++) s += x[elementIndex(shape, c, y, xx)];
    out[c] = s / hw;
  }
  return out;
}

/** Maps a per-channel mean of bytes (0–255) to model space. */
export function byteMeanToModel(byteMean: readonly number[], p: Preprocessing): number[] {
  const C = byteMean.length;
  return byteMean.map((_, c) => {
    const src = p.channelOrder === 'BGR' && C === 3 ? C - 1 - c : c;
    return (byteMean[src] * p.scale - p.mean[c]) / p.std[c];
  });
}
