import { OrderlensInputError, openModel, type ModelRunner } from '@orderlens/core';
import { visionModelSpec, type ImageShape, type PreprocessOptions } from '@orderlens/vision';
import { parseFloatList, parseFloatOption } from '../../util/options.js';

/** An image classifier opened for the vision commands that are not analyses (`structure`). */
export interface VisionModel {
  readonly runner: ModelRunner;
  readonly file: string;
  readonly inputName: string;
  readonly shape?: ImageShape;
  readonly preprocess: PreprocessOptions;
  readonly classes?: string[];
  readonly cutTensor?: string;
  readonly metaFile?: string;
}

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

/** Refuses images whose size differs from the model's input. */
export function checkInputShape(
  model: VisionModel,
  images: { height: number; width: number; channels: number },
): void {
  const s = model.shape;
  if (!s) return;
  if (s.height !== images.height || s.width !== images.width || s.channels !== images.channels)
    throw new OrderlensInputError(
      'model input',
      `${model.file} takes ${s.channels}×${s.height}×${s.width} images (${s.layout}) but the data are ${images.channels}×${images.height}×${images.width}; resize the images (--resize) or pick the matching dataset`,
    );
}
