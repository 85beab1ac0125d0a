import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OrderlensInputError, type ModelRunner } from '@orderlens/core';
import { initTfjs, TFJS_BACKEND_NAMES, type TfjsBackendName } from '../backend/init-tfjs.js';
import { TfjsRunner } from '../runner/tfjs-runner.js';
import { yieldingRunner } from '../runner/yielding-runner.js';
import { loadLayersModel } from './model-files.js';

/** A tfjs LayersModel, as {@link loadLayersModel} returns it. */
export type LayersModel = Awaited<ReturnType<typeof loadLayersModel>>;

/** The largest learning rate the training commands take. */
export const MAX_LEARNING_RATE = 10;

/**
 * Parses a comma list of tfjs backends (fastest first; default `wasm,cpu`), refusing unknown
 * names here so the message names the option (`initTfjs` would call it `preference`).
 */
export function parseTfjsBackends(raw: string | undefined, field = '--tfjs-backend'): TfjsBackendName[] {
  const names = String(raw ?? 'wasm,cpu')
    .split(/[\s,]+/)
    .filter((s) => s.length > 0);
  if (names.length === 0)
    throw new OrderlensInputError(field, `expected a comma-separated list, got ${JSON.stringify(raw)}`);
  names.forEach((name, k) => {
    if (!(TFJS_BACKEND_NAMES as readonly string[]).includes(name))
      throw new OrderlensInputError(
        `${field}[${k}]`,
        `unknown tfjs backend "${name}"; expected ${TFJS_BACKEND_NAMES.join(', ')}`,
      );
  });
  return names as TfjsBackendName[];
}

/**
 * Loads a tfjs LayersModel for the commands that need gradients (attacks, training), with the
 * tfjs backend started. `path` is a `model.json` or a folder holding one; an ONNX model is refused
 * by name, since ONNX Runtime gives no gradients.
 */
export async function openLayersModel(
  path: string,
  backends?: TfjsBackendName[],
  field = '--model',
): Promise<{ model: LayersModel; file: string }> {
  if (path.endsWith('.onnx') || (!path.endsWith('.json') && existsSync(join(path, 'model.onnx'))))
    throw new OrderlensInputError(
      field,
      `${path} is an ONNX model; this command needs gradients, so it takes a tfjs model.json (e.g. from "orderlens train tabular")`,
    );
  const file = path.endsWith('.json') ? path : join(path, 'model.json');
  if (!path.endsWith('.json') && !existsSync(file))
    throw new OrderlensInputError(
      field,
      `cannot tell the format of ${path}: expected a .onnx file, a tfjs model.json, or a directory holding one`,
    );
  if (!existsSync(file)) throw new OrderlensInputError(field, `${file} does not exist`);
  await initTfjs(backends ?? ['wasm', 'cpu']);
  return { model: await loadLayersModel(file), file };
}

/**
 * A tfjs LayersModel ({@link openLayersModel}) as a runner with the `inputGradients` capability,
 * for attacks that take their gradients through the runner. The runner owns the model (dispose
 * it) and yields to the event loop between batches, so Ctrl-C is seen.
 */
export async function openGradientModel(
  path: string,
  backends?: TfjsBackendName[],
  field = '--model',
): Promise<{ runner: ModelRunner; file: string }> {
  const { model, file } = await openLayersModel(path, backends, field);
  return { runner: yieldingRunner(TfjsRunner.fromModel(model, { ownsModel: true })), file };
}
