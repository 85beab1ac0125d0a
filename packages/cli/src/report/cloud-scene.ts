import { playerColour } from '@orderlens/pointcloud';
import type { SampleResult } from '@orderlens/core';
import { outputPaths, readOutput } from './outputs.js';
import { pairValues } from './player-names.js';
import type { ReportEntry } from './collect-results.js';

/** What the report's three.js view of one cloud draws (plain JSON, read by the page script). */
export interface CloudPayload {
  /** Region centroids (normalised cloud coordinates). */
  readonly centroids: ReadonlyArray<readonly [number, number, number]>;
  /** Points per region (sphere size when the points themselves are not available). */
  readonly counts: readonly number[];
  /** RGB in [0, 1] per player. */
  readonly playerColours: ReadonlyArray<readonly number[]>;
  /** Strongest pairs; `weight` = |value| / max |value| drawn. */
  readonly edges: ReadonlyArray<{ i: number; j: number; value: number; weight: number }>;
  readonly measure: string;
  /** Every point `x y z` and its colour, when the analysis wrote a point view of this sample. */
  readonly points?: { readonly positions: readonly number[]; readonly colours: readonly number[] };
}

const EDGES = 6;

/**
 * The points of a sample's cloud, taken from the HTML point view the pointcloud adapter wrote
 * (`outputs['point-view']`): the result keeps region centroids and point indices but not the
 * coordinates, and reading the cloud again would need the data source. The page's JSON block is
 * the adapter's own (`<script id="scene-data">`); a view of another sample (its <title> starts
 * with the sample id) or an unreadable one gives undefined, and the report draws centroids only.
 */
function pointsFromView(entry: ReportEntry, sample: SampleResult): CloudPayload['points'] {
  for (const path of outputPaths(entry.result, 'point-view').filter((p) => p.endsWith('.html'))) {
    const html = readOutput(path, entry.dir, (w) => entry.refused.push(w))?.toString('utf8');
    if (!html) continue;
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
    if (!title.startsWith(sample.id)) continue;
    const json = /<script id="scene-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1];
    if (!json) continue;
    try {
      const data = JSON.parse(json) as { positions?: unknown; colours?: unknown };
      if (Array.isArray(data.positions) && Array.isArray(data.colours))
        return { positions: data.positions as number[], colours: data.colours as number[] };
    } catch {
      // A page we cannot read falls back to centroids.
    }
  }
  return undefined;
}

/** The three.js payload of a sample whose players are point-cloud regions, else undefined. */
export function cloudPayload(entry: ReportEntry, sample: SampleResult): CloudPayload | undefined {
  const p = sample.players;
  if (p.kind !== 'regions') return undefined;
  const { pairs, measure } = pairValues(sample);
  const edges = pairs
    .filter((e) => e.value !== 0)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, EDGES);
  const maxAbs = Math.max(1e-300, ...edges.map((e) => Math.abs(e.value)));
  const points = pointsFromView(entry, sample);
  return {
    centroids: p.centroids,
    counts: p.pointIndices.map((idx) => idx.length),
    playerColours: p.centroids.map((_, j) => playerColour(j).map((c) => c / 255)),
    edges: edges.map((e) => ({ ...e, weight: Math.abs(e.value) / maxAbs })),
    measure,
    ...(points ? { points } : {}),
  };
}
