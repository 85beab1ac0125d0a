import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkGoldenPng, comparePictures, decodePng, type DecodedPng } from './golden-png.js';
import { tempDir } from './tmp.js';

const tmp = tempDir('orderlens-golden-');
afterAll(() => tmp.cleanup());
afterEach(() => {
  delete process.env.ORDERLENS_UPDATE_GOLDEN;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG whose row y uses filter `filters[y % filters.length]` (the encoder side of PNG filters). */
function encode(rgba: Uint8Array, width: number, height: number, filters: number[]): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  const px = (y: number, x: number) => (y < 0 || x < 0 ? 0 : rgba[y * stride + x]);
  for (let y = 0; y < height; y++) {
    const f = filters[y % filters.length];
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const a = px(y, x - 4);
      const b = px(y - 1, x);
      const c = px(y - 1, x - 4);
      const p = a + b - c;
      const pred =
        f === 0
          ? 0
          : f === 1
            ? a
            : f === 2
              ? b
              : f === 3
                ? (a + b) >> 1
                : Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
                  ? a
                  : Math.abs(p - b) <= Math.abs(p - c)
                    ? b
                    : c;
      raw[y * (stride + 1) + 1 + x] = (rgba[y * stride + x] - pred) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A white 40×40 picture with a black horizontal line at row `y` (3 px thick). */
function picture(y: number, noise = 0): Uint8Array {
  const rgba = new Uint8Array(40 * 40 * 4).fill(255);
  for (let r = y; r < y + 3; r++)
    for (let x = 0; x < 40; x++) rgba.fill(0, (r * 40 + x) * 4, (r * 40 + x) * 4 + 3);
  for (let k = 0; k < noise; k++) rgba[((7 * k * 37) % 1600) * 4] = 128; // scattered single-pixel changes
  return rgba;
}

describe('golden pictures', () => {
  it('decodes every PNG filter type, alpha over white', () => {
    const rgba = new Uint8Array(5 * 5 * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 53 + 17) % 256;
    for (let p = 0; p < 25; p++) rgba[4 * p + 3] = 255;
    rgba[3] = 0; // the first pixel transparent: white
    const decoded = decodePng(encode(rgba, 5, 5, [0, 1, 2, 3, 4]));
    expect([decoded.width, decoded.height]).toEqual([5, 5]);
    expect(Array.from(decoded.rgb.subarray(0, 3))).toEqual([255, 255, 255]);
    for (let p = 1; p < 25; p++)
      expect(Array.from(decoded.rgb.subarray(3 * p, 3 * p + 3))).toEqual(
        Array.from(rgba.subarray(4 * p, 4 * p + 3)),
      );
    expect(() => decodePng(Buffer.from('not a png'))).toThrow(/not a PNG/);
  });

  it('ignores scattered single pixels, catches a line that moved', () => {
    const at = (y: number, noise = 0): DecodedPng => decodePng(encode(picture(y, noise), 40, 40, [4]));
    expect(comparePictures(at(10), at(10, 12)).differentBlocks).toBe(0);
    expect(comparePictures(at(10), at(20)).differentBlocks).toBeGreaterThan(0.1);
    expect(comparePictures(at(10), decodePng(encode(new Uint8Array(8 * 8 * 4), 8, 8, [0]))).sameSize).toBe(
      false,
    );
  });

  it('ORDERLENS_UPDATE_GOLDEN=1 writes the golden file; then a different picture fails with a saved copy', () => {
    const golden = join(tmp.dir, 'g', 'line.png');
    expect(checkGoldenPng(encode(picture(10), 40, 40, [0]), golden)).toMatch(
      /no golden picture.*ORDERLENS_UPDATE_GOLDEN=1/,
    );
    process.env.ORDERLENS_UPDATE_GOLDEN = '1';
    expect(checkGoldenPng(encode(picture(10), 40, 40, [0]), golden)).toBeUndefined();
    delete process.env.ORDERLENS_UPDATE_GOLDEN;
    expect(existsSync(golden)).toBe(true);
    expect(checkGoldenPng(encode(picture(10, 12), 40, 40, [2]), golden)).toBeUndefined();
    const message = checkGoldenPng(encode(picture(25), 40, 40, [0]), golden);
    expect(message).toMatch(/line\.png: \d+\.\d+% of tiles differ/);
    const saved = /saved at (\S+)/.exec(message!)![1];
    expect(readFileSync(saved).equals(encode(picture(25), 40, 40, [0]))).toBe(true);
  });
});
