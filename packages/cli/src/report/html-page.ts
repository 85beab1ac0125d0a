import { adapters } from '@orderlens/core';
import * as vl from 'vega-lite';
import { vegaScript } from './page-assets.js';
import { CHARTS_SCRIPT } from './page-scripts.js';
import type { ReportChart, ReportContent } from './report-content.js';
import type { SampleView } from './sample-views.js';
import { SETTINGS_COLUMNS } from './settings-table.js';

/** WebGL contexts a page may hold before Chromium drops the oldest (16); keep well under it. */
export const MAX_SCENE_VIEWS = 12;

/** The browser side of a modality's scene views, when its adapter is installed and has one. */
function sceneDrawer(modality: string) {
  return adapters.has(modality) ? adapters.get(modality).views?.scenes : undefined;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** JSON safe inside a <script> element (no `</script>`, no `<!--`). */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** Compiles a Vega-Lite spec to Vega here, so the page needs only vega.min.js. */
function compile(spec: Record<string, unknown>): unknown {
  return vl.compile(spec as unknown as vl.TopLevelSpec).spec;
}

const STYLE = `
body { margin: 0 auto; max-width: 1280px; padding: 16px 24px 48px; font: 14px/1.45 system-ui, 'DejaVu Sans', sans-serif; color: #222; }
h1 { margin: 0 0 4px; font-size: 24px; } h2 { margin: 28px 0 8px; font-size: 19px; border-bottom: 1px solid #ddd; } h3 { margin: 18px 0 6px; font-size: 16px; }
.meta { color: #666; margin: 0; }
#toggles { position: sticky; top: 0; z-index: 5; background: rgba(255,255,255,0.95); padding: 8px 0; border-bottom: 1px solid #eee; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; }
#toggles label { cursor: pointer; white-space: nowrap; } .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px -1px 2px; }
#toggles button { font: inherit; padding: 1px 8px; }
.chart { margin: 8px 0; overflow-x: auto; } .chart-row { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; } .chart svg { max-width: none; }
table.settings { border-collapse: collapse; font-size: 12.5px; width: 100%; } table.settings th, table.settings td { border: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }
table.settings th { background: #f4f4f4; } table.settings td.settings-cell { font-family: ui-monospace, monospace; font-size: 11.5px; max-width: 380px; word-break: break-word; }
tr.off, .off { opacity: 0.3; } div.off { display: none; }
.samples { display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-start; } .views { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; } h4 { margin: 6px 0; font-size: 13.5px; } figure { margin: 0; border: 1px solid #e4e4e4; border-radius: 4px; padding: 8px; background: #fff; display: flex; flex-direction: column; }
figure img { display: block; image-rendering: pixelated; max-width: 600px; }
/* The caption wraps to the picture's width instead of widening the figure. */
figcaption { color: #555; font-size: 12px; margin-top: 4px; width: 0; min-width: 100%; }
canvas.scene { width: 380px; height: 320px; display: block; }
ul.salient { margin: 4px 0 0; padding-left: 18px; font-size: 12px; font-family: ui-monospace, monospace; }
.note { color: #8a5300; font-size: 12px; }
#tooltip { position: fixed; display: none; pointer-events: none; background: rgba(255,255,255,0.97); border: 1px solid #999; border-radius: 3px; padding: 4px 6px; font-size: 12px; z-index: 10; box-shadow: 0 1px 4px rgba(0,0,0,0.2); }
#tooltip th { text-align: right; color: #555; font-weight: normal; padding-right: 6px; }
`;

function chartBlock(chart: ReportChart | undefined): string {
  return chart ? `<div class="chart" id="${chart.id}" data-chart="${esc(chart.title)}"></div>` : '';
}

function viewHtml(view: SampleView, id: string): string {
  const cap = `<figcaption>${esc(view.caption)}</figcaption>`;
  switch (view.kind) {
    case 'image':
      return `<img alt="${esc(view.caption)}" src="data:image/png;base64,${Buffer.from(view.png).toString('base64')}">${cap}`;
    case 'svg':
      // Our own SVG (word arcs): its text is escaped where it was drawn; the XML prolog is dropped.
      return `<div class="arcs">${view.svg.replace(/^<\?xml[^>]*>\s*/, '')}</div>${cap}`;
    case 'chart':
      return `<div class="chart" id="${id}" data-chart="${esc(view.caption)}"></div>${cap}`;
    case 'scene':
      return `<canvas class="scene" id="${id}"></canvas>${cap}`;
  }
}

/**
 * The report as one self-contained HTML page: Vega and (when a sample view is a scene) the scene
 * script and import map of the adapter that drew it (three.js for point clouds) are inlined, pictures are data: URLs, and a Content-Security-Policy forbids every request, so the
 * page opens the same offline, from a mail attachment or years later. `unsafe-eval` is allowed
 * because Vega compiles its expressions with `Function`.
 */
export function reportHtml(content: ReportContent): string {
  const charts: Array<{ id: string; spec: unknown; toggles: boolean }> = [];
  // Scene views by the modality whose adapter draws them on the page.
  const scenes = new Map<string, Array<{ id: string; scene: unknown }>>();
  let sceneCount = 0;
  for (const c of [content.strength, content.byModality, content.andOr, ...content.measures])
    if (c) charts.push({ id: c.id, spec: compile(c.spec), toggles: c.toggles });
  const notes: string[] = [];
  const bySample = content.models.map((m) => {
    const sections = content.samples.filter((s) => s.model === m.label);
    const figures = sections.map((s, k) => {
      const views = s.views
        .map((v, j) => {
          const id = `sample-${content.models.indexOf(m)}-${k}-${j}`;
          if (v.kind === 'chart') charts.push({ id, spec: compile(v.spec), toggles: false });
          if (v.kind === 'scene') {
            if (sceneCount >= MAX_SCENE_VIEWS || !sceneDrawer(s.modality)) {
              notes.push(`${m.label} ${s.sampleId}`);
              return '';
            }
            sceneCount++;
            scenes.set(s.modality, [...(scenes.get(s.modality) ?? []), { id, scene: v.scene }]);
          }
          return `<figure>${viewHtml(v, id)}</figure>`;
        })
        .join('');
      const salient = s.salient.length
        ? `<figure><b>strongest AND-OR interactions</b><ul class="salient">${s.salient.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></figure>`
        : '';
      const note = s.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
      return `<div class="sample"><h4>${esc(s.sampleId)} · label ${s.label} · n = ${s.n}</h4>${note}<div class="views">${views}${salient}</div></div>`;
    });
    return `<div class="model-samples" data-model-section="${esc(m.label)}"><h3><span class="swatch" style="background:${m.colour}"></span>${esc(m.label)} <small>(${esc(m.modality)})</small></h3><div class="samples">${figures.join('') || '<p class="note">no samples</p>'}</div></div>`;
  });
  if (notes.length)
    bySample.push(
      `<p class="note">Scene views (point clouds) past the first ${MAX_SCENE_VIEWS} are not drawn (browsers hold few WebGL contexts): ${esc(notes.join(', '))}.</p>`,
    );
  const toggles = content.models
    .map(
      (m) =>
        `<label><input type="checkbox" checked data-model="${esc(m.label)}"><span class="swatch" style="background:${m.colour}"></span>${esc(m.label)}</label>`,
    )
    .join('');
  const head = SETTINGS_COLUMNS.map(([, t]) => `<th>${esc(t)}</th>`).join('');
  const body = content.settings
    .map(
      (r) =>
        `<tr data-model-section="${esc(r.model)}">${SETTINGS_COLUMNS.map(([k]) => (k === 'settings' ? `<td class="settings-cell"><details><summary>${esc(r.settings.split('; ').length.toString())} settings</summary>${esc(r.settings).replaceAll('; ', '<br>')}</details></td>` : `<td>${esc(r[k])}</td>`)).join('')}</tr>`,
    )
    .join('');
  const payload = { charts };
  // Each adapter's scene script reads its own JSON block and marks itself ready; the page is
  // ready (`__orderlensCloudsReady`, for tests and screenshots) when every one of them is.
  const sceneScripts = [...scenes.keys()].map((name) => ({ name, ...sceneDrawer(name)! }));
  const importMaps = sceneScripts.map(
    (s) => JSON.parse(s.importMap()) as { imports: Record<string, string> },
  );
  const importMap = JSON.stringify({ imports: Object.assign({}, ...importMaps.map((m) => m.imports)) });
  const csp =
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' data:; style-src 'unsafe-inline'; img-src data:";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(content.title)}</title>
<style>${STYLE}</style>
<script>${vegaScript()}</script>
${sceneScripts.length ? `<script type="importmap">${importMap}</script>` : ''}
</head>
<body>
<header><h1>${esc(content.title)}</h1>
<p class="meta">${content.models.length} result(s) under <code>${esc(content.root)}</code> · ${esc(new Date().toISOString())} · hover a chart for values</p></header>
<nav id="toggles"><b>models:</b> ${toggles} <button type="button" id="toggle-all">all / none</button></nav>
<section id="strength"><h2>Interaction strength J(m)</h2>
<p class="meta">x: order ratio m/(n−2), so models of any n and modality share one axis; y: each curve divided by its mean over orders. Solid: measured (bars ±1 standard error where estimated); dashed: theory F̂(m) at the true n (n ≤ 40), dotted: F̂ at the fitted n′.</p>
<div class="chart-row">${chartBlock(content.strength)}${chartBlock(content.byModality)}</div></section>
<section id="settings"><h2>Settings, model calls and wall times</h2><div style="overflow-x:auto"><table class="settings"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div></section>
${content.andOr ? `<section id="and-or"><h2>AND-OR interactions</h2>${chartBlock(content.andOr)}</section>` : ''}
${content.measures.length ? `<section id="measures"><h2>Measures of interactions</h2><p class="meta">One line per model; docs/measures.md defines each measure.</p><div class="chart-row">${content.measures.map(chartBlock).join('')}</div></section>` : ''}
<section id="samples"><h2>Per-sample views</h2>${bySample.join('\n')}</section>
<div id="tooltip"></div>
<script id="report-data" type="application/json">${scriptJson(payload)}</script>
<script>window.__orderlensScenesReady = {}; Object.defineProperty(window, '__orderlensCloudsReady', { get: () => ${JSON.stringify(sceneScripts.map((s) => s.name))}.every((n) => window.__orderlensScenesReady[n] === true) });</script>
<script>${CHARTS_SCRIPT}</script>
${sceneScripts.map((s) => `<script id="scene-data-${esc(s.name)}" type="application/json">${scriptJson(scenes.get(s.name))}</script>\n<script type="module">${s.script}</script>`).join('\n')}
</body>
</html>
`;
}
