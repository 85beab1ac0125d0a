import type { RunStore } from '../analysis/run-store.js';
import { salientVectors } from '../and-or/and-or-salient.js';
import { requireInput } from '../errors/errors.js';
import type { DynamicsCheckpointResult } from './dynamics-result.js';
import type { CheckpointMeasurement } from './measure-checkpoint.js';

/** The non-zero entries of a `2^n` vector: coalition masks (ascending) and their values. */
export interface SparseVector {
  readonly masks: readonly number[];
  readonly values: readonly number[];
}

/**
 * One measured checkpoint as a resume needs it: its result block (everything but the σ² fit,
 * which needs the whole series) and each sample's salient AND and OR interactions (the
 * theory's `w*` when it is the last checkpoint). The interactions are stored sparse: the salient
 * ones are a few of the `2^n`.
 */
export interface StoredDynamicsCheckpoint {
  readonly block: Omit<DynamicsCheckpointResult, 'fit'>;
  /** Players of every game at this checkpoint. */
  readonly n: number;
  /** One per sample, in sample order. */
  readonly salient: ReadonlyArray<{ readonly and: SparseVector; readonly or: SparseVector }>;
}

/**
 * Where finished checkpoints are kept between runs (a {@link RunStore}: {@link dynamicsRunUnits}).
 * `put` returns the unit as it will be read back by a resume, so a run that stores a unit goes on
 * with exactly the numbers a resumed run would read.
 */
export interface DynamicsCheckpointStore {
  get(index: number, epoch: number): StoredDynamicsCheckpoint | undefined;
  put(index: number, epoch: number, unit: StoredDynamicsCheckpoint): StoredDynamicsCheckpoint;
  /**
   * A sample's game table at a checkpoint not finished yet: what a kill in the middle of a
   * checkpoint leaves, so a resume evaluates only the samples without one (units per
   * (checkpoint, sample), as `analyze` keeps per sample). Optional: without it a checkpoint is
   * measured whole.
   */
  getTable?(epoch: number, sample: number): StoredSampleTable | undefined;
  /** Stores a sample's table; returns it as a resume will read it. */
  putTable?(epoch: number, sample: number, unit: StoredSampleTable): StoredSampleTable;
  /** Drops the sample tables of a checkpoint once its own unit is stored (they are in it). */
  dropTables?(epoch: number, samples: number): void;
}

/** One sample's `2^n` coalition values at one checkpoint, and the model calls they took. */
export interface StoredSampleTable {
  readonly table: readonly number[];
  readonly calls: number;
}

function sparse(v: Float64Array): SparseVector {
  const masks: number[] = [];
  const values: number[] = [];
  for (let S = 0; S < v.length; S++)
    if (v[S] !== 0) {
      masks.push(S);
      values.push(v[S]);
    }
  return { masks, values };
}

function dense(v: SparseVector, n: number): Float64Array {
  const out = new Float64Array(2 ** n);
  v.masks.forEach((S, i) => (out[S] = v.values[i]));
  return out;
}

/** The stored form of a checkpoint's block and measurement. */
export function checkpointUnit(
  block: Omit<DynamicsCheckpointResult, 'fit'>,
  m: CheckpointMeasurement,
  n: number,
): StoredDynamicsCheckpoint {
  return {
    block,
    n,
    salient: m.decompositions.map((d) => {
      const v = salientVectors(d);
      return { and: sparse(v.and), or: sparse(v.or) };
    }),
  };
}

/** Each sample's salient AND and OR vectors (`2^n` each), AND then OR per sample. */
export function unitSalientVectors(unit: StoredDynamicsCheckpoint): Float64Array[] {
  return unit.salient.flatMap((s) => [dense(s.and, unit.n), dense(s.or, unit.n)]);
}

/**
 * A {@link DynamicsCheckpointStore} over units of a {@link RunStore}, one per checkpoint, named
 * `<prefix>epoch-<epoch>` (e.g. `relabelled-epoch-12`: two groups of one run share a store), and,
 * while a checkpoint is in progress, one per sample's game table, `<prefix>epoch-<epoch>-sample-<s>`
 * (dropped once the checkpoint's unit is written). A unit whose epoch is not the one asked for is
 * refused (a run folder edited by hand).
 */
export function dynamicsRunUnits(store: RunStore, prefix = ''): DynamicsCheckpointStore {
  const id = (epoch: number) => `${prefix}epoch-${epoch}`;
  const tableId = (epoch: number, sample: number) => `${prefix}epoch-${epoch}-sample-${sample}`;
  return {
    get(_index, epoch) {
      const unit = store.get<StoredDynamicsCheckpoint>(id(epoch));
      if (unit)
        requireInput(
          unit.block?.epoch === epoch && Array.isArray(unit.salient),
          'resume',
          `${store.unitPath(id(epoch))} is not the stored checkpoint of epoch ${epoch}`,
        );
      return unit;
    },
    put(_index, epoch, unit) {
      store.put(id(epoch), unit);
      // Read back, so a fresh run continues with the numbers a resume would read.
      return store.get<StoredDynamicsCheckpoint>(id(epoch))!;
    },
    getTable(epoch, sample) {
      const unit = store.get<StoredSampleTable>(tableId(epoch, sample));
      if (unit)
        requireInput(
          Array.isArray(unit.table) && Number.isFinite(unit.calls),
          'resume',
          `${store.unitPath(tableId(epoch, sample))} is not a stored game table`,
        );
      return unit;
    },
    putTable(epoch, sample, unit) {
      store.put(tableId(epoch, sample), unit);
      return store.get<StoredSampleTable>(tableId(epoch, sample))!;
    },
    dropTables(epoch, samples) {
      for (let s = 0; s < samples; s++) if (store.has(tableId(epoch, s))) store.remove(tableId(epoch, s));
    },
  };
}
