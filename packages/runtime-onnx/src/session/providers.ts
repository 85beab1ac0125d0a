import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { OrderlensInputError } from '@orderlens/core';
import * as ort from 'onnxruntime-node';
import { checkExternalData } from '../graph/external-data.js';
import { denormalSessionExtra, settleDenormalMode, type DenormalMode } from './denormals.js';

/** Execution providers the runner knows how to ask ONNX Runtime for. */
export const ONNX_PROVIDERS = ['cuda', 'webgpu', 'cpu'] as const;
export type OnnxProvider = (typeof ONNX_PROVIDERS)[number];

/** Tried in this order when the caller names none: fastest first, CPU always last. */
export const DEFAULT_PROVIDERS: readonly OnnxProvider[] = ['cuda', 'webgpu', 'cpu'];

/** Session settings shared by every session a runner creates (main, prefix, suffix). */
export interface SessionSettings {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  /** Denormal handling on the CPU (default `flush`; see {@link DenormalMode}). */
  denormals?: DenormalMode;
}

/** Checks a user-given provider list and returns it typed. */
export function parseProviders(list: readonly string[] | undefined): OnnxProvider[] {
  if (list === undefined) return [...DEFAULT_PROVIDERS];
  if (!Array.isArray(list) || list.length === 0) {
    throw new OrderlensInputError(
      'providers',
      `expected a non-empty list drawn from ${ONNX_PROVIDERS.join(', ')}`,
    );
  }
  for (const p of list) {
    if (!(ONNX_PROVIDERS as readonly string[]).includes(p)) {
      throw new OrderlensInputError(
        'providers',
        `unknown execution provider "${p}"; expected one of ${ONNX_PROVIDERS.join(', ')}`,
      );
    }
  }
  return [...list] as OnnxProvider[];
}

/**
 * Why `provider` cannot work in this installation, or `undefined` when it is worth trying.
 *
 * onnxruntime-node ships CUDA only as optional shared libraries that its install script downloads;
 * trying CUDA without them fails anyway and makes the native library print a long error on
 * stderr, so the runner checks for the files first and skips CUDA cleanly.
 */
export function providerUnavailableReason(provider: OnnxProvider): string | undefined {
  if (provider !== 'cuda') return undefined;
  const supported = ort.listSupportedBackends?.() ?? [];
  const entry = supported.find((b) => b.name === 'cuda');
  if (entry === undefined) return 'this onnxruntime-node build has no CUDA support';
  if (entry.bundled) return undefined;
  const dir = bindingDir();
  if (dir !== undefined && !existsSync(join(dir, sharedLibraryName('onnxruntime_providers_cuda')))) {
    return (
      `the CUDA provider libraries are not installed next to onnxruntime-node (${dir}); ` +
      `on Linux x64 with CUDA 12 and cuDNN 9: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false (docs/devices.md)`
    );
  }
  return undefined;
}

function bindingDir(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

function sharedLibraryName(base: string): string {
  if (process.platform === 'win32') return `${base}.dll`;
  if (process.platform === 'darwin') return `lib${base}.dylib`;
  return `lib${base}.so`;
}

/** ONNX Runtime session options for one provider. */
export function sessionOptions(
  provider: OnnxProvider,
  settings: SessionSettings,
): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = { executionProviders: [provider] };
  if (settings.intraOpNumThreads !== undefined) options.intraOpNumThreads = settings.intraOpNumThreads;
  if (settings.interOpNumThreads !== undefined) options.interOpNumThreads = settings.interOpNumThreads;
  const extra = denormalSessionExtra(settings.denormals ?? 'flush');
  if (extra !== undefined) options.extra = extra;
  return options;
}

/** First line of an error message (ONNX Runtime errors can carry long native traces). */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].trim();
}

/**
 * Creates a session with the first provider of `providers` that works, trying them ONE AT A TIME:
 * ONNX Runtime rejects the whole list when any provider in it is unavailable, so a list would
 * never fall back.
 *
 * Before any provider is tried, the model's external-data locations are confined to its folder
 * (the folder of `model` when it is a path; the working directory, where ONNX Runtime looks for
 * them, when it is bytes): see {@link checkExternalData}.
 *
 * Every skipped provider is reported through `log`, but only once a session exists: when every
 * provider fails, the thrown error starts with the real cause (the failure of the last provider
 * actually tried, e.g. `Protobuf parsing failed`) and tells the fallback story after it, instead
 * of burying the cause under lines about CUDA and WebGPU.
 */
export async function createSessionWithFallback(
  model: string | Uint8Array,
  label: string,
  providers: readonly OnnxProvider[],
  settings: SessionSettings,
  log: (msg: string) => void,
): Promise<{ session: ort.InferenceSession; provider: OnnxProvider }> {
  await confineExternalData(model, label);
  await settleDenormalMode(settings.denormals ?? 'flush');
  const failures: Array<{ provider: OnnxProvider; reason: string; tried: boolean }> = [];
  const story: string[] = [];
  for (let k = 0; k < providers.length; k++) {
    const provider = providers[k];
    const next = providers[k + 1];
    const skipped = providerUnavailableReason(provider);
    let reason: string;
    if (skipped !== undefined) {
      reason = skipped;
    } else {
      try {
        const session =
          typeof model === 'string'
            ? await ort.InferenceSession.create(model, sessionOptions(provider, settings))
            : await ort.InferenceSession.create(model, sessionOptions(provider, settings));
        for (const line of story) log(line);
        return { session, provider };
      } catch (e) {
        reason = firstLine(e);
      }
    }
    failures.push({ provider, reason, tried: skipped === undefined });
    if (next !== undefined)
      story.push(
        `onnx: execution provider "${provider}" is unavailable (${reason}); falling back to "${next}"`,
      );
  }
  throw new OrderlensInputError('model', loadFailureMessage(label, failures));
}

/**
 * `cannot load ONNX model X: <cause> (execution providers tried: …)`. The cause is the reason of
 * the last provider that was actually tried (CPU in the default order): when the model itself is
 * broken every provider fails for the same reason, and the skipped GPU providers are the story,
 * not the cause.
 */
function loadFailureMessage(
  label: string,
  failures: ReadonlyArray<{ provider: OnnxProvider; reason: string; tried: boolean }>,
): string {
  const cause = [...failures].reverse().find((f) => f.tried) ?? failures[failures.length - 1];
  const others = failures.filter((f) => f !== cause);
  const story =
    others.length === 0
      ? `execution provider tried: ${cause.provider}`
      : `execution providers tried in order: ${failures
          .map((f) => (f === cause ? `${f.provider} (the error above)` : `${f.provider} (${f.reason})`))
          .join(', ')}`;
  return `cannot load ONNX model ${label}: ${cause.reason} (${story})`;
}

/** Reads a model file (or takes its bytes) and runs {@link checkExternalData} on it. */
async function confineExternalData(model: string | Uint8Array, label: string): Promise<void> {
  if (typeof model !== 'string') {
    checkExternalData(model, process.cwd(), label);
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(model);
  } catch (e) {
    throw new OrderlensInputError(
      'modelPath',
      `cannot read ONNX model ${label}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  checkExternalData(bytes, dirname(resolve(model)), label);
}
