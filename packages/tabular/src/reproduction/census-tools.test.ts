import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tfjsTabularTrainer } from '@orderlens/runtime-tfjs';
import { PREPROCESSING_FILE } from '../adapter/tabular-data.js';
import { censusReproductionTools } from './census-tools.js';
import { reproduceCensus } from './reproduce-census.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderlens-census-tools-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('censusReproductionTools with the tfjs trainer (a real, small reproduction)', () => {
  it('trains, attacks through the runner’s gradients and analyses, with progress inside every step', async () => {
    const trainer = await tfjsTabularTrainer({
      backends: ['wasm', 'cpu'],
      resume: false,
      dataset: 'census',
      preprocessingFile: PREPROCESSING_FILE,
    });
    const tools = censusReproductionTools(trainer, { attackSamples: 0 });
    const options = {
      protocol: 'table2' as const,
      archs: ['mlp5'],
      losses: ['normal'],
      seeds: [0],
      epochs: 2,
      trainRows: 300,
      samples: 2,
      attackRows: 30,
      optimizer: 'adam' as const,
      sampler: 'balanced' as const,
      pgdClip: false,
    };
    const steps: string[] = [];
    const inner: Array<{ done: number; detail: string }> = [];
    const rep = await reproduceCensus(options, tools, {
      out: join(tmp, 'run'),
      resume: false,
      onStep: (_done, _total, what) => steps.push(what),
      onProgress: (done, total, detail) => {
        expect(total).toBe(3);
        inner.push({ done, detail });
      },
    });
    expect(steps).toEqual(['trained s0-mlp5-normal', 'attacked s0-mlp5-normal', 'analysed s0-mlp5-normal']);
    // Inside each step: training's epochs and optimizer steps (⌈300/128⌉ = 3 an epoch), every
    // PGD step (100 on one batch), every analysis sample; the count moves within the step.
    const of = (what: string) => inner.filter((p) => p.detail.startsWith(what));
    const training = of('training s0-mlp5-normal: ');
    expect(training.map((p) => p.detail.replace(/^.*: /, ''))).toEqual([
      'epoch 1/2, step 1/3',
      'epoch 1/2, step 2/3',
      'epoch 1/2, step 3/3',
      'epoch 2/2, step 1/3',
      'epoch 2/2, step 2/3',
      'epoch 2/2, step 3/3',
    ]);
    expect(training.at(-1)!.done).toBeCloseTo(1, 12);
    const attack = of('attacking s0-mlp5-normal: PGD batch 1/1, step ');
    expect(attack).toHaveLength(100);
    expect(attack[49].done).toBeCloseTo(1.5, 12);
    const analysis = of('analysing s0-mlp5-normal: sample ');
    expect(analysis.length).toBeGreaterThanOrEqual(2);
    expect(analysis.at(-1)!.done).toBeCloseTo(3, 12);
    for (let k = 1; k < inner.length; k++) expect(inner[k].done).toBeGreaterThanOrEqual(inner[k - 1].done);
    // PGD's rows counted as `attack`: 30 rows × (100 gradient steps + 2 accuracy passes).
    expect(rep.attacks[0].modelCalls).toMatchObject({ attack: 30 * 102, total: 30 * 102 });
    expect(rep.attacks[0].adversarialAccuracy).toBeLessThan(rep.attacks[0].cleanAccuracy);
    expect(rep.rows[0].J).toHaveLength(11);
  }, 300_000);
});
