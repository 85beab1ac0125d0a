import { requireInput } from '@orderlens/core';

/**
 * A decoded 8-bit image, pixels interleaved (`HWC`, row-major), as sharp and most decoders give
 * them. Kept in bytes so datasets stay small; model-space floats are made by
 * {@link toModelInput}.
 */
export interface RawImage {
  readonly data: Uint8Array;
  readonly height: number;
  readonly width: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: number;
}

/** Memory layout of a model input: channels first (PyTorch, ONNX) or last (TensorFlow). */
export type ImageLayout = 'NCHW' | 'NHWC';

/** Shape of one image as the model sees it (without the batch dimension). */
export interface ImageShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly layout: ImageLayout;
}

/** Number of values of one image of `shape`. */
export function imageSize(shape: ImageShape): number {
  return shape.channels * shape.height * shape.width;
}

/** Dims of a batch of `batch` images of `shape`, e.g. `[B, 3, 32, 32]` for NCHW. */
export function batchDims(shape: ImageShape, batch: number): number[] {
  return shape.layout === 'NCHW'
    ? [batch, shape.channels, shape.height, shape.width]
    : [batch, shape.height, shape.width, shape.channels];
}

/** Index of value `(c, y, x)` inside one image of `shape`. */
export function elementIndex(shape: ImageShape, c: number, y: number, x: number): number {
  return shape.layout === 'NCHW'
    ? (c * shape.height + y) * shape.width + x
    : (y * shape.width + x) * shape.channels + c;
}

/** Checks a layout given by a user. */
export function parseLayout(value: string, field = 'layout'): ImageLayout {
  const v = value.toUpperCase();
  requireInput(v === 'NCHW' || v === 'NHWC', field, `expected NCHW or NHWC, got "${value}"`);
  return v;
}

/** Validates a {@link RawImage}. */
export function checkRawImage(img: RawImage, field = 'image'): void {
  requireInput(
    Number.isInteger(img.height) && img.height > 0 && Number.isInteger(img.width) && img.width > 0,
    field,
    `expected a positive integer height and width, got ${img.height}×${img.width}`,
  );
  requireInput(
    img.channels === 1 || img.channels === 3,
    field,
    `expected 1 or 3 channels, got ${img.channels}`,
  );
  requireInput(
    img.data.length === img.height * img.width * img.channels,
    field,
    `expected ${img.height}×${img.width}×${img.channels} = ${img.height * img.width * img.channels} bytes, got ${img.data.length}`,
  );
}
