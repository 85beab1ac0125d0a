import { openModel, type ModelRunner } from '@orderlens/core';
import { visionModelSpec, type VisionModelSpec } from '@orderlens/vision';
import { parseFloatList, parseFloatOption } from '../../util/options.js';

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

const list = (raw: string | undefined, field: string) =>
  raw === undefined
    ? undefined
    : raw.includes(',')
      ? parseFloatList(raw, field)
      : [parseFloatOption(raw, field)];

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
  const model = await openModel({ spec: path, device: 'cpu', threads: options.threads });
  try {
    const spec = visionModelSpec(model, {
      meta: flags.meta,
      mean: list(flags.mean, '--mean'),
      std: list(flags.std, '--std'),
      scale: flags.scale !== undefined ? parseFloatOption(flags.scale, '--scale') : undefined,
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
