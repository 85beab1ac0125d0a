import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { OrderlensInputError, resolveInside } from '@orderlens/core';

type ModelJSON = tf.io.ModelJSON;
type ModelArtifacts = tf.io.ModelArtifacts;
type WeightsManifestConfig = tf.io.WeightsManifestConfig;

/** File names written by {@link fileSaveHandler}. */
export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Reads and parses a `model.json` (tfjs layers or graph format) with errors that name the path.
 * Exported so callers can look at `format` before choosing a loader.
 */
export function readModelJson(modelJsonPath: string): ModelJSON {
  let text: string;
  try {
    text = readFileSync(modelJsonPath, 'utf8');
  } catch (e) {
    throw new OrderlensInputError(
      'modelPath',
      `cannot read tfjs model file ${modelJsonPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new OrderlensInputError(
      'modelPath',
      `tfjs model file ${modelJsonPath} is not valid JSON (${(e as Error).message})`,
    );
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) {
    throw new OrderlensInputError(
      'modelPath',
      `tfjs model file ${modelJsonPath} has no 'modelTopology'; expected a tfjs model.json (layers-model or graph-model)`,
    );
  }
  const m = json as ModelJSON;
  if (m.weightsManifest !== undefined && !Array.isArray(m.weightsManifest)) {
    throw new OrderlensInputError(
      'modelPath',
      `tfjs model file ${modelJsonPath}: 'weightsManifest' must be an array`,
    );
  }
  return m;
}

/**
 * An `IOHandler` that loads a tfjs model from the local file system: `model.json` plus the
 * weight shards its manifest lists (paths relative to the JSON). Works in Node without
 * `@tensorflow/tfjs-node`. Every failure (missing file, bad JSON, short shard) names the path.
 */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  const jsonPath = resolve(modelJsonPath);
  return {
    load: async (): Promise<ModelArtifacts> => {
      const modelJson = readModelJson(jsonPath);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest: WeightsManifestConfig) =>
        readWeights(jsonPath, manifest),
      );
    },
  };
}

/**
 * Concatenates the shards of every manifest group, checking sizes against the weight specs.
 *
 * Every shard path is confined to the model's folder (see {@link shardPaths}) before the first
 * shard is opened: a model.json is untrusted input, and a manifest naming `../../etc/passwd`
 * must not make us read that file.
 */
function readWeights(
  jsonPath: string,
  manifest: WeightsManifestConfig,
): [tf.io.WeightsManifestEntry[], ArrayBuffer] {
  const paths = shardPaths(jsonPath, manifest);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  let total = 0;
  manifest.forEach((group, g) => {
    let groupBytes = 0;
    for (const shardPath of paths[g]) {
      let buf: Buffer;
      try {
        buf = readFileSync(shardPath);
      } catch (e) {
        throw new OrderlensInputError(
          'modelPath',
          `cannot read weight shard ${shardPath} listed in ${jsonPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      buffers.push(buf);
      groupBytes += buf.byteLength;
    }
    const need = group.weights.reduce((s, w) => s + weightBytes(w), 0);
    if (groupBytes < need) {
      throw new OrderlensInputError(
        'modelPath',
        `weight shards ${paths[g].join(', ')} hold ${groupBytes} bytes but ${jsonPath} lists weights needing ${need} bytes (truncated or mismatched files)`,
      );
    }
    specs.push(...group.weights);
    total += groupBytes;
  });
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return [specs, out.buffer];
}

/**
 * The absolute path of every shard, `[group][k]`, each resolved inside the folder of `jsonPath`
 * with symlinks followed ({@link resolveInside}); a path that leaves it (`..`, an absolute path,
 * a symlink pointing out) is refused with an error naming `weightsManifest[g].paths[k]`, the
 * target and the model folder. Nothing is opened here.
 */
function shardPaths(jsonPath: string, manifest: WeightsManifestConfig): string[][] {
  const dir = dirname(jsonPath);
  return manifest.map((group, g) => {
    if (!Array.isArray(group?.paths)) {
      throw new OrderlensInputError(
        `weightsManifest[${g}].paths`,
        `expected an array of shard file names (in ${jsonPath})`,
      );
    }
    return group.paths.map((p, k) => resolveInside(dir, p, `weightsManifest[${g}].paths[${k}]`));
  });
}

/** Bytes a weight occupies in a shard (quantised weights use their storage dtype). */
function weightBytes(w: tf.io.WeightsManifestEntry): number {
  const size = w.shape.reduce((a, b) => a * b, 1);
  if (w.quantization !== undefined) {
    const q = w.quantization.dtype;
    return size * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
  }
  if (w.dtype === 'string') return 0; // variable length; tfjs checks these itself
  return size * (w.dtype === 'bool' ? 1 : 4);
}

/**
 * An `IOHandler` that saves a model as `dir/model.json` + `dir/weights.bin` (one shard).
 * Both files are written under temporary names and renamed into place, weights first, so a
 * reader never sees a `model.json` pointing at missing or half-written weights.
 */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  const outDir = resolve(dir);
  return {
    save: async (artifacts: ModelArtifacts): Promise<tf.io.SaveResult> => {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new OrderlensInputError('model', 'binary model topologies cannot be saved as model.json');
      }
      try {
        mkdirSync(outDir, { recursive: true });
      } catch (e) {
        throw new OrderlensInputError('dir', `cannot create directory ${outDir}: ${(e as Error).message}`);
      }
      const weights =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : new tf.io.CompositeArrayBuffer(artifacts.weightData).slice();
      const manifest: WeightsManifestConfig = [
        { paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] },
      ];
      const modelJson = modelJsonFor(artifacts, manifest);
      const jsonPath = join(outDir, MODEL_JSON_FILE);
      const weightsPath = join(outDir, WEIGHTS_FILE);
      const tag = `.tmp-${process.pid}-${Date.now()}`;
      try {
        writeFileSync(weightsPath + tag, new Uint8Array(weights));
        writeFileSync(jsonPath + tag, JSON.stringify(modelJson));
        renameSync(weightsPath + tag, weightsPath);
        renameSync(jsonPath + tag, jsonPath);
      } catch (e) {
        rmSync(weightsPath + tag, { force: true });
        rmSync(jsonPath + tag, { force: true });
        throw new OrderlensInputError('dir', `cannot write tfjs model to ${outDir}: ${(e as Error).message}`);
      }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** The `model.json` content for saved artifacts (the fields tfjs's own file savers write). */
function modelJsonFor(a: ModelArtifacts, manifest: WeightsManifestConfig): ModelJSON {
  const json: ModelJSON = { modelTopology: a.modelTopology as object, weightsManifest: manifest };
  if (a.format !== undefined) json.format = a.format;
  if (a.generatedBy !== undefined) json.generatedBy = a.generatedBy;
  if (a.convertedBy !== undefined) json.convertedBy = a.convertedBy;
  if (a.trainingConfig !== undefined) json.trainingConfig = a.trainingConfig;
  if (a.signature !== undefined) json.signature = a.signature;
  if (a.userDefinedMetadata !== undefined) json.userDefinedMetadata = a.userDefinedMetadata;
  if (a.modelInitializer !== undefined) json.modelInitializer = a.modelInitializer;
  if (a.initializerSignature !== undefined) json.initializerSignature = a.initializerSignature;
  return json;
}
