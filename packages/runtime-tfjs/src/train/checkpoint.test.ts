import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrderLossSpec } from '@orderlens/core/math';
import { initTfjs } from '../backend/init-tfjs.js';
import { buildMlp } from '../models/build-mlp.js';
import { censusSlice } from '../test-utils/census-slice.js';
import { CHECKPOINT_MANIFEST, readCheckpointManifest, type CheckpointManifest } from './checkpoint.js';
import type { OrderLossConfig } from './order-loss-batch.js';
import { trainClassifier, type EpochStats, type TrainClassifierOptions } from './train-classifier.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderlens-ckpt-'));
let dirs = 0;
const freshDir = () => join(tmp, `run-${dirs++}`);

beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const data = censusSlice(360);
const F = data.featureCount;
const orderLosses: OrderLossConfig = {
  terms: parseOrderLossSpec('plus:0.3,0.7;minus:0,0.5'),
  lambdaPlus: 0.5,
  lambdaMinus: 0.8,
  players: F,
  playerOfFeature: Int32Array.from({ length: F }, (_, i) => i),
  baseline: new Float32Array(F),
};

type Setup = Omit<TrainClassifierOptions, 'model' | 'epochs'>;

function setup(optimizer: 'adam' | 'sgd', withOrder: boolean): Setup {
  return {
    x: data.x,
    y: data.y,
    featureCount: F,
    // 26 steps per epoch: after 26 steps tfjs's pow(β, 27) differs from the 26 float32
    // products Adam accumulated, so the test fails unless β^t is restored exactly.
    batchSize: 14,
    learningRate: optimizer === 'adam' ? 3e-3 : 0.05,
    seed: 'resume',
    balance: true,
    optimizer,
    ...(withOrder ? { orderLosses } : {}),
  };
}

const newModel = (hidden = 12) => buildMlp({ inputDim: F, hidden, layers: 3, classes: 2, seed: 4 });

/** Exact bit patterns of all weights (so −0 ≠ +0 and NaNs compare by payload). */
function weightBits(model: tf.LayersModel): number[][] {
  return model.getWeights().map((t) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer)));
}

const withoutTimes = (h: EpochStats[]) => h.map(({ seconds: _s, ...rest }) => rest);

async function straight(s: Setup, epochs: number) {
  const model = newModel();
  const r = await trainClassifier({ ...s, model, epochs });
  const out = { bits: weightBits(model), history: r.history };
  model.dispose();
  return out;
}

describe('checkpoint and resume', () => {
  const cases: Array<[string, 'adam' | 'sgd', boolean]> = [
    ['Adam', 'adam', false],
    ['Adam with order losses', 'adam', true],
    ['SGD momentum', 'sgd', false],
    ['SGD momentum with order losses', 'sgd', true],
  ];
  for (const [name, opt, withOrder] of cases) {
    it(`${name}: 1 epoch + checkpoint + 2 resumed epochs gives the weights of 3 straight epochs, bit for bit`, async () => {
      const s = setup(opt, withOrder);
      const ref = await straight(s, 3);
      const dir = freshDir();
      const tensorsBefore = tf.memory().numTensors;

      const first = newModel();
      const r1 = await trainClassifier({ ...s, model: first, epochs: 1, checkpoint: { dir } });
      first.dispose();
      expect(r1).toMatchObject({ startEpoch: 0, interrupted: false });
      const m1 = readCheckpointManifest(dir);
      expect([m1.epochsDone, m1.epochsPlanned, m1.optimizer.kind]).toEqual([1, 1, opt]);

      // A fresh build from the same seed: the checkpoint supplies its weights and optimizer state.
      const second = newModel();
      const seen: number[] = [];
      const r2 = await trainClassifier({
        ...s,
        model: second,
        epochs: 3,
        checkpoint: { dir },
        resumeFrom: dir,
        onEpoch: (e) => void seen.push(e.epoch),
      });
      expect(r2.startEpoch).toBe(1);
      expect(seen).toEqual([1, 2]);
      expect(weightBits(second)).toEqual(ref.bits);
      // The resumed history starts with the checkpointed epoch; losses are bit-identical too.
      expect(withoutTimes(r2.history)).toEqual(withoutTimes(ref.history));
      expect(readCheckpointManifest(dir).epochsDone).toBe(3);
      second.dispose();
      // Optimizer slots restored from the checkpoint are released with the optimizer.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  }

  it('an abort stops at the epoch boundary with a checkpoint (every 2 epochs otherwise), and resuming finishes the run', async () => {
    const s = setup('adam', true);
    const ref = await straight(s, 3);
    const dir = freshDir();
    const controller = new AbortController();
    const first = newModel();
    const r1 = await trainClassifier({
      ...s,
      model: first,
      epochs: 3,
      checkpoint: { dir, every: 2 },
      signal: controller.signal,
      onEpoch: () => controller.abort(),
    });
    first.dispose();
    expect(r1.interrupted).toBe(true);
    expect(r1.history.map((h) => h.epoch)).toEqual([0]);
    const m = readCheckpointManifest(dir);
    expect([m.epochsDone, m.epochsPlanned]).toEqual([1, 3]);

    const second = newModel();
    const r2 = await trainClassifier({
      ...s,
      model: second,
      epochs: 3,
      checkpoint: { dir, every: 2 },
      resumeFrom: dir,
    });
    expect(r2.interrupted).toBe(false);
    expect(weightBits(second)).toEqual(ref.bits);
    second.dispose();
    // Epoch 2 was not a multiple of `every`, the last epoch always is checkpointed; one folder is kept.
    expect(readCheckpointManifest(dir).epochsDone).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([CHECKPOINT_MANIFEST, 'epoch-0003']);
  });

  it('sees an abort that comes from the event loop (as SIGINT handlers do) during the first epoch', async () => {
    const s = setup('sgd', false);
    const controller = new AbortController();
    // Runs only when training yields to the event loop; without yields it would run after training.
    setImmediate(() => controller.abort());
    const model = newModel();
    const dir = freshDir();
    const r = await trainClassifier({
      ...s,
      model,
      epochs: 3,
      checkpoint: { dir },
      signal: controller.signal,
    });
    model.dispose();
    expect(r.interrupted).toBe(true);
    expect(r.history).toHaveLength(1);
    expect(readCheckpointManifest(dir).epochsDone).toBe(1);
  });

  describe('errors', () => {
    const s = setup('adam', false);
    let dir = '';
    beforeAll(async () => {
      dir = freshDir();
      const model = newModel();
      await trainClassifier({ ...s, model, epochs: 2, checkpoint: { dir } });
      model.dispose();
    });

    const resume = async (over: Partial<TrainClassifierOptions>, from = dir, model = newModel()) => {
      try {
        return await trainClassifier({ ...s, model, epochs: 3, resumeFrom: from, ...over });
      } finally {
        model.dispose();
      }
    };

    it('a missing checkpoint', async () => {
      await expect(resume({}, join(tmp, 'nowhere'))).rejects.toThrow(
        /resumeFrom: no checkpoint in .*nowhere/,
      );
    });

    it('options that differ from the checkpointed run, each named', async () => {
      await expect(resume({ seed: 'other' })).rejects.toThrow(
        /resumeFrom: .*different seed: checkpoint "string:resume", now "string:other"/,
      );
      await expect(resume({ learningRate: 1e-3 })).rejects.toThrow(
        /different learning rate: checkpoint 0.003, now 0.001/,
      );
      await expect(resume({ orderLosses })).rejects.toThrow(/different order losses/);
      await expect(resume({ optimizer: 'sgd' })).rejects.toThrow(/different optimizer/);
      await expect(resume({ x: data.x.map((v) => v + 1) })).rejects.toThrow(/different training data/);
      await expect(resume({}, dir, newModel(8))).rejects.toThrow(/different model architecture/);
      await expect(resume({ epochs: 1 })).rejects.toThrow(
        /epochs: .*already holds 2 epochs, more than the 1 asked/,
      );
    });

    it('damaged files and manifests', async () => {
      const copy = freshDir();
      const model = newModel();
      await trainClassifier({ ...s, model, epochs: 1, checkpoint: { dir: copy } });
      model.dispose();
      const manifestPath = join(copy, CHECKPOINT_MANIFEST);
      const manifest = readFileSync(manifestPath, 'utf8');
      const m = JSON.parse(manifest) as CheckpointManifest;
      const weights = join(copy, m.folder, 'weights.bin');
      const bytes = readFileSync(weights);
      bytes[5] ^= 1;
      writeFileSync(weights, bytes);
      await expect(resume({}, copy)).rejects.toThrow(/unusable: .*weights.bin does not match the manifest/);
      bytes[5] ^= 1;
      writeFileSync(weights, bytes);
      rmSync(join(copy, m.folder, 'optimizer.bin'));
      await expect(resume({}, copy)).rejects.toThrow(/unusable: cannot read .*optimizer.bin: ENOENT/);
      writeFileSync(manifestPath, manifest.slice(0, 40));
      await expect(resume({}, copy)).rejects.toThrow(/unusable: checkpoint.json is not valid JSON/);
      writeFileSync(manifestPath, JSON.stringify({ ...m, schema: 'something/else' }));
      await expect(resume({}, copy)).rejects.toThrow(/not a orderlens\/tfjs-training-checkpoint@1 manifest/);
    });

    it('bad checkpoint options', async () => {
      const model = newModel();
      await expect(
        trainClassifier({ ...s, model, epochs: 1, checkpoint: { dir: freshDir(), every: 0 } }),
      ).rejects.toThrow(/checkpoint.every: expected a positive integer/);
      model.dispose();
    });
  });
});
