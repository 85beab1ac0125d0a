import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OrderlensInputError, resolveInside, type OpenedModel } from '@orderlens/core';
import type { ImageLayout, ImageShape } from '../image/raw-image.js';
import type { PreprocessOptions } from '../image/preprocess.js';
import { parseLayout } from '../image/raw-image.js';

/** `meta.json` beside an image model: input, normalisation, classes, cut tensor. */
export interface VisionModelMeta {
  input?: { name?: string; shape?: Array<number | string>; layout?: string; channelOrder?: string };
  normalization?: { mean?: number | number[]; std?: number | number[]; scale?: number };
  classes?: string[];
  cutTensor?: { name?: string };
}

/** How an image model wants its input, from meta.json and the user's overrides. */
export interface VisionModelSpec {
  readonly inputName: string;
  readonly shape?: ImageShape;
  readonly preprocess: PreprocessOptions;
  readonly classes?: string[];
  readonly cutTensor?: string;
  /** The meta.json read, if any. */
  readonly metaFile?: string;
  /** Where the normalisation came from: `meta.json`, `options` or `none` (said so explicitly). */
  readonly normalizationSource: 'meta.json' | 'options' | 'none';
}

/** User overrides of the model's preprocessing (adapter options). */
export interface PreprocessOverrides {
  readonly meta?: string;
  readonly mean?: number[];
  readonly std?: number[];
  readonly scale?: number;
  readonly layout?: string;
  readonly channelOrder?: string;
  /** Run without normalisation although the model has no meta.json (explicit consent). */
  readonly noNormalization?: boolean;
}

function readMeta(path: string, field: string): VisionModelMeta {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as VisionModelMeta;
  } catch (e) {
    throw new OrderlensInputError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
}

function shapeFrom(
  dims: ReadonlyArray<number | string | null> | undefined,
  layout: ImageLayout,
): ImageShape | undefined {
  if (!dims || dims.length !== 4) return undefined;
  const d = dims.slice(1).map((v) => (typeof v === 'number' && v > 0 ? v : NaN));
  if (d.some((v) => Number.isNaN(v))) return undefined;
  return layout === 'NCHW'
    ? { channels: d[0], height: d[1], width: d[2], layout }
    : { channels: d[2], height: d[0], width: d[1], layout };
}

/** A meta.json found beside the model must resolve inside the model's folder (symlinks too). */
function metaBeside(model: OpenedModel): string | undefined {
  // Checked before existsSync, so not even the existence of a file outside is probed.
  const candidate = resolveInside(dirname(model.file), 'meta.json', 'meta.json');
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Reads the model's preprocessing: meta.json (given or beside the model), then the user's
 * overrides. A model with no normalisation anywhere is refused unless the user passes
 * `--mean/--std` or `--no-normalization`: running it with a guessed normalisation gives plausible
 * but meaningless numbers (a CIFAR model at 12 % instead of 52 % accuracy).
 */
export function visionModelSpec(model: OpenedModel, o: PreprocessOverrides): VisionModelSpec {
  const metaFile = o.meta ?? metaBeside(model);
  const meta: VisionModelMeta = metaFile ? readMeta(metaFile, o.meta ? '--meta' : 'meta.json') : {};
  const defaultLayout: ImageLayout = model.format === 'onnx' ? 'NCHW' : 'NHWC';
  const layout = o.layout
    ? parseLayout(o.layout, '--layout')
    : meta.input?.layout
      ? parseLayout(meta.input.layout, 'meta.input.layout')
      : defaultLayout;
  const declared = model.inputs.find(
    (i) => i.name === (meta.input?.name ?? model.runner.inputNames[0]),
  )?.shape;
  const shape = shapeFrom(meta.input?.shape ?? declared, layout) ?? shapeFrom(declared, layout);
  const channelOrder = (o.channelOrder ?? meta.input?.channelOrder ?? 'RGB').toUpperCase();
  if (channelOrder !== 'RGB' && channelOrder !== 'BGR')
    throw new OrderlensInputError('--channel-order', `expected RGB or BGR, got ${channelOrder}`);
  if (o.scale !== undefined && !(o.scale > 0 && Number.isFinite(o.scale)))
    throw new OrderlensInputError('--scale', `expected a positive number, got ${o.scale}`);
  for (const [field, list] of [['--std', o.std]] as const)
    if (list && list.some((v) => !(v > 0)))
      throw new OrderlensInputError(field, `expected positive values, got ${list.join(',')}`);
  const hasMetaNorm = meta.normalization?.mean !== undefined || meta.normalization?.std !== undefined;
  const hasUserNorm = o.mean !== undefined || o.std !== undefined;
  if (!hasMetaNorm && !hasUserNorm && !o.noNormalization)
    throw new OrderlensInputError(
      '--model',
      `${model.file} has no meta.json with its normalisation; give --mean and --std (or --meta <file>), or pass --no-normalization if the model takes raw pixels·scale`,
    );
  const perChannel = (v: number[] | undefined) => (v === undefined ? undefined : v.length === 1 ? v[0] : v);
  const preprocess: PreprocessOptions = {
    layout,
    channelOrder,
    scale: o.scale ?? meta.normalization?.scale ?? 1 / 255,
    mean: perChannel(o.mean) ?? meta.normalization?.mean,
    std: perChannel(o.std) ?? meta.normalization?.std,
  };
  if (meta.input?.name !== undefined && !model.runner.inputNames.includes(meta.input.name))
    throw new OrderlensInputError(
      metaFile === o.meta ? '--meta' : 'meta.json',
      `input.name "${meta.input.name}" is not an input of ${model.file}; the model takes ${model.runner.inputNames.join(', ')}`,
    );
  return {
    inputName: meta.input?.name ?? model.runner.inputNames[0],
    shape,
    preprocess,
    classes: meta.classes,
    cutTensor: meta.cutTensor?.name,
    metaFile,
    normalizationSource: hasUserNorm ? 'options' : hasMetaNorm ? 'meta.json' : 'none',
  };
}

/**
 * The image shape the model takes: its declared one, which the data must match (refused naming
 * the model file and both shapes otherwise), or, for a model that declares none, the data's.
 */
export function modelImageShape(
  file: string,
  spec: Pick<VisionModelSpec, 'shape' | 'preprocess'>,
  data: { readonly channels: number; readonly height: number; readonly width: number },
): ImageShape {
  const s = spec.shape;
  if (s && (s.height !== data.height || s.width !== data.width || s.channels !== data.channels))
    throw new OrderlensInputError(
      'model input',
      `${file} takes ${s.channels}×${s.height}×${s.width} images (${s.layout}) but the data are ${data.channels}×${data.height}×${data.width}; resize the images (--resize) or pick the matching dataset`,
    );
  return (
    s ?? {
      channels: data.channels,
      height: data.height,
      width: data.width,
      layout: spec.preprocess.layout ?? 'NCHW',
    }
  );
}
