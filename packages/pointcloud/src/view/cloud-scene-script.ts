import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let threeSources: { core: string; module: string; orbit: string } | undefined;

const dataUrl = (js: string) => `data:text/javascript;base64,${Buffer.from(js, 'utf8').toString('base64')}`;

/**
 * An import map (JSON text) that resolves `three` and `three/addons/orbit` to data: URLs (no
 * network, no files beside the page), three.js read once per process from this package's own
 * dependency. `three.module.js` imports its core by a relative path, which means nothing inside a
 * data: URL, so it is pointed at the bare name `three/core` instead.
 */
export function threeImportMap(): string {
  if (!threeSources) {
    const build = dirname(createRequire(import.meta.url).resolve('three'));
    threeSources = {
      core: readFileSync(join(build, 'three.core.js'), 'utf8'),
      module: readFileSync(join(build, 'three.module.js'), 'utf8').replaceAll(
        "'./three.core.js'",
        "'three/core'",
      ),
      orbit: readFileSync(join(build, '..', 'examples', 'jsm', 'controls', 'OrbitControls.js'), 'utf8'),
    };
  }
  return JSON.stringify({
    imports: {
      three: dataUrl(threeSources.module),
      'three/core': dataUrl(threeSources.core),
      'three/addons/orbit': dataUrl(threeSources.orbit),
    },
  });
}

/**
 * The one three.js scene of a point cloud, as an ES module script for the browser (imports only
 * `three` and `three/addons/orbit`, through {@link threeImportMap}). It draws every `{ id, scene }`
 * of the JSON array in `<script id="scene-data-pointcloud">` on the canvas with that id — the
 * report's sample views and the standalone point view alike: points coloured by region (or,
 * without the points, one sphere per region sized by its point count), a dot per centroid, the
 * strongest pairs as cylinders (WebGL lines are one pixel wide) — red positive, blue negative,
 * radius ∝ |value| — and orbit controls. Each canvas renders on demand, not in a loop, so a page
 * of clouds stays idle; it follows its canvas's size. When every cloud drew its first frame it
 * sets `window.__orderlensScenesReady.pointcloud` and `window.__orderlensReady`.
 */
export const CLOUD_SCENE_SCRIPT = String.raw`
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/orbit';
const items = JSON.parse(document.getElementById('scene-data-pointcloud').textContent);
for (const { id, scene: cloud } of items) {
  const canvas = document.getElementById(id);
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  renderer.setClearColor(0xffffff, 1);
  const scene = new THREE.Scene();
  const cam = cloud.camera;
  const camera = new THREE.PerspectiveCamera(cam.fov, 1, 0.01, 100);
  camera.up.set(0, 0, 1);
  const a = cam.azimuth * Math.PI / 180, e = cam.elevation * Math.PI / 180;
  camera.position.set(cam.distance * Math.cos(e) * Math.cos(a), cam.distance * Math.cos(e) * Math.sin(a), cam.distance * Math.sin(e));
  camera.lookAt(0, 0, 0);
  if (cloud.points) {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(cloud.points.positions, 3));
    g.setAttribute('color', new THREE.Float32BufferAttribute(cloud.points.colours, 3));
    scene.add(new THREE.Points(g, new THREE.PointsMaterial({ size: 0.035, vertexColors: true })));
  }
  const maxCount = Math.max(1, ...cloud.counts);
  cloud.centroids.forEach((c, j) => {
    const r = cloud.points ? 0.03 : 0.04 + 0.08 * Math.sqrt(cloud.counts[j] / maxCount);
    const m = new THREE.Mesh(new THREE.SphereGeometry(r, 16, 10),
      new THREE.MeshBasicMaterial({ color: new THREE.Color(...cloud.playerColours[j]), transparent: !cloud.points, opacity: cloud.points ? 1 : 0.75 }));
    m.position.set(...c);
    scene.add(m);
  });
  for (const edge of cloud.edges) {
    const p = new THREE.Vector3(...cloud.centroids[edge.i]), q = new THREE.Vector3(...cloud.centroids[edge.j]);
    const radius = 0.004 + 0.014 * edge.weight;
    const tube = new THREE.Mesh(new THREE.CylinderGeometry(radius, radius, p.distanceTo(q), 8),
      new THREE.MeshBasicMaterial({ color: edge.value >= 0 ? 0xc81e1e : 0x1e3cc8, transparent: true, opacity: 0.85 }));
    tube.position.copy(p).add(q).multiplyScalar(0.5);
    tube.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), q.clone().sub(p).normalize());
    scene.add(tube);
  }
  const controls = new OrbitControls(camera, canvas);
  controls.target.set(0, 0, 0);
  const render = () => renderer.render(scene, camera);
  const resize = () => {
    renderer.setSize(canvas.clientWidth, canvas.clientHeight, false);
    camera.aspect = canvas.clientWidth / Math.max(1, canvas.clientHeight);
    camera.updateProjectionMatrix();
    render();
  };
  controls.addEventListener('change', render);
  window.addEventListener('resize', resize);
  resize();
}
window.__orderlensScenesReady = Object.assign(window.__orderlensScenesReady || {}, { pointcloud: true });
window.__orderlensReady = true;
`;
