import { optionName } from '../errors/option-names.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InterruptedError, OrderlensInputError } from '../errors/errors.js';
import { writeJsonAtomic } from '../result/estimate-result.js';

/** Schema tag of a run manifest. */
export const RUN_MANIFEST_SCHEMA = 'orderlens/run@1';

/** `manifest.json` of a run directory. */
export interface RunManifest {
  readonly schema: typeof RUN_MANIFEST_SCHEMA;
  /** The command that owns the run, e.g. `tabular strength`. */
  readonly command: string;
  /** The options that determine the results (not cosmetic ones like `--quiet`). */
  readonly options: Record<string, unknown>;
  /** sha256 of the canonical JSON of `options`. */
  readonly optionsHash: string;
  readonly createdAt: string;
}

/** Options of {@link RunStore.open}. */
export interface RunStoreOptions {
  /** The run directory (created if missing). */
  dir: string;
  /** The command name stored in the manifest; a resume by another command is refused. */
  command: string;
  /** Options that determine results; a resume with different ones is refused. */
  options: Record<string, unknown>;
  /** Continue an existing run. Without it a directory that already holds units is refused. */
  resume?: boolean;
  /** Name of the directory option in messages (default `runDir`, a logical path). */
  dirField?: string;
  /**
   * Units cheap to recompute (an analysis's sample selection): a fresh run (without `resume`) in a
   * directory holding only these starts over instead of being refused, so a run that failed before
   * its first real unit can be rerun with corrected options.
   */
  restartableUnits?: readonly string[];
}

/** JSON with object keys sorted, so that equal options hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView))
      return Array.from(v as unknown as ArrayLike<number>);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/** sha256 (hex) of the canonical JSON of `options`. */
export function hashOptions(options: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(options)).digest('hex');
}

const UNIT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * A resumable run: a directory with `manifest.json` (command + options + their hash) and one
 * JSON file per finished unit under `units/` (a unit is e.g. one sample), each written
 * atomically. Restarting with `resume` skips finished units; restarting with different options
 * is refused, so one run directory never mixes results of two settings.
 *
 * ```ts
 * const store = RunStore.open({ dir, command: 'tabular strength', options, resume });
 * const results = await store.runUnits(ids, async (id) => computeSample(id), { signal: io.signal });
 * ```
 */
export class RunStore {
  /** Absolute path of the run directory. */
  readonly dir: string;
  readonly manifest: RunManifest;
  /** Units already present when the store was opened (skipped by {@link runUnits}). */
  readonly resumedUnits: number;
  private readonly unitDir: string;
  private readonly finished: Set<string>;

  private constructor(dir: string, manifest: RunManifest, finished: Set<string>) {
    this.dir = dir;
    this.manifest = manifest;
    this.unitDir = join(dir, 'units');
    this.finished = finished;
    this.resumedUnits = finished.size;
  }

  /** Opens (or creates) a run directory; see {@link RunStoreOptions} for the refusal rules. */
  static open(options: RunStoreOptions): RunStore {
    const field = options.dirField ?? 'runDir';
    const dir = resolve(options.dir);
    const manifestPath = join(dir, 'manifest.json');
    const optionsHash = hashOptions(options.options);
    const unitDir = join(dir, 'units');
    const listUnits = () =>
      existsSync(unitDir)
        ? readdirSync(unitDir)
            .filter((f) => f.endsWith('.json'))
            .map((f) => f.slice(0, -'.json'.length))
        : [];

    if (existsSync(manifestPath)) {
      let previous: RunManifest;
      try {
        previous = JSON.parse(readFileSync(manifestPath, 'utf8')) as RunManifest;
      } catch (e) {
        throw new OrderlensInputError(field, `cannot read ${manifestPath}: ${(e as Error).message}`);
      }
      const units = listUnits();
      const restartable = new Set(options.restartableUnits ?? []);
      if (!options.resume && units.length > 0 && units.every((u) => restartable.has(u))) {
        for (const u of units) rmSync(join(unitDir, `${u}.json`), { force: true });
        units.length = 0;
      }
      if (!options.resume) {
        if (units.length > 0) {
          throw new OrderlensInputError(
            field,
            `${dir} already holds ${units.length} finished unit(s) of a run; pass ${optionName('resume')} to continue it, or choose another directory`,
          );
        }
      } else {
        if (previous.command !== options.command) {
          throw new OrderlensInputError(
            field,
            `${dir} holds a run of "${previous.command}", not "${options.command}"; cannot resume it`,
          );
        }
        if (previous.optionsHash !== optionsHash) {
          const changed = diffKeys(previous.options ?? {}, options.options);
          throw new OrderlensInputError(
            'resume',
            `options differ from the run in ${dir} (changed: ${changed.join(', ') || 'unknown'}); rerun with the same options or use another directory`,
          );
        }
        return new RunStore(dir, previous, new Set(units));
      }
    }
    mkdirSync(unitDir, { recursive: true });
    const manifest: RunManifest = {
      schema: RUN_MANIFEST_SCHEMA,
      command: options.command,
      options: JSON.parse(canonicalJson(options.options)) as Record<string, unknown>,
      optionsHash,
      createdAt: new Date().toISOString(),
    };
    writeJsonAtomic(manifestPath, manifest);
    return new RunStore(dir, manifest, new Set(listUnits()));
  }

  /**
   * Adds the units other processes finished since the store was opened (workers sharing one
   * run folder); returns how many were new.
   */
  refresh(): number {
    const before = this.finished.size;
    if (existsSync(this.unitDir))
      for (const f of readdirSync(this.unitDir))
        if (f.endsWith('.json')) this.finished.add(f.slice(0, -'.json'.length));
    return this.finished.size - before;
  }

  /** Ids of finished units (sorted). */
  ids(): string[] {
    return [...this.finished].sort();
  }

  /** Number of finished units. */
  get size(): number {
    return this.finished.size;
  }

  /** Whether unit `id` is finished. */
  has(id: string): boolean {
    return this.finished.has(id);
  }

  /** The stored result of unit `id`, or undefined. */
  get<T>(id: string): T | undefined {
    if (!this.finished.has(id)) return undefined;
    return JSON.parse(readFileSync(this.unitPath(id), 'utf8')) as T;
  }

  /** Stores the result of unit `id` atomically (typed arrays become plain arrays). */
  put(id: string, value: unknown): void {
    writeJsonAtomic(this.unitPath(id), value);
    this.finished.add(id);
  }

  /** Forgets unit `id` and deletes its file (a partial unit superseded by a larger one). */
  remove(id: string): void {
    rmSync(this.unitPath(id), { force: true });
    this.finished.delete(id);
  }

  /** Path of the file of unit `id`. */
  unitPath(id: string): string {
    if (!UNIT_ID.test(id))
      throw new OrderlensInputError(
        'unit',
        `invalid unit id ${JSON.stringify(id)} (letters, digits, . _ - only)`,
      );
    return join(this.unitDir, `${id}.json`);
  }

  /**
   * Computes every unit of `ids` not already finished, one at a time, storing each as it
   * completes. When `signal` aborts (SIGINT), it stops after the current unit and throws an
   * {@link InterruptedError} — everything finished is on disk and a `--resume` continues.
   * Returns all results (stored and new) in `ids` order.
   */
  async runUnits<T>(
    ids: readonly string[],
    compute: (id: string, index: number) => Promise<T>,
    options: { signal?: AbortSignal; onUnit?: (id: string, index: number, skipped: boolean) => void } = {},
  ): Promise<T[]> {
    const out: T[] = new Array<T>(ids.length);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (this.finished.has(id)) {
        out[k] = this.get<T>(id) as T;
        options.onUnit?.(id, k, true);
        continue;
      }
      if (options.signal?.aborted) {
        throw new InterruptedError(
          `interrupted: ${this.finished.size}/${ids.length} units saved in ${this.dir}; rerun with ${optionName('resume')} to continue`,
        );
      }
      const value = await compute(id, k);
      this.put(id, value);
      // Read back through JSON so fresh and resumed results have the same shape.
      out[k] = JSON.parse(canonicalJson(value)) as T;
      options.onUnit?.(id, k, false);
    }
    return out;
  }
}

function diffKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}
