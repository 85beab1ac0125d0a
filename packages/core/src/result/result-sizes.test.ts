import { describe, expect, it } from 'vitest';
import { exactInteractions } from '../exact/exact-interactions.js';
import { seededUnanimityGame } from '../testing/games.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { gameResultDocument } from './game-document.js';
import { parseResult, type InteractionResult } from './interaction-result.js';

/** A real result document: exact interactions of a 6-player unanimity game. */
async function realResult(): Promise<InteractionResult> {
  const game = seededUnanimityGame({ n: 6, seed: 1, numTerms: 8 });
  const est = await exactInteractions(game);
  const doc = gameResultDocument(est, { estimator: 'exact', options: {}, source: 'test' });
  return JSON.parse(JSON.stringify(doc)) as InteractionResult;
}

describe('results whose declared sizes disagree with their samples', () => {
  it('reads a consistent result', async () => {
    const r = await realResult();
    expect(parseResult(r, 'r.json').n).toBe(6);
  });

  it('refuses each kind of disagreement, naming the file and the field', async () => {
    const r = await realResult();
    const cases: Array<[string, (x: InteractionResult) => void, string, RegExp]> = [
      [
        'n = 1e9 over 6-player samples',
        (x) => (x.n = 1e9),
        'r.json.n',
        /declares n = 1000000000, but samples\[0\] \(game\) has 6 players/,
      ],
      ['no samples', (x) => (x.samples = []), 'r.json.samples', /holds no samples/],
      ['an order beyond n', (x) => (x.orders[1] = 99), 'r.json.orders[1]', /order 99 is outside 0 … n = 6/],
      ['fewer ratios than orders', (x) => x.ratios.pop(), 'r.json.ratios', /has 4 entries for 5 orders/],
      [
        'a strength curve of another length',
        (x) => x.samples[0].strength.push(1),
        'r.json.samples[0].strength',
        /has 6 values for 5 orders/,
      ],
      [
        'a pair outside the players',
        (x) => (x.samples[0].multiOrder!.pairs[0] = [0, 6]),
        'r.json.samples[0].multiOrder.pairs[0]',
        /pair \(0, 6\) is not two distinct players/,
      ],
      [
        'a ragged multi-order table',
        (x) => x.samples[0].multiOrder!.values[3].pop(),
        'r.json.samples[0].multiOrder.values[3]',
        /has 4 values for 5 orders/,
      ],
      [
        'an SII matrix of another size',
        (x) => x.samples[0].sii!.pop(),
        'r.json.samples[0].sii',
        /has 5 rows for n = 6 players/,
      ],
      [
        'Shapley values of another size',
        (x) => x.samples[0].shapley!.push(0),
        'r.json.samples[0].shapley',
        /has 7 values for n = 6/,
      ],
      [
        'Harsanyi terms for another n',
        (x) => x.samples[0].harsanyi!.pop(),
        'r.json.samples[0].harsanyi',
        /has 63 values; n = 6 players have 64 coalitions/,
      ],
      [
        'players named for another n',
        (x) => (x.samples[0].players = { kind: 'generic', n: 6, names: ['a'] }),
        'r.json.samples[0].players.names',
        /has 1 names for n = 6/,
      ],
      [
        'an aggregate of another length',
        (x) => x.aggregate.raw.push(0),
        'r.json.aggregate.raw',
        /has 6 values for 5 orders/,
      ],
    ];
    for (const [why, edit, field, message] of cases) {
      const x = structuredClone(r);
      edit(x);
      expectInputError(() => parseResult(x, 'r.json'), field, message);
      expect(why).toBeTruthy();
    }
  });
});
