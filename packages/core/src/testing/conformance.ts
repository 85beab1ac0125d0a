import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import type { Estimator } from '../estimators/estimator.js';
import { UnanimityGame } from '../game/unanimity-game.js';
import type { Masker, ModelRunner } from '../model/contracts.js';
import type { NamedTensors, TensorData } from '../model/tensor.js';
import { Rng } from '../random/rng.js';
import { seededUnanimityGame } from './games.js';

/** What {@link describeMasker} checks a masker against: one sample, unmasked and all-baseline. */
export interface MaskerCase {
  readonly masker: Masker;
  /** Model inputs of the full coalition (every player present), batch dimension 1. */
  readonly full: NamedTensors;
  /** Model inputs of the empty coalition (every player absent), batch dimension 1. */
  readonly empty: NamedTensors;
}

function rowOf(t: TensorData, row: number, rows: number): number[] {
  const size = t.data.length / rows;
  return Array.from(t.data.subarray(row * size, (row + 1) * size) as ArrayLike<number | bigint>, Number);
}

function maskOne(masker: Masker, players: number[]): NamedTensors {
  const b = new CoalitionBatch(masker.n, 1);
  b.pushPlayers(players);
  return masker.mask(b, 0, 1);
}

/**
 * The conformance suite every adapter runs on its maskers: the full coalition gives the sample,
 * the empty one the baseline; every masked element is the sample's or the baseline's value;
 * players own disjoint elements (what player `i` changes no other player changes); a row
 * does not depend on the batch it is masked in (so batch size never changes the numbers); and a
 * masker that recycles buffers reuses them without leaking a previous batch's values.
 */
export function describeMasker(name: string, make: () => MaskerCase | Promise<MaskerCase>): void {
  describe(`Masker conformance: ${name}`, () => {
    it('full and empty coalitions give the sample and the baseline', async () => {
      const c = await make();
      const all = Array.from({ length: c.masker.n }, (_, i) => i);
      const full = maskOne(c.masker, all);
      const empty = maskOne(c.masker, []);
      for (const k of Object.keys(c.full)) {
        expect(rowOf(full[k], 0, 1)).toEqual(rowOf(c.full[k], 0, 1));
        expect(rowOf(empty[k], 0, 1)).toEqual(rowOf(c.empty[k], 0, 1));
      }
    });
    it('players own disjoint elements and masked values come from the sample or the baseline', async () => {
      const c = await make();
      const n = c.masker.n;
      const owner = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const one = maskOne(c.masker, [i]);
        for (const k of Object.keys(c.full)) {
          const a = rowOf(one[k], 0, 1);
          const e = rowOf(c.empty[k], 0, 1);
          a.forEach((v, t) => {
            if (v === e[t]) return;
            const key = `${k}:${t}`;
            expect(owner.has(key), `element ${key} changed by players ${owner.get(key)} and ${i}`).toBe(
              false,
            );
            owner.set(key, i);
          });
        }
      }
      const rng = Rng.create(`masker-${name}`);
      for (let r = 0; r < 8; r++) {
        const players = Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.5);
        const m = maskOne(c.masker, players);
        for (const k of Object.keys(c.full)) {
          const got = rowOf(m[k], 0, 1);
          const f = rowOf(c.full[k], 0, 1);
          const e = rowOf(c.empty[k], 0, 1);
          got.forEach((v, t) => {
            const o = owner.get(`${k}:${t}`);
            expect(v).toBe(o !== undefined && players.includes(o) ? f[t] : e[t]);
          });
        }
      }
    });
    it('a row does not depend on the batch it is masked in', async () => {
      const c = await make();
      const n = c.masker.n;
      const rng = Rng.create(`batch-${name}`);
      const sets = Array.from({ length: 5 }, () =>
        Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.5),
      );
      const batch = CoalitionBatch.fromSets(n, sets);
      const together = c.masker.mask(batch, 1, 5);
      sets.slice(1).forEach((s, r) => {
        const alone = maskOne(c.masker, s);
        for (const k of Object.keys(c.full)) expect(rowOf(together[k], r, 4)).toEqual(rowOf(alone[k], 0, 1));
      });
    });
    it('recycled buffers are reused and never leak stale values', async () => {
      const c = await make();
      if (!c.masker.recycle) return; // recycling is optional
      const n = c.masker.n;
      const all = Array.from({ length: n }, (_, i) => i);
      // The full coalition, given back, then the empty one in a batch of the same size: a masker
      // that skipped elements of a reused buffer would show the full sample's values there.
      const first = c.masker.mask(CoalitionBatch.fromSets(n, [all, all]), 0, 2);
      const firstData = Object.keys(c.full).map((k) => first[k].data);
      c.masker.recycle(first);
      const second = c.masker.mask(CoalitionBatch.fromSets(n, [[], []]), 0, 2);
      const reused = Object.keys(c.full).some((k, t) => second[k].data === firstData[t]);
      expect(reused, 'a recycled buffer should serve the next batch of the same size').toBe(true);
      for (const k of Object.keys(c.full)) {
        for (const row of [0, 1]) expect(rowOf(second[k], row, 2)).toEqual(rowOf(c.empty[k], 0, 1));
      }
    });
  });
}

/** What {@link describeRunner} runs: a runner and a batch of inputs for it. */
export interface RunnerCase {
  readonly runner: ModelRunner;
  /** A batch of at least 2 rows. */
  readonly inputs: NamedTensors;
  readonly rows: number;
}

function sliceRows(inputs: NamedTensors, start: number, end: number, rows: number): NamedTensors {
  const out: Record<string, TensorData> = {};
  for (const [k, t] of Object.entries(inputs)) {
    const size = t.data.length / rows;
    out[k] = {
      ...t,
      dims: [end - start, ...t.dims.slice(1)],
      data: t.data.slice(start * size, end * size),
    } as TensorData;
  }
  return out;
}

/**
 * The conformance suite every runtime runs: one row of output per input row, and the same
 * logits whether rows run together or one at a time (so the batch size never changes a result).
 */
export function describeRunner(
  name: string,
  make: () => RunnerCase | Promise<RunnerCase>,
  tolerance = 1e-5,
): void {
  describe(`ModelRunner conformance: ${name}`, () => {
    it('returns one row per input row, the same in any batch split', async () => {
      const c = await make();
      try {
        const all = await c.runner.run(c.inputs);
        expect(all.rows).toBe(c.rows);
        expect(all.data.length).toBe(c.rows * all.classes);
        for (let r = 0; r < c.rows; r++) {
          const one = await c.runner.run(sliceRows(c.inputs, r, r + 1, c.rows));
          expect(one.rows).toBe(1);
          for (let k = 0; k < all.classes; k++)
            expect(Math.abs(one.data[k] - all.data[r * all.classes + k])).toBeLessThanOrEqual(tolerance);
        }
      } finally {
        await c.runner.dispose();
      }
    });
  });
}

/**
 * The conformance suite every estimator runs: on sum-of-unanimity games with known closed forms
 * it must give `E_pairs |I^(m)|` (exact estimators: to 1e-9; sampled ones: within `sigmas`
 * standard errors on each order, using the estimator's own `strengthError` where it gives one)
 * and the same numbers for the same seed whatever the chunk size.
 */
export function describeEstimator(
  estimator: Estimator<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  options: Record<string, unknown>,
  settings: { n?: number; exact?: boolean; sigmas?: number } = {},
): void {
  const n = settings.n ?? 8;
  describe(`Estimator conformance: ${estimator.name}`, () => {
    const game: UnanimityGame = seededUnanimityGame({
      n,
      seed: `conf-${estimator.name}`,
      numTerms: 12,
      maxOrder: 4,
    });
    const parsed = estimator.options.parse(options) as Record<string, unknown>;
    const players = { kind: 'generic' as const, n };
    it('matches the closed form of a sum-of-unanimity game', async () => {
      const est = await estimator.estimate(game, parsed, { seed: 1, sampleIndex: 0, players });
      const pairs = est.multiOrder?.pairs ?? [];
      expect(pairs.length).toBeGreaterThan(0);
      est.orders.forEach((m, k) => {
        const truth = pairs.reduce((a, [i, j]) => a + Math.abs(game.multiOrder(i, j, m)), 0) / pairs.length;
        if (settings.exact)
          expect(Math.abs(est.strength[k] - truth)).toBeLessThanOrEqual(1e-9 * Math.max(1, truth));
        else {
          const se = est.strengthError?.[k] ?? 0;
          // |Î| is biased up by noise; allow the bias scale (one SE) besides the sigmas.
          expect(Math.abs(est.strength[k] - truth)).toBeLessThanOrEqual(
            ((settings.sigmas ?? 4) + 1) * se + 1e-9,
          );
        }
      });
    });
    it('gives the same numbers for the same seed whatever the chunk size', async () => {
      const a = await estimator.estimate(game, parsed, { seed: 2, sampleIndex: 3, players, chunkSize: 64 });
      const b = await estimator.estimate(game, parsed, {
        seed: 2,
        sampleIndex: 3,
        players,
        chunkSize: 100_000,
      });
      expect(a.strength).toEqual(b.strength);
      expect(a.multiOrder?.values).toEqual(b.multiOrder?.values);
    });
  });
}

/** A sum of local unanimity terms on a `rows × cols` grid (for grid estimators and protocols). */
export function gridUnanimityGame(options: {
  rows: number;
  cols: number;
  seed: number | string;
  terms?: number;
  maxSize?: number;
  v0?: number;
}): UnanimityGame {
  const N = options.rows * options.cols;
  const rng = Rng.create(options.seed);
  const terms = [];
  for (let t = 0; t < (options.terms ?? 40); t++) {
    const cells = [rng.int(N)];
    for (let u = 0, size = 1 + rng.int(options.maxSize ?? 4); u < size; u++) cells.push(rng.int(N));
    terms.push({ players: cells, value: rng.normal() });
  }
  return new UnanimityGame(N, options.v0 ?? 0.1, terms);
}

/**
 * A closed-form game on a `side × side` grid: local unanimity terms of 2–4 cells, neighbours
 * joined by far cells, and a few long-range terms, so every order carries interaction (the
 * vision protocol tests' game).
 */
export function localGridGame(options: { side: number; seed: number | string }): UnanimityGame {
  const { side, seed } = options;
  const N = side * side;
  const rng = Rng.create(seed);
  const terms = [];
  const near = (p: number): number => {
    const r = Math.min(side - 1, Math.max(0, Math.floor(p / side) + rng.int(5) - 2));
    const c = Math.min(side - 1, Math.max(0, (p % side) + rng.int(5) - 2));
    return r * side + c;
  };
  // Local terms of 2–4 cells (pairwise and low-order structure) ...
  for (let t = 0; t < 120; t++) {
    const a = rng.int(N);
    const cells = [a];
    for (let u = 0, size = 1 + rng.int(3); u < size; u++) cells.push(near(a));
    terms.push({ players: cells, value: rng.normal() });
  }
  // ... neighbours joined by one or two far cells (Δv depends on whether they are in S) ...
  for (let t = 0; t < 120; t++) {
    const a = rng.int(N);
    terms.push({
      players: [a, near(a), rng.int(N), ...(t % 2 ? [rng.int(N)] : [])],
      value: rng.normal(),
    });
  }
  // ... and a few long-range terms so that high orders carry interaction too.
  for (let t = 0; t < 6; t++)
    terms.push({
      players: rng.sample(
        Array.from({ length: N }, (_, i) => i),
        3 + rng.int(30),
      ),
      value: rng.normal(),
    });
  return new UnanimityGame(N, 0.3, terms);
}
