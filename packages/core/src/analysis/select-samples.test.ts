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

describe('selectSamples correct: predicts only as many candidates as the choice needs', () => {
  // Issue 24: census `--samples 5` predicted all 6,033 test rows.
  it('stops after the batch that completes the choice', async () => {
    const labels = Array.from({ length: 40 }, (_, k) => k % 2);
    const { session, runner, seen } = fixture(labels, new Set([0, 3]));
    const sel = await selectSamples(session, runner, { rule: 'correct', samples: 3 }, 4);
    expect(sel.indices).toEqual([1, 2, 4]);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sel.predicted).toBe(8);
    expect(sel.correct).toBe(6);
    expect(sel.accuracy).toBeCloseTo(6 / 8);
  });

  it('chooses what predicting every candidate chooses, whatever the batch size', async () => {
    // Seeded pseudo-random labels over 3 classes and misclassified candidates; every rule shape.
    let state = 12345;
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 60; trial++) {
      const N = 20 + Math.floor(rand() * 40);
      const labels = Array.from({ length: N }, () => Math.floor(rand() * 3));
      const wrong = new Set(Array.from({ length: N }, (_, k) => k).filter(() => rand() < 0.3));
      const spec = {
        rule: 'correct' as const,
        samples: 1 + Math.floor(rand() * 12),
        ...(rand() < 0.5 ? { perClass: 1 + Math.floor(rand() * 5) } : {}),
        ...(rand() < 0.5 ? { balance: true } : {}),
        ...(rand() < 0.5 ? { order: 'class' as const } : {}),
      };
      // Labels 0..2 with 2-class logits: the fixture's model predicts `label` or `1 − label`.
      const twoClass = labels.map((l) => l % 2);
      const all = fixture(twoClass, wrong);
      const whole = await selectSamples(
        { ...all.session, candidate: (k: number) => ({ id: `c${k}`, label: labels[k] }) },
        { ...all.runner, run: (i) => all.runner.run(i).then((o) => relabel(o, i, labels, wrong)) },
        spec,
        N,
      );
      const part = fixture(twoClass, wrong);
      const step = await selectSamples(
        { ...part.session, candidate: (k: number) => ({ id: `c${k}`, label: labels[k] }) },
        { ...part.runner, run: (i) => part.runner.run(i).then((o) => relabel(o, i, labels, wrong)) },
        spec,
        1 + Math.floor(rand() * 6),
      );
      expect(step.indices, JSON.stringify({ spec, labels, wrong: [...wrong] })).toEqual(whole.indices);
      expect(step.warnings).toEqual(whole.warnings);
    }
  });
});

/** Logits over 3 classes: the label, or the next class for a misclassified candidate. */
function relabel(
  _o: { data: Float32Array; rows: number; classes: number },
  inputs: Parameters<ModelRunner['run']>[0],
  labels: number[],
  wrong: Set<number>,
): { data: Float32Array; rows: number; classes: number } {
  const ks = Array.from(inputs.x.data as Float32Array);
  const data = new Float32Array(3 * ks.length);
  ks.forEach((k, r) => (data[3 * r + (wrong.has(k) ? (labels[k] + 1) % 3 : labels[k])] = 1));
  return { data, rows: ks.length, classes: 3 };
}
