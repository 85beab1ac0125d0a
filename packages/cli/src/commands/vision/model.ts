import { openModel, optionField, settingsBlock, type ModelRunner } from '@orderlens/core';
import { visionModelSpec, type VisionModelSpec } from '@orderlens/vision';
import { parseFloatList, parseFloatOption } from '../../util/options.js';
import { numberFlag, parsedText, parseBlockFlags } from '../../util/option-schema.js';

/** An image classifier opened for the vision commands that are not analyses (`structure`). */
export type VisionModel = VisionModelSpec & { readonly runner: ModelRunner; readonly file: string };

/** Preprocessing flags as commander gives them. */
export interface PreprocessFlags {
  meta?: string;
  mean?: string;
  std?: string;
  scale?: string;
  layout?: string;
  channelOrder?: string;
  normalization?: boolean;
}

/** One value for every channel, or one per channel (`0.5` or `0.49,0.48,0.45`). */
const channelValues = () =>
  parsedText((raw, field) =>
    raw.includes(',') ? parseFloatList(raw, field) : [parseFloatOption(raw, field)],
  );

/** The numeric preprocessing overrides, one schema; `--help` and the parsing are derived from it. */
export const PREPROCESS_OPTIONS = settingsBlock({
  mean: optionField(channelValues().optional().describe('normalisation mean, overrides meta.json'), {
    argument: '<v|v,v,v>',
  }),
  std: optionField(channelValues().optional().describe('normalisation std, overrides meta.json'), {
    argument: '<v|v,v,v>',
  }),
  scale: optionField(
    numberFlag().optional().describe('pixel multiplier before normalisation (default 1/255)'),
    {
      argument: '<s>',
    },
  ),
});

/**
 * Opens a model through the runner registry (one device policy) and reads its preprocessing
 * with the vision adapter's rules (meta.json beside the model, overrides, refusal of a model
 * without normalisation unless `--mean/--std` or `--no-normalization`).
 */
export async function openVisionModel(
  path: string,
  flags: PreprocessFlags,
  options: { threads?: number } = {},
): Promise<VisionModel> {
  // Read before the model is opened: a bad override costs no model load.
  const { mean, std, scale } = parseBlockFlags(PREPROCESS_OPTIONS, {
    mean: flags.mean,
    std: flags.std,
    scale: flags.scale,
  });
  const model = await openModel({ spec: path, device: 'cpu', threads: options.threads });
  try {
    const spec = visionModelSpec(model, {
      meta: flags.meta,
      mean,
      std,
      scale,
      layout: flags.layout?.toUpperCase(),
      channelOrder: flags.channelOrder,
      noNormalization: flags.normalization === false,
    });
    return { runner: model.runner, file: model.file, ...spec };
  } catch (e) {
    await model.runner.dispose();
    throw e;
  }
}
