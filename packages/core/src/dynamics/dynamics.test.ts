import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../analysis/run-store.js';
import { OrderlensInputError } from '../errors/errors.js';
import { zetaInPlace } from '../exact/mobius.js';
import { TableGame } from '../game/table-game.js';
import { Rng } from '../random/rng.js';
import { twoPhaseApply } from '../theory/two-phase-operator.js';
import { twoPhaseOrderDistribution } from '../theory/two-phase-fit.js';
import { dynamicsRunUnits } from './checkpoint-units.js';
import { computeDynamics, fitCheckpointSeries, type DynamicsCheckpoint } from './compute-dynamics.js';
import { checkDynamicsPlayers, checkEpochs, checkSameModel } from './dynamics-checks.js';
import { DYNAMICS_SCHEMA, parseDynamicsResult } from './dynamics-result.js';

function refusal(fn: () => unknown, field: string | RegExp, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OrderlensInputError);
    const err = e as OrderlensInputError;
    if (typeof field === 'string') expect(err.field).toBe(field);
    else expect(err.field).toMatch(field);
    expect(err.message).toMatch(message);
    return;
  }
  throw new Error('expected an OrderlensInputError');
}

/** Sparse converged interactions on `n` players: `count` sets of orders 1…4, one vector. */
function plantedHarsanyi(seed: string, n: number, count: number): Float64Array {
  const rng = Rng.create(seed);
  const w = new Float64Array(2 ** n);
  for (let t = 0; t < count; t++) {
    const k = 1 + rng.int(4);
    const S = rng
      .shuffle(Array.from({ length: n }, (_, i) => i))
      .slice(0, k)
      .reduce((m, i) => m | (1 << i), 0);
    w[S] += (rng.next() < 0.5 ? -1 : 1) * (0.5 + rng.next());
  }
  return w;
}

/** The game whose Harsanyi dividends are `w` (the table `v = J w`). */
function gameOf(w: Float64Array): TableGame {
  const n = Math.round(Math.log2(w.length));
  return new TableGame(n, zetaInPlace(Float64Array.from(w)));
}

function checkpoint(epoch: number, games: TableGame[]): DynamicsCheckpoint {
  return { epoch, source: `epoch-${epoch}`, games: async () => ({ games }) };
}

describe('dynamics input checks', () => {
  it('refuses an empty series and non-monotonic epochs', () => {
    refusal(() => checkEpochs([]), 'checkpoints', /holds no checkpoints/);
    refusal(
      () => checkEpochs([0, 5, 5]),
      'checkpoints',
      /increase strictly.*checkpoint 3 has epoch 5 after epoch 5/,
    );
    refusal(() => checkEpochs([0, 10, 5]), 'checkpoints', /epoch 5 after epoch 10.*0, 10, 5/);
    refusal(() => checkEpochs([0, -1]), 'checkpoints[1].epoch', /non-negative integer/);
    refusal(() => checkEpochs([0.5]), 'checkpoints[0].epoch', /non-negative integer/);
    expect(() => checkEpochs([0, 1, 7])).not.toThrow();
  });

  it('refuses more than 20 players, naming the 2^n cost', () => {
    refusal(() => checkDynamicsPlayers(21), 'players', /2\^21 = 2,097,152 model calls.*n ≤ 20/);
    expect(() => checkDynamicsPlayers(20)).not.toThrow();
  });

  it('names the checkpoint and the part of the fingerprint that differs', () => {
    const a = {
      epoch: 10,
      fingerprint: { inputs: [{ name: 'x', shape: [null, 12] }], architecture: { units: 100 } },
    };
    const b = {
      epoch: 2,
      fingerprint: { inputs: [{ shape: [null, 12], name: 'x' }], architecture: { units: 50 } },
    };
    refusal(
      () => checkSameModel(a, b),
      'checkpoints',
      /epoch 2 is not the same model as that of epoch 10: they differ in architecture/,
    );
    // Key order does not matter.
    expect(() =>
      checkSameModel(a, { ...b, fingerprint: { ...b.fingerprint, architecture: { units: 100 } } }),
    ).not.toThrow();
  });

  it('computeDynamics refuses games over 20 players and a backwards series before building games', async () => {
    let built = 0;
    const big = { n: 21, evaluate: () => Promise.resolve(new Float64Array(0)) };
    await expect(
      computeDynamics({
        checkpoints: [{ epoch: 0, games: async () => ({ games: [big] }) }],
      }),
    ).rejects.toThrow(/2\^21/);
    await expect(
      computeDynamics({
        checkpoints: [
          { epoch: 3, games: async () => (built++, { games: [] }) },
          { epoch: 1, games: async () => (built++, { games: [] }) },
        ],
      }),
    ).rejects.toThrow(/increase strictly/);
    expect(built).toBe(0);
  });
});

describe('fitCheckpointSeries', () => {
  it('recovers planted σ² values from synthetic distributions', () => {
    const n = 8;
    const truths = [plantedHarsanyi('a', n, 20), plantedHarsanyi('b', n, 20)];
    const planted = [3e-2, 3e-3, 3e-4];
    const fits = fitCheckpointSeries(
      planted.map((s2) => twoPhaseOrderDistribution(n, s2, truths)),
      truths,
    );
    fits.forEach((f, k) => {
      expect(f).not.toBeNull();
      expect(Math.abs(f!.log10Sigma2 - Math.log10(planted[k]))).toBeLessThan(1e-3);
      expect(f!.loss).toBeLessThan(1e-9);
    });
    expect(fitCheckpointSeries([[0, 0, 0, 0, 0, 0, 0, 0]], truths)).toEqual([null]);
  });
});

describe('computeDynamics', () => {
  it('measures both paradigms on the same samples at every checkpoint and fits σ² falling over a planted series', async () => {
    const n = 8;
    const finals = [plantedHarsanyi('s0', n, 12), plantedHarsanyi('s1', n, 12), plantedHarsanyi('s2', n, 12)];
    // Earlier checkpoints follow the theory: ŵ = M̂(σ²) w* with σ² falling over training.
    const sigma2 = [1e-2, 1e-3, 0];
    const events: string[] = [];
    const result = await computeDynamics({
      checkpoints: sigma2.map((s2, k) =>
        checkpoint(
          k * 5,
          finals.map((w) => gameOf(s2 > 0 ? twoPhaseApply(n, s2, w) : w)),
        ),
      ),
      andOr: { niter: 300 },
      onEvent: (e) => events.push(e.type),
    });
    expect(() => parseDynamicsResult(JSON.parse(JSON.stringify(result)))).not.toThrow();
    expect(result.schema).toBe(DYNAMICS_SCHEMA);
    expect(result.n).toBe(n);
    expect(result.samples).toHaveLength(3);
    expect(result.checkpoints.map((c) => c.epoch)).toEqual([0, 5, 10]);
    expect(result.theory.truthEpoch).toBe(10);
    expect(events.filter((e) => e === 'checkpoint')).toHaveLength(3);
    for (const c of result.checkpoints) {
      expect(c.andOr.orders).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(c.andOr.distribution.reduce((a, b) => a + b, 0) / n).toBeCloseTo(1, 10);
      expect(c.multiOrder.orders).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(c.multiOrder.J.reduce((a, b) => a + b, 0) / (n - 1)).toBeCloseTo(1, 10);
      expect(c.andOr.matchingResidual).toBeLessThan(1e-9);
      expect(c.modelCalls).toBe(3 * 2 ** n);
      expect(c.losses.lossGap).toBeNull();
    }
    const fits = result.checkpoints.map((c) => c.fit!);
    // The last checkpoint is w* itself: the theory at σ² → 0 reproduces it.
    expect(fits[2].loss).toBeLessThan(1e-6);
    expect(fits[0].sigma2).toBeGreaterThan(fits[1].sigma2);
    expect(fits[1].sigma2).toBeGreaterThan(fits[2].sigma2);
  });

  it('refuses samples or players that change between checkpoints', async () => {
    const n = 6;
    const w = plantedHarsanyi('x', n, 6);
    await expect(
      computeDynamics({
        checkpoints: [checkpoint(0, [gameOf(w), gameOf(w)]), checkpoint(1, [gameOf(w)])],
        andOr: { niter: 10 },
      }),
    ).rejects.toThrow(/gives 1 samples, the first gave 2/);
    await expect(
      computeDynamics({
        checkpoints: [checkpoint(0, [gameOf(w)]), checkpoint(1, [gameOf(plantedHarsanyi('y', n + 1, 6))])],
        andOr: { niter: 10 },
      }),
    ).rejects.toThrow(/7 players at epoch 1, 6 before/);
  });

  it('stops when the signal aborts', async () => {
    const w = plantedHarsanyi('z', 6, 6);
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(
      computeDynamics({ checkpoints: [checkpoint(0, [gameOf(w)])], signal: controller.signal }),
    ).rejects.toThrow('stop now');
  });
});

describe('computeDynamics with a run store', () => {
  const n = 6;
  const finals = [plantedHarsanyi('r1', n, 6), plantedHarsanyi('r2', n, 6)];
  const sigma2 = [1e-2, 1e-3, 0];
  /** The series; `opened[k]` counts the times checkpoint k's games were built. */
  const series = (opened: number[], failAt = -1): DynamicsCheckpoint[] =>
    sigma2.map((s2, k) => ({
      epoch: k * 5,
      source: `epoch-${k * 5}`,
      games: async () => {
        opened[k]++;
        if (k === failAt) throw new Error('killed');
        return { games: finals.map((w) => gameOf(s2 > 0 ? twoPhaseApply(n, s2, w) : w)) };
      },
    }));
  const withoutTimes = (r: Awaited<ReturnType<typeof computeDynamics>>) => ({
    ...r,
    checkpoints: r.checkpoints.map(({ wallTimeMs: _w, ...c }) => c),
    provenance: null,
  });

  it('reads finished checkpoints instead of measuring them, with the numbers of a run that never stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderlens-dynamics-store-'));
    try {
      const open = (name: string, resume: boolean) =>
        dynamicsRunUnits(
          RunStore.open({ dir: join(dir, name), command: 'dynamics', options: { n }, resume }),
          'g-',
        );
      const straight = await computeDynamics({
        checkpoints: series([0, 0, 0]),
        andOr: { niter: 200 },
        store: open('straight', false),
      });
      // A run that dies at the third checkpoint keeps the first two.
      const first = [0, 0, 0];
      await expect(
        computeDynamics({
          checkpoints: series(first, 2),
          andOr: { niter: 200 },
          store: open('killed', false),
        }),
      ).rejects.toThrow('killed');
      expect(readdirSync(join(dir, 'killed', 'units')).sort()).toEqual(['g-epoch-0.json', 'g-epoch-5.json']);
      const again = [0, 0, 0];
      const resumed = await computeDynamics({
        checkpoints: series(again),
        andOr: { niter: 200 },
        store: open('killed', true),
      });
      expect(again).toEqual([0, 0, 1]);
      expect(withoutTimes(resumed)).toEqual(withoutTimes(straight));
      // A unit file that holds another epoch (a run folder edited by hand) is refused.
      const units = join(dir, 'killed', 'units');
      copyFileSync(join(units, 'g-epoch-0.json'), join(units, 'g-epoch-7.json'));
      expect(() => open('killed', true).get(0, 7)).toThrow(/is not the stored checkpoint of epoch 7/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
