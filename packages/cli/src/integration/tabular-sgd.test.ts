import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const tmp = tempDir('orderlens-tabular-sgd-');
afterAll(() => tmp.cleanup());

interface Trained {
  spec: { optimizer?: string; momentum?: number; learningRate: number };
  fingerprint: { optimizer: string; momentum: number | null; learningRate: number };
  weights: Buffer;
}

/** Trains a tiny census MLP for one epoch; returns its recorded spec, the trainer's fingerprint and weights. */
async function train(name: string, extra: string[]): Promise<Trained> {
  const out = join(tmp.dir, name);
  const r = await runCli([
    '--quiet',
    'train',
    'tabular',
    '--arch',
    'mlp2',
    '--hidden',
    '8',
    '--epochs',
    '1',
    '--train-rows',
    '300',
    '--seed',
    '0',
    ...extra,
    '--out',
    out,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const training = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8')) as { spec: Trained['spec'] };
  // The training checkpoint's fingerprint is what the trainer itself ran with.
  const manifest = JSON.parse(readFileSync(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')) as {
    fingerprint: Trained['fingerprint'];
  };
  return {
    spec: training.spec,
    fingerprint: manifest.fingerprint,
    weights: readFileSync(join(out, 'weights.bin')),
  };
}

describe('train tabular --optimizer sgd --momentum (the two-phase paper recipe)', () => {
  it('keeps Adam (lr 0.001) the default, with no optimizer fields in the spec', async () => {
    const adam = await train('adam', []);
    expect(adam.spec.optimizer).toBeUndefined();
    expect(adam.spec.learningRate).toBe(0.001);
    expect(adam.fingerprint).toMatchObject({ optimizer: 'adam', momentum: null, learningRate: 0.001 });
  });

  it('trains with SGD at lr 0.01 and momentum 0.9 by default, and the momentum given', async () => {
    const sgd = await train('sgd', ['--optimizer', 'sgd']);
    expect(sgd.spec).toMatchObject({ optimizer: 'sgd', momentum: 0.9, learningRate: 0.01 });
    expect(sgd.fingerprint).toMatchObject({ optimizer: 'sgd', momentum: 0.9, learningRate: 0.01 });

    const plain = await train('sgd-m0', ['--optimizer', 'sgd', '--momentum', '0', '--learning-rate', '0.01']);
    expect(plain.fingerprint).toMatchObject({ optimizer: 'sgd', momentum: 0, learningRate: 0.01 });
    // Same seed, data and rate: only the momentum differs, and it changes the weights.
    expect(plain.weights.equals(sgd.weights)).toBe(false);
  });
});
