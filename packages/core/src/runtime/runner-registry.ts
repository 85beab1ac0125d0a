import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { OrderlensInputError } from '../errors/errors.js';
import type { ModelRunner } from '../model/contracts.js';
import { Registry } from '../registry/registry.js';
import type { DeviceName } from './device-policy.js';

/** What a runner factory needs to open a model. */
export interface OpenModelRequest {
  /** Model path (file or folder), or a factory-specific spec such as `nsfwjs:mobilenet_v2`. */
  readonly spec: string;
  readonly device: DeviceName;
  /** Intra-op threads where the runtime has them. */
  readonly threads?: number;
  /**
   * Keep denormal floats where the runtime flushes them to zero by default (ONNX Runtime on the
   * CPU); runtimes without such a setting ignore it and record what they do in `runtime`.
   */
  readonly keepDenormals?: boolean;
  /** Where fallback messages go (stderr in the CLI). */
  readonly log?: (message: string) => void;
  /** Name of the option the spec came from, for messages (default `model`: the CLI says `--model`). */
  readonly field?: string;
}

/** An opened model: the runner and what a result needs to say where it came from. */
export interface OpenedModel {
  readonly runner: ModelRunner;
  /** Absolute path of the model file (or the spec, for packaged models). */
  readonly file: string;
  /** Folder the model's companion files (meta.json, tokenizer, weights) must stay inside. */
  readonly dir: string;
  /** Factory name: `onnx`, `tfjs`, `nsfwjs`, … */
  readonly format: string;
  /** Device actually used, e.g. `cpu`, `cuda`, `wasm`. */
  readonly device: string;
  /** sha256 of the model's bytes (all weight files included). */
  readonly sha256: string;
  /** The model's declared inputs (name, shape with `null`/strings for dynamic axes, element type). */
  readonly inputs: ReadonlyArray<ModelInputInfo>;
  /**
   * Runtime settings that change speed but not the numbers beyond float32 rounding (denormal
   * handling, threads), recorded in the result's provenance (`provenance.model.runtime`).
   */
  readonly runtime?: Readonly<Record<string, string | number | boolean>>;
}

/** One declared model input. */
export interface ModelInputInfo {
  readonly name: string;
  readonly shape?: ReadonlyArray<number | string | null>;
  /** `float32`, `int64`, … when the runtime says. */
  readonly type?: string;
}

/**
 * Opens models of one format. Runtime packages register one per format they read
 * (`runners.register(onnxRunnerFactory)`), and the CLI, studies and workers open every model
 * through {@link openModel}, so one device policy applies everywhere.
 */
export interface RunnerFactory {
  readonly name: string;
  readonly description: string;
  /** Devices this runtime can use at all (for `auto` and messages). */
  readonly devices: readonly string[];
  /** Whether this factory reads `spec` (by extension, folder content or prefix). */
  accepts(spec: string): boolean;
  open(request: OpenModelRequest): Promise<OpenedModel>;
}

/** Runner factories by format. */
export const runners = new Registry<RunnerFactory>('model format', 'model');

/** Opens `spec` with the first registered factory that accepts it. */
export async function openModel(request: OpenModelRequest): Promise<OpenedModel> {
  const field = request.field ?? 'model';
  const factory = runners.list().find((f) => f.accepts(request.spec));
  if (!factory) {
    const exists = existsSync(request.spec);
    throw new OrderlensInputError(
      field,
      exists
        ? `no installed runtime reads ${request.spec}; registered formats: ${runners.names().join(', ') || '(none: install @orderlens/runtime-onnx or @orderlens/runtime-tfjs)'}`
        : `${request.spec} does not exist`,
    );
  }
  return factory.open(request);
}

/** sha256 of a file, or of several files in order (a model and its weight shards). */
export function hashFiles(paths: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(basename(p));
    h.update(readFileSync(p));
  }
  return h.digest('hex');
}

/** Absolute path and folder of a model file that must exist. */
export function modelFile(spec: string, field = 'model'): { file: string; dir: string } {
  const file = resolve(spec);
  if (!existsSync(file)) throw new OrderlensInputError(field, `${spec} does not exist`);
  if (statSync(file).isDirectory()) return { file, dir: file };
  return { file, dir: dirname(file) };
}
