import { describe, expect, it } from 'vitest';
import { explicitPairs } from '../pairs/strategies.js';
import { seededUnanimityGame } from '../testing/index.js';
import { referenceEstimator, sampledOptionsSchema } from './sampled-estimator.js';

const pairs: Array<[number, number]> = [
  [0, 1],
  [4, 9],
];
const game = seededUnanimityGame({
  n: 24,
  seed: 'est',
  numTerms: 10,
  maxOrder: 6,
  anchors: pairs,
  anchorSizes: [3, 5, 8],
});
const context = {
  seed: 3,
  sampleIndex: 0,
  players: { kind: 'generic', n: 24 } as const,
  pairs: explicitPairs(pairs),
};

describe('sampled estimators: antithetic contexts', () => {
  it('pass the option to the sampler: other values, the same calls, odd contexts refused', async () => {
    const base = sampledOptionsSchema.parse({ ratios: [0.3, 0.5], contexts: 8 });
    // Absent unless asked for, so the recorded options of the protocols stay as they were.
    expect('antithetic' in base).toBe(false);
    const iid = await referenceEstimator.estimate(game, base, context);
    const anti = await referenceEstimator.estimate(game, { ...base, antithetic: true }, context);
    expect(anti.modelCalls).toBe(iid.modelCalls);
    expect(anti.multiOrder!.values.flat().some((v) => v !== 0)).toBe(true);
    expect(anti.multiOrder!.values).not.toEqual(iid.multiOrder!.values);
    await expect(
      referenceEstimator.estimate(game, { ...base, contexts: 7, antithetic: true }, context),
    ).rejects.toThrow(/^contexts: .*even/);
  });
});
