/**
 * The scripts of the report page, as source text. They run in the browser, not in Node, so they
 * are plain ES2020 with no imports; the data they draw is the page's `<script id="report-data">` JSON block.
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
