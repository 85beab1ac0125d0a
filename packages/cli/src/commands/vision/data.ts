import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OrderlensInputError } from '@orderlens/core';
import {
  loadCifar10Subset,
  loadFashionMnist,
  loadIdxDataset,
  readCifarBinary,
  readImageFolder,
  type ImageDataset,
} from '@orderlens/vision';
import { parseInteger } from '../../util/options.js';

/** Flags choosing the images. */
export interface VisionDataFlags {
  dataset?: string;
  images?: string;
  resize?: string;
  limit?: string;
}

/** The repo's Fashion-MNIST test subset (`packages/vision/data/fashion-mnist`), for `--dataset fashion-mnist`. */
function repoFashionMnist(): string {
  // src/commands/vision and dist/commands/vision are both five levels below the repo root.
  return fileURLToPath(new URL('../../../../../packages/vision/data/fashion-mnist', import.meta.url));
}

/** The dataset specs `--dataset` accepts, for help texts. */
export const DATASET_HELP =
  'cifar10 (shipped 1,000-image test subset), cifar10-train, fashion-mnist[:dir], cifar-bin:<file>, idx:<images>,<labels>';

/**
 * Loads the images named by `--dataset` or `--images <folder>` (one subfolder per class).
 * `--resize WxH` applies to folders; `--limit` keeps the first images. For folders, `classNames`
 * (the model's classes) fixes the label of each subfolder name.
 */
export async function loadVisionData(
  flags: VisionDataFlags,
  channels?: number,
  classNames?: readonly string[],
): Promise<{ dataset: ImageDataset; source: string }> {
  const limit = flags.limit !== undefined ? parseInteger(flags.limit, '--limit', { min: 1 }) : undefined;
  if (flags.images !== undefined && flags.dataset !== undefined)
    throw new OrderlensInputError('--images', 'give either --images or --dataset, not both');
  if (flags.images !== undefined) {
    let resize: { width: number; height: number } | undefined;
    if (flags.resize !== undefined) {
      const m = /^(\d+)[x×](\d+)$/i.exec(flags.resize.trim());
      if (!m) throw new OrderlensInputError('--resize', `expected WxH like 32x32, got "${flags.resize}"`);
      resize = {
        width: parseInteger(m[1], '--resize', { min: 1 }),
        height: parseInteger(m[2], '--resize', { min: 1 }),
      };
    }
    const ds = await readImageFolder(flags.images, {
      resize,
      channels: channels === 1 ? 1 : 3,
      ...(classNames ? { classNames } : {}),
    });
    return { dataset: limit ? cut(ds, limit) : ds, source: flags.images };
  }
  const spec = flags.dataset ?? 'cifar10';
  const opts = limit ? { limit } : {};
  if (spec === 'cifar10' || spec === 'cifar10-test')
    return {
      dataset: loadCifar10Subset('test', opts),
      source: 'cifar10 test subset (JPEG-decoded, see PROVENANCE.md)',
    };
  if (spec === 'cifar10-train')
    return { dataset: loadCifar10Subset('train', opts), source: 'cifar10 train subset (JPEG-decoded)' };
  if (spec === 'fashion-mnist' || spec.startsWith('fashion-mnist:')) {
    const dir = spec.includes(':') ? spec.slice(spec.indexOf(':') + 1) : repoFashionMnist();
    if (!existsSync(dir)) throw new OrderlensInputError('--dataset', `no Fashion-MNIST directory at ${dir}`);
    return { dataset: loadFashionMnist(dir, 'test', opts), source: `fashion-mnist test (${dir})` };
  }
  if (spec.startsWith('cifar-bin:')) return { dataset: readCifarBinary(spec.slice(10), opts), source: spec };
  if (spec.startsWith('idx:')) {
    const [images, labels] = spec.slice(4).split(',');
    if (!images || !labels) throw new OrderlensInputError('--dataset', 'idx: needs <images>,<labels>');
    return { dataset: loadIdxDataset(images, labels, opts), source: spec };
  }
  throw new OrderlensInputError('--dataset', `unknown dataset "${spec}"; expected ${DATASET_HELP}`);
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
