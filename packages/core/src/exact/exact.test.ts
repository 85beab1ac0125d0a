import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { OrderlensInputError } from '../errors/errors.js';
import { TableGame } from '../game/table-game.js';
import { UnanimityGame } from '../game/unanimity-game.js';
import { Rng } from '../random/rng.js';
import { multiOrderDirect } from './direct.js';
import { exactFromTable, exactInteractions } from './exact-interactions.js';
import { multiOrderFromHarsanyi, pairIndex } from './harsanyi-indices.js';
import { mobiusTransform, orInteractions } from './mobius.js';

function tableOf(game: UnanimityGame): Float64Array {
  const masks = Array.from({ length: 2 ** game.n }, (_, k) => k);
  return game.evaluateSync(CoalitionBatch.fromMasks(game.n, masks));
}

function randomGame(n: number, seed: number, terms = 3 * n): UnanimityGame {
  const rng = Rng.create(seed);
  return UnanimityGame.random(n, terms, () => rng.next());
}

function termMap(game: UnanimityGame): Map<number, number> {
  const map = new Map<number, number>();
  for (const t of game.terms) {
    let mask = 0;
    for (const i of t.players) mask |= 1 << i;
    map.set(mask, (map.get(mask) ?? 0) + t.value);
  }
  return map;
}

const close = (a: number, b: number, tol = 1e-9) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('exact engine on sums of unanimity games (closed forms)', () => {
  for (let n = 2; n <= 16; n++) {
    it(`matches every closed form at n = ${n}`, () => {
      const seeds = n <= 10 ? [1, 2, 3] : [n];
      for (const seed of seeds) {
        const game = randomGame(n, seed * 1000 + n);
        const values = tableOf(game);
        const r = exactFromTable(values);
        const terms = termMap(game);
        const h = r.harsanyi as Float64Array;
        close(h[0], game.v0);
        for (let mask = 1; mask < h.length; mask++) close(h[mask], terms.get(mask) ?? 0);
        // OR interactions: closed form on a sample of coalitions (all when small).
        const or = r.or as Float64Array;
        const step = Math.max(1, Math.floor(or.length / 512));
        for (let mask = 0; mask < or.length; mask += step) {
          const players: number[] = [];
          for (let i = 0; i < n; i++) if (mask & (1 << i)) players.push(i);
          close(or[mask], game.or(players));
        }
        const phi = game.shapley();
        const bz = game.banzhaf();
        for (let i = 0; i < n; i++) {
          close((r.shapley as Float64Array)[i], phi[i]);
          close((r.banzhaf as Float64Array)[i], bz[i]);
        }
        const mo = r.multiOrder!;
        expect(mo.orders).toEqual(Array.from({ length: n - 1 }, (_, m) => m));
        expect(mo.pairs.length).toBe((n * (n - 1)) / 2);
        mo.pairs.forEach(([i, j], p) => {
          close(r.sii![i][j], game.sii(i, j));
          close(r.sii![j][i], game.sii(i, j));
          for (const m of mo.orders) close(mo.values[p][m], game.multiOrder(i, j, m));
        });
        for (const [name, res] of Object.entries(r.residuals!)) expect(res, name).toBeLessThan(1e-10);
      }
    });
  }
});

describe('identities of MATH.md on arbitrary tables', () => {
  const rng = Rng.create('tables');
  const n = 7;
  const values = Float64Array.from({ length: 2 ** n }, () => rng.normal());

  it('I^(m)(i,j) from Harsanyi equals the direct average of Δv over every context', () => {
    const { pairs, values: mo } = multiOrderFromHarsanyi(mobiusTransform(values));
    pairs.forEach(([i, j], p) => {
      for (let m = 0; m <= n - 2; m++) close(mo[p][m], multiOrderDirect(values, n, i, j, m), 1e-12);
    });
  });

  it('matching of OR interactions: v(T) = v(∅) + Σ_{S≠∅, S∩T≠∅} I_or(S)', () => {
    const or = orInteractions(values);
    for (let T = 0; T < values.length; T++) {
      let s = values[0];
      for (let S = 1; S < values.length; S++) if (S & T) s += or[S];
      close(s, values[T], 1e-12);
    }
  });

  it('SII is the mean of I^(m) over orders', () => {
    const r = exactFromTable(values);
    r.multiOrder!.pairs.forEach(([i, j], p) => {
      const mean = r.multiOrder!.values[p].reduce((a, b) => a + b, 0) / (n - 1);
      close(r.sii![i][j], mean, 1e-12);
    });
  });

  it('residuals are at rounding level', () => {
    const r = exactFromTable(values);
    for (const [name, res] of Object.entries(r.residuals!)) expect(res, name).toBeLessThan(1e-12);
  });
});

describe('symmetry and dummy players', () => {
  it('symmetric players get equal values; a dummy gets zero everywhere', () => {
    const n = 6;
    // Players 0 and 1 are symmetric; player 5 is a dummy.
    const game = new UnanimityGame(n, 0.3, [
      { players: [0, 2], value: 1.5 },
      { players: [1, 2], value: 1.5 },
      { players: [0, 1, 3], value: -0.7 },
      { players: [2, 3, 4], value: 0.4 },
    ]);
    const r = exactFromTable(tableOf(game));
    const phi = r.shapley as Float64Array;
    close(phi[0], phi[1], 1e-12);
    expect(phi[5]).toBe(0);
    expect((r.banzhaf as Float64Array)[5]).toBe(0);
    for (let i = 0; i < 5; i++) {
      const p = pairIndex(n, i, 5);
      for (const v of r.multiOrder!.values[p]) close(v, 0, 1e-14);
    }
    const p02 = pairIndex(n, 0, 2);
    const p12 = pairIndex(n, 1, 2);
    r.multiOrder!.values[p02].forEach((v, k) => close(v, r.multiOrder!.values[p12][k], 1e-12));
  });
});

describe('exactInteractions over a Game', () => {
  it('enumerates each coalition once and reports model calls', async () => {
    const game = randomGame(9, 5);
    let evaluated = 0;
    const counting = {
      n: 9,
      evaluate: async (b: CoalitionBatch) => {
        evaluated += b.count;
        return game.evaluateSync(b);
      },
    };
    const r = await exactInteractions(counting, { chunkSize: 100 });
    expect(evaluated).toBe(512);
    expect(r.modelCalls).toBe(512);
    expect(r.method).toBe('exact');
  });

  it('refuses n too large, naming n and the number of calls', async () => {
    const big = new UnanimityGame(30, 0, []);
    await expect(exactInteractions(big)).rejects.toThrow(OrderlensInputError);
    await expect(exactInteractions(big)).rejects.toThrow(/n = 30 .*2\^30 = 1,073,741,824/);
  });

  it('rejects non-finite values naming the coalition', async () => {
    const values = new Float64Array(8);
    const bad = {
      n: 3,
      evaluate: async (b: CoalitionBatch) =>
        Float64Array.from({ length: b.count }, (_, k) => (b.mask(k) === 5 ? NaN : values[0])),
    };
    await expect(exactInteractions(bad)).rejects.toThrow(/mask 5 is NaN/);
  });

  it('TableGame validates its table', () => {
    expect(() => new TableGame(3, [1, 2, 3])).toThrow(/values: expected 2\^n = 8 entries/);
    expect(() => new TableGame(1, [1, NaN])).toThrow(/values\[1\]/);
  });
});
