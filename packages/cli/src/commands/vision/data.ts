import { loadVisionData as load, VISION_DATASETS, type ImageDataset } from '@orderlens/vision';
import { optionField, settingsBlock } from '@orderlens/core';
import { integerFlag, parseBlockFlags } from '../../util/option-schema.js';

/** Data flags of the vision commands that are not analyses (structure, train vision). */
export interface VisionDataFlags {
  dataset?: string;
  images?: string;
  resize?: string;
  limit?: string;
}

/** `--dataset` help. */
export const DATASET_HELP = VISION_DATASETS;

/** `--limit` of the vision commands that read images themselves, one schema (help and parsing). */
export const VISION_DATA_OPTIONS = settingsBlock({
  limit: optionField(integerFlag({ min: 1 }).optional().describe('use the first k images'), {
    argument: '<k>',
  }),
});

/** `--limit` read from commander's flags (undefined when absent); the error names `--limit`. */
export function parseVisionLimit(flags: VisionDataFlags): number | undefined {
  return parseBlockFlags(VISION_DATA_OPTIONS, { limit: flags.limit }).limit;
}

/** The vision adapter's reader, with `--limit` parsed from the flag. */
export function loadVisionData(
  flags: VisionDataFlags,
  channels?: number,
  classNames?: readonly string[],
): Promise<{ dataset: ImageDataset; source: string }> {
  const limit = parseVisionLimit(flags);
  return load(
    { dataset: flags.dataset, images: flags.images, resize: flags.resize, limit },
    channels,
    classNames,
  );
}
