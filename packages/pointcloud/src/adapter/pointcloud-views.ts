import { basename } from 'node:path';
import {
  pairValues,
  type AdapterViews,
  type RecordedOutput,
  type SampleResult,
  type SampleView,
} from '@orderlens/core';
import { CLOUD_SCENE_SCRIPT, threeImportMap } from '../view/cloud-scene-script.js';
import { CAMERA } from '../view/render-png.js';
import { playerColour } from '../view/scene.js';

/** What the three.js scene of one cloud draws (plain JSON, read by {@link CLOUD_SCENE_SCRIPT}). */
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
  readonly camera: typeof CAMERA;
}

const EDGES = 6;

/** Positions and colours in a point-view page's JSON block, in the current and the older layout. */
function pointsOfPage(html: string): CloudPayload['points'] {
  const block = (id: string) =>
    new RegExp(`<script id="${id}" type="application/json">([\\s\\S]*?)</script>`).exec(html)?.[1];
  try {
    const current = block('scene-data-pointcloud');
    const older = block('scene-data');
    const data = (
      current
        ? (JSON.parse(current) as Array<{ scene?: { points?: unknown } }>)[0]?.scene?.points
        : older
          ? JSON.parse(older)
          : undefined
    ) as { positions?: unknown; colours?: unknown } | undefined;
    if (Array.isArray(data?.positions) && Array.isArray(data?.colours))
      return { positions: data.positions as number[], colours: data.colours as number[] };
  } catch {
    // A page we cannot read falls back to centroids.
  }
  return undefined;
}

/**
 * The points of a sample's cloud, taken from the HTML point view the analysis wrote
 * (`outputs['point-view']`): the result keeps region centroids and point indices but not the
 * coordinates, and reading the cloud again would need the data source. A view of another sample
 * (its <title> starts with the sample id) or an unreadable one gives undefined, and the scene
 * draws centroids only.
 */
function pointsFromView(views: readonly RecordedOutput[], sample: SampleResult): CloudPayload['points'] {
  for (const view of views.filter((o) => o.path.endsWith('.html'))) {
    const bytes = view.read();
    if (!bytes) continue;
    const html = Buffer.from(bytes).toString('utf8');
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
    if (!title.startsWith(sample.id)) continue;
    const points = pointsOfPage(html);
    if (points) return points;
  }
  return undefined;
}

/** The three.js payload of a sample whose players are point-cloud regions, else undefined. */
export function cloudPayload(
  sample: SampleResult,
  pointViews: readonly RecordedOutput[] = [],
): CloudPayload | undefined {
  const p = sample.players;
  if (p.kind !== 'regions') return undefined;
  const { pairs, measure } = pairValues(sample);
  const edges = pairs
    .filter((e) => e.value !== 0)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, EDGES);
  const maxAbs = Math.max(1e-300, ...edges.map((e) => Math.abs(e.value)));
  const points = pointsFromView(pointViews, sample);
  return {
    centroids: p.centroids,
    counts: p.pointIndices.map((idx) => idx.length),
    playerColours: p.centroids.map((_, j) => playerColour(j).map((c) => c / 255)),
    edges: edges.map((e) => ({ ...e, weight: Math.abs(e.value) / maxAbs })),
    measure,
    ...(points ? { points } : {}),
    camera: CAMERA,
  };
}

/** The name the adapter gives a sample's point-view files (`cloud-<id>.png`, `.html`). */
export function pointViewBase(sampleId: string): string {
  return `cloud-${sampleId.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
}

function cloudView(sample: SampleResult, pointViews: readonly RecordedOutput[]): SampleView | string {
  const cloud = cloudPayload(sample, pointViews);
  if (!cloud) return 'not point-cloud regions';
  const still = pointViews.find((o) => basename(o.path) === `${pointViewBase(sample.id)}.png`)?.read();
  return {
    kind: 'scene',
    caption: `regions and their strongest pairs (${cloud.measure}; red positive, blue negative; drag to orbit${cloud.points ? '' : '; centroids only: no point view was written for this sample'})`,
    scene: cloud as unknown as Record<string, unknown>,
    ...(still ? { still } : {}),
  };
}

/** Report pictures of point-cloud results: a three.js scene per sample. */
export const pointcloudViews: AdapterViews = {
  sample: (sample, context) => [cloudView(sample, context.outputs('point-view'))],
  scenes: { importMap: threeImportMap, script: CLOUD_SCENE_SCRIPT },
};
