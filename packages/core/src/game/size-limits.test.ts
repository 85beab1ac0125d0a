import { describe, expect, it } from 'vitest';
import { expectInputError } from '../testing/expect-input-error.js';
import {
  CoalitionBatch,
  MAX_BATCH_WORDS,
  MAX_PLAYERS,
  requirePlayerCount,
} from '../coalition/coalition-batch.js';
import type { Masker, ModelRunner } from '../model/contracts.js';
import { ModelGame } from './model-game.js';
import { TableGame } from './table-game.js';
import { UnanimityGame } from './unanimity-game.js';

const refused = expectInputError;

// Issue 12 item 6: an absurd n (1e9) used to abort V8 with a native stack (exit 133); every
// constructor sized by n now refuses it with an input error before allocating.
describe('size checks before allocation', () => {
  it('requirePlayerCount accepts up to MAX_PLAYERS and refuses beyond, naming the field', () => {
    expect(() => requirePlayerCount(MAX_PLAYERS)).not.toThrow();
    refused(
      () => requirePlayerCount(1e9, '--n'),
      '--n',
      /1000000000 players exceed the limit of 1048576 .*119\.2 MiB/,
    );
    refused(() => requirePlayerCount(-1), 'n', /non-negative integer/);
    refused(() => requirePlayerCount(2.5), 'n', /non-negative integer/);
  });

  it('UnanimityGame refuses n = 1e9 and terms whose bit sets would not fit', () => {
    refused(() => new UnanimityGame(1e9, 0, [{ players: [0, 1], value: 1 }]), 'n', /exceed the limit/);
    refused(() => UnanimityGame.random(1e9, 1, Math.random), 'n', /exceed the limit/);
    const many = Array.from({ length: MAX_BATCH_WORDS / (MAX_PLAYERS / 32) + 1 }, (_, i) => ({
      players: [i],
      value: 1,
    }));
    refused(
      () => new UnanimityGame(MAX_PLAYERS, 0, many),
      'terms',
      /8193 terms over 1048576 players need 1\.0 GiB/,
    );
    // The largest n still works, and evaluates.
    const g = new UnanimityGame(MAX_PLAYERS, 1, [{ players: [0, MAX_PLAYERS - 1], value: 2 }]);
    const b = new CoalitionBatch(MAX_PLAYERS, 2);
    b.pushPlayers([0, MAX_PLAYERS - 1]);
    b.pushPlayers([0]);
    expect(Array.from(g.evaluateSync(b))).toEqual([3, 1]);
  });

  it('TableGame keeps its own 2^n limit', () => {
    refused(() => new TableGame(1e9, []), 'n', /expected an integer in \[0, 26\]/);
  });

  it('CoalitionBatch refuses n = 1e9 and a batch over MAX_BATCH_WORDS', () => {
    refused(() => new CoalitionBatch(1e9), 'n', /exceed the limit/);
    refused(
      () => new CoalitionBatch(MAX_PLAYERS, 1e6),
      'batchSize',
      /1000000 coalitions of 1048576 players need 122\.1 GiB/,
    );
    refused(() => new CoalitionBatch(32, -1), 'batchSize', /non-negative integer capacity/);
    // (Growth past the limit is refused by the same check; not exercised here: it needs 1 GiB.)
  });

  it('ModelGame refuses a masker with too many players', () => {
    const masker = { n: 1e9, mask: () => ({}) } as unknown as Masker;
    const runner = {
      run: async () => ({ data: new Float32Array(0), rows: 0, classes: 2 }),
    } as unknown as ModelRunner;
    refused(() => new ModelGame(masker, runner, { reward: { label: 0 } }), 'masker.n', /exceed the limit/);
  });
});
