import { CLOUD_SCENE_SCRIPT, threeImportMap } from './cloud-scene-script.js';
import { CAMERA } from './render-png.js';
import { OTHER_REGION_RGB, playerColour, type CloudScene } from './scene.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A self-contained HTML page with a three.js view of one cloud: points coloured by player (grey
 * for regions never masked), the strongest pairs as lines between region centroids (red positive,
 * blue negative), orbit controls — drawn by {@link CLOUD_SCENE_SCRIPT}, the scene the report uses.
 * three.js and OrbitControls are inlined as data: URLs behind an import map, so the page needs no
 * network and no files beside it. The camera starts where the PNG's fixed camera is.
 * `window.__orderlensReady` turns true after the first frame (for tests).
 */
export function cloudHtmlView(scene: CloudScene): string {
  const colours: number[] = [];
  const counts = scene.centroids.map(() => 0);
  for (let i = 0; i < scene.playerOfPoint.length; i++) {
    const p = scene.playerOfPoint[i];
    if (p >= 0) counts[p]++;
    colours.push(...(p >= 0 ? playerColour(p) : OTHER_REGION_RGB).map((c) => c / 255));
  }
  const maxAbs = Math.max(1e-12, ...scene.edges.map((e) => Math.abs(e.value)));
  const payload = {
    points: {
      positions: Array.from(scene.positions, (v) => Math.round(v * 1e5) / 1e5),
      colours: colours.map((c) => Math.round(c * 1000) / 1000),
    },
    centroids: scene.centroids,
    counts,
    playerColours: scene.centroids.map((_, j) => playerColour(j).map((c) => c / 255)),
    edges: scene.edges.map((e) => ({ ...e, weight: Math.abs(e.value) / maxAbs })),
    measure: scene.edgeMeasure,
    camera: CAMERA,
  };
  const legend = scene.edges
    .map(
      (e) =>
        `<li><span style="color:rgb(${playerColour(e.i).join(',')})">●</span> ${e.i} – <span style="color:rgb(${playerColour(e.j).join(',')})">●</span> ${e.j}: ${e.value.toPrecision(3)}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' data:; style-src 'unsafe-inline'">
<title>${escapeHtml(scene.title)}</title>
<style>
html, body { margin: 0; height: 100%; font: 14px system-ui, sans-serif; }
#view { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
#info { position: absolute; left: 12px; top: 8px; background: rgba(255,255,255,0.85); padding: 6px 10px; border-radius: 4px; }
#info ul { margin: 4px 0 0; padding-left: 18px; }
</style>
<script type="importmap">${threeImportMap()}</script>
</head>
<body>
<canvas id="view"></canvas>
<div id="info"><b>${escapeHtml(scene.title)}</b><br>strongest pairs (${escapeHtml(scene.edgeMeasure)}; red positive, blue negative):<ul>${legend}</ul>drag to orbit, scroll to zoom</div>
<script id="scene-data-pointcloud" type="application/json">${JSON.stringify([{ id: 'view', scene: payload }]).replace(/</g, '\\u003c')}</script>
<script type="module">${CLOUD_SCENE_SCRIPT}</script>
</body>
</html>
`;
}
