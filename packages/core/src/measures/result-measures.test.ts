import { describe, expect, it } from 'vitest';
import type { RegionPlayers } from '../adapter/players-descriptor.js';
import type { InteractionResult } from '../result/interaction-result.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { generalizationMeasure, transferMeasure, unsharedSamples } from './result-measures.js';

/*
 * Generalization and transfer across samples compare a set S of players between samples: they
 * must refuse results whose samples have players of their own (per-cloud k-means regions, each
 * sentence's words) and accept shared ones (anchored regions), whatever the per-cloud centroids.
 */

const triple = (x: number): [number, number, number] => [x, x / 2, -x];

/** Region players of one cloud: its own centroids; with `anchors`, the shared anchors. */
function regions(cloud: number, anchors?: boolean): RegionPlayers {
  return {
    kind: 'regions',
    n: 2,
    centroids: [triple(0.1 * cloud + 0.01), triple(-0.1 * cloud - 0.02)],
    pointIndices: [[0], [1]],
    ...(anchors ? { anchors: [triple(0.5), triple(-0.5)] } : {}),
  };
}

/** A result of samples (id, label, players), each with salient and{0,1} and and{0}. */
function result(samples: Array<[string, number, RegionPlayers]>): InteractionResult {
  return {
    provenance: { model: { sha256: 'same' } },
    estimator: { name: 'and-or' },
    samples: samples.map(([id, label, players]) => ({
      id,
      label,
      players,
      andOr: {
        salient: [
          { mask: 3, kind: 'and', value: 1, order: 2 },
          { mask: 1, kind: 'and', value: 0.5, order: 1 },
        ],
      },
    })),
  } as unknown as InteractionResult;
}

const fields = { train: '--train-split', test: '--test-split' };
const sources = { train: 'train.json', test: 'test.json' };

describe('shared players of the measures over results', () => {
  it('generalization: anchored regions are shared whatever the clouds’ centroids; per-cloud regions are refused', () => {
    const train = result([
      ['a', 0, regions(1, true)],
      ['b', 1, regions(2, true)],
    ]);
    const test = result([
      ['c', 0, regions(3, true)],
      ['d', 1, regions(4, true)],
    ]);
    expect(unsharedSamples([train, test])).toBeUndefined();
    const g = generalizationMeasure(train, test, fields, sources);
    expect(g.mean).toEqual([1, 1]);
    const own = (r: InteractionResult, from: number) =>
      result(r.samples.map((s, k) => [s.id, s.label, regions(from + k)]));
    expect(unsharedSamples([own(train, 1), own(test, 3)])).toMatch(
      /samples a and b have different players \(regions: each cloud its own regions\)/,
    );
    // The same regions within each split, other ones across them: still refused.
    const one = (r: InteractionResult, cloud: number) =>
      result(r.samples.map((s) => [s.id, s.label, regions(cloud)]));
    expect(unsharedSamples([one(train, 1), one(test, 2)])).toMatch(/samples a and c/);
    expectInputError(
      () => generalizationMeasure(own(train, 1), own(test, 3), fields, sources),
      '--test-split',
      /the same players/,
    );
  });

  it('transfer: one network with players of their own is refused; with two, across samples is left out', () => {
    const own = result([
      ['a', 0, regions(1)],
      ['b', 0, regions(2)],
    ]);
    expectInputError(
      () => transferMeasure([{ label: 'A', result: own }], '--models'),
      '--models',
      /across samples/,
    );
    const t = transferMeasure(
      [
        { label: 'A', result: own },
        { label: 'B', result: own },
      ],
      '--models',
    );
    expect(t.acrossSamples).toBeUndefined();
    expect(t.acrossNetworks![0].aInB.overall).toBe(1);
    const shared = result([
      ['a', 0, regions(1, true)],
      ['b', 0, regions(2, true)],
    ]);
    expect(transferMeasure([{ label: 'A', result: shared }], '--models').acrossSamples!.share).toEqual([
      1, 1,
    ]);
  });
});
