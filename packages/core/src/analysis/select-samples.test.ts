import { describe, expect, it } from 'vitest';
import type { ModalitySession } from '../adapter/modality-adapter.js';
import type { ModelRunner } from '../model/contracts.js';
import { float32Tensor } from '../model/tensor.js';
import { selectSamples } from './select-samples.js';

/**
 * Candidates with labels `labels`; input `k` is the number `k`, and the model predicts the
 * label except for the candidates in `wrong` (2 classes: logits [1, 0] or [0, 1]).
 */
function fixture(
  labels: number[],
  wrong: Set<number>,
): { session: ModalitySession; runner: ModelRunner; seen: number[] } {
  const seen: number[] = [];
  const session = {
    data: 'test',
    candidates: labels.length,
    candidate: (k: number) => ({ id: `c${k}`, label: labels[k] }),
    inputs: (start: number, end: number) => ({
      x: float32Tensor(
        Float32Array.from({ length: end - start }, (_, t) => start + t),
        [end - start, 1],
      ),
    }),
    players: () => Promise.reject(new Error('unused')),
    details: {},
  } as unknown as ModalitySession;
  const runner: ModelRunner = {
    backend: 'test',
    inputNames: ['x'],
    run: (inputs) => {
      const ks = Array.from(inputs.x.data as Float32Array);
      seen.push(...ks);
      const data = new Float32Array(2 * ks.length);
      ks.forEach((k, r) => {
        const predicted = wrong.has(k) ? 1 - labels[k] : labels[k];
        data[2 * r + predicted] = 1;
      });
      return Promise.resolve({ data, rows: ks.length, classes: 2 });
    },
    dispose: () => Promise.resolve(),
  };
  return { session, runner, seen };
}

describe('selectSamples first-then-correct (ICLR-2022 sampler.py)', () => {
  // Classes alternate 0, 1, 0, 1, …; candidates 0 (class 0) and 3 (class 1) are misclassified.
  const labels = Array.from({ length: 12 }, (_, k) => k % 2);
  const wrong = new Set([0, 3]);

  it('takes the first perClass of each class, then drops the misclassified ones', async () => {
    const { session, runner, seen } = fixture(labels, wrong);
    const sel = await selectSamples(
      session,
      runner,
      { rule: 'first-then-correct', perClass: 3, order: 'class' },
      2,
    );
    // First 3 per class: class 0 → 0, 2, 4; class 1 → 1, 3, 5; minus 0 and 3; class order.
    expect(sel.indices).toEqual([2, 4, 1, 5]);
    expect(sel.correct).toBe(4);
    expect(sel.accuracy).toBeCloseTo(4 / 6);
    // Only the 6 taken candidates went to the model.
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('differs from correct, which keeps filling a class past its misclassified ones', async () => {
    const { session, runner } = fixture(labels, wrong);
    const sel = await selectSamples(session, runner, { rule: 'correct', perClass: 3, order: 'class' }, 4);
    expect(sel.indices).toEqual([2, 4, 6, 1, 5, 7]);
    expect(sel.accuracy).toBeCloseTo(10 / 12);
  });

  it('rejects an unknown rule naming the field', async () => {
    const { session, runner } = fixture(labels, wrong);
    await expect(selectSamples(session, runner, { rule: 'some' as 'all' }, 4)).rejects.toThrow(
      /selection.rule/,
    );
  });
});
