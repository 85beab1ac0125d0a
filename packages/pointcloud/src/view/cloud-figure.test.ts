import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkGoldenPng, decodePng, inkIn, systemFontIs } from '@orderlens/core/testing';
import { cloudFigurePng } from './cloud-figure.js';
import { playerColour, type CloudScene } from './scene.js';

const GOLDEN = fileURLToPath(new URL('./__golden__/cloud.png', import.meta.url));

/** A fixed scene: 600 points on a sphere (Fibonacci spiral), six players by longitude, three pairs. */
function scene(): CloudScene {
  const N = 600;
  const positions = new Float32Array(3 * N);
  const playerOfPoint = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const z = 1 - (2 * i + 1) / N;
    const r = Math.sqrt(1 - z * z);
    const a = i * 2.399963;
    positions.set([0.8 * r * Math.cos(a), 0.8 * r * Math.sin(a), 0.8 * z], 3 * i);
    const sector = Math.floor(((a % (2 * Math.PI)) / (2 * Math.PI)) * 8);
    playerOfPoint[i] = sector < 6 ? sector : -1;
  }
  const centroids = Array.from({ length: 6 }, (_, j) => {
    const a = ((j + 0.5) / 8) * 2 * Math.PI;
    return [0.6 * Math.cos(a), 0.6 * Math.sin(a), 0] as const;
  });
  return {
    title: 'chair_0890 (class chair)',
    positions,
    playerOfPoint,
    centroids,
    edges: [
      { i: 0, j: 3, value: 0.42 },
      { i: 1, j: 2, value: -0.31 },
      { i: 4, j: 5, value: 0.12 },
    ],
    edgeMeasure: 'Shapley interaction index',
  };
}

describe('point-cloud figure', () => {
  it('has a title, player numbers and a legend of colours and pairs (golden picture)', async () => {
    const png = await cloudFigurePng(scene(), 400);
    const { width, height } = decodePng(png);
    // The view is 400 × 400; the title and the legend add rows above and below it.
    expect(width).toBe(400);
    expect(height).toBeGreaterThan(400 + 120);
    // Text goes through librsvg and the system's fonts: with the golden's font the picture must
    // match; with another, only the drawing must, and the words are checked by where their ink is.
    const sameFont = systemFontIs('DejaVu Sans');
    expect(checkGoldenPng(png, GOLDEN, sameFont ? {} : { maxDifferentBlocks: 0.08 })).toBeUndefined();
    const pic = decodePng(png);
    expect(inkIn(pic, 0, 0, width, 30), 'title').toBeGreaterThan(150);
    expect(inkIn(pic, 0, 430, width, height), 'legend').toBeGreaterThan(600);
    // The legend shows every player's colour (a swatch per player) and the red and blue lines.
    const legend = new Set<string>();
    for (let y = 430; y < height; y++)
      for (let x = 0; x < width; x++)
        legend.add(Array.from(pic.rgb.subarray(3 * (y * width + x), 3 * (y * width + x) + 3)).join(','));
    for (let j = 0; j < 6; j++)
      expect(legend.has(playerColour(j).join(',')), `player ${j} in the legend`).toBe(true);
    expect(legend.has('200,30,30') && legend.has('30,60,200'), 'edge colours in the legend').toBe(true);
  });
});
