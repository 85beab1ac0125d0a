import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OrderlensInputError } from '../errors/errors.js';

/** The modalities a network of the project can have (the adapters the CLI registers). */
export type BottleneckModality = 'vision' | 'text' | 'pointcloud' | 'tabular';

/** One network of the project whose interactions the reproductions measure. */
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

/** A network that cannot be measured before anything runs, and why. */
export interface MissingNetwork {
  readonly id: string;
  readonly reason: string;
}

/**
 * Picks the networks named in `list` (all of `from` when undefined), in `from`'s order; an
 * unknown id is refused naming `field` (the option that gave the list).
 */
export function selectNetworks(
  list: readonly string[] | undefined,
  from: readonly BottleneckNetwork[] = BOTTLENECK_NETWORKS,
  field = 'networks',
): BottleneckNetwork[] {
  if (list === undefined) return [...from];
  const ids = from.map((n) => n.id);
  for (const id of list)
    if (!ids.includes(id))
      throw new OrderlensInputError(field, `unknown network "${id}"; expected some of ${ids.join(', ')}`);
  return from.filter((n) => list.includes(n.id));
}

/** One modality's study settings: protocol, sizes, estimator and adapter `options`. */
export type NetworkStudySettings = Record<string, unknown>;

/**
 * The study models of `networks` under `root`: each network's modality settings with its own
 * adapter options on top (then `adjust`, for a reproduction's per-network exceptions), and the
 * networks whose model file is not there — a reproduction names them as failed, never silently
 * leaves them out.
 */
export function networkStudyModels(
  networks: readonly BottleneckNetwork[],
  root: string,
  defaults: Readonly<Record<BottleneckModality, NetworkStudySettings>>,
  adjust?: (network: BottleneckNetwork, options: Record<string, unknown>) => void,
): { models: NetworkStudySettings[]; missing: MissingNetwork[] } {
  const missing: MissingNetwork[] = [];
  const models: NetworkStudySettings[] = [];
  for (const n of networks) {
    const file = join(root, n.model);
    if (!existsSync(file)) {
      missing.push({ id: n.id, reason: `model not found: ${file}` });
      continue;
    }
    const base = defaults[n.modality];
    const options = { ...(base.options as Record<string, unknown>), ...(n.options ?? {}) };
    adjust?.(n, options);
    models.push({ id: n.id, modality: n.modality, model: file, ...base, options });
  }
  return { models, missing };
}
