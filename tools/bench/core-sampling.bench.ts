// Multi-order sampling at the ICLR-2022 protocol size: n = 256 players (16×16 grid), 200 reference
// pairs, the 13 paper ratios, 100 contexts per (pair, order). Compares the reference protocol with
// shared contexts at equal contexts per pair: coalitions requested, model calls behind an Evaluator,
// wall time, and the median standard error (the precision each buys). Prints ratios; asserts nothing.
import { CoalitionBatch, Evaluator, Rng, type Game, type EstimateResult } from '@orderlens/core';
import {
  PAPER_RATIOS,
  UnanimityGame,
  ordersFromRatios,
  referencePairs,
  sampleMultiOrder,
  type SamplingMode,
} from '@orderlens/core/math';

const n = 256;
const contexts = 100;
const seed = 2022;
const root = Rng.create(seed);
const pairs = referencePairs({ rows: 16, cols: 16, radius: 2, numPairs: 200, rng: root.fork('pairs') });
const orders = ordersFromRatios(n, PAPER_RATIOS);

// A random unanimity game: one term on every pair (its players plus 0…62 random others, so each
// pair's Δv changes across orders) and 50 random terms of sizes 1…24.
const termRng = root.fork('game');
const all = Array.from({ length: n }, (_, i) => i);
const terms = pairs.map(([i, j], t) => ({
  players: [
    i,
    j,
    ...termRng.fork('anchor', t).sample(
      all.filter((p) => p !== i && p !== j),
      termRng.int(63),
    ),
  ],
  value: termRng.normal(),
}));
for (let t = 0; t < 50; t++) {
  terms.push({ players: termRng.fork('term', t).sample(all, 1 + termRng.int(24)), value: termRng.normal() });
}
const game = new UnanimityGame(n, termRng.normal(), terms);

/** The game behind core's Evaluator (no cross-request cache, as for a large image run). */
function evaluatorGame(): Game & { evaluator: Evaluator } {
  const evaluator = new Evaluator(async (b, s, e) => game.evaluateSync(b.slice(s, e)), {
    batchSize: 512,
    cache: false,
  });
  return {
    n,
    evaluator,
    get modelCalls() {
      return evaluator.modelCalls;
    },
    evaluate: (b) => evaluator.evaluate(b),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const results: Record<SamplingMode, { res: EstimateResult; ms: number }> = {} as never;
for (const mode of ['reference', 'shared'] as SamplingMode[]) {
  const g = evaluatorGame();
  const t = performance.now();
  const res = await sampleMultiOrder(g, { pairs, orders, ratios: [...PAPER_RATIOS], contexts, seed, mode });
  results[mode] = { res, ms: performance.now() - t };
}

// Raw cost of the game itself on as many random coalitions as the reference protocol requested.
const requestedRef = results.reference.res.details!.coalitionsRequested as number;
const raw = new CoalitionBatch(n, 16384);
const rawRng = root.fork('raw');
const words = new Uint32Array(raw.words);
let rawMs = 0;
for (let done = 0; done < requestedRef; done += 16384) {
  raw.count = 0;
  for (let k = 0; k < Math.min(16384, requestedRef - done); k++) {
    for (let w = 0; w < words.length; w++) words[w] = rawRng.nextUint32();
    raw.pushWords(words);
  }
  const t = performance.now();
  game.evaluateSync(raw);
  rawMs += performance.now() - t;
}

const rows = (['reference', 'shared'] as SamplingMode[]).map((mode) => {
  const { res, ms } = results[mode];
  const ses = res.multiOrder!.standardErrors!.flat().filter((x) => x > 1e-12);
  return {
    mode,
    coalitionsRequested: res.details!.coalitionsRequested as number,
    modelCalls: res.modelCalls,
    wallMs: Math.round(ms),
    medianSE: Number(median(ses).toExponential(3)),
  };
});
console.log(
  `n = ${n}, ${pairs.length} pairs, ${orders.length} orders (${orders.join(' ')}), ${contexts} contexts per (pair, order)`,
);
console.log(`ICLR protocol, no enumeration: ${results.reference.res.details!.protocolCoalitions} coalitions`);
console.table(rows);
const [ref, sh] = rows;
console.log(`model calls   shared / reference: ${(sh.modelCalls / ref.modelCalls).toFixed(3)}`);
console.log(
  `model calls   shared / ICLR protocol: ${(sh.modelCalls / (results.reference.res.details!.protocolCoalitions as number)).toFixed(3)}`,
);
console.log(`wall time     shared / reference: ${(sh.wallMs / ref.wallMs).toFixed(3)}`);
console.log(
  `median SE     shared / reference: ${(sh.medianSE / ref.medianSE).toFixed(3)} (equal contexts → equal precision per pair)`,
);
console.log(
  `reference run / raw game evaluation of ${requestedRef} coalitions: ${(ref.wallMs / rawMs).toFixed(2)}× (${Math.round(rawMs)} ms raw)`,
);
