import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { OrderlensInputError, type ModelRunner } from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { TfjsRunner, initTfjs } from '@orderlens/runtime-tfjs';
import {
  materializeNsfwjs,
  parseLayout,
  type ImageLayout,
  type ImageShape,
  type NsfwjsVariant,
  type PreprocessOptions,
} from '@orderlens/vision';
import { parseFloatList, parseFloatOption } from '../../util/options.js';
import { yieldingRunner } from '../../util/yielding-runner.js';

/** What the vision commands need to know about a model. */
export interface VisionModel {
  readonly runner: ModelRunner;
  readonly file: string;
  readonly inputName: string;
  /** Input shape without the batch dimension (when the model or its meta declares it). */
  readonly shape?: ImageShape;
  readonly preprocess: PreprocessOptions;
  readonly classes?: string[];
  /** Default tensor for feature-map masking (meta.json `cutTensor.name`). */
  readonly cutTensor?: string;
  readonly metaFile?: string;
}

/** Flags that override or supply the preprocessing. */
export interface PreprocessFlags {
  meta?: string;
  mean?: string;
  std?: string;
  scale?: string;
  layout?: string;
  channelOrder?: string;
}

interface MetaJson {
  input?: { name?: string; shape?: Array<number | string>; layout?: string; channelOrder?: string };
  normalization?: { mean?: number | number[]; std?: number | number[]; scale?: number };
  classes?: string[];
  cutTensor?: { name?: string };
}

function readMeta(path: string): MetaJson {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as MetaJson;
  } catch (e) {
    throw new OrderlensInputError('--meta', `cannot read ${path}: ${(e as Error).message}`);
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

/**
 * Opens an image classifier: `.onnx` through ONNX Runtime, `model.json` through TensorFlow.js.
 * Preprocessing comes from `--meta` (default: `meta.json` beside the model) and is overridden by
 * `--mean/--std/--scale/--layout/--channel-order`.
 */
export async function openVisionModel(
  path: string,
  flags: PreprocessFlags,
  options: { threads?: number } = {},
): Promise<VisionModel> {
  if (path === 'nsfwjs' || path.startsWith('nsfwjs:')) {
    // The pretrained nsfwjs network ships its weights inside the npm package: write them out once.
    const variant = (path.split(':')[1] ?? 'mobilenet_v2') as NsfwjsVariant;
    if (variant !== 'mobilenet_v2' && variant !== 'mobilenet_v2_mid')
      throw new OrderlensInputError(
        '--model',
        `unknown nsfwjs variant "${variant}"; expected mobilenet_v2 or mobilenet_v2_mid`,
      );
    const files = materializeNsfwjs(join(tmpdir(), `orderlens-nsfwjs-${variant}`), variant, import.meta.url);
    return openVisionModel(files.modelJson, { ...flags, meta: flags.meta ?? files.meta }, options);
  }
  const file = resolve(path);
  if (!existsSync(file)) throw new OrderlensInputError('--model', `no such file: ${file}`);
  const metaFile =
    flags.meta ??
    (existsSync(join(dirname(file), 'meta.json')) ? join(dirname(file), 'meta.json') : undefined);
  const meta: MetaJson = metaFile ? readMeta(metaFile) : {};
  const ext = extname(file).toLowerCase();
  let runner: ModelRunner;
  let declared: ReadonlyArray<number | string | null> | undefined;
  let defaultLayout: ImageLayout;
  if (ext === '.onnx') {
    const onnx = await OnnxRunner.create(file, {
      providers: ['cpu'],
      intraOpNumThreads: options.threads,
      log: () => {},
    });
    runner = onnx;
    declared = onnx.describe().inputs[0]?.shape;
    defaultLayout = 'NCHW';
  } else if (ext === '.json') {
    await initTfjs();
    const tf = await TfjsRunner.load(file);
    // tfjs never yields to the event loop by itself: without this Ctrl-C is not seen.
    runner = yieldingRunner(tf);
    declared = tf.inputShapes[0] ?? undefined;
    defaultLayout = 'NHWC';
  } else {
    throw new OrderlensInputError(
      '--model',
      `expected an .onnx file, a tfjs model.json or nsfwjs[:variant], got ${file}`,
    );
  }
  const layout = flags.layout
    ? parseLayout(flags.layout, '--layout')
    : meta.input?.layout
      ? parseLayout(meta.input.layout, 'meta.input.layout')
      : defaultLayout;
  const shape = shapeFrom(meta.input?.shape ?? declared, layout) ?? shapeFrom(declared, layout);
  const perChannel = (
    raw: string | undefined,
    fromMeta: number | number[] | undefined,
    field: string,
  ): number | number[] | undefined =>
    raw !== undefined
      ? raw.includes(',')
        ? parseFloatList(raw, field)
        : parseFloatOption(raw, field)
      : fromMeta;
  const channelOrder = (flags.channelOrder ?? meta.input?.channelOrder ?? 'RGB').toUpperCase();
  if (channelOrder !== 'RGB' && channelOrder !== 'BGR')
    throw new OrderlensInputError('--channel-order', `expected RGB or BGR, got ${channelOrder}`);
  const preprocess: PreprocessOptions = {
    layout,
    channelOrder,
    scale:
      flags.scale !== undefined
        ? parseFloatOption(flags.scale, '--scale')
        : (meta.normalization?.scale ?? 1 / 255),
    mean: perChannel(flags.mean, meta.normalization?.mean, '--mean'),
    std: perChannel(flags.std, meta.normalization?.std, '--std'),
  };
  if (meta.input?.name !== undefined && !runner.inputNames.includes(meta.input.name)) {
    throw new OrderlensInputError(
      '--meta',
      `input.name "${meta.input.name}" is not an input of ${file}; the model takes ${runner.inputNames.join(', ')}`,
    );
  }
  return {
    runner,
    file,
    inputName: meta.input?.name ?? runner.inputNames[0],
    shape,
    preprocess,
    classes: meta.classes,
    cutTensor: meta.cutTensor?.name,
    metaFile,
  };
}

/** Throws a `model input` error when the images do not have the shape the model takes. */
export function checkInputShape(
  model: VisionModel,
  images: { height: number; width: number; channels: number },
): void {
  const s = model.shape;
  if (!s) return;
  if (s.height !== images.height || s.width !== images.width || s.channels !== images.channels) {
    throw new OrderlensInputError(
      'model input',
      `${model.file} takes ${s.channels}×${s.height}×${s.width} images (${s.layout}) but the data are ${images.channels}×${images.height}×${images.width}; resize the images (--resize) or pick the matching dataset`,
    );
  }
}
