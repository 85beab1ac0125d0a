import { describe, expect, it } from 'vitest';
import type { ModalitySession } from '../adapter/modality-adapter.js';
import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import { float32Tensor, type NamedTensors } from '../model/tensor.js';
import type { OpenedModel } from '../runtime/runner-registry.js';
import { runModelDynamics, type ModelCheckpoint } from './model-dynamics.js';

const N = 5;
const ROWS = [
  [1, 2, 0.5, -1, 0.3],
  [0.2, -0.4, 1, 1, 2],
  [2, 1, -1, 0.5, 0.1],
];

/** A two-class "network" `z = Σ w_i x_i + c·x_0·x_1·x_2`, logits `(0, z)`. */
function fakeModel(weights: number[], cross: number, width = N): OpenedModel {
  return {
    runner: {
      backend: 'fake',
      inputNames: ['x'],
      async run(inputs: NamedTensors) {
        const x = inputs.x.data as Float32Array;
        const rows = x.length / N;
        const data = new Float32Array(rows * 2);
        for (let r = 0; r < rows; r++) {
          let z = cross * x[r * N] * x[r * N + 1] * x[r * N + 2];
          for (let i = 0; i < N; i++) z += weights[i] * x[r * N + i];
          data[2 * r + 1] = z;
        }
        return { data, rows, classes: 2 };
      },
      dispose: async () => undefined,
    },
    file: 'fake',
    dir: '.',
    format: 'fake',
    device: 'cpu',
    sha256: 'x',
    inputs: [{ name: 'x', shape: [null, width], type: 'float32' }],
  };
}

function session(): ModalitySession {
  return {
    data: 'rows',
    candidates: ROWS.length,
    candidate: (k) => ({ id: `row-${k}`, label: 1 }),
    inputs: (start, end) => ({
      x: float32Tensor(Float32Array.from(ROWS.slice(start, end).flat()), [end - start, N]),
    }),
    async players(k) {
      const row = ROWS[k];
      return {
        descriptor: { kind: 'attributes', n: N, names: ['a', 'b', 'c', 'd', 'e'], values: row },
        masker: {
          n: N,
          mask(batch: CoalitionBatch, start: number, end: number) {
            const out = new Float32Array((end - start) * N);
            for (let j = start; j < end; j++)
              for (let i = 0; i < N; i++) if (batch.has(j, i)) out[(j - start) * N + i] = row[i];
            return { x: float32Tensor(out, [end - start, N]) };
          },
        },
      };
    },
    details: { features: ['a', 'b', 'c', 'd', 'e'] },
  };
}

function series(models: Array<() => OpenedModel>, epochs: number[]): ModelCheckpoint[] {
  return models.map((m, k) => ({
    epoch: epochs[k],
    source: `epoch-${epochs[k]}`,
    open: async () => m(),
    losses: { trainLoss: 0.7 - 0.1 * k, testLoss: 0.7 },
  }));
}

describe('runModelDynamics', () => {
  it('chooses the samples once, by the last checkpoint, and measures every checkpoint on them', async () => {
    const result = await runModelDynamics({
      modality: 'fake',
      checkpoints: series(
        [
          () => fakeModel([0.1, 0.1, 0.1, 0.1, 0.1], 0),
          () => fakeModel([0.5, 0.2, 0.3, 0.1, 0.2], 0.3),
          () => fakeModel([1, 0.5, 0.5, 0.2, 0.4], 1),
        ],
        [0, 4, 9],
      ),
      openSession: async () => session(),
      selection: { rule: 'correct' },
      reward: 'logit',
      andOr: { niter: 200 },
    });
    expect(result.checkpoints.map((c) => c.epoch)).toEqual([0, 4, 9]);
    expect(result.selection.fromEpoch).toBe(9);
    expect(result.players).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Every row has a positive logit under the last model: all three are correct.
    expect(result.samples.map((s) => s.id)).toEqual(['row-0', 'row-1', 'row-2']);
    expect(result.checkpoints[1].losses.lossGap).toBeCloseTo(0.1, 12);
    for (const c of result.checkpoints) expect(c.modelCalls).toBe(3 * 2 ** N);
    // Every row is counted: the selection predicts the 3 rows at the last checkpoint, and the
    // same-model check runs one row through each of the 3 checkpoints.
    expect(result.modelCalls).toBe(3 * 3 * 2 ** N + 3 + 3);
    // The cross term of order 3 is only in the later models.
    expect(result.checkpoints[0].andOr.strengthByOrder.and[3]).toBe(0);
    expect(result.checkpoints[2].andOr.strengthByOrder.and[3]).toBeGreaterThan(0);
  });

  it('refuses checkpoints whose declared inputs differ, before any game is evaluated', async () => {
    await expect(
      runModelDynamics({
        modality: 'fake',
        checkpoints: series(
          [() => fakeModel([1, 1, 1, 1, 1], 0, 6), () => fakeModel([1, 1, 1, 1, 1], 0)],
          [0, 1],
        ),
        openSession: async () => session(),
        selection: { rule: 'all' },
        reward: 'logit',
      }),
    ).rejects.toThrow(
      /epoch 0 is not the same model as that of epoch 1: they differ in inputs \(\[\{"name":"x","shape":\[null,6\]/,
    );
  });

  it('refuses a non-monotonic epoch list without opening a model', async () => {
    let opened = 0;
    await expect(
      runModelDynamics({
        modality: 'fake',
        checkpoints: [2, 1].map((epoch) => ({
          epoch,
          source: 'x',
          open: async () => (opened++, fakeModel([1, 1, 1, 1, 1], 0)),
        })),
        openSession: async () => session(),
        selection: { rule: 'all' },
        reward: 'logit',
      }),
    ).rejects.toThrow(/increase strictly/);
    expect(opened).toBe(0);
  });
});
