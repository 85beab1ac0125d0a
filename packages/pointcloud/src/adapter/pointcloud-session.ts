import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  float32Tensor,
  inputValueScale,
  OrderlensInputError,
  requireInput,
  Rng,
  type AdapterOpenRequest,
  type InteractionResult,
  type ModalitySession,
  type NamedTensors,
  type SamplePlayers,
} from '@orderlens/core';
import { normalizeCloud, subsampleCloud, type PointCloud } from '../cloud/point-cloud.js';
import { checkMasking, RegionMasker } from '../masking/region-masker.js';
import { buildRegionPlayers, type CloudPlayers } from '../players/region-players.js';
import {
  ANCHOR_POINTS_PER_CLOUD,
  anchorRegionPlayers,
  buildAnchors,
  type AnchorRegions,
} from '../players/anchor-regions.js';
import { cloudHtmlView } from '../view/html-view.js';
import { cloudFigurePng } from '../view/cloud-figure.js';
import { strongestPairs, type CloudScene } from '../view/scene.js';
import { readCloudSet } from './data-spec.js';
import { pointModelInfo } from './model-meta.js';
import { pointcloudOptions, type PointcloudOptions } from './pointcloud-options.js';
import { pointViewBase } from './pointcloud-views.js';

/** Settings that determine the numbers of a point-cloud analysis (recorded and fingerprinted). */
function detailsOf(
  o: PointcloudOptions,
  numPoints: number,
  normalization: unknown,
  anchors: { data: string; regions: AnchorRegions } | undefined,
): Record<string, unknown> {
  return {
    points: numPoints,
    normalization: o.normalize
      ? (normalization ?? 'centre at the mean, scale to max point norm 1 (float64, cast to float32)')
      : 'none',
    regions: o.regions,
    players: o.players,
    playerRule: o.playerRule,
    masking: o.masking,
    regionSeed: o.regionSeed,
    clustering: anchors
      ? 'each point to its nearest anchor; anchors: k-means++ centres from seed→anchors, then ml-kmeans Lloyd (≤100 iterations), over the union of the anchor clouds'
      : 'k-means++ centres from the seeded stream seed→regions→<sample id>, then ml-kmeans Lloyd (≤100 iterations)',
    ...(anchors
      ? {
          anchors: {
            clouds: anchors.data,
            count: anchors.regions.clouds,
            pointsPerCloud: ANCHOR_POINTS_PER_CLOUD,
            points: anchors.regions.points,
            // The player anchors themselves: a resume is refused if they moved (other files under the same name).
            players: anchors.regions.playerAnchors.map((r) =>
              [0, 1, 2].map((d) => Math.fround(anchors.regions.anchors[3 * r + d])),
            ),
          },
        }
      : {}),
    ...(o.points !== undefined ? { surfacePoints: o.points } : {}),
    ...(o.subsample
      ? { subsample: 'N distinct points from seed→subsample→<sample id>, file order kept' }
      : {}),
  };
}

/**
 * The shared anchors of `--anchors`: its clouds read with `--points` (else 1024) surface points
 * for meshes, normalised when the analysed clouds are, then {@link buildAnchors}.
 */
function openAnchors(
  o: PointcloudOptions,
  classes: readonly string[] | undefined,
): { data: string; regions: AnchorRegions } {
  let set;
  try {
    set = readCloudSet(o.anchors!, classes, { surfacePoints: o.points ?? 1024, seed: o.regionSeed });
  } catch (e) {
    // readCloudSet names --clouds; here the spec is --anchors'.
    if (e instanceof OrderlensInputError && e.field === '--clouds')
      throw new OrderlensInputError('--anchors', e.message.slice('--clouds: '.length));
    throw e;
  }
  const clouds = set.clouds.map((c) => (o.normalize ? normalizeCloud(c).cloud : c));
  const points = clouds.reduce((s, c) => s + Math.min(c.count, ANCHOR_POINTS_PER_CLOUD), 0);
  requireInput(
    points >= o.regions,
    '--anchors',
    `${o.anchors} holds ${points} points to place anchors from, fewer than the ${o.regions} anchors asked for (--regions)`,
  );
  return {
    data: set.data,
    regions: buildAnchors(clouds, {
      regions: o.regions,
      players: o.players,
      rule: o.playerRule,
      seed: o.regionSeed,
      source: '--anchors',
    }),
  };
}

/**
 * Opens a point-cloud analysis: reads and checks every cloud, normalises it, checks its point
 * count against the model's, and returns a session whose players are seeded k-means regions
 * masked by {@link RegionMasker}. Everything is validated before the first model call.
 */
export async function openPointcloud(request: AdapterOpenRequest): Promise<ModalitySession> {
  const o = pointcloudOptions(request.options);
  requireInput(
    o.players <= o.regions,
    '--players',
    `asks for ${o.players} players but --regions is ${o.regions}`,
  );
  const info = pointModelInfo(request.model);
  checkMasking(o.masking, info.numPoints);
  const set = readCloudSet(o.clouds, info.classes, {
    surfacePoints: o.points ?? info.numPoints ?? 1024,
    seed: o.regionSeed,
  });
  const N = info.numPoints ?? set.clouds[0].count;
  // Subsample before normalising, as pointnet.pytorch's loader does (choice, then centre and scale).
  const clouds: PointCloud[] = set.clouds
    .map((c, k) =>
      o.subsample && c.count > N
        ? subsampleCloud(c, N, Rng.create(o.regionSeed).fork('subsample', set.ids[k]))
        : c,
    )
    .map((c) => (o.normalize ? normalizeCloud(c).cloud : c));
  clouds.forEach((c) =>
    requireInput(
      c.count === N,
      c.source,
      info.numPoints !== undefined
        ? `has ${c.count} points but the model takes exactly ${N} (${info.pointsFrom}); ${c.count > N ? 'add --subsample to draw' : 'resample the cloud to'} ${N} points, or give OFF meshes --points ${N}`
        : `has ${c.count} points but cloud ${set.ids[0]} has ${N}; one batch needs one point count`,
    ),
  );
  // Shared anchors: from their own clouds, read at a fixed point count (not the model's), so two
  // networks and two splits get the same anchors. Per-cloud regions need k points in every cloud.
  const anchors = o.anchors !== undefined ? openAnchors(o, info.classes) : undefined;
  if (!anchors)
    for (const c of clouds)
      requireInput(
        c.count >= o.regions,
        c.source,
        `has ${c.count} points, fewer than the ${o.regions} regions asked for (--regions)`,
      );
  const cache = new Map<number, CloudPlayers>();
  const playersOf = (k: number): CloudPlayers => {
    let p = cache.get(k);
    if (!p) {
      p = anchors
        ? anchorRegionPlayers(clouds[k], anchors.regions)
        : buildRegionPlayers(clouds[k], {
            regions: o.regions,
            players: o.players,
            rule: o.playerRule,
            seed: o.regionSeed,
            key: set.ids[k],
          });
      // Keep a few: pictures need the first sample's regions again after the analysis.
      if (cache.size < 4) cache.set(k, p);
    }
    return p;
  };
  const session: ModalitySession = {
    data: set.data,
    candidates: clouds.length,
    classes: set.classes.length,
    details: detailsOf(o, N, info.normalization, anchors),
    candidate: (k) => ({ id: set.ids[k], label: set.labels[k] }),
    inputs(start: number, end: number): NamedTensors {
      const out = new Float32Array((end - start) * N * 3);
      for (let k = start; k < end; k++) out.set(clouds[k].positions, (k - start) * N * 3);
      return { [info.inputName]: float32Tensor(out, [end - start, N, 3]) };
    },
    async players(k: number): Promise<SamplePlayers> {
      const p = playersOf(k);
      return {
        descriptor: p.descriptor,
        masker: new RegionMasker(clouds[k].positions, p.descriptor, {
          absent: o.masking,
          inputName: info.inputName,
        }),
      };
    },
    // The noise moves every point (model-input coordinates) before masking. The regions stay the
    // clean cloud's, so every draw has the same players; an absent region's points collapse to
    // its clean centroid, as in the clean game.
    async perturbedPlayers(k, perturb): Promise<SamplePlayers> {
      const p = playersOf(k);
      const positions = Float32Array.from(clouds[k].positions);
      perturb(positions);
      return {
        descriptor: p.descriptor,
        masker: new RegionMasker(positions, p.descriptor, { absent: o.masking, inputName: info.inputName }),
      };
    },
    // δ is in the model's coordinates (normalised clouds when --normalize): record their RMS.
    noiseScale: () => inputValueScale(session, { inputName: info.inputName }),
    async writePictures(result: InteractionResult, outDir: string): Promise<Record<string, string[]>> {
      const sample = result.samples[0];
      if (!sample) return {};
      const k = sample.index;
      const p = playersOf(k);
      const playerOfPoint = new Int32Array(clouds[k].count).fill(-1);
      p.descriptor.pointIndices.forEach((idx, j) => idx.forEach((i) => (playerOfPoint[i] = j)));
      const { edges, measure } = strongestPairs(sample, 5);
      const scene: CloudScene = {
        title: `${sample.id} (class ${set.classes[sample.label] ?? sample.label})`,
        positions: clouds[k].positions,
        playerOfPoint,
        centroids: p.descriptor.centroids,
        edges,
        edgeMeasure: measure,
      };
      mkdirSync(outDir, { recursive: true });
      const base = pointViewBase(sample.id);
      const png = join(outDir, `${base}.png`);
      const html = join(outDir, `${base}.html`);
      writeFileSync(png, await cloudFigurePng(scene));
      writeFileSync(html, cloudHtmlView(scene));
      return { 'point-view': [png, html] };
    },
  };
  return session;
}
