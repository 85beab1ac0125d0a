import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OrderlensInputError, resolveInside } from '@orderlens/core';

/** Classes of the nsfwjs models, by output index. */
export const NSFWJS_CLASSES: readonly string[] = Object.freeze([
  'Drawing',
  'Hentai',
  'Neutral',
  'Porn',
  'Sexy',
]);

/** The nsfwjs variants whose weights ship inside the npm package. */
export type NsfwjsVariant = 'mobilenet_v2' | 'mobilenet_v2_mid';

/** Files written by {@link materializeNsfwjs}. */
export interface PretrainedModelFiles {
  /** Path of the tfjs `model.json` (layers model). */
  readonly modelJson: string;
  /** Path of the `meta.json` (input, normalisation, classes) the vision CLI reads. */
  readonly meta: string;
  readonly classes: readonly string[];
  /** NHWC input size. */
  readonly height: number;
  readonly width: number;
}

interface KerasJson {
  modelTopology: {
    model_config: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
  };
  weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
}

/**
 * Writes the pretrained nsfwjs MobileNetV2 classifier (Infinite Red, MIT; weights shipped inside
 * the `nsfwjs` npm package as JavaScript modules, so no network is needed) as a plain tfjs layers
 * model in `dir`: `model.json`, `group1-shard1of1.bin` and a `meta.json` for the vision commands.
 *
 * One change is made: the final Dense layer's `softmax` becomes `linear`, so the model returns
 * logits (the published probabilities are `softmax` of them) and log-odds rewards are exact.
 * Input: NHWC `[N, 224, 224, 3]`, RGB, `pixel / 255` (what nsfwjs does before classifying).
 */
export function materializeNsfwjs(
  dir: string,
  variant: NsfwjsVariant = 'mobilenet_v2',
  /**
   * Where to resolve `nsfwjs` from (a file or folder URL/path); default: this module's (nsfwjs
   * is a dependency of this package). Tests point it at a stand-in package.
   */
  resolveFrom: string = import.meta.url,
): PretrainedModelFiles {
  const require = createRequire(resolveFrom);
  let root: string;
  try {
    // dist/cjs/index.js → package root
    root = dirname(dirname(dirname(require.resolve('nsfwjs'))));
  } catch (e) {
    throw new OrderlensInputError(
      'model',
      `the nsfwjs package is not installed (npm install nsfwjs): ${(e as Error).message}`,
    );
  }
  const modelsDir = join(root, 'dist', 'models', variant);
  const modelModule = join(modelsDir, 'model.min.js');
  let json: KerasJson;
  const shards: string[] = [];
  try {
    json = require(modelModule) as KerasJson;
  } catch (e) {
    throw new OrderlensInputError(
      'model',
      `cannot read the ${variant} weights shipped in nsfwjs (${modelModule}): ${(e as Error).message}`,
    );
  }
  if (!Array.isArray(json?.weightsManifest) || !json.weightsManifest.every((g) => Array.isArray(g?.paths))) {
    throw new OrderlensInputError('model', `${modelModule} has no weightsManifest with shard paths`);
  }
  // The manifest names the shard modules to read and, below, the files to write: both are
  // confined to their folder before anything is read or written, as for any model file.
  const manifestField = (g: number, k: number) => `weightsManifest[${g}].paths[${k}]`;
  const sources = json.weightsManifest.map((group, g) =>
    group.paths.map((p, k) => resolveInside(modelsDir, `${p}.min.js`, manifestField(g, k))),
  );
  try {
    for (const path of sources.flat()) {
      const mod = require(path) as string | { default: string };
      shards.push(typeof mod === 'string' ? mod : mod.default);
    }
  } catch (e) {
    throw new OrderlensInputError(
      'model',
      `cannot read the ${variant} weights shipped in nsfwjs (${modelModule}): ${(e as Error).message}`,
    );
  }
  const layers = json.modelTopology.model_config.config.layers;
  const last = layers[layers.length - 1];
  if (last.class_name !== 'Dense' || last.config.activation !== 'softmax') {
    throw new OrderlensInputError(
      'model',
      `expected the nsfwjs ${variant} model to end in a softmax Dense layer, found ${last.class_name}`,
    );
  }
  const topology = structuredClone(json.modelTopology);
  const tl = topology.model_config.config.layers;
  tl[tl.length - 1].config.activation = 'linear';
  const targets = json.weightsManifest.map((group, g) =>
    group.paths.map((p, k) => resolveInside(dir, `${p}.bin`, manifestField(g, k))),
  );
  mkdirSync(dir, { recursive: true });
  let s = 0;
  const manifest = json.weightsManifest.map((group, g) => ({
    ...group,
    paths: group.paths.map((p, k) => {
      writeFileSync(targets[g][k], Buffer.from(shards[s++], 'base64'));
      return `${p}.bin`;
    }),
  }));
  const modelJson = join(dir, 'model.json');
  writeFileSync(
    resolveInside(dir, 'model.json', 'model.json'),
    JSON.stringify({
      format: 'layers-model',
      generatedBy: 'orderlens materializeNsfwjs',
      modelTopology: topology,
      weightsManifest: manifest,
    }),
  );
  const meta = join(dir, 'meta.json');
  writeFileSync(
    resolveInside(dir, 'meta.json', 'meta.json'),
    JSON.stringify(
      {
        model: `nsfwjs ${variant} (Infinite Red, MIT), final softmax removed: outputs are logits`,
        source: `npm package nsfwjs, dist/models/${variant}`,
        input: { shape: ['batch', 224, 224, 3], layout: 'NHWC', channelOrder: 'RGB' },
        normalization: { formula: 'pixel / 255', mean: 0, std: 1, scale: 1 / 255 },
        classes: NSFWJS_CLASSES,
      },
      null,
      1,
    ),
  );
  return { modelJson, meta, classes: NSFWJS_CLASSES, height: 224, width: 224 };
}
