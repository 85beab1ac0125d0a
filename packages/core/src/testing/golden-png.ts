import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';

/*
 * Golden pictures: a rendered PNG is compared with a stored one by its decoded pixels, so a
 * change to what a chart shows (an axis range, a colour, a missing title) fails a test, while
 * the small differences of another machine's text rasteriser (antialiasing, hinting) do not.
 */

/** A decoded picture: RGB bytes, composited over white. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** `width × height × 3` bytes, row-major. */
  readonly rgb: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes an 8-bit, non-interlaced PNG (grey, grey+alpha, RGB, RGBA or palette: what resvg,
 * sharp and the projects' own encoders write) into RGB over white.
 */
export function decodePng(png: Uint8Array): DecodedPng {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (b.length < 8 || SIGNATURE.some((v, i) => b[i] !== v)) throw new Error('decodePng: not a PNG');
  let width = 0;
  let height = 0;
  let depth = 0;
  let type = 0;
  let interlace = 0;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let o = 8; o < b.length;) {
    const len = b.readUInt32BE(o);
    const kind = b.toString('ascii', o + 4, o + 8);
    const data = b.subarray(o + 8, o + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      type = data[9];
      interlace = data[12];
    } else if (kind === 'PLTE') palette = data;
    else if (kind === 'tRNS') transparency = data;
    else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    o += 12 + len;
  }
  if (depth !== 8 || interlace !== 0)
    throw new Error(`decodePng: only 8-bit non-interlaced PNGs (got depth ${depth}, interlace ${interlace})`);
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[type];
  if (channels === undefined) throw new Error(`decodePng: unknown colour type ${type}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[out + x - channels] : 0;
      const up = y > 0 ? px[out - stride + x] : 0;
      const ul = y > 0 && x >= channels ? px[out - stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += up;
      else if (filter === 3) v += (a + up) >> 1;
      else if (filter === 4) {
        const p = a + up - ul;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - ul);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : ul;
      }
      px[out + x] = v & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    let r: number, g: number, bl: number, al: number;
    const s = i * channels;
    if (type === 0) [r, g, bl, al] = [px[s], px[s], px[s], 255];
    else if (type === 4) [r, g, bl, al] = [px[s], px[s], px[s], px[s + 1]];
    else if (type === 2) [r, g, bl, al] = [px[s], px[s + 1], px[s + 2], 255];
    else if (type === 6) [r, g, bl, al] = [px[s], px[s + 1], px[s + 2], px[s + 3]];
    else {
      const k = px[s];
      [r, g, bl] = [palette![3 * k], palette![3 * k + 1], palette![3 * k + 2]];
      al = transparency && k < transparency.length ? transparency[k] : 255;
    }
    const f = al / 255;
    rgb[3 * i] = Math.round(r * f + 255 * (1 - f));
    rgb[3 * i + 1] = Math.round(g * f + 255 * (1 - f));
    rgb[3 * i + 2] = Math.round(bl * f + 255 * (1 - f));
  }
  return { width, height, rgb };
}

/** How two pictures differ, block by block. */
export interface PictureDifference {
  /** False when the sizes differ (then nothing else is compared). */
  readonly sameSize: boolean;
  /** Share of `block × block` tiles whose mean colour differs by more than the tolerance. */
  readonly differentBlocks: number;
  /** Largest difference of a tile's mean colour, 0–255. */
  readonly maxBlockDifference: number;
}

/**
 * Compares two decoded pictures by the mean colour of `block × block` tiles: averaging over a
 * tile takes out single-pixel antialiasing and hinting differences of text, and keeps anything
 * a reader would see (a line moved, a colour changed, a title or colour bar missing).
 */
export function comparePictures(
  a: DecodedPng,
  b: DecodedPng,
  options: { block?: number; tolerance?: number } = {},
): PictureDifference {
  if (a.width !== b.width || a.height !== b.height)
    return { sameSize: false, differentBlocks: 1, maxBlockDifference: 255 };
  const block = options.block ?? 4;
  const tolerance = options.tolerance ?? 24;
  let blocks = 0;
  let different = 0;
  let worst = 0;
  for (let by = 0; by < a.height; by += block)
    for (let bx = 0; bx < a.width; bx += block) {
      const sa = [0, 0, 0];
      const sb = [0, 0, 0];
      let count = 0;
      for (let y = by; y < Math.min(a.height, by + block); y++)
        for (let x = bx; x < Math.min(a.width, bx + block); x++) {
          const o = 3 * (y * a.width + x);
          for (let c = 0; c < 3; c++) {
            sa[c] += a.rgb[o + c];
            sb[c] += b.rgb[o + c];
          }
          count++;
        }
      const d = Math.max(...[0, 1, 2].map((c) => Math.abs(sa[c] - sb[c]) / count));
      worst = Math.max(worst, d);
      blocks++;
      if (d > tolerance) different++;
    }
  return { sameSize: true, differentBlocks: different / blocks, maxBlockDifference: worst };
}

/** Options of {@link checkGoldenPng}. */
export interface GoldenOptions {
  /** Tile side of the comparison, pixels (default 4). */
  readonly block?: number;
  /** A tile differs when its mean colour moves by more than this, 0–255 (default 24). */
  readonly tolerance?: number;
  /** Share of differing tiles allowed (default 0.005: text of another rasteriser stays under it). */
  readonly maxDifferentBlocks?: number;
}

/**
 * Compares `png` with the golden file at `goldenPath`. With `ORDERLENS_UPDATE_GOLDEN=1` (or when
 * the golden file does not exist yet and the variable is set) the golden file is rewritten
 * instead. Returns a message saying what differs (and where the rendered picture was saved), or
 * undefined when the picture matches.
 */
export function checkGoldenPng(
  png: Uint8Array,
  goldenPath: string,
  options: GoldenOptions = {},
): string | undefined {
  if (process.env.ORDERLENS_UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(goldenPath), { recursive: true });
    writeFileSync(goldenPath, png);
    return undefined;
  }
  if (!existsSync(goldenPath))
    return `no golden picture at ${goldenPath}: run the test with ORDERLENS_UPDATE_GOLDEN=1 to create it, and look at it`;
  const actual = decodePng(png);
  const golden = decodePng(readFileSync(goldenPath));
  const diff = comparePictures(actual, golden, options);
  const allowed = options.maxDifferentBlocks ?? 0.005;
  if (diff.sameSize && diff.differentBlocks <= allowed) return undefined;
  const saved = join(mkdtempSync(join(tmpdir(), 'orderlens-golden-')), basename(goldenPath));
  writeFileSync(saved, png);
  const what = diff.sameSize
    ? `${(100 * diff.differentBlocks).toFixed(2)}% of tiles differ (allowed ${(100 * allowed).toFixed(2)}%, worst ${diff.maxBlockDifference.toFixed(0)}/255)`
    : `the size differs (${actual.width}×${actual.height}, golden ${golden.width}×${golden.height})`;
  return `${basename(goldenPath)}: ${what}; rendered picture saved at ${saved} (ORDERLENS_UPDATE_GOLDEN=1 rewrites the golden file)`;
}

/**
 * Whether fontconfig resolves `family` to that family on this machine — the condition for text
 * drawn through librsvg (sharp) to match a golden picture made with it. Where it does not, a
 * test compares with a looser tolerance and checks the text's places by {@link inkIn} instead.
 */
export function systemFontIs(family: string): boolean {
  try {
    const out = execFileSync('fc-match', ['-f', '%{family}', family], { encoding: 'utf8', timeout: 10_000 });
    return out.split(',').some((f) => f.trim().toLowerCase() === family.toLowerCase());
  } catch {
    return false;
  }
}

/** Number of dark pixels (luminance below 110) in a rectangle of a decoded picture: text is there. */
export function inkIn(pic: DecodedPng, x0: number, y0: number, x1: number, y1: number): number {
  let ink = 0;
  for (let y = Math.max(0, y0); y < Math.min(pic.height, y1); y++)
    for (let x = Math.max(0, x0); x < Math.min(pic.width, x1); x++) {
      const o = 3 * (y * pic.width + x);
      if (0.299 * pic.rgb[o] + 0.587 * pic.rgb[o + 1] + 0.114 * pic.rgb[o + 2] < 110) ink++;
    }
  return ink;
}
