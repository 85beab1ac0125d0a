import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  OrderlensInputError,
  devicesToTry,
  hashFiles,
  modelFile,
  resolveInside,
  runners,
  type OpenModelRequest,
  type OpenedModel,
  type RunnerFactory,
} from '@orderlens/core';
import { OnnxRunner } from '../runner/onnx-runner.js';
import { ONNX_PROVIDERS, providerUnavailableReason, type OnnxProvider } from '../session/providers.js';

/**
 * ONNX file inside a Hugging Face-style folder: `onnx/model.onnx` first, then `model.onnx`, each
 * resolved with symlinks and confined to `dir` before it is probed: a folder whose
 * `onnx/model.onnx`, or whole `onnx/`, is a symlink out of it is refused (a model folder comes
 * from someone else; docs/security.md).
 *
 * @throws {@link OrderlensInputError} naming `field` for a symlink out of `dir` (or a loop).
 */
export function onnxFileIn(dir: string, field = '--model'): string | undefined {
  for (const rel of [join('onnx', 'model.onnx'), 'model.onnx']) {
    const p = resolveInside(dir, rel, `${field} (${rel})`, {
      rule: 'a model folder must hold its ONNX file, not link to one outside it',
    });
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Execution providers this onnxruntime-node build can use on this machine. */
export function availableOnnxProviders(): OnnxProvider[] {
  const listed = new Set((ort.listSupportedBackends?.() ?? []).map((b) => b.name));
  return ONNX_PROVIDERS.filter(
    (p) => (p === 'cpu' || listed.has(p)) && providerUnavailableReason(p) === undefined,
  );
}

/**
 * Opens `.onnx` files (and model folders holding `onnx/model.onnx` or `model.onnx`) with ONNX
 * Runtime under the one device policy: `auto` tries cuda → cpu (webgpu only when asked for) and records the one that
 * loaded; a named device is used alone or refused with the providers that are available.
 */
export const onnxRunnerFactory: RunnerFactory = {
  name: 'onnx',
  description: 'ONNX Runtime (onnxruntime-node): .onnx files or folders with onnx/model.onnx',
  devices: ['cuda', 'webgpu', 'cpu'],
  accepts(spec: string): boolean {
    if (spec.toLowerCase().endsWith('.onnx')) return true;
    if (!existsSync(spec) || !statSync(spec).isDirectory()) return false;
    try {
      return onnxFileIn(spec) !== undefined;
    } catch (e) {
      // A folder that links its model out of itself is this factory's to refuse, with its reason.
      if (e instanceof OrderlensInputError) return true;
      throw e;
    }
  },
  async open(request: OpenModelRequest): Promise<OpenedModel> {
    const field = request.field ?? '--model';
    const { file: given, dir } = modelFile(request.spec, field);
    const file = statSync(given).isDirectory() ? onnxFileIn(given, field) : given;
    if (!file) throw new OrderlensInputError(field, `${given} holds no onnx/model.onnx or model.onnx`);
    // `auto` skips WebGPU: in onnxruntime-node it needs a Vulkan driver, and on machines without
    // one it prints a native warning before failing over; `--device webgpu` still asks for it.
    const providers = devicesToTry(request.device, 'onnx', this.devices, availableOnnxProviders()).filter(
      (p) => request.device !== 'auto' || p !== 'webgpu',
    ) as OnnxProvider[];
    const runner = await OnnxRunner.create(file, {
      providers,
      intraOpNumThreads: request.threads,
      log: request.log ?? (() => undefined),
    });
    const d = runner.describe();
    return {
      runner,
      file,
      dir,
      format: 'onnx',
      device: runner.backend.replace(/^onnx:/, ''),
      sha256: hashFiles([file]),
      inputs: d.inputs.map((i) => ({ name: i.name, shape: i.shape, type: i.type })),
    };
  },
};

runners.register(onnxRunnerFactory);
