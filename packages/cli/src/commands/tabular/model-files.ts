import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OrderlensInputError, type ModelRunner } from '@orderlens/core';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import {
  TFJS_BACKEND_NAMES,
  initTfjs,
  loadLayersModel,
  TfjsRunner,
  type TfjsBackendName,
} from '@orderlens/runtime-tfjs';
import { parseList } from '../../util/options.js';
import { yieldingRunner } from '../../util/yielding-runner.js';

/** A tfjs LayersModel, as `loadLayersModel` returns it. */
export type LayersModel = Awaited<ReturnType<typeof loadLayersModel>>;

/** Which runtime a model file needs. */
export type ModelFormat = 'onnx' | 'tfjs';

/** The format of a model path: `.onnx` → ONNX Runtime; `model.json` (or a directory holding one) → tfjs. */
export function modelFormat(path: string, field = '--model'): { format: ModelFormat; file: string } {
  if (path.endsWith('.onnx')) return { format: 'onnx', file: path };
  if (path.endsWith('.json')) return { format: 'tfjs', file: path };
  if (existsSync(join(path, 'model.json'))) return { format: 'tfjs', file: join(path, 'model.json') };
  if (existsSync(join(path, 'model.onnx'))) return { format: 'onnx', file: join(path, 'model.onnx') };
  throw new OrderlensInputError(
    field,
    `cannot tell the format of ${path}: expected a .onnx file, a tfjs model.json, or a directory holding one`,
  );
}

/**
 * Parses `--tfjs-backend` (comma list of tfjs backends, fastest first), refusing unknown names
 * here so the message names the option (the runtime would call it `preference`).
 */
export function tfjsBackends(raw: string | undefined, field = '--tfjs-backend'): TfjsBackendName[] {
  const names = parseList(raw ?? 'wasm,cpu', field);
  names.forEach((name, k) => {
    if (!(TFJS_BACKEND_NAMES as readonly string[]).includes(name))
      throw new OrderlensInputError(
        `${field}[${k}]`,
        `unknown tfjs backend "${name}"; expected ${TFJS_BACKEND_NAMES.join(', ')}`,
      );
  });
  return names as TfjsBackendName[];
}

/** Opens a model with the runtime its format needs. */
export async function openRunner(
  path: string,
  options: { tfjsBackends?: TfjsBackendName[]; field?: string } = {},
): Promise<{ runner: ModelRunner; format: ModelFormat; file: string }> {
  const { format, file } = modelFormat(path, options.field);
  if (!existsSync(file)) throw new OrderlensInputError(options.field ?? '--model', `${file} does not exist`);
  if (format === 'onnx')
    return {
      runner: await OnnxRunner.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 }),
      format,
      file,
    };
  await initTfjs(options.tfjsBackends ?? ['wasm', 'cpu']);
  // tfjs never yields to the event loop by itself: without this Ctrl-C is not seen.
  return { runner: yieldingRunner(await TfjsRunner.load(file)), format, file };
}

/** Loads a tfjs LayersModel (for attacks and training), with the tfjs backend started. */
export async function openLayersModel(
  path: string,
  backends?: TfjsBackendName[],
  field = '--model',
): Promise<{ model: LayersModel; file: string }> {
  const { format, file } = modelFormat(path, field);
  if (format !== 'tfjs')
    throw new OrderlensInputError(
      field,
      `${path} is an ONNX model; this command needs gradients, so it takes a tfjs model.json (e.g. from "orderlens train tabular")`,
    );
  if (!existsSync(file)) throw new OrderlensInputError(field, `${file} does not exist`);
  await initTfjs(backends ?? ['wasm', 'cpu']);
  return { model: await loadLayersModel(file), file };
}

/** The preprocessing saved beside a model file, if any. */

export { PREPROCESSING_FILE, preprocessingBeside } from '@orderlens/tabular';
