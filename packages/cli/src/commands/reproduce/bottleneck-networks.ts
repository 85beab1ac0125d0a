import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OrderlensInputError } from '@orderlens/core';

/** The modalities a bottleneck network can have (the adapters the CLI registers). */
export type BottleneckModality = 'vision' | 'text' | 'pointcloud' | 'tabular';

/** One network of the project whose `J(m)` `reproduce bottleneck` measures. */
export interface BottleneckNetwork {
  /** Study id and folder name. */
  readonly id: string;
  readonly modality: BottleneckModality;
  /** Model file or folder, relative to the repository root. */
  readonly model: string;
  /** What it is, for the report. */
  readonly what: string;
  /** Adapter options that differ from its modality's (before the size's). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * Every network of the project (issue 22): the ICLR-2022 paper's CIFAR networks built by
 * `tools/training/cifar_nets.py`, the other image fixtures, the SST-2 BERTs, the ModelNet10
 * point-cloud networks and the census MLPs of the paper's §3.1.
 */
export const BOTTLENECK_NETWORKS: readonly BottleneckNetwork[] = [
  {
    id: 'cifar-alexnet',
    modality: 'vision',
    model: 'fixtures/cifar-alexnet/model.onnx',
    what: "the authors' CIFAR AlexNet",
  },
  { id: 'cifar-vgg11', modality: 'vision', model: 'fixtures/cifar-vgg11/model.onnx', what: 'VGG-11 (BN)' },
  {
    id: 'cifar-resnet20',
    modality: 'vision',
    model: 'fixtures/cifar-resnet20/model.onnx',
    what: 'ResNet-20',
  },
  {
    id: 'cifar-cnn',
    modality: 'vision',
    model: 'fixtures/cifar-cnn/model.onnx',
    what: 'small VGG-style CNN',
  },
  // One player per ViT token (patch 4 on 32×32): a grid finer than the tokens would split them.
  {
    id: 'cifar-vit',
    modality: 'vision',
    model: 'fixtures/cifar-vit/model.onnx',
    what: 'ViT (patch 4)',
    options: { grid: '8' },
  },
  {
    id: 'fmnist-cnn',
    modality: 'vision',
    model: 'packages/vision/models/fmnist-cnn/model.onnx',
    what: 'CNN on Fashion-MNIST',
    // Only the test subset of Fashion-MNIST ships; 14×14 patches of 2×2 pixels (n = 196).
    options: { dataset: 'fashion-mnist', grid: '14' },
  },
  { id: 'sst2-bert', modality: 'text', model: 'fixtures/sst2-bert', what: 'BERT (2 layers) on SST-2' },
  {
    id: 'sst2-distilbert',
    modality: 'text',
    model: 'fixtures/sst2-distilbert',
    what: 'DistilBERT (3 layers) on SST-2',
  },
  {
    id: 'modelnet10-pointnet',
    modality: 'pointcloud',
    model: 'fixtures/modelnet10-pointnet/model.onnx',
    what: 'PointNet on ModelNet10',
  },
  {
    id: 'modelnet10-dgcnn',
    modality: 'pointcloud',
    model: 'fixtures/modelnet10-dgcnn/model.onnx',
    what: 'DGCNN on ModelNet10',
    options: { subsample: true }, // the model takes 512 of the 1,024 stored points
  },
  {
    id: 'census-mlp5',
    modality: 'tabular',
    model: 'fixtures/census-mlp5/model.onnx',
    what: 'MLP-5 on census',
  },
  {
    id: 'census-mlp8',
    modality: 'tabular',
    model: 'fixtures/census-mlp8/model.onnx',
    what: 'MLP-8 on census',
  },
];

/** How big a run is: `quick` for CI, `hour` ≈ an hour per image network on 2 cores, `paper` the papers'. */
export const BOTTLENECK_SIZES = ['quick', 'hour', 'paper'] as const;
export type BottleneckSize = (typeof BOTTLENECK_SIZES)[number];

type Settings = Record<string, unknown>;

/**
 * The papers' protocols per modality and size. Images: the ICLR-2022 code's conventions
 * (`iclr2022`: pairs at the 24 offsets, contexts at every order, the first images per class of
 * the training split with the misclassified dropped) on a 16×16 grid, with fewer images, pairs
 * and contexts below `paper`. Text, point clouds and tables: exact over 10 words, 10 regions
 * (of 30) and the 12 census attributes.
 */
export function bottleneckDefaults(size: BottleneckSize, root: string): Record<BottleneckModality, Settings> {
  const vision: Settings =
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

/** A network that cannot be measured before anything runs, and why. */
export interface MissingNetwork {
  readonly id: string;
  readonly reason: string;
}

/** Picks the networks named by `--networks` (all by default); an unknown id names the flag. */
export function selectNetworks(
  list: readonly string[] | undefined,
  from: readonly BottleneckNetwork[] = BOTTLENECK_NETWORKS,
): BottleneckNetwork[] {
  if (list === undefined) return [...from];
  const ids = from.map((n) => n.id);
  for (const id of list)
    if (!ids.includes(id))
      throw new OrderlensInputError(
        '--networks',
        `unknown network "${id}"; expected some of ${ids.join(', ')}`,
      );
  return from.filter((n) => list.includes(n.id));
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
  const missing: MissingNetwork[] = [];
  const models: Settings[] = [];
  for (const n of networks) {
    const file = join(root, n.model);
    if (!existsSync(file)) {
      missing.push({ id: n.id, reason: `model not found: ${file}` });
      continue;
    }
    const base = defaults[n.modality];
    const options = { ...(base.options as Settings), ...(n.options ?? {}) };
    // The quick size keeps image grids small (n = 64) whatever a network's own grid.
    if (n.modality === 'vision' && size === 'quick') options.grid = n.id === 'fmnist-cnn' ? '7' : '8';
    models.push({ id: n.id, modality: n.modality, model: file, ...base, options });
  }
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
