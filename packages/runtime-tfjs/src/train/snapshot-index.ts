import { existsSync, readFileSync } from 'node:fs';

/** Folder of a training run's output holding the snapshots saved at chosen epochs (`epoch-<e>/`, `index.json`). */
export const SNAPSHOT_SUBDIR = 'checkpoints';
/** The list of snapshots in {@link SNAPSHOT_SUBDIR}, read by `orderlens dynamics` ({@link readCheckpointFolder}). */
export const SNAPSHOT_INDEX = 'index.json';
/** Schema tag of {@link SNAPSHOT_INDEX}. */
export const SNAPSHOT_INDEX_SCHEMA = 'orderlens/checkpoint-index@1';

/** One saved snapshot: where it is and how the model did at that epoch (eval mode). */
export interface SnapshotEntry {
  /** Epochs trained when it was saved (0: the initialisation). */
  readonly epoch: number;
  /** `epoch-<e>/model.json`, relative to the index. */
  readonly model: string;
  /** Mean cross-entropy on the training rows, against the labels trained on (noisy ones included). */
  readonly trainLoss: number;
  /** Mean cross-entropy on the test rows. */
  readonly testLoss: number;
  /** Accuracy on the training rows (labels trained on). */
  readonly trainAccuracy: number;
  /** Accuracy on the test rows. */
  readonly testAccuracy: number;
}

/** Content of {@link SNAPSHOT_INDEX}. */
export interface SnapshotIndex {
  readonly schema: typeof SNAPSHOT_INDEX_SCHEMA;
  /** The epochs saved, increasing. */
  readonly epochs: number[];
  /** Fraction of training labels flipped before training (0: none). */
  readonly labelNoise: number;
  /** One entry per saved epoch, in epoch order. */
  readonly checkpoints: SnapshotEntry[];
}

/**
 * Reads a snapshot index written by {@link trainTabularModel} (entries of a resumed run are
 * kept); undefined when the file is missing, not JSON, or not an {@link SNAPSHOT_INDEX_SCHEMA}
 * document.
 */
export function readSnapshotIndex(path: string): SnapshotIndex | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as SnapshotIndex;
    return v.schema === SNAPSHOT_INDEX_SCHEMA && Array.isArray(v.checkpoints) ? v : undefined;
  } catch {
    return undefined;
  }
}
