import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OrderlensInputError } from '@orderlens/core';
import { loadCifar10Subset, readCifarBinary } from '../data/cifar.js';
import { datasetChannelMean, type ImageDataset } from '../data/dataset.js';
import { readImageFolder } from '../data/folder.js';
import { loadFashionMnist, loadIdxDataset } from '../data/idx.js';

/** Data specs `--dataset` accepts. */
export const VISION_DATASETS =
  'cifar10 (shipped 1,000-image test subset), cifar10-train, fashion-mnist[:dir] (shipped 1,000-image test subset), cifar-bin:<file>, idx:<images>,<labels>';

/** Folder of the Fashion-MNIST test subset shipped with this package (see its PROVENANCE.md). */
export function fashionMnistDataDir(): string {
  // src/adapter/ and dist/adapter/ are both two levels below the package root.
  return fileURLToPath(new URL('../../data/fashion-mnist', import.meta.url));
}

/** Where images come from: a named dataset or a folder of class subfolders. */
export interface VisionDataSpec {
  readonly dataset?: string;
  readonly images?: string;
  /** `WxH` resize for `images`. */
  readonly resize?: string;
  /** Only the first `limit` images are candidates. */
  readonly limit?: number;
}

/** Reads the candidates of a vision analysis; errors name `--dataset`, `--images` or `--resize`. */
export async function loadVisionData(
  spec: VisionDataSpec,
  channels?: number,
  classNames?: readonly string[],
): Promise<{ dataset: ImageDataset; source: string }> {
  const limit = spec.limit;
  if (spec.images !== undefined && spec.dataset !== undefined)
    throw new OrderlensInputError('--images', 'give either --images or --dataset, not both');
  if (spec.images !== undefined) {
    let resize: { width: number; height: number } | undefined;
    if (spec.resize !== undefined) {
      const m = /^(\d+)[x×](\d+)$/i.exec(spec.resize.trim());
      if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
        throw new OrderlensInputError('--resize', `expected WxH like 32x32, got "${spec.resize}"`);
      resize = { width: Number(m[1]), height: Number(m[2]) };
    }
    if (!existsSync(spec.images)) throw new OrderlensInputError('--images', `no such folder: ${spec.images}`);
    const ds = await readImageFolder(spec.images, {
      resize,
      channels: channels === 1 ? 1 : 3,
      ...(classNames ? { classNames } : {}),
    });
    return { dataset: limit ? cut(ds, limit) : ds, source: spec.images };
  }
  if (spec.resize !== undefined) throw new OrderlensInputError('--resize', 'applies to --images only');
  const name = spec.dataset ?? 'cifar10';
  const opts = limit ? { limit } : {};
  if (name === 'cifar10' || name === 'cifar10-test')
    return {
      dataset: loadCifar10Subset('test', opts),
      source: 'cifar10 test subset (JPEG-decoded, see PROVENANCE.md)',
    };
  if (name === 'cifar10-train')
    return { dataset: loadCifar10Subset('train', opts), source: 'cifar10 train subset (JPEG-decoded)' };
  if (name === 'fashion-mnist' || name.startsWith('fashion-mnist:')) {
    const dir = name.includes(':') ? name.slice(name.indexOf(':') + 1) : fashionMnistDataDir();
    if (!existsSync(dir)) throw new OrderlensInputError('--dataset', `no Fashion-MNIST directory at ${dir}`);
    return {
      dataset: loadFashionMnist(dir, 'test', opts),
      source: name.includes(':') ? `fashion-mnist test (${dir})` : 'fashion-mnist test subset (shipped)',
    };
  }
  if (name.startsWith('cifar-bin:')) return { dataset: readCifarBinary(name.slice(10), opts), source: name };
  if (name.startsWith('idx:')) {
    const [images, labels] = name.slice(4).split(',');
    if (!images || !labels) throw new OrderlensInputError('--dataset', 'idx: needs <images>,<labels>');
    return { dataset: loadIdxDataset(images, labels, opts), source: name };
  }
  throw new OrderlensInputError('--dataset', `unknown dataset "${name}"; expected ${VISION_DATASETS}`);
}

/**
 * Per-channel byte mean of Fashion-MNIST's 60,000 training images (0.2860405969887955 in [0, 1],
 * the statistics packages/vision/models/fmnist-cnn/meta.json records from tools/fixtures/fmnist_cnn.py);
 * only the test subset ships, so the training mean is a constant.
 */
const FASHION_MNIST_TRAIN_MEAN = [0.2860405969887955 * 255];

let cifarTrainMean: number[] | undefined;

/**
 * The per-channel byte mean of the training images behind a data spec, for the `mean` baseline
 * of models without a normalisation mean. It never depends on `--limit` or on which candidates
 * were loaded: CIFAR-10 specs use the shipped 2,000-image training subset, Fashion-MNIST its
 * training set's published mean; other sources have no known training set, and use all the
 * images of the source (before `--limit`), said so in `source`.
 */
export async function trainingChannelMean(
  spec: VisionDataSpec,
  channels?: number,
  classNames?: readonly string[],
): Promise<{ byteMean: number[]; source: string }> {
  const name = spec.dataset ?? 'cifar10';
  if (
    spec.images === undefined &&
    (name === 'cifar10' || name === 'cifar10-test' || name === 'cifar10-train')
  ) {
    cifarTrainMean ??= datasetChannelMean(loadCifar10Subset('train'));
    return { byteMean: cifarTrainMean, source: 'cifar10 train subset (2,000 images)' };
  }
  if (spec.images === undefined && (name === 'fashion-mnist' || name.startsWith('fashion-mnist:')))
    return { byteMean: FASHION_MNIST_TRAIN_MEAN, source: 'fashion-mnist training set (60,000 images)' };
  const { dataset, source } = await loadVisionData({ ...spec, limit: undefined }, channels, classNames);
  return {
    byteMean: datasetChannelMean(dataset),
    source: `all ${dataset.count} images of ${source} (no training set known)`,
  };
}

function cut(ds: ImageDataset, limit: number): ImageDataset {
  if (ds.count <= limit) return ds;
  const size = ds.height * ds.width * ds.channels;
  return {
    ...ds,
    images: ds.images.subarray(0, limit * size),
    labels: ds.labels.subarray(0, limit),
    count: limit,
    sources: ds.sources?.slice(0, limit),
  };
}
