import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CAMERA } from './render-png.js';
import { OTHER_REGION_RGB, playerColour, type CloudScene } from './scene.js';

/** three.js sources inlined into the page, read once per process. */
let threeSources: { core: string; module: string; orbit: string } | undefined;

function loadThree(): { core: string; module: string; orbit: string } {
  if (threeSources) return threeSources;
  const build = dirname(createRequire(import.meta.url).resolve('three'));
  const core = readFileSync(join(build, 'three.core.js'), 'utf8');
  // three.module.js imports its core by a relative path, which means nothing inside a data: URL;
  // point it at the import map's bare name instead.
  const module = readFileSync(join(build, 'three.module.js'), 'utf8').replaceAll(
    "'./three.core.js'",
    "'three/core'",
  );
  const orbit = readFileSync(join(build, '..', 'examples', 'jsm', 'controls', 'OrbitControls.js'), 'utf8');
  threeSources = { core, module, orbit };
  return threeSources;
}

const dataUrl = (js: string) => `data:text/javascript;base64,${Buffer.from(js, 'utf8').toString('base64')}`;
const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A self-contained HTML page with a three.js view of one cloud: points coloured by player (grey
 * for regions never masked), the strongest pairs as lines between region centroids (red positive,
 * blue negative), orbit controls. three.js and OrbitControls are inlined as data: URLs behind an
 * import map, so the page needs no network and no files beside it. The camera starts where the
 * PNG's fixed camera is. `window.__orderlensReady` turns true after the first frame (for tests).
 */
export function cloudHtmlView(scene: CloudScene): string {
  const three = loadThree();
  const colours: number[] = [];
  for (let i = 0; i < scene.playerOfPoint.length; i++) {
    const p = scene.playerOfPoint[i];
    colours.push(...(p >= 0 ? playerColour(p) : OTHER_REGION_RGB).map((c) => c / 255));
  }
  const maxAbs = Math.max(1e-12, ...scene.edges.map((e) => Math.abs(e.value)));
  const payload = {
    positions: Array.from(scene.positions, (v) => Math.round(v * 1e5) / 1e5),
    colours: colours.map((c) => Math.round(c * 1000) / 1000),
    centroids: scene.centroids,
    playerColours: scene.centroids.map((_, j) => playerColour(j).map((c) => c / 255)),
    edges: scene.edges.map((e) => ({ ...e, weight: Math.abs(e.value) / maxAbs })),
    camera: CAMERA,
  };
  const legend = scene.edges
    .map(
      (e) =>
        `<li><span style="color:rgb(${playerColour(e.i).join(',')})">●</span> ${e.i} – <span style="color:rgb(${playerColour(e.j).join(',')})">●</span> ${e.j}: ${e.value.toPrecision(3)}</li>`,
    )
    .join('');
  const importMap = {
    imports: {
      three: dataUrl(three.module),
      'three/core': dataUrl(three.core),
      'three/addons/orbit': dataUrl(three.orbit),
    },
  };
  const main = `
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/orbit';
const data = JSON.parse(document.getElementById('scene-data').textContent);
const canvas = document.getElementById('view');
const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(window.devicePixelRatio || 1);
renderer.setClearColor(0xffffff, 1);
const scene = new THREE.Scene();
const camera = new THREE.PerspectiveCamera(data.camera.fov, 1, 0.01, 100);
camera.up.set(0, 0, 1);
const a = data.camera.azimuth * Math.PI / 180, e = data.camera.elevation * Math.PI / 180;
camera.position.set(data.camera.distance * Math.cos(e) * Math.cos(a), data.camera.distance * Math.cos(e) * Math.sin(a), data.camera.distance * Math.sin(e));
camera.lookAt(0, 0, 0);
const geometry = new THREE.BufferGeometry();
geometry.setAttribute('position', new THREE.Float32BufferAttribute(data.positions, 3));
geometry.setAttribute('color', new THREE.Float32BufferAttribute(data.colours, 3));
scene.add(new THREE.Points(geometry, new THREE.PointsMaterial({ size: 0.04, vertexColors: true })));
for (const [j, c] of data.centroids.entries()) {
  const dot = new THREE.Mesh(new THREE.SphereGeometry(0.03, 12, 8), new THREE.MeshBasicMaterial({ color: new THREE.Color(...data.playerColours[j]) }));
  dot.position.set(...c);
  scene.add(dot);
}
for (const edge of data.edges) {
  const p = new THREE.Vector3(...data.centroids[edge.i]), q = new THREE.Vector3(...data.centroids[edge.j]);
  // WebGL draws lines one pixel wide, so strength is shown by a cylinder's radius instead.
  const len = p.distanceTo(q);
  const tube = new THREE.Mesh(new THREE.CylinderGeometry(0.004 + 0.012 * edge.weight, 0.004 + 0.012 * edge.weight, len, 8),
    new THREE.MeshBasicMaterial({ color: edge.value >= 0 ? 0xc81e1e : 0x1e3cc8, transparent: true, opacity: 0.85 }));
  tube.position.copy(p).add(q).multiplyScalar(0.5);
  tube.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), q.clone().sub(p).normalize());
  scene.add(tube);
}
const controls = new OrbitControls(camera, canvas);
controls.target.set(0, 0, 0);
function resize() {
  const w = canvas.clientWidth, h = canvas.clientHeight;
  renderer.setSize(w, h, false);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
}
window.addEventListener('resize', resize);
resize();
function frame() { controls.update(); renderer.render(scene, camera); window.__orderlensReady = true; requestAnimationFrame(frame); }
frame();
`;
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
<script type="importmap">${JSON.stringify(importMap)}</script>
</head>
<body>
<canvas id="view"></canvas>
<div id="info"><b>${escapeHtml(scene.title)}</b><br>strongest pairs (${escapeHtml(scene.edgeMeasure)}; red positive, blue negative):<ul>${legend}</ul>drag to orbit, scroll to zoom</div>
<script id="scene-data" type="application/json">${JSON.stringify(payload).replace(/</g, '\\u003c')}</script>
<script type="module">${main}</script>
</body>
</html>
`;
}
