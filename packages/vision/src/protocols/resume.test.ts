import { describe, expect, it } from 'vitest';
import {
  CoalitionBatch,
  ModelGame,
  UnanimityGame,
  float32Tensor,
  type Game,
  type Masker,
  type ModelOutput,
  type ModelRunner,
  type NamedTensors,
} from '@orderlens/core';
import { gridUnanimityGame } from '@orderlens/core/testing';
import { resolveProtocol } from './protocol.js';
import {
  aggregateProtocolSamples,
  protocolPlan,
  runProtocolSample,
  runVisionProtocol,
  type ProtocolSampleResult,
  type VisionProtocolResult,
} from './run-protocol.js';

const SIDE = 6;
const N = SIDE * SIDE;

/** A closed-form game per sample: local unanimity terms on a 6×6 grid, different for each sample. */
const sampleGame = (s: number): UnanimityGame =>
  gridUnanimityGame({ rows: SIDE, cols: SIDE, seed: `resume-game/${s}` });

/** Counts requests; `onRequest` runs after each one (to abort at a known point). */
class CountingGame implements Game {
  readonly n: number;
  requests = 0;
  constructor(
    private readonly inner: UnanimityGame,
    private readonly onRequest: (k: number) => void = () => {},
  ) {
    this.n = inner.n;
  }
  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    const v = this.inner.evaluateSync(batch);
    this.onRequest(++this.requests);
    return v;
  }
}

const protocol = resolveProtocol('lite', {
  pairs: 12,
  contexts: 6,
  ratios: [0, 0.2, 0.5, 0.8, 1],
  repeats: 2,
});
const SAMPLES = 3;
const grid = { rows: SIDE, cols: SIDE };

/** The fields of a result that a resume must reproduce exactly (all but the wall time). */
const values = ({ wallTimeMs: _t, ...rest }: VisionProtocolResult) => rest;
/** What a sample looks like after a round trip through a JSON file (the CLI's run store). */
const viaJson = (r: ProtocolSampleResult) => JSON.parse(JSON.stringify(r)) as ProtocolSampleResult;

const isAbort = (e: unknown) => e instanceof Error && e.name === 'AbortError';

describe('runVisionProtocol: samples as resumable units', () => {
  it('an interrupted run resumed from its stored samples equals an uninterrupted run', async () => {
    const straight = await runVisionProtocol({
      protocol,
      samples: SAMPLES,
      game: sampleGame,
      ...grid,
      seed: 7,
    });

    // Run 1: Ctrl-C in the middle of sample 1 (after its third request to the game).
    const store = new Map<number, ProtocolSampleResult>();
    const controller = new AbortController();
    const built: number[] = [];
    let sample1: CountingGame | undefined;
    const first = runVisionProtocol({
      protocol,
      samples: SAMPLES,
      game: (s) => {
        built.push(s);
        const g = new CountingGame(sampleGame(s), (k) => {
          if (s === 1 && k === 3) controller.abort();
        });
        if (s === 1) sample1 = g;
        return g;
      },
      ...grid,
      seed: 7,
      batchSize: 64,
      signal: controller.signal,
      onSample: (s, r) => void store.set(s, viaJson(r)),
    });
    await expect(first).rejects.toSatisfy(isAbort);
    expect([...store.keys()]).toEqual([0]);
    expect(built).toEqual([0, 1]);
    // Stopped at the next request boundary: no request after the abort.
    expect(sample1!.requests).toBe(3);

    // Run 2: resume; sample 0 comes from the store and its game is never built.
    const rebuilt: number[] = [];
    const resumed = await runVisionProtocol({
      protocol,
      samples: SAMPLES,
      game: (s) => {
        rebuilt.push(s);
        return sampleGame(s);
      },
      ...grid,
      seed: 7,
      completed: (s) => store.get(s),
      onSample: (s, r) => void store.set(s, viaJson(r)),
    });
    expect(rebuilt).toEqual([1, 2]);
    expect(values(resumed)).toEqual(values(straight));
    expect(resumed.instability).not.toBeNull();
    expect(resumed.modelCalls).toBe(straight.modelCalls);

    // Everything stored: a third run builds no game and still gives the same result.
    const again = await runVisionProtocol({
      protocol,
      samples: SAMPLES,
      game: () => {
        throw new Error('no game should be built');
      },
      ...grid,
      seed: 7,
      completed: (s) => store.get(s),
    });
    expect(values(again)).toEqual(values(straight));
  });

  it('a sample computed alone equals the same sample inside a run, whatever the request size', async () => {
    const run = await runVisionProtocol({ protocol, samples: 2, game: sampleGame, ...grid, seed: 'x' });
    const alone = await runProtocolSample({
      protocol,
      sample: 1,
      game: sampleGame(1),
      ...grid,
      seed: 'x',
      batchSize: 8,
    });
    expect(alone).toEqual(run.samples[1]);
    const agg = aggregateProtocolSamples(protocolPlan(protocol, SIDE, SIDE), run.samples.map(viaJson));
    expect(values(agg)).toEqual({ ...values(run), samples: run.samples.map(viaJson) });
    // The sample's pairs depend on the seed: another seed draws others.
    const other = await runProtocolSample({ protocol, sample: 1, game: sampleGame(1), ...grid, seed: 'y' });
    expect(other.multiOrder.pairs).not.toEqual(alone.multiOrder.pairs);
  });

  it('refuses stored samples of another setting, naming the field', async () => {
    const run = await runVisionProtocol({ protocol, samples: 1, game: sampleGame, ...grid, seed: 1 });
    const plan = protocolPlan({ ...protocol, repeats: 3 }, SIDE, SIDE);
    expect(() => aggregateProtocolSamples(plan, run.samples)).toThrow(
      /samples\[0\]\.strengthByRepeat: expected 3 repeat\(s\) of 5 orders/,
    );
    const otherOrders = protocolPlan({ ...protocol, ratios: [0, 0.3, 0.5, 0.8, 1] }, SIDE, SIDE);
    expect(() => aggregateProtocolSamples(otherOrders, run.samples)).toThrow(
      /samples\[0\]\.multiOrder\.orders: expected the orders 0,10,17,27,34/,
    );
    await expect(
      runVisionProtocol({ protocol, samples: 1, game: () => sampleGame(0), rows: 5, cols: 5, seed: 1 }),
    ).rejects.toThrow(/grid: the game of sample 0 has 36 players but the grid is 5×5/);
  });
});

/** Inputs: one value per player, 1 when present and 0 when masked. */
class PresenceMasker implements Masker {
  constructor(readonly n: number) {}
  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    const x = new Float32Array((end - start) * this.n);
    for (let k = start; k < end; k++)
      for (let i = 0; i < this.n; i++) if (batch.has(k, i)) x[(k - start) * this.n + i] = 1;
    return { x: float32Tensor(x, [end - start, this.n]) };
  }
}

/** A two-class model with pairwise terms: logit = w·x + Σ x_i x_{i+1} / 4. Counts its batches. */
class PairwiseRunner implements ModelRunner {
  readonly backend = 'js';
  readonly inputNames = ['x'];
  batches = 0;
  constructor(
    private readonly n: number,
    private readonly afterBatch: (k: number) => void,
  ) {}
  async run(inputs: NamedTensors): Promise<ModelOutput> {
    const x = inputs.x.data as Float32Array;
    const rows = x.length / this.n;
    const data = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let i = 0; i < this.n; i++) {
        z += ((i % 5) - 2) * 0.1 * x[r * this.n + i];
        if (i + 1 < this.n) z += 0.25 * x[r * this.n + i] * x[r * this.n + i + 1];
      }
      data[2 * r] = z;
    }
    this.afterBatch(++this.batches);
    return { data, rows, classes: 2 };
  }
  async dispose(): Promise<void> {}
}

describe('runVisionProtocol: Ctrl-C inside a request', () => {
  it('stops between model batches when the games share the signal', async () => {
    const controller = new AbortController();
    const runner = new PairwiseRunner(N, (k) => {
      if (k === 5) controller.abort();
    });
    const game = new ModelGame(new PresenceMasker(N), runner, {
      reward: { name: 'logit', label: 0 },
      batchSize: 16,
      signal: controller.signal,
    });
    const stored: number[] = [];
    // One request of 16384 coalitions holds hundreds of model batches of 16.
    await expect(
      runVisionProtocol({
        protocol,
        samples: 2,
        game: () => game,
        ...grid,
        seed: 3,
        signal: controller.signal,
        onSample: (s) => void stored.push(s),
      }),
    ).rejects.toSatisfy(isAbort);
    expect(runner.batches).toBe(5);
    expect(stored).toEqual([]);
  });
});
