import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-utils/tmp.js';
import { heatmapPng, linePlot, strengthPlot, writePlot } from './plots.js';
import { PNG_SIGNATURE, encodePng, pngSize } from '@orderlens/core';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
});

/** Decodes an 8-bit RGBA, filter-0 PNG (what encodePng writes) back to pixels. */
function decodeRgba(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  const { width, height } = pngSize(png);
  let off = 8;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    if (type === 'IDAT') idat.push(png.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, rgba };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  expect(m).not.toBeNull();
  return { width: Number(m![1]), height: Number(m![2]) };
}

describe('plots', () => {
  it('draws strength curves with a theory curve as SVG and PNG', async () => {
    const plot = await strengthPlot({
      curves: [
        { label: 'model A', ratios: [0, 0.5, 1], orders: [0, 3, 6], J: [1, 0.4, 0.9] },
        { label: 'model B', ratios: [0, 0.5, 1], J: [1, 0.7, 0.2] },
      ],
      theory: { label: 'theory F̂', ratios: [0, 0.25, 0.5, 0.75, 1], values: [1, 0.5, 0.3, 0.2, 0.14] },
      title: 'Strength test',
      yLabel: 'Ĵ(m)',
    });
    expect(plot.svg.startsWith('<svg')).toBe(true);
    expect(plot.svg.trim().endsWith('</svg>')).toBe(true);
    for (const text of ['Strength test', 'model A', 'model B', 'theory F̂', 'order ratio m/(n−2)'])
      expect(plot.svg).toContain(text);
    expect(plot.svg).toContain('stroke-dasharray="8,4"'); // the theory curve is dashed
    expect(plot.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const s = svgSize(plot.svg);
    expect(pngSize(plot.png)).toEqual({ width: Math.round(2 * s.width), height: Math.round(2 * s.height) });
  });

  it('falls back to orders on the x axis and rejects mismatched series', async () => {
    const plot = await strengthPlot({
      curves: [{ label: 'c', orders: [0, 1, 2], J: [3, 2, 1] }],
      title: 't',
      yLabel: 'J',
    });
    expect(plot.svg).toContain('order m');
    await expect(strengthPlot({ curves: [{ label: 'c', J: [1] }], title: 't', yLabel: 'J' })).rejects.toThrow(
      /needs orders or ratios/,
    );
    await expect(
      linePlot({ series: [{ label: 'a', x: [1, 2], y: [1] }], title: 't', xLabel: 'x', yLabel: 'y' }),
    ).rejects.toThrow(/series\[0\]: x has 2 values but y has 1/);
  });

  it('writes .svg and .png atomically', async () => {
    tmp = tempDir();
    const plot = await linePlot({
      series: [{ label: 'acc', x: [0, 1, 2], y: [0.5, 0.7, 0.9] }],
      title: 'Accuracy',
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yDomain: [0, 1],
    });
    const paths = writePlot(join(tmp.dir, 'sub', 'acc.png'), plot);
    expect(paths).toEqual({ svg: join(tmp.dir, 'sub', 'acc.svg'), png: join(tmp.dir, 'sub', 'acc.png') });
    expect(readFileSync(paths.svg, 'utf8')).toBe(plot.svg);
    expect(readFileSync(paths.png).equals(plot.png)).toBe(true);
    expect(readdirSync(join(tmp.dir, 'sub')).sort()).toEqual(['acc.png', 'acc.svg']);
    expect(existsSync(`${paths.png}.tmp`)).toBe(false);
  });

  it('renders heatmaps with a diverging colormap and nearest-neighbour cells', () => {
    // 2×2 cells: -1, 0 / 1, NaN → blue, white, red, transparent.
    const png = heatmapPng(new Float32Array([-1, 0, 1, NaN]), 2, 2, { width: 4, height: 6 });
    const { width, height, rgba } = decodeRgba(png);
    expect([width, height]).toEqual([4, 6]);
    const px = (x: number, y: number) =>
      Array.from(rgba.subarray(4 * (y * width + x), 4 * (y * width + x) + 4));
    expect(px(0, 0)).toEqual([33, 102, 172, 255]);
    expect(px(1, 2)).toEqual([33, 102, 172, 255]); // same cell
    expect(px(3, 0)).toEqual([255, 255, 255, 255]);
    expect(px(0, 5)).toEqual([178, 24, 43, 255]);
    expect(px(3, 5)[3]).toBe(0);
    const faded = decodeRgba(heatmapPng([0.5, -2], 1, 2, { width: 2, height: 1, alpha: 'magnitude' }));
    expect(faded.rgba[3]).toBe(64); // |0.5| / 2 → 0.25 opacity
    expect(faded.rgba[7]).toBe(255);
    expect(() => heatmapPng([1, 2, 3], 2, 2, { width: 4, height: 4 })).toThrow(
      /values: expected rows × cols = 4 values, got 3/,
    );
  });

  it('encodes a PNG readable by resvg-independent decoding', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128]);
    const png = encodePng(rgba, 2, 1);
    expect(decodeRgba(png).rgba).toEqual(rgba);
    expect(() => encodePng(rgba, 3, 1)).toThrow(/expected 12 bytes/);
    expect(() => pngSize(Buffer.from('not a png at all, really not'))).toThrow(/not a PNG/);
  });
});
