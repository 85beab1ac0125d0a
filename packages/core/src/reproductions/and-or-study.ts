import { join } from 'node:path';
import {
  BOTTLENECK_NETWORKS,
  networkStudyModels,
  type BottleneckNetwork,
  type MissingNetwork,
  type NetworkStudySettings,
} from './project-networks.js';

/**
 * The networks of `reproduce and-or-sparsity`: every network of the project on which an exact
 * `2^n` table of 10–12 players is affordable. Image networks get the AND-OR papers' players, the
 * 10 cells of an 8×8 patch grid nearest the centre (the others always present); the ViT and the
 * Fashion-MNIST CNN are left to `reproduce bottleneck`.
 */
const AND_OR_IDS = [
  'census-mlp5',
  'census-mlp8',
  'sst2-bert',
  'sst2-distilbert',
  'modelnet10-pointnet',
  'modelnet10-dgcnn',
  'cifar-cnn',
  'cifar-resnet20',
  'cifar-vgg11',
  'cifar-alexnet',
] as const;

export const AND_OR_NETWORKS: readonly BottleneckNetwork[] = AND_OR_IDS.map((id) =>
  BOTTLENECK_NETWORKS.find((n) => n.id === id)!,
);

/**
 * Exact tables per modality (the `exact` estimator with `keepTables`: the Harsanyi table of every
 * sample is stored, and `v` is its zeta transform). Players: the 12 census attributes, the first
 * 10 content words of SST-2 dev sentences that have 10, 10 of 30 k-means regions of a ModelNet10
 * test cloud (DGCNN: 8, a model call costs 10× PointNet's), 10 central cells of an 8×8 grid.
 */
export function andOrDefaults(
  root: string,
  samples: number,
): Record<BottleneckNetwork['modality'], NetworkStudySettings> {
  const exact = { protocol: 'exact', estimatorOptions: { keepTables: true }, samples };
  return {
    // Vision has no `exact` protocol; its selection (first correctly classified images) with the
    // exact estimator is the same thing.
    vision: {
      ...exact,
      protocol: 'fast',
      estimator: 'exact',
      options: { dataset: 'cifar10-train', grid: '8', central: 10 },
    },
    text: {
      ...exact,
      options: {
        sentences: join(root, 'packages/nlp/data/sst2/dev.tsv'),
        words: '10',
        shortSentences: 'skip',
      },
    },
    pointcloud: { ...exact, options: { clouds: 'modelnet10:test', regions: 30, players: 10 } },
    tabular: { ...exact, options: { dataset: 'census' } },
  };
}

/** The study (as JSON) measuring `networks` under `root`, and the networks whose model is absent. */
export function andOrStudy(
  networks: readonly BottleneckNetwork[],
  root: string,
  samples: number,
  seed: number,
): { study: Record<string, unknown>; missing: MissingNetwork[] } {
  const { models, missing } = networkStudyModels(
    networks,
    root,
    andOrDefaults(root, samples),
    (n, options) => {
      if (n.id === 'modelnet10-dgcnn') options.players = 8;
    },
  );
  return {
    study: {
      name: 'reproduce-and-or-sparsity',
      description: 'exact 2^n tables of every network of the project, for the AND-OR sparsity check',
      seed,
      models,
    },
    missing,
  };
}
