import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  devicesToTry,
  hashFiles,
  modelFile,
  resolveInside,
  runners,
  type OpenModelRequest,
  type OpenedModel,
  type RunnerFactory,
} from '@orderlens/core';
import { activeTfjsBackend, initTfjs, type TfjsBackendName } from '../backend/init-tfjs.js';
import { TfjsRunner } from '../runner/tfjs-runner.js';
import { yieldingRunner } from '../runner/yielding-runner.js';

/** tfjs backends behind each device of the one device policy. */
const BACKENDS_OF: Record<string, TfjsBackendName[]> = {
  cuda: ['node-gpu'],
  cpu: ['node', 'wasm', 'cpu'],
  wasm: ['wasm'],
};

/** The device a tfjs backend runs on. */
function deviceOf(backend: TfjsBackendName | undefined): string {
  if (backend === 'node-gpu') return 'cuda';
  if (backend === 'wasm') return 'wasm';
  return 'cpu';
}

/** Whether the optional native tfjs packages can be resolved (they are never dependencies). */
function nativeAvailable(pkg: string): boolean {
  try {
    import.meta.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** Weight files a tfjs `model.json` names that lie inside its folder (the model's bytes for hashing). */
/** The weight shards a tfjs `model.json` names, inside its folder (what its hash covers besides the JSON). */
export function weightFiles(file: string): string[] {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { weightsManifest?: Array<{ paths?: string[] }> };
    const dir = dirname(file);
    return (json.weightsManifest ?? [])
      .flatMap((g) => g.paths ?? [])
      .flatMap((p) => {
        // Only shards inside the folder, symlinks resolved, are hashed (the loader refuses the rest).
        try {
          const real = resolveInside(dir, p, 'weightsManifest.paths');
          return existsSync(real) ? [real] : [];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

/**
 * Opens TensorFlow.js `model.json` files (Layers or Graph models). Devices: `cuda` is
 * tfjs-node-gpu, `cpu` tfjs-node when installed (else wasm), `wasm` the wasm backend; `auto`
 * tries them in the policy's order and records the backend that started. The runner it returns
 * yields to the event loop between batches (see {@link yieldingRunner}), so Ctrl-C is seen during
 * an analysis as with ONNX.
 */
export const tfjsRunnerFactory: RunnerFactory = {
  name: 'tfjs',
  description: 'TensorFlow.js model.json (Layers or Graph), wasm or tfjs-node(-gpu) when installed',
  devices: ['cuda', 'cpu', 'wasm'],
  accepts(spec: string): boolean {
    return (
      spec.toLowerCase().endsWith('.json') ||
      (!spec.toLowerCase().endsWith('.onnx') && existsSync(join(spec, 'model.json')))
    );
  },
  async open(request: OpenModelRequest): Promise<OpenedModel> {
    const given = request.spec.toLowerCase().endsWith('.json')
      ? request.spec
      : join(request.spec, 'model.json');
    const { file, dir } = modelFile(given, request.field ?? '--model');
    const available = [...(nativeAvailable('@tensorflow/tfjs-node-gpu') ? ['cuda'] : []), 'cpu', 'wasm'];
    const devices = devicesToTry(request.device, 'tfjs', this.devices, available);
    const preference = [...new Set(devices.flatMap((d) => BACKENDS_OF[d]))];
    await initTfjs(preference, { log: request.log });
    const runner = await TfjsRunner.load(file);
    const shapes = runner.inputShapes;
    return {
      runner: yieldingRunner(runner),
      file,
      dir,
      format: 'tfjs',
      device: deviceOf(activeTfjsBackend()),
      sha256: hashFiles([file, ...weightFiles(file)]),
      inputs: runner.inputNames.map((name, k) => ({ name, shape: shapes[k] ?? undefined, type: 'float32' })),
    };
  },
};

runners.register(tfjsRunnerFactory);
