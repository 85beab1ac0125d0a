import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Tag of an in-memory estimate (what one estimator returns for one game). Files hold the
 * `orderlens/interaction-result@3` document ({@link RESULT_SCHEMA}) that wraps estimates.
 */
export const ESTIMATE_SCHEMA = 'orderlens/estimate@1';

/** Version of @orderlens/core, stamped into results. */
export const CORE_VERSION = '0.1.0';

/** How a strength curve was normalised (MATH.md: J, J̄, Ĵ). */
export type StrengthNormalization = 'mean' | 'per-sample-mean' | 'order-0' | 'none';

/** Metadata every result carries so a reader can tell how it was made. */
export interface ResultMeta {
  readonly schema: typeof ESTIMATE_SCHEMA;
  readonly version: string;
  /** What computed it, e.g. `exact`, `sampled-multi-order`, `and-or`. */
  readonly method: string;
  readonly n: number;
  readonly seed?: number | string;
  readonly reward?: string;
  readonly modelCalls: number;
  readonly wallTimeMs: number;
  readonly createdAt: string;
  /** Free-form details: model file, dataset, protocol, options. */
  readonly details?: Record<string, unknown>;
}

/** Multi-order interactions `I^(m)(i,j)`: `values[p][k]` for pair `pairs[p]` at order `orders[k]`. */
export interface MultiOrderTable {
  readonly orders: number[];
  readonly ratios?: number[];
  readonly pairs: Array<[number, number]>;
  readonly values: number[][];
  /** Standard errors of `values` (sampled estimates only). */
  readonly standardErrors?: number[][];
}

/** A strength curve over orders. */
export interface StrengthCurve {
  readonly orders: number[];
  readonly J: number[];
  readonly normalization: StrengthNormalization;
}

/**
 * What one estimator computes on one game (in memory). Files hold the {@link InteractionResult} document that wraps these per sample.
 * Optional blocks are present when the estimator computed them.
 */
export interface EstimateResult extends ResultMeta {
  /** `2^n` Harsanyi (AND) interactions, indexed by coalition mask. */
  readonly harsanyi?: Float64Array | number[];
  /** `2^n` OR interactions, indexed by coalition mask. */
  readonly or?: Float64Array | number[];
  readonly shapley?: Float64Array | number[];
  readonly banzhaf?: Float64Array | number[];
  /** Pairwise Shapley interaction index, `n × n`. */
  readonly sii?: number[][];
  readonly multiOrder?: MultiOrderTable;
  readonly strength?: StrengthCurve;
  /** Identity residuals as a self-check (should be ~1e-12 relative). */
  readonly residuals?: Record<string, number>;
}

/** Creates the metadata block. */
export function resultMeta(fields: Omit<ResultMeta, 'schema' | 'version' | 'createdAt'>): ResultMeta {
  return { schema: ESTIMATE_SCHEMA, version: CORE_VERSION, createdAt: new Date().toISOString(), ...fields };
}

/** JSON text of a value, typed arrays written as plain arrays. */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) =>
      ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v,
    indent,
  );
}

/**
 * Writes a file atomically: to a temporary file beside `path`, then renamed over it, so an
 * interrupted run never leaves a truncated file. When the write or the rename fails (a full
 * disk, `path` an existing folder) the temporary file is removed before the error is rethrown.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes JSON atomically (see {@link writeFileAtomic}); typed arrays become plain arrays. */
export function writeJsonAtomic(path: string, value: unknown, indent?: number): void {
  writeFileAtomic(path, toJsonText(value, indent));
}
