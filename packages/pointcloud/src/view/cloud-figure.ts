import sharp from 'sharp';
import { CAMERA, renderCloudPng, toCamera } from './render-png.js';
import { OTHER_REGION_RGB, playerColour, type CloudScene } from './scene.js';

/** Font of the figure's words; librsvg resolves it through fontconfig (DejaVu on Debian/Ubuntu). */
const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

/** Escapes text for an SVG text node. */
function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const rgb = (c: readonly number[]) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** A signed value with 3 significant digits. */
function signed(v: number): string {
  const t =
    Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4
      ? String(Number(Math.abs(v).toPrecision(3)))
      : Math.abs(v).toExponential(2);
  return `${v < 0 ? '−' : '+'}${t}`;
}

/**
 * The point-cloud PNG with what a reader needs: the scene's title, each player's number beside
 * its centroid, and a legend under the view — the player colours (grey: regions never masked),
 * what the red and blue lines are, and the strongest pairs with their values.
 */
export async function cloudFigurePng(scene: CloudScene, size = 640): Promise<Buffer> {
  const view = renderCloudPng(scene, size);
  const titleH = 30;
  const players = scene.centroids.length;
  const perRow = Math.max(1, Math.floor((size - 20) / 60));
  const playerRows = Math.ceil((players + 1) / perRow);
  const edgeLines = Math.min(scene.edges.length, 5);
  const legendH = 14 + 18 + playerRows * 18 + 6 + 18 + 16 + edgeLines * 16 + 8;
  const W = size;
  const H = titleH + size + legendH;
  const parts: string[] = [
    `<text x="${W / 2}" y="21" text-anchor="middle" font-size="16" font-weight="bold">${xmlText(scene.title)}</text>`,
  ];
  // Player numbers beside the centroid dots, where the PNG renderer put them.
  const f = size / 2 / Math.tan(((CAMERA.fov / 2) * Math.PI) / 180);
  scene.centroids.forEach(([x, y, z], j) => {
    const [r, u, d] = toCamera(x, y, z);
    const px = size / 2 + (f * r) / d;
    const py = titleH + size / 2 - (f * u) / d;
    parts.push(
      `<text x="${px + 7}" y="${py - 6}" font-size="12" font-weight="bold" fill="#111" stroke="#fff" stroke-width="3" paint-order="stroke">${j}</text>`,
    );
  });
  let y = titleH + size + 14;
  const entries = [
    ...Array.from({ length: players }, (_, j) => ({ colour: playerColour(j), label: `player ${j}` })),
    { colour: OTHER_REGION_RGB, label: 'not a player' },
  ];
  parts.push(`<text x="10" y="${y}" font-size="11" fill="#333">players (regions that are masked):</text>`);
  y += 18;
  entries.forEach((e, k) => {
    const x = 10 + (k % perRow) * 60;
    const yy = y + Math.floor(k / perRow) * 18;
    const label = k < players ? String(k) : e.label;
    parts.push(
      `<circle cx="${x + 5}" cy="${yy - 4}" r="5" fill="${rgb(e.colour)}"/>`,
      `<text x="${x + 14}" y="${yy}" font-size="11">${xmlText(label)}</text>`,
    );
  });
  y += playerRows * 18 + 6;
  parts.push(
    `<line x1="10" y1="${y - 4}" x2="34" y2="${y - 4}" stroke="rgb(200,30,30)" stroke-width="3"/>`,
    `<text x="40" y="${y}" font-size="11">positive</text>`,
    `<line x1="100" y1="${y - 4}" x2="124" y2="${y - 4}" stroke="rgb(30,60,200)" stroke-width="3"/>`,
    `<text x="130" y="${y}" font-size="11">negative interaction (line width ∝ |value|)</text>`,
  );
  y += 18;
  parts.push(
    `<text x="10" y="${y}" font-size="11" fill="#333">${
      edgeLines === 0
        ? 'no pairs measured'
        : `the ${edgeLines} strongest pairs, ${xmlText(scene.edgeMeasure)}:`
    }</text>`,
  );
  scene.edges.slice(0, edgeLines).forEach((e, k) => {
    parts.push(
      `<text x="20" y="${y + 16 + k * 16}" font-size="11" fill="#333">players ${e.i} – ${e.j}: ${signed(e.value)}</text>`,
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="${FONT}">${parts.join('')}</svg>`;
  return sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
    .composite([
      { input: Buffer.from(view), left: 0, top: titleH },
      { input: Buffer.from(svg), left: 0, top: 0 },
    ])
    .png()
    .toBuffer();
}
