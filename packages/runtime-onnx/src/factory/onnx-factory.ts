import { existsSync, readdirSync, statSync } from 'node:fs';
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
import { probeModelBytes, settleDenormalMode, type DenormalMode } from '../session/denormals.js';
import {
  ONNX_PROVIDERS,
  firstLine,
  providerUnavailableReason,
  sessionOptions,
  type OnnxProvider,
} from '../session/providers.js';

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

/** Folders where the Vulkan loader usually lives on Linux (WebGPU in onnxruntime-node needs it). */
const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib',
];

function hasVulkanLoader(): boolean {
  if (process.platform !== 'linux') return true; // elsewhere the provider finds its own backend
  return LIBRARY_DIRS.some((d) => {
    try {
      return readdirSync(d).some((f) => f.startsWith('libvulkan.so'));
    } catch {
      return false;
    }
  });
}

let loadable: Promise<Map<OnnxProvider, string | undefined>> | undefined;

/**
 * The providers that really load a model on this machine: each of {@link availableOnnxProviders}
 * creates a session of a one-node test model, once per process. WebGPU is not tried on Linux
 * without a Vulkan loader (it would only print a native warning and fail). The map gives the
 * reason of each provider that does not load. `denormals` must be the process's mode (the test
 * session may be its first).
 */
export async function loadableOnnxProviders(
  denormals: DenormalMode = 'flush',
): Promise<Map<OnnxProvider, string | undefined>> {
  // Refuses (naming keepDenormals) a mode the process is not in, every time it is asked.
  await settleDenormalMode(denormals);
  loadable ??= (async () => {
    const result = new Map<OnnxProvider, string | undefined>();
    for (const p of ONNX_PROVIDERS) {
      const unavailable = availableOnnxProviders().includes(p)
        ? p === 'webgpu' && !hasVulkanLoader()
          ? 'no Vulkan loader (libvulkan.so.1) is installed'
          : undefined
        : (providerUnavailableReason(p) ?? 'this onnxruntime-node build does not list it');
      if (unavailable !== undefined || p === 'cpu') {
        result.set(p, unavailable);
        continue;
      }
      try {
        const session = await ort.InferenceSession.create(
          probeModelBytes(),
          sessionOptions(p, { denormals }),
        );
        await session.release();
        result.set(p, undefined);
      } catch (e) {
        result.set(p, firstLine(e));
      }
    }
    return result;
  })();
  return loadable;
}

/**
 * Opens `.onnx` files (and model folders holding `onnx/model.onnx` or `model.onnx`) with ONNX
 * Runtime under the one device policy: `auto` tries cuda → cpu among the providers that load a
 * test model here ({@link loadableOnnxProviders}; webgpu only when asked for) and records the one
 * that loaded; a named device is used alone or refused with the providers that load.
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
    // Only providers that loaded the test model are offered (`auto`) or named as available.
    const tested = await withFlagName(() =>
      loadableOnnxProviders(request.keepDenormals === true ? 'keep' : 'flush'),
    );
    const loads = [...tested].filter(([, why]) => why === undefined).map(([p]) => p);
    let tried: string[];
    try {
      tried = devicesToTry(request.device, 'onnx', this.devices, loads);
    } catch (e) {
      // Says why the named provider did not load the test model.
      const why = tested.get(request.device as OnnxProvider);
      if (e instanceof OrderlensInputError && why !== undefined)
        throw new OrderlensInputError(
          e.field,
          `${e.message.slice(e.field.length + 2)} — ${request.device}: ${why}`,
        );
      throw e;
    }
    const providers = tried.filter(
      (p) => request.device !== 'auto' || (p !== 'webgpu' && loads.includes(p as OnnxProvider)),
    ) as OnnxProvider[];
    const runner = await withFlagName(() =>
      OnnxRunner.create(file, {
        providers,
        intraOpNumThreads: request.threads,
        keepDenormals: request.keepDenormals,
        log: request.log ?? (() => undefined),
      }),
    );
    const d = runner.describe();
    return {
      runner,
      file,
      dir,
      format: 'onnx',
      device: runner.backend.replace(/^onnx:/, ''),
      sha256: hashFiles([file]),
      inputs: d.inputs.map((i) => ({ name: i.name, shape: i.shape, type: i.type })),
      runtime: {
        // `flushed` or `kept`: what the CPU kernels did with denormal floats (see DenormalMode).
        denormals: runner.denormals === 'flush' ? 'flushed' : 'kept',
        ...(request.threads !== undefined ? { intraOpThreads: request.threads } : {}),
      },
    };
  },
};

/** The runner's `keepDenormals` refusal, renamed to the flag a CLI or study user sets. */
async function withFlagName<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    if (e instanceof OrderlensInputError && e.field === 'keepDenormals')
      throw new OrderlensInputError('--keep-denormals', e.message.replace(/^keepDenormals:\s*/, ''));
    throw e;
  }
}

runners.register(onnxRunnerFactory);
