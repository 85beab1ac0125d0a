/**
 * The scripts of the report page, as source text. They run in the browser, not in Node, so they
 * are plain ES2020 with no imports but `three` (through the page's import map); the data they
 * draw is the page's `<script id="report-data">` JSON block.
 */

/**
 * Charts and toggles: builds one Vega view per chart (SVG renderer, so every mark is an element
 * a test or a user can inspect), a tooltip for hover values, and the per-model checkboxes, which
 * set the `hiddenModels` signal of every chart that has it and hide that model's sample views.
 * Sets `window.__orderlensCharts` (views by id) and `window.__orderlensChartsReady`.
 */
export const CHARTS_SCRIPT = String.raw`
(function () {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const tip = document.getElementById('tooltip');
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  function tooltip(handler, event, item, value) {
    if (value == null || value === '') { tip.style.display = 'none'; return; }
    const rows = typeof value === 'object'
      ? Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== '' && !(typeof v === 'number' && isNaN(v)))
          .map(([k, v]) => '<tr><th>' + esc(k) + '</th><td>' + esc(v) + '</td></tr>').join('')
      : '<tr><td>' + esc(value) + '</td></tr>';
    tip.innerHTML = '<table>' + rows + '</table>';
    tip.style.display = 'block';
    const x = event.clientX + 14, y = event.clientY + 14;
    tip.style.left = Math.min(x, window.innerWidth - tip.offsetWidth - 8) + 'px';
    tip.style.top = Math.min(y, window.innerHeight - tip.offsetHeight - 8) + 'px';
  }
  const views = {};
  const runs = data.charts.map((chart) => {
    const el = document.getElementById(chart.id);
    const view = new vega.View(vega.parse(chart.spec), { renderer: 'svg', container: el, hover: true });
    view.tooltip(tooltip);
    views[chart.id] = view;
    return view.runAsync();
  });
  window.__orderlensCharts = views;
  function hiddenModels() {
    return [...document.querySelectorAll('#toggles input[data-model]')].filter((b) => !b.checked).map((b) => b.dataset.model);
  }
  async function applyToggles() {
    const hidden = hiddenModels();
    for (const el of document.querySelectorAll('[data-model-section]'))
      el.classList.toggle('off', hidden.includes(el.dataset.modelSection));
    await Promise.all(data.charts.filter((c) => c.toggles).map((c) => views[c.id].signal('hiddenModels', hidden).runAsync()));
    window.__orderlensToggled = (window.__orderlensToggled || 0) + 1;
  }
  for (const box of document.querySelectorAll('#toggles input[data-model]'))
    box.addEventListener('change', () => applyToggles().catch((e) => console.error(e)));
  const all = document.getElementById('toggle-all');
  if (all) all.addEventListener('click', () => {
    const boxes = [...document.querySelectorAll('#toggles input[data-model]')];
    const on = boxes.some((b) => !b.checked);
    boxes.forEach((b) => (b.checked = on));
    applyToggles().catch((e) => console.error(e));
  });
  Promise.all(runs).then(
    () => { window.__orderlensChartsReady = true; },
    (e) => console.error('chart failed: ' + e),
  );
})();
`;

/**
 * three.js views of point clouds: points coloured by region (or, without the points, one sphere
 * per region sized by its point count), a dot per centroid, the strongest pairs as cylinders
 * (WebGL lines are one pixel wide) — red positive, blue negative, radius ∝ |value| — and orbit
 * controls. Each canvas renders on demand, not in a loop, so a page of clouds stays idle.
 * Sets `window.__orderlensCloudsReady` after every cloud drew its first frame.
 */
export const CLOUDS_SCRIPT = String.raw`
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/orbit';
const data = JSON.parse(document.getElementById('report-data').textContent);
for (const { id, cloud } of data.clouds) {
  const canvas = document.getElementById(id);
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  renderer.setSize(canvas.clientWidth, canvas.clientHeight, false);
  renderer.setClearColor(0xffffff, 1);
  const scene = new THREE.Scene();
  const cam = data.camera;
  const camera = new THREE.PerspectiveCamera(cam.fov, canvas.clientWidth / canvas.clientHeight, 0.01, 100);
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
  controls.addEventListener('change', render);
  render();
}
window.__orderlensCloudsReady = true;
`;
