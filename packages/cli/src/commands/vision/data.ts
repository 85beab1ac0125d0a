import { loadVisionData as load, VISION_DATASETS, type ImageDataset } from '@orderlens/vision';
import { parseInteger } from '../../util/options.js';

/** Data flags of the vision commands that are not analyses (structure, train vision). */
export interface VisionDataFlags {
  dataset?: string;
  images?: string;
  resize?: string;
  limit?: string;
}

/** `--dataset` help. */
export const DATASET_HELP = VISION_DATASETS;

/** The vision adapter's reader, with `--limit` parsed from the flag. */
export function loadVisionData(
  flags: VisionDataFlags,
  channels?: number,
  classNames?: readonly string[],
): Promise<{ dataset: ImageDataset; source: string }> {
  const limit = flags.limit !== undefined ? parseInteger(flags.limit, '--limit', { min: 1 }) : undefined;
  return load(
    { dataset: flags.dataset, images: flags.images, resize: flags.resize, limit },
    channels,
    classNames,
  );
}
