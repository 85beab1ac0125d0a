import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { OrderlensInputError, requireInput } from '@orderlens/core';
import { checkRawImage, type RawImage } from './raw-image.js';

/** Decoding and geometric preprocessing, applied in this order: resize, then centre crop. */
export interface ReadImageOptions {
  /** Output channels: 3 (RGB, alpha flattened onto black) or 1 (luminance). Default 3. */
  readonly channels?: 1 | 3;
  /** Resize to exactly this size (`fit` decides how the aspect ratio is handled). */
  readonly resize?: {
    readonly width: number;
    readonly height: number;
    readonly fit?: 'fill' | 'cover' | 'contain';
  };
  /** Resize so that the shorter side has this length, keeping the aspect ratio (ImageNet style). */
  readonly resizeShorter?: number;
  /** Crop a centred window of this size after resizing. */
  readonly centerCrop?: { readonly width: number; readonly height: number };
}

/**
 * Decodes an image file or buffer (PNG, JPEG, WebP, GIF, TIFF, … — whatever sharp reads) into an
 * 8-bit {@link RawImage}. Throws an {@link OrderlensInputError} naming the file when it cannot be
 * decoded or a crop does not fit.
 */
export async function readImage(
  source: string | Uint8Array,
  options: ReadImageOptions = {},
): Promise<RawImage> {
  const label = typeof source === 'string' ? source : `<buffer of ${source.length} bytes>`;
  const channels = options.channels ?? 3;
  requireInput(channels === 1 || channels === 3, 'channels', `expected 1 or 3, got ${String(channels)}`);
  if (options.resizeShorter !== undefined) {
    requireInput(
      Number.isInteger(options.resizeShorter) && options.resizeShorter > 0,
      'resizeShorter',
      `expected a positive integer, got ${options.resizeShorter}`,
    );
  }
  let pipeline: sharp.Sharp;
  let meta: sharp.Metadata;
  try {
    pipeline = sharp(source, { failOn: 'error' });
    meta = await pipeline.metadata();
  } catch (e) {
    throw new OrderlensInputError('image', `cannot read ${label}: ${(e as Error).message}`);
  }
  requireInput(
    meta.width !== undefined && meta.height !== undefined,
    'image',
    `cannot read the size of ${label}`,
  );
  let w = meta.autoOrient?.width ?? meta.width;
  let h = meta.autoOrient?.height ?? meta.height;
  pipeline = pipeline.rotate(); // honour EXIF orientation
  if (options.resize) {
    const { width, height, fit } = options.resize;
    requireInput(
      Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0,
      'resize',
      `expected positive integer width and height, got ${width}×${height}`,
    );
    pipeline = pipeline.resize(width, height, { fit: fit ?? 'fill', background: { r: 0, g: 0, b: 0 } });
    w = width;
    h = height;
  } else if (options.resizeShorter !== undefined) {
    const s = options.resizeShorter;
    const f = s / Math.min(w, h);
    w = Math.max(1, Math.round(w * f));
    h = Math.max(1, Math.round(h * f));
    pipeline = pipeline.resize(w, h, { fit: 'fill' });
  }
  if (options.centerCrop) {
    const { width, height } = options.centerCrop;
    requireInput(
      Number.isInteger(width) &&
        width > 0 &&
        Number.isInteger(height) &&
        height > 0 &&
        width <= w &&
        height <= h,
      'centerCrop',
      `a ${width}×${height} crop does not fit the ${w}×${h} image ${label}`,
    );
    // Extract needs its own pipeline stage after resize.
    pipeline = sharp(await toBuffer(pipeline, label)).extract({
      left: Math.floor((w - width) / 2),
      top: Math.floor((h - height) / 2),
      width,
      height,
    });
    w = width;
    h = height;
  }
  pipeline =
    channels === 1
      ? pipeline.flatten({ background: '#000000' }).grayscale()
      : pipeline.flatten({ background: '#000000' }).toColourspace('srgb');
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new OrderlensInputError('image', `cannot decode ${label}: ${(e as Error).message}`);
  }
  const { info } = out;
  let data = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length);
  // sharp may keep 3 bands for a grey request or vice versa on odd inputs; reduce to what was asked.
  if (info.channels !== channels)
    data = convertChannels(data, info.width * info.height, info.channels, channels);
  const img: RawImage = { data: new Uint8Array(data), height: info.height, width: info.width, channels };
  checkRawImage(img, 'image');
  return img;
}

async function toBuffer(p: sharp.Sharp, label: string): Promise<Buffer> {
  try {
    return await p.png().toBuffer();
  } catch (e) {
    throw new OrderlensInputError('image', `cannot decode ${label}: ${(e as Error).message}`);
  }
}

function convertChannels(src: Uint8Array, pixels: number, from: number, to: 1 | 3): Uint8Array {
  const out = new Uint8Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    if (to === 1) {
      // ITU-R BT.601 luma, as sharp's grayscale.
      out[p] =
        from >= 3
          ? Math.round(0.299 * src[p * from] + 0.587 * src[p * from + 1] + 0.114 * src[p * from + 2])
          : src[p * from];
    } else {
      for (let c = 0; c < 3; c++) out[p * 3 + c] = src[p * from + Math.min(c, from - 1)];
    }
  }
  return out;
}

/** Encodes a {@link RawImage} as PNG bytes. */
export async function encodePng(img: RawImage): Promise<Buffer> {
  checkRawImage(img);
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: img.channels as 1 | 3 },
  })
    .png()
    .toBuffer();
}

/** Writes a {@link RawImage} as a PNG file. */
export async function writePng(img: RawImage, path: string): Promise<void> {
  const png = await encodePng(img);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
}
