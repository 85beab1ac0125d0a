import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { OrderlensInputError } from '@orderlens/core';
import { fileLoadHandler, fileSaveHandler, MODEL_JSON_FILE, readModelJson } from './file-io-handler.js';

/** The two tfjs model formats. */
export type TfjsModelKind = 'layers' | 'graph';

/**
 * Which format a `model.json` holds: its `format` field when present (`layers-model` /
 * `graph-model`), else the shape of `modelTopology` (a Keras config vs a GraphDef with `node`).
 */
export function detectModelKind(modelJsonPath: string): TfjsModelKind {
  const json = readModelJson(modelJsonPath);
  return kindOfJson(json, modelJsonPath);
}

function kindOfJson(json: tf.io.ModelJSON, path: string): TfjsModelKind {
  if (json.format === 'layers-model') return 'layers';
  if (json.format === 'graph-model') return 'graph';
  const topo = json.modelTopology as Record<string, unknown> | undefined;
  if (topo !== undefined && topo !== null) {
    if (Array.isArray(topo.node)) return 'graph';
    if ('class_name' in topo || 'model_config' in topo) return 'layers';
  }
  throw new OrderlensInputError(
    'modelPath',
    `cannot tell whether ${path} is a layers-model or a graph-model; pass kind explicitly`,
  );
}

/** Loads a tfjs LayersModel from a local `model.json` (plus its weight shards). */
export async function loadLayersModel(modelJsonPath: string): Promise<tf.LayersModel> {
  const json = readModelJson(modelJsonPath);
  if (json.format === 'graph-model') {
    throw new OrderlensInputError(
      'modelPath',
      `${modelJsonPath} is a graph-model; use loadGraphModel or kind 'graph'`,
    );
  }
  try {
    return await tf.loadLayersModel(fileLoadHandler(modelJsonPath));
  } catch (e) {
    throw wrapLoadError(e, modelJsonPath, 'layers');
  }
}

/** Loads a tfjs GraphModel (converted SavedModel / frozen graph) from a local `model.json`. */
export async function loadGraphModel(modelJsonPath: string): Promise<tf.GraphModel> {
  const json = readModelJson(modelJsonPath);
  if (json.format === 'layers-model') {
    throw new OrderlensInputError(
      'modelPath',
      `${modelJsonPath} is a layers-model; use loadLayersModel or kind 'layers'`,
    );
  }
  try {
    return await tf.loadGraphModel(fileLoadHandler(modelJsonPath));
  } catch (e) {
    throw wrapLoadError(e, modelJsonPath, 'graph');
  }
}

/**
 * Saves a LayersModel as `dir/model.json` + `dir/weights.bin`, atomically (see
 * {@link fileSaveHandler}). Returns the path of the `model.json` written.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<string> {
  if (!(model instanceof tf.LayersModel)) {
    throw new OrderlensInputError(
      'model',
      'expected a tfjs LayersModel (e.g. from buildMlp or loadLayersModel)',
    );
  }
  await model.save(fileSaveHandler(dir));
  return resolve(dir, MODEL_JSON_FILE);
}

function wrapLoadError(e: unknown, path: string, kind: TfjsModelKind): Error {
  if (e instanceof OrderlensInputError) return e;
  return new OrderlensInputError(
    'modelPath',
    `cannot load tfjs ${kind}-model from ${path}: ${(e as Error).message}`,
  );
}
