import { encodePng } from '@orderlens/core';
import { OTHER_REGION_RGB, playerColour, type CloudScene } from './scene.js';

/** The fixed camera of the PNG and of the HTML view's initial position. */
export const CAMERA = {
  /** Degrees around +z (the ModelNet up axis) from +x. */
  azimuth: -60,
  /** Degrees above the xy plane. */
  elevation: 20,
  /** Distance from the origin, in unit-sphere radii. */
  distance: 3.2,
  /** Vertical field of view, degrees. */
  fov: 40,
} as const;

/** Camera-space position of a point: `x` right, `y` up, `depth` away from the camera. */
export function toCamera(x: number, y: number, z: number): [number, number, number] {
  const a = (CAMERA.azimuth * Math.PI) / 180;
  const e = (CAMERA.elevation * Math.PI) / 180;
  // Camera at distance·(cos e cos a, cos e sin a, sin e), looking at the origin, +z up.
  const fx = -Math.cos(e) * Math.cos(a),
    fy = -Math.cos(e) * Math.sin(a),
    fz = -Math.sin(e);
  const rx = -Math.sin(a),
    ry = Math.cos(a);
  // up = right × forward, so that right × up points back at the camera (a right-handed view).
  const ux = ry * fz,
    uy = -rx * fz,
    uz = rx * fy - ry * fx;
  const right = x * rx + y * ry;
  const up = x * ux + y * uy + z * uz;
  const depth = CAMERA.distance + (x * fx + y * fy + z * fz);
  return [right, up, depth];
}

/**
 * Renders a cloud from {@link CAMERA} into a PNG, in plain TypeScript (no browser, no GPU): points
 * are perspective-projected and drawn far to near as shaded discs coloured by player (grey for
 * regions that are never masked), then the strongest pairs as lines between centroids — red for
 * positive, blue for negative values, width by |value| — with a dot on each player's centroid.
 */
export function renderCloudPng(scene: CloudScene, size = 640): Uint8Array {
  const W = size,
    H = size;
  const img = new Uint8Array(W * H * 4).fill(255);
  const f = H / 2 / Math.tan(((CAMERA.fov / 2) * Math.PI) / 180);
  const project = (x: number, y: number, z: number): [number, number, number] => {
    const [r, u, d] = toCamera(x, y, z);
    return [W / 2 + (f * r) / d, H / 2 - (f * u) / d, d];
  };
  const plot = (px: number, py: number, rgb: readonly number[], alpha = 1) => {
    const x = Math.round(px),
      y = Math.round(py);
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const o = 4 * (y * W + x);
    for (let c = 0; c < 3; c++) img[o + c] = Math.round(img[o + c] * (1 - alpha) + rgb[c] * alpha);
  };
  const disc = (cx: number, cy: number, r: number, rgb: readonly number[], alpha = 1) => {
    for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++)
      for (let dx = -Math.ceil(r); dx <= Math.ceil(r); dx++)
        if (dx * dx + dy * dy <= r * r) plot(cx + dx, cy + dy, rgb, alpha);
  };
  const n = scene.positions.length / 3;
  const order = Array.from({ length: n }, (_, i) => i);
  const proj = order.map((i) =>
    project(scene.positions[3 * i], scene.positions[3 * i + 1], scene.positions[3 * i + 2]),
  );
  order.sort((a, b) => proj[b][2] - proj[a][2]);
  for (const i of order) {
    const p = scene.playerOfPoint[i];
    const base = p >= 0 ? playerColour(p) : OTHER_REGION_RGB;
    // Nearer points a little brighter, so depth reads without lighting.
    const shade = 0.8 + 0.2 * Math.max(0, Math.min(1, (CAMERA.distance + 1 - proj[i][2]) / 2));
    disc(
      proj[i][0],
      proj[i][1],
      2.2,
      base.map((c) => Math.min(255, c * shade)),
    );
  }
  const maxAbs = Math.max(1e-12, ...scene.edges.map((e) => Math.abs(e.value)));
  for (const e of scene.edges) {
    const a = project(...scene.centroids[e.i]);
    const b = project(...scene.centroids[e.j]);
    const width = 1.5 + 3.5 * (Math.abs(e.value) / maxAbs);
    const rgb = e.value >= 0 ? [200, 30, 30] : [30, 60, 200];
    const steps = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]));
    for (let s = 0; s <= steps; s++) {
      const t = steps === 0 ? 0 : s / steps;
      disc(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), width / 2, rgb, 0.85);
    }
  }
  scene.centroids.forEach((c, j) => {
    const p = project(...c);
    disc(p[0], p[1], 5, [0, 0, 0]);
    disc(p[0], p[1], 3.5, playerColour(j));
  });
  return encodePng(img, W, H);
}
