import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OrderlensInputError, resolveInside } from '@orderlens/core';
import { checkEpochs, type CheckpointLosses } from '@orderlens/core/dynamics';
import { readModelJson } from './file-io-handler.js';
import { SNAPSHOT_INDEX, SNAPSHOT_INDEX_SCHEMA } from '../train/snapshot-index.js';

/**
 * The list `orderlens train tabular --save-epochs` ({@link trainTabularModel} with `snapshots`)
 * writes beside its snapshots.
 */
const CHECKPOINT_INDEX_FILE = SNAPSHOT_INDEX;

/** One model of a checkpoint folder. */
export interface FolderCheckpoint {
  /** Epochs trained when it was saved (0: the initialisation). */
  readonly epoch: number;
  /** Absolute path of the model file (`model.json` or `.onnx`). */
  readonly file: string;
  /** For tfjs files: the layer topology with layer names left out, and the weight shapes. */
  readonly architecture?: unknown;
  /** Train/test losses and accuracies listed in the folder's index, if any. */
  readonly losses?: CheckpointLosses;
}

interface IndexEntry {
  epoch: number;
  model: string;
  trainLoss?: number;
  testLoss?: number;
  trainAccuracy?: number;
  testAccuracy?: number;
}

/** Checks an `orderlens/checkpoint-index@1` document field by field (errors name the entry). */
function parseIndex(raw: unknown, field: string): IndexEntry[] {
  const doc = raw as { schema?: unknown; checkpoints?: unknown };
  if (doc === null || typeof doc !== 'object' || doc.schema !== SNAPSHOT_INDEX_SCHEMA)
    throw new OrderlensInputError(
      field,
      `expected schema "${SNAPSHOT_INDEX_SCHEMA}", got ${JSON.stringify(doc?.schema)}`,
    );
  if (!Array.isArray(doc.checkpoints))
    throw new OrderlensInputError(`${field}.checkpoints`, 'expected a list');
  return doc.checkpoints.map((c: unknown, k) => {
    const e = c as Record<string, unknown>;
    const at = `${field}.checkpoints[${k}]`;
    if (e === null || typeof e !== 'object') throw new OrderlensInputError(at, 'expected an object');
    if (typeof e.epoch !== 'number') throw new OrderlensInputError(`${at}.epoch`, 'expected a number');
    if (typeof e.model !== 'string') throw new OrderlensInputError(`${at}.model`, 'expected a path');
    const out: IndexEntry = { epoch: e.epoch, model: e.model };
    for (const key of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'] as const) {
      const v = e[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'number') throw new OrderlensInputError(`${at}.${key}`, 'expected a number');
      out[key] = v;
    }
    return out;
  });
}

/** `epoch-12`, `epoch_12`, `epoch12`, optionally with `.onnx` or `.json`. */
const ENTRY = /^epoch[-_]?(\d+)(\.onnx|\.json)?$/i;
/**
 * Names meant as checkpoints (`epoch-…`, `epoch_…`, `epoch1…`) that {@link ENTRY} must parse:
 * `epoch-1e1`, `epoch-1.5` or `epoch-abc` is refused naming it, not skipped, since a skipped
 * checkpoint silently changes the dynamics measured. Other names (`notes.txt`, `epochs.csv`) are
 * not checkpoints and are left alone.
 */
const CHECKPOINT_LIKE = /^epoch([-_]|\d)/i;

/** Drops `name` keys at any depth: tfjs numbers layer names per process, the structure is what counts. */
function withoutNames(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNames);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k]) => k !== 'name')
        .map(([k, x]) => [k, withoutNames(x)]),
    );
  return v;
}

/**
 * The architecture of a tfjs `model.json` without its weights: the topology's class and config
 * (names left out) and each weight's shape and dtype, in order. ONNX files get none here; their
 * declared inputs and output width are compared instead.
 */
export function tfjsArchitecture(file: string): unknown {
  const json = readModelJson(file) as unknown as {
    modelTopology?: { class_name?: string; config?: unknown; model_config?: unknown };
    weightsManifest?: Array<{ weights: Array<{ shape: number[]; dtype?: string }> }>;
  };
  const topo = json.modelTopology ?? {};
  return {
    topology: withoutNames(topo.model_config ?? { class_name: topo.class_name, config: topo.config }),
    weights: (json.weightsManifest ?? []).flatMap((g) =>
      g.weights.map((w) => [w.shape, w.dtype ?? 'float32']),
    ),
  };
}

/** Words of the refusals of a checkpoint folder's symlinks. */
const CONFINED = {
  rootLabel: 'the checkpoints folder',
  rule: 'checkpoints must lie inside the folder given (no symlinks out of it)',
};

/** The model file of an `epoch-<e>/` folder, confined to `root` (the checkpoints folder). */
function modelIn(root: string, dir: string, field: string): string | undefined {
  for (const f of ['model.json', 'model.onnx']) {
    const p = resolveInside(root, join(dir, f), `${field} ${f}`, CONFINED);
    if (existsSync(p)) return p;
  }
  const onnx = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
  return onnx.length === 1
    ? resolveInside(root, join(dir, onnx[0]), `${field} ${onnx[0]}`, CONFINED)
    : undefined;
}

function withArchitecture(c: Omit<FolderCheckpoint, 'architecture'>): FolderCheckpoint {
  return c.file.endsWith('.json') ? { ...c, architecture: tfjsArchitecture(c.file) } : c;
}

/**
 * Reads a folder of checkpoints of one model (as `orderlens dynamics --checkpoints` takes it), in
 * epoch order; errors name `field`:
 * - with `index.json` (as `orderlens train tabular --save-epochs` writes it): its entries in the
 *   order listed, with their train/test losses; the epochs must increase strictly;
 * - otherwise every entry named `epoch-<e>` (a folder holding `model.json` or `model.onnx`, or a
 *   file `epoch-<e>.onnx` / `epoch-<e>.json`), sorted by `e`; two entries with one epoch are refused.
 */
export function readCheckpointFolder(folder: string, field = '--checkpoints'): FolderCheckpoint[] {
  const dir = resolve(folder);
  if (!existsSync(dir)) throw new OrderlensInputError(field, `${folder} does not exist`);
  if (!statSync(dir).isDirectory())
    throw new OrderlensInputError(field, `${folder} is not a folder of checkpoints`);
  const indexPath = resolveInside(dir, CHECKPOINT_INDEX_FILE, `${field} ${CHECKPOINT_INDEX_FILE}`, CONFINED);
  let list: FolderCheckpoint[];
  if (existsSync(indexPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(indexPath, 'utf8'));
    } catch (e) {
      throw new OrderlensInputError(field, `${indexPath} is not valid JSON: ${(e as Error).message}`);
    }
    const entries = parseIndex(raw, `${field} ${CHECKPOINT_INDEX_FILE}`);
    checkEpochs(
      entries.map((c) => c.epoch),
      `${field} ${CHECKPOINT_INDEX_FILE}`,
    );
    list = entries.map((c, k) => {
      const file = resolveInside(
        dir,
        c.model,
        `${field} ${CHECKPOINT_INDEX_FILE} checkpoints[${k}].model`,
        CONFINED,
      );
      if (!existsSync(file))
        throw new OrderlensInputError(
          field,
          `${CHECKPOINT_INDEX_FILE} names ${c.model} (epoch ${c.epoch}), which does not exist`,
        );
      const { epoch, model: _model, ...losses } = c;
      return withArchitecture({ epoch, file, losses });
    });
  } else {
    const found: FolderCheckpoint[] = [];
    const expected =
      'expected epoch-<e> with e a whole number: a folder holding model.json or model.onnx, or a file epoch-<e>.onnx / epoch-<e>.json';
    for (const name of readdirSync(dir).sort()) {
      const m = ENTRY.exec(name);
      if (!m) {
        if (CHECKPOINT_LIKE.test(name))
          throw new OrderlensInputError(field, `${name} in ${folder} is not a checkpoint name: ${expected}`);
        continue;
      }
      // An `epoch-<e>` entry symlinked out of the folder (file or folder) is refused, unread.
      const path = resolveInside(dir, name, `${field} ${name}`, CONFINED);
      const isDir = statSync(path).isDirectory();
      const file = isDir
        ? m[2] === undefined
          ? modelIn(dir, path, `${field} ${name}`)
          : undefined
        : m[2] !== undefined
          ? path
          : undefined;
      if (file === undefined)
        throw new OrderlensInputError(
          field,
          `${name} in ${folder} holds no model: ${isDir ? 'the folder has no model.json or model.onnx' : 'the file is neither .onnx nor .json'} (${expected})`,
        );
      const epoch = Number(m[1]);
      if (!Number.isSafeInteger(epoch))
        throw new OrderlensInputError(field, `${name} in ${folder}: epoch ${m[1]} is too large`);
      const twin = found.find((c) => c.epoch === epoch);
      if (twin)
        throw new OrderlensInputError(field, `two checkpoints for epoch ${epoch}: ${twin.file} and ${file}`);
      found.push(withArchitecture({ epoch, file }));
    }
    list = found.sort((a, b) => a.epoch - b.epoch);
  }
  if (list.length === 0)
    throw new OrderlensInputError(
      field,
      `${folder} holds no checkpoints: expected ${CHECKPOINT_INDEX_FILE} (as orderlens train tabular --save-epochs writes it) ` +
        'or entries named epoch-<e> (folders with model.json or model.onnx, or epoch-<e>.onnx files)',
    );
  return list;
}

/**
 * What a resume must find unchanged in a checkpoint series: each checkpoint's epoch, the SHA-256
 * of its model file (and, for a tfjs `model.json`, of the weight files its manifest names) and the
 * losses its index lists (they are in the result). A series retrained in place between a kill and
 * its `--resume` is then refused instead of mixed into one result.
 */
export function checkpointSeriesIdentity(folder: readonly FolderCheckpoint[]): unknown[] {
  return folder.map((c) => {
    const hash = createHash('sha256').update(readFileSync(c.file));
    if (c.file.endsWith('.json')) {
      const manifest = (
        JSON.parse(readFileSync(c.file, 'utf8')) as { weightsManifest?: Array<{ paths?: string[] }> }
      ).weightsManifest;
      for (const group of manifest ?? [])
        for (const p of group.paths ?? []) hash.update(readFileSync(join(dirname(c.file), p)));
    }
    return { epoch: c.epoch, sha256: hash.digest('hex'), losses: c.losses ?? null };
  });
}
