import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { OrderlensInputError, writeJsonAtomic } from '@orderlens/core';
import { MODEL_JSON_FILE, readModelJson, WEIGHTS_FILE } from '../io/file-io-handler.js';
import { saveLayersModel } from '../io/model-files.js';
import type { OptimizerState, TrainOptimizerKind } from './optimizer-state.js';
import type { OrderLossConfig } from './order-loss-batch.js';
import type { EpochStats } from './train-classifier.js';

/** The manifest of a checkpoint folder; written last, so it only ever names complete files. */
export const CHECKPOINT_MANIFEST = 'checkpoint.json';
/** Schema tag of {@link CHECKPOINT_MANIFEST}. */
export const CHECKPOINT_SCHEMA = 'orderlens/tfjs-training-checkpoint@1';
/** The optimizer's slot values, float32 little-endian, in manifest order. */
export const OPTIMIZER_FILE = 'optimizer.bin';

/**
 * What makes two training runs the same run: a checkpoint is only resumed by a run whose
 * fingerprint is equal field by field (the number of epochs and the validation data may differ:
 * the per-epoch random streams do not depend on them).
 */
export interface TrainingFingerprint {
  /** Layer classes and configurations (names and initialisers left out) and weight shapes, as JSON. */
  architecture: string;
  /** Rows, values per row and SHA-256 of the inputs and labels. */
  data: string;
  optimizer: TrainOptimizerKind;
  learningRate: number;
  /** Momentum of `sgd`; null for `adam`. */
  momentum: number | null;
  batchSize: number;
  /** `number:1` or `string:abc` (the two seed kinds give different streams). */
  seed: string;
  balance: boolean;
  /** Terms, weights, players and SHA-256 of the player map and baseline; null without order losses. */
  orderLosses: string | null;
}

/** A file of a checkpoint with its size and hash (checked on resume). */
export interface CheckpointFile {
  bytes: number;
  sha256: string;
}

/** Content of {@link CHECKPOINT_MANIFEST}. */
export interface CheckpointManifest {
  schema: typeof CHECKPOINT_SCHEMA;
  /** Epochs finished; resuming starts at this 0-based epoch. */
  epochsDone: number;
  /** `epochs` of the run that wrote it (more than `epochsDone` when it was interrupted). */
  epochsPlanned: number;
  savedAt: string;
  /** Sub-folder holding this checkpoint's files (`epoch-0003`). */
  folder: string;
  files: Record<string, CheckpointFile>;
  fingerprint: TrainingFingerprint;
  optimizer: {
    kind: TrainOptimizerKind;
    iterations: number;
    accBeta?: [number, number];
    slots: { name: string; shape: number[] }[];
  };
  /** The epochs so far, as `trainClassifier` reported them. */
  history: EpochStats[];
}

/** What {@link writeCheckpoint} stores. */
export interface CheckpointContent {
  model: tf.LayersModel;
  optimizer: OptimizerState;
  epochsDone: number;
  epochsPlanned: number;
  fingerprint: TrainingFingerprint;
  history: readonly EpochStats[];
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Drops `name` keys (auto-generated layer names differ between two builds of one model) and
 * initialisers (the restored weights replace what they drew; their seeds follow the run's seed,
 * whose difference is reported as such).
 */
function withoutNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNames);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      if (k !== 'name' && !k.endsWith('Initializer')) out[k] = withoutNames(v);
    return out;
  }
  return value;
}

/** The fingerprint of a training run (see {@link TrainingFingerprint}). */
export function trainingFingerprint(o: {
  model: tf.LayersModel;
  x: Float32Array;
  y: Int32Array;
  featureCount: number;
  optimizer: TrainOptimizerKind;
  learningRate: number;
  momentum: number;
  batchSize: number;
  seed: number | string;
  balance: boolean;
  orderLosses?: OrderLossConfig;
}): TrainingFingerprint {
  const architecture = JSON.stringify({
    layers: o.model.layers.map((l) => [l.getClassName(), withoutNames(l.getConfig())]),
    weights: o.model.weights.map((w) => w.shape),
  });
  const data = `${o.y.length} rows × ${o.featureCount}, x ${sha256(bytesOf(o.x))}, y ${sha256(bytesOf(o.y))}`;
  const ol = o.orderLosses;
  return {
    architecture,
    data,
    optimizer: o.optimizer,
    learningRate: o.learningRate,
    momentum: o.optimizer === 'sgd' ? o.momentum : null,
    batchSize: o.batchSize,
    seed: `${typeof o.seed}:${o.seed}`,
    balance: o.balance,
    orderLosses:
      ol === undefined || ol.terms.length === 0
        ? null
        : JSON.stringify({
            terms: ol.terms.map((t) => [t.kind, t.r1, t.r2]),
            lambdaPlus: ol.lambdaPlus,
            lambdaMinus: ol.lambdaMinus,
            players: ol.players,
            playerOfFeature: sha256(bytesOf(ol.playerOfFeature)),
            baseline: sha256(bytesOf(ol.baseline)),
          }),
  };
}

const FINGERPRINT_LABELS: Record<keyof TrainingFingerprint, string> = {
  architecture: 'model architecture',
  data: 'training data',
  optimizer: 'optimizer',
  learningRate: 'learning rate',
  momentum: 'momentum',
  batchSize: 'batch size',
  seed: 'seed',
  balance: 'class balancing',
  orderLosses: 'order losses',
};

/**
 * Throws an {@link OrderlensInputError} on `field` naming the first option in which `now`
 * differs from the checkpoint's `saved` fingerprint.
 */
export function checkFingerprint(
  saved: TrainingFingerprint,
  now: TrainingFingerprint,
  dir: string,
  field: string,
): void {
  for (const key of Object.keys(FINGERPRINT_LABELS) as (keyof TrainingFingerprint)[]) {
    if (saved[key] === now[key]) continue;
    // Long values (architecture, data, losses) are shown only when short enough to read.
    const show = (v: unknown) => {
      const s = JSON.stringify(v);
      return s.length <= 120 ? `: checkpoint ${s}` : '';
    };
    const detail =
      show(saved[key]) && show(now[key]) ? `${show(saved[key])}, now ${JSON.stringify(now[key])}` : '';
    throw new OrderlensInputError(
      field,
      `the checkpoint in ${dir} was written with a different ${FINGERPRINT_LABELS[key]}${detail}; resume with the options of the run that wrote it, or start afresh`,
    );
  }
}

function invalid(dir: string, field: string, what: string): OrderlensInputError {
  return new OrderlensInputError(field, `checkpoint in ${dir} is unusable: ${what}`);
}

/**
 * Reads and checks a checkpoint's manifest. Throws an {@link OrderlensInputError} on `field` when
 * there is none or it is damaged. Use {@link hasCheckpoint} to ask without an error.
 */
export function readCheckpointManifest(dir: string, field = 'resumeFrom'): CheckpointManifest {
  const path = join(resolve(dir), CHECKPOINT_MANIFEST);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrderlensInputError(
      field,
      code === 'ENOENT'
        ? `no checkpoint in ${resolve(dir)} (${CHECKPOINT_MANIFEST} is missing)`
        : `cannot read ${path}: ${code ?? (e as Error).message}`,
    );
  }
  let m: CheckpointManifest;
  try {
    m = JSON.parse(text) as CheckpointManifest;
  } catch (e) {
    throw invalid(dir, field, `${CHECKPOINT_MANIFEST} is not valid JSON (${(e as Error).message})`);
  }
  const ok =
    typeof m === 'object' &&
    m !== null &&
    m.schema === CHECKPOINT_SCHEMA &&
    Number.isInteger(m.epochsDone) &&
    m.epochsDone >= 1 &&
    Number.isInteger(m.epochsPlanned) &&
    typeof m.folder === 'string' &&
    /^epoch-\d+$/.test(m.folder) &&
    typeof m.files === 'object' &&
    m.files !== null &&
    typeof m.fingerprint === 'object' &&
    m.fingerprint !== null &&
    typeof m.optimizer === 'object' &&
    m.optimizer !== null &&
    (m.optimizer.kind === 'adam' || m.optimizer.kind === 'sgd') &&
    Number.isInteger(m.optimizer.iterations) &&
    Array.isArray(m.optimizer.slots) &&
    Array.isArray(m.history) &&
    m.history.length === m.epochsDone;
  if (!ok) {
    throw invalid(
      dir,
      field,
      `${CHECKPOINT_MANIFEST} is not a ${CHECKPOINT_SCHEMA} manifest (wrong schema, or fields missing or inconsistent)`,
    );
  }
  for (const name of [MODEL_JSON_FILE, WEIGHTS_FILE, OPTIMIZER_FILE]) {
    if (!(name in m.files)) throw invalid(dir, field, `${CHECKPOINT_MANIFEST} does not list ${name}`);
  }
  return m;
}

/** Whether `dir` holds a checkpoint manifest (readable or not). */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(resolve(dir), CHECKPOINT_MANIFEST));
}

/**
 * Writes a checkpoint into `dir`, atomically: all files go to a fresh temporary sub-folder,
 * which is renamed to `epoch-NNNN`; then the manifest naming it replaces the previous one
 * (temporary file + rename); only then are older sub-folders removed. A crash at any point
 * leaves the previous checkpoint or the new one, never a mixture.
 */
export async function writeCheckpoint(dir: string, c: CheckpointContent): Promise<void> {
  const root = resolve(dir);
  const folder = `epoch-${String(c.epochsDone).padStart(4, '0')}`;
  const tmp = join(root, `.${folder}.tmp-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(tmp, { recursive: true });
  } catch (e) {
    throw new OrderlensInputError('checkpoint.dir', `cannot create ${tmp}: ${(e as Error).message}`);
  }
  try {
    await saveLayersModel(c.model, tmp);
    const total = c.optimizer.slots.reduce((s, x) => s + x.values.length, 0);
    const opt = new Float32Array(total);
    let offset = 0;
    for (const s of c.optimizer.slots) {
      opt.set(s.values, offset);
      offset += s.values.length;
    }
    writeFileSync(join(tmp, OPTIMIZER_FILE), bytesOf(opt));
    const files: Record<string, CheckpointFile> = {};
    for (const name of [MODEL_JSON_FILE, WEIGHTS_FILE, OPTIMIZER_FILE]) {
      const bytes = readFileSync(join(tmp, name));
      files[name] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
    }
    const final = join(root, folder);
    rmSync(final, { recursive: true, force: true }); // a leftover of an earlier run, never the live one
    renameSync(tmp, final);
    const manifest: CheckpointManifest = {
      schema: CHECKPOINT_SCHEMA,
      epochsDone: c.epochsDone,
      epochsPlanned: c.epochsPlanned,
      savedAt: new Date().toISOString(),
      folder,
      files,
      fingerprint: c.fingerprint,
      optimizer: {
        kind: c.optimizer.kind,
        iterations: c.optimizer.iterations,
        ...(c.optimizer.accBeta ? { accBeta: c.optimizer.accBeta } : {}),
        slots: c.optimizer.slots.map((s) => ({ name: s.name, shape: s.shape })),
      },
      history: [...c.history],
    };
    writeJsonAtomic(join(root, CHECKPOINT_MANIFEST), manifest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof OrderlensInputError) throw e;
    throw new OrderlensInputError(
      'checkpoint.dir',
      `cannot write a checkpoint to ${root}: ${(e as Error).message}`,
    );
  }
  // Older checkpoints (and temporary folders of crashed writes) are now unreferenced.
  for (const entry of readdirSync(root)) {
    if (entry !== folder && /^\.?epoch-\d+(\.tmp-.*)?$/.test(entry))
      rmSync(join(root, entry), { recursive: true, force: true });
  }
}

function readChecked(
  dir: string,
  folder: string,
  name: string,
  expected: CheckpointFile,
  field: string,
): Buffer {
  const path = join(resolve(dir), folder, name);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw invalid(
      dir,
      field,
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (bytes.byteLength !== expected.bytes || sha256(bytes) !== expected.sha256) {
    throw invalid(
      dir,
      field,
      `${path} does not match the manifest (${bytes.byteLength} bytes, expected ${expected.bytes}; or a different SHA-256): the file is damaged`,
    );
  }
  return bytes;
}

/**
 * Loads a checkpoint written by {@link writeCheckpoint} for a run with fingerprint `now`: checks
 * the fingerprint and every file's hash, sets the model's weights, and returns the manifest
 * and the optimizer state to restore.
 */
export function loadCheckpoint(
  dir: string,
  model: tf.LayersModel,
  now: TrainingFingerprint,
  field = 'resumeFrom',
): { manifest: CheckpointManifest; optimizer: OptimizerState } {
  const m = readCheckpointManifest(dir, field);
  checkFingerprint(m.fingerprint, now, resolve(dir), field);
  readChecked(dir, m.folder, MODEL_JSON_FILE, m.files[MODEL_JSON_FILE], field);
  const json = readModelJson(join(resolve(dir), m.folder, MODEL_JSON_FILE));
  const specs = (json.weightsManifest ?? []).flatMap((g) => g.weights);
  const weightBytes = readChecked(dir, m.folder, WEIGHTS_FILE, m.files[WEIGHTS_FILE], field);
  const targets = model.weights;
  const sameShapes =
    specs.length === targets.length &&
    specs.every(
      (s, k) =>
        s.shape.length === targets[k].shape.length && s.shape.every((d, i) => d === targets[k].shape[i]),
    );
  if (!sameShapes)
    throw invalid(
      dir,
      field,
      `its weights do not fit the model (${specs.length} weights vs ${targets.length})`,
    );
  const buffer = new Uint8Array(weightBytes).buffer; // a copy of exactly these bytes
  const decoded = tf.io.decodeWeights(buffer, specs);
  // Saved in `model.weights` order (LayersModel.save walks it); names differ between builds.
  const tensors = specs.map((s) => decoded[s.name]);
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
  const optBytes = readChecked(dir, m.folder, OPTIMIZER_FILE, m.files[OPTIMIZER_FILE], field);
  if (optBytes.byteLength % 4 !== 0)
    throw invalid(
      dir,
      field,
      `${OPTIMIZER_FILE} holds ${optBytes.byteLength} bytes, not whole float32 values`,
    );
  const all = new Float32Array(new Uint8Array(optBytes).buffer);
  let offset = 0;
  const slots = m.optimizer.slots.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const values = all.slice(offset, offset + size);
    offset += size;
    return { name: s.name, shape: s.shape, values };
  });
  if (offset !== all.length)
    throw invalid(dir, field, `${OPTIMIZER_FILE} holds ${all.length} values, its slots ${offset}`);
  return {
    manifest: m,
    optimizer: {
      kind: m.optimizer.kind,
      iterations: m.optimizer.iterations,
      slots,
      ...(m.optimizer.accBeta ? { accBeta: m.optimizer.accBeta } : {}),
    },
  };
}
