import * as tf from '@tensorflow/tfjs';
import { OrderlensInputError, requireInput } from '@orderlens/core';

/**
 * Backends orderlens knows how to start, by the name a user types.
 * - `node-gpu`: `@tensorflow/tfjs-node-gpu` (CUDA), registered by tfjs as `tensorflow`.
 * - `node`: `@tensorflow/tfjs-node` (native TensorFlow on CPU), also `tensorflow`.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD), a dependency of this package.
 * - `webgl`, `webgpu`: browsers only, when the page registered them.
 * - `cpu`: plain JavaScript; always there.
 */
export type TfjsBackendName = 'node-gpu' | 'node' | 'wasm' | 'webgl' | 'webgpu' | 'cpu';

/** Every name {@link initTfjs} accepts. */
export const TFJS_BACKEND_NAMES: readonly TfjsBackendName[] = [
  'node-gpu',
  'node',
  'wasm',
  'webgl',
  'webgpu',
  'cpu',
];

/** The default order: fastest first; `cpu` always works. */
export const DEFAULT_TFJS_BACKENDS: readonly TfjsBackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

export interface InitTfjsOptions {
  /**
   * When true, the FIRST backend of the preference list must start; otherwise this throws an
   * error naming it and why it failed (e.g. the package is not installed), instead of falling
   * back silently.
   */
  require?: boolean;
  /** Where the wasm backend finds its `.wasm` files (a directory path or URL prefix ending in `/`). Default in Node: the package's own `dist/`. */
  wasmPaths?: string;
  /** Called with one line per backend tried and why it was skipped. */
  log?: (message: string) => void;
}

let activeName: TfjsBackendName | undefined;

/** The backend chosen by the last successful {@link initTfjs}, or undefined before it. */
export function activeTfjsBackend(): TfjsBackendName | undefined {
  return activeName;
}

/**
 * A short label for the backend tfjs is using now, e.g. `wasm`, `node-gpu`. Falls back to tfjs's
 * own name when {@link initTfjs} was not called (or another backend was set since).
 */
export function tfjsBackendLabel(): string {
  const current = tf.getBackend();
  if (activeName !== undefined && tfNameOf(activeName) === current) return activeName;
  return current;
}

/**
 * Starts the first backend of `preference` that is available and makes it the tfjs backend.
 * Optional backends (`node-gpu`, `node`) are loaded with a dynamic `import()` so that they are
 * never a dependency: when the user has not installed them they are skipped, unless
 * `options.require` asks for the first one explicitly.
 *
 * @returns the name of the backend in use (one of `preference`).
 */
export async function initTfjs(
  preference: readonly TfjsBackendName[] = DEFAULT_TFJS_BACKENDS,
  options: InitTfjsOptions = {},
): Promise<TfjsBackendName> {
  requireInput(
    Array.isArray(preference) && preference.length > 0,
    'preference',
    'expected a non-empty list of tfjs backends',
  );
  for (const name of preference) {
    requireInput(
      TFJS_BACKEND_NAMES.includes(name),
      'preference',
      `unknown tfjs backend '${String(name)}'; expected one of ${TFJS_BACKEND_NAMES.join(', ')}`,
    );
  }
  const failures: string[] = [];
  for (let k = 0; k < preference.length; k++) {
    const name = preference[k];
    let reason: string | undefined;
    try {
      reason = await tryStart(name, options);
    } catch (e) {
      reason = (e as Error).message;
    }
    if (reason === undefined) {
      activeName = name;
      options.log?.(`tfjs: using backend '${name}'`);
      return name;
    }
    failures.push(`${name}: ${reason}`);
    options.log?.(`tfjs: backend '${name}' unavailable (${reason})`);
    if (k === 0 && options.require) {
      throw new OrderlensInputError(
        'backend',
        `tfjs backend '${name}' was required but is not available: ${reason}`,
      );
    }
  }
  throw new OrderlensInputError('backend', `no tfjs backend could start (${failures.join('; ')})`);
}

/** tfjs's registry name for one of ours. */
function tfNameOf(name: TfjsBackendName): string {
  return name === 'node' || name === 'node-gpu' ? 'tensorflow' : name;
}

/** Starts `name`; returns undefined on success, else why not. */
async function tryStart(name: TfjsBackendName, options: InitTfjsOptions): Promise<string | undefined> {
  switch (name) {
    case 'node-gpu':
    case 'node': {
      const pkg = name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      try {
        // A variable specifier keeps bundlers and tsc from resolving an optional package.
        await import(/* @vite-ignore */ pkg);
      } catch (e) {
        return `package ${pkg} is not installed or failed to load (${firstLine((e as Error).message)})`;
      }
      break;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const paths = options.wasmPaths ?? (await defaultWasmDir());
      if (paths !== undefined) wasm.setWasmPaths(paths);
      break;
    }
    default:
      break;
  }
  const tfName = tfNameOf(name);
  if (tf.findBackendFactory(tfName) === null)
    return `tfjs has no '${tfName}' backend registered in this environment`;
  const ok = await tf.setBackend(tfName);
  if (!ok) return `tfjs could not initialise '${tfName}'`;
  await tf.ready();
  return undefined;
}

/**
 * In Node, the directory holding the wasm backend's `.wasm` binaries (resolved from
 * node_modules), so loading works even when this code is bundled away from the package.
 */
async function defaultWasmDir(): Promise<string | undefined> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return undefined;
  try {
    const { createRequire } = await import('node:module');
    const path = await import('node:path');
    const require = createRequire(import.meta.url);
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
  } catch {
    return undefined;
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
