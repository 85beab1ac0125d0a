import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImage } from './decode.js';
import { channelMeans, toModelBatch, toModelInput } from './preprocess.js';
import { elementIndex, type RawImage } from './raw-image.js';

const img: RawImage = {
  height: 2,
  width: 3,
  channels: 3,
  data: Uint8Array.from({ length: 18 }, (_, i) => i * 10),
};

describe('preprocessing', () => {
  it('normalises per channel into NCHW and NHWC consistently', () => {
    const opts = { mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 2] };
    const a = toModelInput(img, { ...opts, layout: 'NCHW' });
    const b = toModelInput(img, { ...opts, layout: 'NHWC' });
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 3; x++) {
          const want = (img.data[(y * 3 + x) * 3 + c] / 255 - opts.mean[c]) / opts.std[c];
          expect(a[elementIndex({ channels: 3, height: 2, width: 3, layout: 'NCHW' }, c, y, x)]).toBeCloseTo(
            want,
            6,
          );
          expect(b[elementIndex({ channels: 3, height: 2, width: 3, layout: 'NHWC' }, c, y, x)]).toBeCloseTo(
            want,
            6,
          );
        }
      }
    }
  });

  it('reverses channels for BGR and batches images', () => {
    const bgr = toModelInput(img, { channelOrder: 'BGR', scale: 1 });
    expect(bgr[0]).toBe(img.data[2]); // model channel 0, pixel 0 = blue
    expect(bgr[2 * 6]).toBe(img.data[0]);
    const t = toModelBatch([img, img], { layout: 'NHWC' });
    expect(t.dims).toEqual([2, 2, 3, 3]);
    expect(() => toModelBatch([img, { ...img, width: 2, data: img.data.subarray(0, 12) }])).toThrow(
      /images\[1\]/,
    );
    expect(() => toModelInput(img, { std: [1, 0, 1] })).toThrow(/std/);
    expect(
      channelMeans(toModelInput(img, { scale: 1 }), { channels: 3, height: 2, width: 3, layout: 'NCHW' }),
    ).toEqual([75, 85, 95]);
  });
});

describe('decoding with sharp', () => {
  it('decodes, resizes, centre-crops and converts channels', async () => {
    const W = 8;
    const H = 6;
    const px = Buffer.alloc(W * H * 4);
    for (let p = 0; p < W * H; p++) px.set([p * 5, 255 - p * 5, (p * 13) % 256, 255], p * 4);
    const png = await sharp(px, { raw: { width: W, height: H, channels: 4 } })
      .png()
      .toBuffer();
    const full = await readImage(png);
    expect([full.height, full.width, full.channels]).toEqual([H, W, 3]);
    expect(Array.from(full.data.subarray(3, 6))).toEqual([5, 250, 13]);
    const crop = await readImage(png, { centerCrop: { width: 4, height: 2 } });
    // Centre crop of 8×6 to 4×2 starts at (x=2, y=2).
    expect(Array.from(crop.data.subarray(0, 3))).toEqual(
      Array.from(full.data.subarray((2 * W + 2) * 3, (2 * W + 2) * 3 + 3)),
    );
    const small = await readImage(png, {
      resizeShorter: 3,
      centerCrop: { width: 3, height: 3 },
      channels: 1,
    });
    expect([small.height, small.width, small.channels]).toEqual([3, 3, 1]);
    await expect(readImage(png, { centerCrop: { width: 9, height: 2 } })).rejects.toThrow(/centerCrop/);
    await expect(readImage(new Uint8Array([1, 2, 3]))).rejects.toThrow(/image: cannot read/);
    await expect(readImage('/nonexistent/x.png')).rejects.toThrow(/image: cannot read \/nonexistent/);
  });
});
