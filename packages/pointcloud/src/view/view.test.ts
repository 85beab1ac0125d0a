import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lacks, openHeadlessPage, scaledTimeout } from '@orderlens/core/testing';
import { normalizeCloud } from '../cloud/point-cloud.js';
import { buildRegionPlayers } from '../players/region-players.js';
import { readCloudFile } from '../readers/read-cloud.js';
import { ARTIFACTS, PCD_DIR } from '../test-utils/paths.js';
import { cloudHtmlView } from './html-view.js';
import { renderCloudPng } from './render-png.js';
import type { CloudScene } from './scene.js';

function chairScene(): CloudScene {
  const cloud = normalizeCloud(readCloudFile(join(PCD_DIR, 'chair_0890.pcd'))).cloud;
  const p = buildRegionPlayers(cloud, { regions: 30, players: 10, rule: 'random', seed: 0, key: 'chair' });
  const playerOfPoint = new Int32Array(cloud.count).fill(-1);
  p.descriptor.pointIndices.forEach((idx, j) => idx.forEach((i) => (playerOfPoint[i] = j)));
  return {
    title: 'chair_0890',
    positions: cloud.positions,
    playerOfPoint,
    centroids: p.descriptor.centroids,
    edges: [
      { i: 0, j: 3, value: 0.8 },
      { i: 1, j: 7, value: -0.5 },
      { i: 2, j: 9, value: 0.2 },
    ],
    edgeMeasure: 'test values',
  };
}

/** Decodes our own PNGs (filter 0 rows only) back to RGBA. */
function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  let o = 8;
  const idat: Uint8Array[] = [];
  while (o < png.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    if (type === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    rgba.set(raw.subarray(y * (1 + 4 * width) + 1, (y + 1) * (1 + 4 * width)), y * 4 * width);
  return { width, height, rgba };
}

describe('pictures of one cloud', () => {
  it('PNG from the fixed camera: valid, not blank, with the player colours', () => {
    const png = renderCloudPng(chairScene(), 320);
    const { width, height, rgba } = decodePng(png);
    expect([width, height]).toEqual([320, 320]);
    let coloured = 0,
      blue = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      if (rgba[i] < 250 || rgba[i + 1] < 250 || rgba[i + 2] < 250) coloured++;
      if (rgba[i] === 31 && rgba[i + 1] === 119 && rgba[i + 2] === 180) blue++; // player 0's centroid dot
    }
    expect(coloured).toBeGreaterThan(2000);
    expect(blue).toBeGreaterThan(10);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'chair-regions.png'), png);
  });

  it.skipIf(lacks('chromium', 'the point-cloud view opened in headless Chromium'))(
    'HTML view opens in headless Chromium with no console errors and a non-empty canvas',
    async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, 'chair-view.html');
      writeFileSync(file, cloudHtmlView(chairScene()));
      const { page, errors, requests, close } = await openHeadlessPage({ width: 640, height: 480 });
      try {
        await page.goto(`file://${file}`);
        await page.waitForFunction(
          () => (window as unknown as { __orderlensReady?: boolean }).__orderlensReady === true,
          null,
          {
            timeout: scaledTimeout(60_000),
          },
        );
        const painted = await page.evaluate(() => {
          const c = document.getElementById('view') as HTMLCanvasElement;
          const copy = document.createElement('canvas');
          copy.width = c.width;
          copy.height = c.height;
          const ctx = copy.getContext('2d')!;
          ctx.drawImage(c, 0, 0);
          const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
          return n;
        });
        await page.screenshot({ path: join(ARTIFACTS, 'chair-view.png') });
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        expect(painted).toBeGreaterThan(1000);
      } finally {
        await close();
      }
    },
  );
});
