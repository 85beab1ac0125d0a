import { join } from 'node:path';
import {
  networkStudyModels,
  type BottleneckModality,
  type BottleneckNetwork,
  type MissingNetwork,
  type NetworkStudySettings,
} from './project-networks.js';

/** How big a run is: `quick` for CI, `hour` ≈ an hour per image network on 2 cores, `paper` the papers'. */
export const BOTTLENECK_SIZES = ['quick', 'hour', 'paper'] as const;
export type BottleneckSize = (typeof BOTTLENECK_SIZES)[number];

/**
 * The papers' protocols per modality and size. Images: the ICLR-2022 code's conventions
 * (`iclr2022`: pairs at the 24 offsets, contexts at every order, the first images per class of
 * the training split with the misclassified dropped) on a 16×16 grid, with fewer images, pairs
 * and contexts below `paper`. Text, point clouds and tables: exact over 10 words, 10 regions
 * (of 30) and the 12 census attributes.
 */
export function bottleneckDefaults(
  size: BottleneckSize,
  root: string,
): Record<BottleneckModality, NetworkStudySettings> {
  const vision: NetworkStudySettings =
    size === 'paper'
      ? { protocol: 'iclr2022', perClass: 5, options: { dataset: 'cifar10-train', grid: '16' } }
      : size === 'hour'
        ? {
            protocol: 'iclr2022',
            perClass: 1,
            pairs: 50,
            contexts: 20,
            options: { dataset: 'cifar10-train', grid: '16' },
          }
        : {
            protocol: 'iclr2022',
            samples: 3,
            perClass: 1,
            pairs: 4,
            contexts: 4,
            options: { dataset: 'cifar10-train', grid: '8' },
          };
  const quick = size === 'quick';
  return {
    vision,
    text: {
      protocol: 'exact',
      samples: quick ? 2 : 100,
      options: {
        sentences: join(root, 'packages/nlp/data/sst2/dev.tsv'),
        words: '10',
        shortSentences: 'skip',
      },
    },
    // Quick: the first cloud, unchecked, over 8 regions: finding a correctly classified cloud runs
    // DGCNN (a k-NN graph per cloud) on all 200 test clouds, which dominated a quick run.
    pointcloud: quick
      ? {
          protocol: 'exact',
          samples: 1,
          allSamples: true,
          options: { clouds: 'modelnet10:test', regions: 30, players: 8 },
        }
      : { protocol: 'exact', samples: 50, options: { clouds: 'modelnet10:test', regions: 30, players: 10 } },
    tabular: { protocol: 'exact', samples: quick ? 4 : 100, options: { dataset: 'census' } },
  };
}

/** Overrides of a size: the image protocol's (`--images`, `--pairs`, `--contexts`), the others' `--samples`. */
export interface VisionSizeOverrides {
  /** Images per class (the first ones of the training split; misclassified ones dropped). */
  readonly perClass?: number;
  readonly pairs?: number;
  readonly contexts?: number;
  /** Text, point clouds and tables: samples per network (`--samples`). */
  readonly samples?: number;
}

/**
 * The study file (as JSON) measuring `networks` under `root`, and the networks whose model is
 * not there: they are named in the report as failed, never silently left out.
 */
export function bottleneckStudy(
  networks: readonly BottleneckNetwork[],
  root: string,
  size: BottleneckSize,
  seed: number,
  vision: VisionSizeOverrides = {},
): { study: Record<string, unknown>; missing: MissingNetwork[] } {
  const defaults = bottleneckDefaults(size, root);
  // A per-class count replaces the size's sample cap: every class gets that many images.
  if (vision.perClass !== undefined) {
    delete defaults.vision.samples;
    defaults.vision.perClass = vision.perClass;
  }
  if (vision.pairs !== undefined) defaults.vision.pairs = vision.pairs;
  if (vision.contexts !== undefined) defaults.vision.contexts = vision.contexts;
  if (vision.samples !== undefined)
    for (const m of ['text', 'pointcloud', 'tabular'] as const) defaults[m].samples = vision.samples;
  const { models, missing } = networkStudyModels(networks, root, defaults, (n, options) => {
    // The quick size keeps image grids small (n = 64) whatever a network's own grid.
    if (n.modality === 'vision' && size === 'quick') options.grid = n.id === 'fmnist-cnn' ? '7' : '8';
  });
  return {
    study: {
      name: `reproduce-bottleneck-${size}`,
      description: 'J(m) of every network of the project under the bottleneck papers’ protocols',
      seed,
      models,
    },
    missing,
  };
}
