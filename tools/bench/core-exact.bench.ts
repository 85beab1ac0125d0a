// Exact engine: time to compute every interaction quantity from a full table at n = 12, 16, 20,
// and its speed-up over the direct definition of I^(m)(i,j) (average Δv over every context).
import { CoalitionBatch, Rng } from '@orderlens/core';
import {
  exactInteractions,
  mobiusTransform,
  multiOrderDirect,
  multiOrderFromHarsanyi,
} from '@orderlens/core/math';

// Warm the JIT so the first row is not charged for compilation.
{
  const r = Rng.create('warm');
  const v = Float64Array.from({ length: 2 ** 10 }, () => r.normal());
  await exactInteractions({
    n: 10,
    evaluate: async (b: CoalitionBatch) => Float64Array.from({ length: b.count }, (_, k) => v[b.mask(k)]),
  });
  for (let m = 0; m <= 8; m++) multiOrderDirect(v, 10, 0, 1, m);
}
console.log(
  'Model calls: the exact engine needs 2^n; the direct definition without a cache needs 4 per (pair, context).',
);
console.log(
  'n   | exact: all quantities | exact: I^(m) only | direct I^(m), all pairs & orders | time speed-up | model calls exact / direct',
);
for (const n of [12, 16, 20]) {
  const rng = Rng.create(n);
  // A dense table (every Harsanyi dividend non-zero), as a real model gives; a sparse
  // unanimity game would flatter the engine, which skips zero dividends.
  const values = Float64Array.from({ length: 2 ** n }, () => rng.normal());
  const tableGame = {
    n,
    evaluate: async (b: CoalitionBatch) =>
      Float64Array.from({ length: b.count }, (_, k) => values[b.mask(k)]),
  };
  const t0 = performance.now();
  await exactInteractions(tableGame);
  const exactMs = performance.now() - t0;
  const t2 = performance.now();
  multiOrderFromHarsanyi(mobiusTransform(values));
  const multiMs = performance.now() - t2;
  // Direct definition: time a subset of pairs, scale to all pairs (every pair costs the same).
  const pairsAll = (n * (n - 1)) / 2;
  const pairsTimed = n >= 20 ? 6 : pairsAll;
  const t1 = performance.now();
  let p = 0;
  outer: for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let m = 0; m <= n - 2; m++) multiOrderDirect(values, n, i, j, m);
      if (++p >= pairsTimed) break outer;
    }
  }
  const directMs = ((performance.now() - t1) * pairsAll) / pairsTimed;
  const note = pairsTimed < pairsAll ? ` (timed ${pairsTimed}/${pairsAll} pairs, scaled)` : '';
  const directCalls = 4 * 2 ** (n - 2) * pairsAll;
  console.log(
    `${String(n).padEnd(3)} | ${exactMs.toFixed(0).padStart(8)} ms | ${multiMs.toFixed(0).padStart(8)} ms | ${directMs.toFixed(0).padStart(9)} ms${note} | ${(directMs / multiMs).toFixed(1)}× | ${2 ** n} / ${directCalls} (${(directCalls / 2 ** n).toFixed(0)}× fewer)`,
  );
}
