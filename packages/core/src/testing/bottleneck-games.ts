import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import type { Game } from '../game/game.js';
import { binomialRatio } from '../math/combinatorics.js';
import { Rng } from '../random/rng.js';

/** Options of {@link bottleneckGame}. */
export interface BottleneckGameOptions {
  /** Players (e.g. 256 for a 16×16 grid). */
  readonly n: number;
  /** The measured pairs: every pair anchors its own terms. */
  readonly pairs: ReadonlyArray<readonly [number, number]>;
  readonly seed: number | string;
  /**
   * Depth `d` of the trough: each pair's terms of sizes `3 … d+2` carry `x·C(d,s)(−1)^s`, so that
   * `I^(m)(i,j) ≈ x·(1 − m/n)^d` (about `2^−d` of `J(0)` at the middle order). Default: drawn per
   * game in 3…5.
   */
  readonly depth?: number;
  /** Size of the rare high-order term of each pair (default 30). */
  readonly rareSize?: number;
  /** Its coefficient relative to the pair's `x` (default: drawn per pair in ±[1, 4]). */
  readonly rareWeight?: number;
  /** Random sets each coefficient of size `s` is split over (default 3): they make `Δv` noisy. */
  readonly splits?: number;
}

/** A closed-form game whose multi-order interactions are known exactly. */
export interface ClosedFormGame extends Game {
  /** Exact `I^(m)(i, j)`. */
  multiOrder(i: number, j: number, m: number): number;
  /** Exact `J(m) = mean over pairs of |I^(m)(i, j)|` at each order. */
  meanAbs(pairs: ReadonlyArray<readonly [number, number]>, orders: readonly number[]): number[];
  /** Model calls so far (coalitions evaluated). */
  readonly modelCalls: number;
}

interface Term {
  players: number[];
  words: Uint32Array;
  value: number;
}

/**
 * A random closed-form "representation bottleneck" game (issue 26): a sum of unanimity terms
 * anchored at the measured pairs, built so that sampling `J(m)` is hard where the papers care.
 *
 * Per pair, with `x ~ N(0, 1)`: the pair term `x·1({i,j} ⊆ S)`; for each size `s = 1 … d`, the
 * coefficient `x·C(d, s)(−1)^s` split at random over `splits` terms `{i, j} ∪ (s random others)`;
 * one rare term of `rareSize` players with coefficient `±ρx`. So `I^(m)` falls like `(1 − m/n)^d`
 * (a deep trough: `J` at the middle order about `2^−d` of `J(0)`) while `Δv` stays of the size of
 * `x` (the terms cancel only on average), and near `m = 0.9n` the rare term switches on in a few
 * percent of the contexts — a heavy-tailed `Δv` — and dominates `I` at the top orders.
 *
 * `evaluate` only tests the terms of pairs whose two anchors are in the coalition, so it costs
 * about `pairs` bit tests per coalition; `multiOrder` sums every term holding `{i, j}` (terms of
 * other pairs included) with the exact hypergeometric weight `C(n−t, m−t+2)/C(n−2, m)`.
 */
export function bottleneckGame(options: BottleneckGameOptions): ClosedFormGame {
  const { n, pairs, seed } = options;
  requireInput(Number.isInteger(n) && n >= 8, 'n', `expected an integer of at least 8, got ${n}`);
  requireInput(Array.isArray(pairs) && pairs.length > 0, 'pairs', 'expected at least one pair');
  const rng = Rng.create(seed).fork('bottleneck-game');
  const depth = options.depth ?? 3 + rng.int(3);
  const rareSize = Math.min(options.rareSize ?? 30, n);
  const splits = options.splits ?? 3;
  const W = Math.max(1, Math.ceil(n / 32));
  const groups: { i: number; j: number; terms: Term[] }[] = [];
  const all = Array.from({ length: n }, (_, p) => p);
  const wordsOf = (ps: number[]): Uint32Array => {
    const w = new Uint32Array(W);
    for (const p of ps) w[p >>> 5] |= 1 << (p & 31);
    return w;
  };
  pairs.forEach(([i, j], g) => {
    const r = rng.fork('pair', g);
    const others = all.filter((p) => p !== i && p !== j);
    const x = r.normal();
    const terms: Term[] = [{ players: [i, j], words: wordsOf([i, j]), value: x }];
    let choose = 1;
    for (let s = 1; s <= depth; s++) {
      choose = (choose * (depth - s + 1)) / s;
      const coef = x * choose * (s % 2 === 0 ? 1 : -1);
      const u = Array.from({ length: splits }, () => 0.5 + r.next());
      const total = u.reduce((a, b) => a + b, 0);
      for (let l = 0; l < splits; l++) {
        const ps = [i, j, ...r.sample(others, Math.min(s, others.length))];
        terms.push({ players: ps, words: wordsOf(ps), value: (coef * u[l]) / total });
      }
    }
    const rho = options.rareWeight ?? (1 + 3 * r.next()) * (r.next() < 0.5 ? -1 : 1);
    const rare = [i, j, ...r.sample(others, rareSize - 2)];
    terms.push({ players: rare, words: wordsOf(rare), value: rho * x });
    groups.push({ i, j, terms });
  });
  const allTerms = groups.flatMap((g) => g.terms);
  const has = (w: Uint32Array, p: number) => (w[p >>> 5] & (1 << (p & 31))) !== 0;

  const game = {
    n,
    modelCalls: 0,
    async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
      requireInput(batch.n === n, 'batch.n', `expected ${n} players, got ${batch.n}`);
      const out = new Float64Array(batch.count);
      const d = batch.data;
      for (let k = 0; k < batch.count; k++) {
        const o = k * W;
        let v = 0;
        for (const g of groups) {
          if ((d[o + (g.i >>> 5)] & (1 << (g.i & 31))) === 0) continue;
          if ((d[o + (g.j >>> 5)] & (1 << (g.j & 31))) === 0) continue;
          for (const t of g.terms) {
            let inside = true;
            for (let w = 0; w < W && inside; w++) inside = (d[o + w] & t.words[w]) >>> 0 === t.words[w];
            if (inside) v += t.value;
          }
        }
        out[k] = v;
      }
      game.modelCalls += batch.count;
      return out;
    },
    multiOrder(i: number, j: number, m: number): number {
      let s = 0;
      for (const t of allTerms) {
        if (!has(t.words, i) || !has(t.words, j)) continue;
        const size = t.players.length;
        s += t.value * binomialRatio(n - size, m - size + 2, n - 2, m);
      }
      return s;
    },
    meanAbs(ps: ReadonlyArray<readonly [number, number]>, orders: readonly number[]): number[] {
      return orders.map(
        (m) => ps.reduce((a, [i, j]) => a + Math.abs(game.multiOrder(i, j, m)), 0) / ps.length,
      );
    },
  };
  return game;
}

/** One game's outcome in {@link bottleneckCoverage}. */
export interface BottleneckGameOutcome {
  /** Exact `J(m)` per order. */
  readonly truth: number[];
  /** The interval of each order. */
  readonly lower: number[];
  readonly upper: number[];
  /** The point estimate of each order. */
  readonly estimate: number[];
  /** Model calls the run made. */
  readonly calls: number;
}

/** Options of {@link bottleneckCoverage}. */
export interface BottleneckCoverageOptions {
  readonly n: number;
  /** Pairs per game (random distinct players, drawn per game). */
  readonly pairs: number;
  readonly orders: readonly number[];
  /** Random games (seeds `0 … games−1` under `seed`). */
  readonly games: number;
  readonly seed?: string;
  /** Orders left out of `coverage` (e.g. the enumerated, exact ones: `0` and `n − 2`). */
  readonly skipOrders?: readonly number[];
  /** Runs one protocol on one game and returns its interval and estimate per order. */
  readonly run: (
    game: ClosedFormGame,
    pairs: Array<[number, number]>,
    seed: string,
  ) => Promise<Omit<BottleneckGameOutcome, 'truth' | 'calls'>>;
}

/**
 * Runs a protocol on `games` random {@link bottleneckGame}s and returns, per game, the exact
 * `J(m)` beside the protocol's interval and estimate, and `coverage`: the fraction of (game,
 * order) whose interval holds the truth, `skipOrders` aside (a relative tolerance of 1e−9 absorbs the rounding of
 * enumerated orders).
 */
export async function bottleneckCoverage(
  options: BottleneckCoverageOptions,
): Promise<{ coverage: number; outcomes: BottleneckGameOutcome[] }> {
  const { n, orders, games } = options;
  const base = options.seed ?? 'coverage';
  const outcomes: BottleneckGameOutcome[] = [];
  let covered = 0;
  let total = 0;
  for (let g = 0; g < games; g++) {
    const r = Rng.create(base).fork('pairs', g);
    const pairs: Array<[number, number]> = [];
    const seen = new Set<string>();
    while (pairs.length < options.pairs) {
      const i = r.int(n);
      const j = r.int(n);
      if (i === j || seen.has(`${Math.min(i, j)},${Math.max(i, j)}`)) continue;
      seen.add(`${Math.min(i, j)},${Math.max(i, j)}`);
      pairs.push([i, j]);
    }
    const game = bottleneckGame({ n, pairs, seed: `${base}/${g}` });
    const truth = game.meanAbs(pairs, orders);
    const before = game.modelCalls;
    const out = await options.run(game, pairs, `${base}/run/${g}`);
    outcomes.push({ ...out, truth, calls: game.modelCalls - before });
    truth.forEach((t, k) => {
      if (options.skipOrders?.includes(orders[k])) return;
      const tol = 1e-9 * Math.abs(t);
      if (out.lower[k] - tol <= t && t <= out.upper[k] + tol) covered++;
      total++;
    });
  }
  return { coverage: covered / total, outcomes };
}
