import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { optionBlock, optionField } from '../../options/option-block.js';
import { float32Tensor } from '../../model/tensor.js';
import type { ModalityAdapter } from '../../adapter/modality-adapter.js';
import { adapters } from '../../adapter/registry.js';
import { hashFiles, runners, type RunnerFactory } from '../../runtime/runner-registry.js';

/*
 * A toy modality and runtime for the study tests (imported by them only; not exported from
 * the package): candidates are vectors of `players` numbers, absent players become 0, and a
 * "model" file `*.toy.json` holds weights of a quadratic score, so interactions of every order
 * up to 2 exist and the numbers depend on the model's bytes.
 */

/** Model calls (rows) the toy runtime ran, by model file, for counting across a run. */
export const toyCalls = new Map<string, number>();

interface ToyModel {
  readonly w: number[];
  readonly pair: number;
}

const toyRuntime: RunnerFactory = {
  name: 'toy',
  description: 'toy models for the study tests',
  devices: ['cpu'],
  accepts: (spec) => spec.endsWith('.toy.json'),
  open: async (request) => {
    const m = JSON.parse(readFileSync(request.spec, 'utf8')) as ToyModel;
    return {
      file: request.spec,
      dir: join(request.spec, '..'),
      format: 'toy',
      device: 'cpu',
      sha256: hashFiles([request.spec]),
      inputs: [{ name: 'x', shape: [null, null], type: 'float32' }],
      runner: {
        backend: 'toy:cpu',
        inputNames: ['x'],
        run: async (inputs) => {
          const x = inputs.x.data as Float32Array;
          const d = inputs.x.dims[1];
          const rows = x.length / d;
          const out = new Float32Array(rows * 2);
          for (let r = 0; r < rows; r++) {
            let s = 0;
            for (let i = 0; i < d; i++) s += m.w[i % m.w.length] * x[r * d + i];
            for (let i = 0; i + 1 < d; i++) s += m.pair * x[r * d + i] * x[r * d + i + 1];
            out[2 * r + 1] = s;
          }
          toyCalls.set(request.spec, (toyCalls.get(request.spec) ?? 0) + rows);
          return { data: out, rows, classes: 2 };
        },
        dispose: async () => undefined,
      },
    };
  },
};

/** The toy adapter: options `players` (2…10), `candidates`, `offset`, `data` (a file path). */
export const toyAdapter: ModalityAdapter = {
  name: 'toy',
  description: 'toy vectors',
  options: optionBlock({
    players: optionField(z.number().int().min(2).max(10).default(6).describe('players'), {
      flag: '--players <n>',
    }),
    candidates: optionField(z.number().int().min(1).default(5).describe('candidates'), {
      flag: '--candidates <k>',
    }),
    data: optionField(z.string().optional().describe('a file that must exist'), {
      flag: '--data <file>',
      path: true,
    }),
    note: optionField(z.string().optional().describe('cosmetic'), {
      flag: '--note <s>',
      affectsResult: false,
    }),
    maxPlayers: optionField(z.number().int().min(2).optional().describe('shared'), {
      flag: '--max-players <n>',
    }),
  }),
  protocols: [
    { name: 'exact', description: 'exact', estimator: 'exact', estimatorOptions: {} },
    {
      name: 'sampled',
      description: 'sampled',
      estimator: 'reference',
      estimatorOptions: { contexts: 4 },
      pairs: { name: 'sequence', maxDistance: 1 },
    },
  ],
  defaultProtocol: 'exact',
  defaultSelection: { rule: 'all' },
  dataSources: ['(generated)'],
  open: async ({ options }) => {
    const n = options.players as number;
    const C = options.candidates as number;
    if (options.data !== undefined) readFileSync(options.data as string); // must exist
    const x = (k: number) => Float32Array.from({ length: n }, (_, i) => 1 + ((k * 7 + i * 3) % 5) / 4);
    return {
      data: `toy:${n}x${C}`,
      candidates: C,
      classes: 2,
      candidate: (k) => ({ id: `c${k}`, label: 1 }),
      inputs: (start, end) => {
        const data = new Float32Array((end - start) * n);
        for (let k = start; k < end; k++) data.set(x(k), (k - start) * n);
        return { x: float32Tensor(data, [end - start, n]) };
      },
      players: async (k) => {
        const xk = x(k);
        return {
          descriptor: { kind: 'generic', n },
          masker: {
            n,
            mask: (batch, start, end) => {
              const data = new Float32Array((end - start) * n);
              for (let c = start; c < end; c++)
                for (let i = 0; i < n; i++) if (batch.has(c, i)) data[(c - start) * n + i] = xk[i];
              return { x: float32Tensor(data, [end - start, n]) };
            },
          },
        };
      },
      details: { masking: 'zero' },
    };
  },
};

/** Registers the toy adapter and runtime (once per test worker). */
export function registerToy(): void {
  if (!adapters.has('toy')) adapters.register(toyAdapter);
  if (!runners.has('toy')) runners.register(toyRuntime);
}

/** Writes a toy model file. */
export function writeToyModel(
  path: string,
  w: number[] = [0.5, -1, 2, 0.25, -0.75, 1.5],
  pair = 0.3,
): string {
  writeFileSync(path, JSON.stringify({ w, pair }));
  return path;
}
