import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError, OrderlensInputError } from '@orderlens/core';
import { initTfjs } from '../backend/init-tfjs.js';
import { readCheckpointFolder } from '../io/checkpoint-folder.js';
import { interactionData } from '../test-utils/synthetic.js';
import { SNAPSHOT_INDEX, SNAPSHOT_INDEX_SCHEMA, readSnapshotIndex } from './snapshot-index.js';
import {
  addLabelNoise,
  relabelledRowsDocument,
  RELABELLED_FILE,
  trainTabularModel,
  type TabularTrainSpec,
  type TabularTrainingRows,
} from './tabular-mlp.js';
import { trainingInterrupted, withTrainingOptionNames } from './training-interruption.js';

let dir: string;
beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
  dir = mkdtempSync(join(tmpdir(), 'orderlens-tabular-mlp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const F = 6;

/** Synthetic rows with a stand-in preprocessing (one player per input). */
function rows(n: number, seed: number): TabularTrainingRows {
  const { x, y } = interactionData(n, F, seed);
  return {
    x,
    y,
    rows: n,
    featureCount: F,
    featureNames: Array.from({ length: F }, (_, i) => `f${i}`),
    playerOfFeature: Int32Array.from({ length: F }, (_, i) => i),
    preprocessor: {
      classes: ['no', 'yes'],
      playerCount: F,
      save: (path) => writeFileSync(path, JSON.stringify({ stand: 'in' })),
    },
  };
}

const spec: TabularTrainSpec = {
  layers: 2,
  hidden: 8,
  loss: 'normal',
  lambdaPlus: 1,
  lambdaMinus: 1,
  epochs: 2,
  batchSize: 32,
  learningRate: 0.01,
  seed: 3,
  balance: true,
};

describe('addLabelNoise', () => {
  it('flips round(fraction · N) labels, seeded, without changing its input', () => {
    const y = new Int32Array(50);
    const a = addLabelNoise(y, 0.1, 2, 7);
    expect(a.flipped).toBe(5);
    expect(a.y.reduce((s, v) => s + v, 0)).toBe(5);
    expect(Array.from(addLabelNoise(y, 0.1, 2, 7).y)).toEqual(Array.from(a.y));
    expect(y.every((v) => v === 0)).toBe(true);
    expect(addLabelNoise(y, 0, 2, 7).flipped).toBe(0);
    expect(() => addLabelNoise(y, 1, 2, 7)).toThrow(/--label-noise: expected a fraction in \[0, 1\)/);
  });

  it('says which rows it flipped, ascending, and the relabelled-samples document records them with both labels', () => {
    const y = Int32Array.from({ length: 40 }, (_, i) => i % 3);
    const a = addLabelNoise(y, 0.2, 3, 11);
    expect(a.rows).toHaveLength(8);
    expect([...a.rows].sort((p, q) => p - q)).toEqual(a.rows);
    // Exactly the listed rows differ from the original labels.
    expect(Array.from(y.keys()).filter((i) => a.y[i] !== y[i])).toEqual(a.rows);
    const doc = relabelledRowsDocument({ y, rows: 40 } as never, a, 0.2, 11, 'census') as {
      schema: string;
      relabelled: number[];
      samples: Array<{ position: number; originalLabel: number; trainedLabel: number }>;
    };
    expect(doc.schema).toBe('orderlens/relabelled-samples@1');
    expect(doc.relabelled).toEqual(a.rows);
    for (const s of doc.samples) {
      expect(s.originalLabel).toBe(y[s.position]);
      expect(s.trainedLabel).toBe(a.y[s.position]);
    }
  });
});

describe('trainTabularModel', () => {
  it('writes the model, the preprocessing, training.json and the chosen snapshots', async () => {
    const out = join(dir, 'run');
    const seen: number[] = [];
    const s = await trainTabularModel({
      spec,
      train: rows(200, 1),
      test: rows(80, 2),
      baseline: new Float32Array(F),
      outDir: out,
      dataset: 'synthetic',
      labelNoise: 0.1,
      snapshots: { dir: join(out, 'checkpoints'), epochs: [0, 2] },
      onEpoch: (e) => void seen.push(e.epoch),
    });
    expect(seen).toEqual([0, 1]);
    expect(s.history).toHaveLength(2);
    expect(s.labelNoise).toEqual({ fraction: 0.1, flipped: 20 });
    expect(s.snapshots?.epochs).toEqual([0, 2]);
    expect(s.modelFile).toBe(join(out, 'model.json'));
    expect(s.preprocessingFile).toBe(join(out, 'preprocessing.json'));
    expect(existsSync(s.preprocessingFile)).toBe(true);
    const written = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8'));
    expect(written).toMatchObject({
      schema: 'orderlens/tabular-training@1',
      dataset: 'synthetic',
      modelFile: 'model.json',
      preprocessingFile: 'preprocessing.json',
      snapshots: { dir: 'checkpoints', epochs: [0, 2] },
      featureNames: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'],
    });
    const index = readSnapshotIndex(join(out, 'checkpoints', SNAPSHOT_INDEX));
    expect(index?.schema).toBe(SNAPSHOT_INDEX_SCHEMA);
    expect(index?.labelNoise).toBe(0.1);
    expect(index?.checkpoints.map((c) => c.model)).toEqual(['epoch-0/model.json', 'epoch-2/model.json']);
    expect(existsSync(join(out, 'checkpoints', 'epoch-2', 'preprocessing.json'))).toBe(true);
    // Which rows were flipped, beside the snapshots (what `orderlens mislabeled --relabelled` reads).
    const relabelled = JSON.parse(readFileSync(join(out, 'checkpoints', RELABELLED_FILE), 'utf8'));
    expect(relabelled.schema).toBe('orderlens/relabelled-samples@1');
    expect(relabelled.relabelled).toHaveLength(20);
    expect(relabelled.trainingRows).toBe(200);

    const folder = readCheckpointFolder(join(out, 'checkpoints'));
    expect(folder.map((c) => c.epoch)).toEqual([0, 2]);
    expect(folder[1].losses?.testLoss).toBe(index?.checkpoints[1].testLoss);
    expect(folder[0].architecture).toEqual(folder[1].architecture);
  });

  it('refuses a baseline of the wrong length and snapshot epochs past the last', async () => {
    const base = { spec, train: rows(20, 1), test: rows(10, 2), outDir: join(dir, 'bad'), dataset: 'x' };
    await expect(trainTabularModel({ ...base, baseline: new Float32Array(F - 1) })).rejects.toThrow(
      /--baseline: has 5 values, the data has 6 inputs/,
    );
    await expect(
      trainTabularModel({
        ...base,
        baseline: new Float32Array(F),
        snapshots: { dir: join(dir, 'bad', 'checkpoints'), epochs: [3] },
      }),
    ).rejects.toThrow(/--save-epochs: epoch 3 is not in 0…2/);
  });
});

describe('training interruption', () => {
  it('says how far training got and how to resume', () => {
    const none = trainingInterrupted(0, 5, '/x');
    expect(none).toBeInstanceOf(InterruptedError);
    expect(none.message).toBe('interrupted before the first epoch finished; nothing was saved');
    expect(trainingInterrupted(2, 5, '/x/checkpoint').message).toBe(
      'interrupted after epoch 2 of 5; the checkpoint in /x/checkpoint keeps it: run the same command with --resume to continue',
    );
  });

  it('renames resumeFrom and epochs to the CLI options, other errors unchanged', async () => {
    const fail = (field: string) => () => Promise.reject(new OrderlensInputError(field, 'no match'));
    await expect(withTrainingOptionNames(fail('resumeFrom'))).rejects.toThrow('--resume: no match');
    await expect(withTrainingOptionNames(fail('epochs'))).rejects.toThrow('--epochs: no match');
    await expect(withTrainingOptionNames(fail('seed'))).rejects.toThrow('seed: no match');
    await expect(withTrainingOptionNames(async () => 4)).resolves.toBe(4);
  });
});
