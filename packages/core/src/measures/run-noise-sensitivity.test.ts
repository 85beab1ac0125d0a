import { describe, expect, it } from 'vitest';
import type { ModalitySession } from '../adapter/modality-adapter.js';
import { estimators } from '../estimators/registry.js';
import '../estimators/index.js';
import type { Masker, ModelRunner } from '../model/contracts.js';
import { float32Tensor } from '../model/tensor.js';
import type { OpenedModel } from '../runtime/runner-registry.js';
import { computeNoiseUnit, type NoiseSensitivityOptions } from './run-noise-sensitivity.js';

/** A runner that counts rows; its output never matters here. */
function countingRunner(): ModelRunner & { rows: number } {
  const r = {
    rows: 0,
    backend: 'test',
    inputNames: ['x'],
    async run(inputs: Record<string, { dims: readonly number[] }>) {
      const rows = inputs.x.dims[0];
      r.rows += rows;
      return { data: new Float32Array(rows * 2), rows, classes: 2 };
    },
    async dispose() {},
  };
  return r as unknown as ModelRunner & { rows: number };
}

describe('computeNoiseUnit', () => {
  it('refuses more than 20 players by name before any model call', async () => {
    const runner = countingRunner();
    const n = 21;
    const masker: Masker = {
      n,
      mask: (_b, s, e) => ({ x: float32Tensor(new Float32Array(e - s), [e - s, 1]) }),
    };
    const session: ModalitySession = {
      data: 'test',
      candidates: 1,
      candidate: () => ({ id: 'row-0', label: 0 }),
      inputs: () => ({ x: float32Tensor(new Float32Array(1), [1, 1]) }),
      players: async () => ({ descriptor: { kind: 'generic', n }, masker }),
      perturbedPlayers: async () => ({ descriptor: { kind: 'generic', n }, masker }),
      details: {},
    };
    const model = {
      runner,
      file: 'm',
      dir: '',
      format: 'test',
      device: 'cpu',
      sha256: 'x',
      inputs: [],
    } as unknown as OpenedModel;
    const exact = estimators.get('exact');
    const options: NoiseSensitivityOptions = {
      modality: 'test',
      session,
      model,
      estimator: exact,
      estimatorOptions: {},
      selection: { rule: 'all' },
      reward: 'log-odds',
      seed: 0,
      noise: { delta: 0.1, draws: 2 },
    };
    const selected = {
      selection: { indices: [0], candidates: 1, rule: 'all' as const, warnings: [] },
      calls: {},
    };
    await expect(computeNoiseUnit(options, selected as never, 0)).rejects.toMatchObject({
      field: 'players',
      message: expect.stringMatching(/21 players.*at most 20/) as unknown,
    });
    expect(runner.rows).toBe(0);
  });
});
