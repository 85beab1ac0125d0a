// Why (not) sparse: the AND-OR extraction of one network's exact tables under variations of one
// setting at a time — iterations, learning rate, q bound, salient threshold, preset — plus the
// pure Harsanyi (all-AND) transform with no optimisation and a planted sparse control game of the
// same n and scale. Input: a `tables/<network>.json` of `orderlens reproduce and-or-sparsity`.
//   node --import tsx tools/experiments/and-or-sparsity-why.ts <tables.json> [--samples k]
// Prints a markdown table; asserts nothing.
import { readFileSync } from 'node:fs';
import {
  extractAndOrBatch,
  mobiusTransform,
  summariseAndOrSparsity,
  type AndOrBatchOptions,
} from '@orderlens/core/math';

const file = process.argv[2];
const k = process.argv.indexOf('--samples');
const doc = JSON.parse(readFileSync(file, 'utf8')) as { n: number; samples: { values: number[] }[] };
const n = doc.n;
const size = 2 ** n;
const samples = doc.samples.slice(0, k > 0 ? Number(process.argv[k + 1]) : undefined);
const tables = samples.map((s) => Float64Array.from(s.values));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const gap = mean(tables.map((v) => Math.abs(v[size - 1] - v[0])));
const maxAbs = mean(tables.map((v) => Math.max(...Array.from(v, Math.abs))));
console.log(
  `${file}: n = ${n}, ${tables.length} samples, mean |v(N) − v(∅)| = ${gap.toFixed(3)}, mean max|v| = ${maxAbs.toFixed(3)}`,
);

// The pure Harsanyi transform: how many AND terms exceed τ = 0.03·gap with no split at all.
const harsanyi = tables.map((v) => mobiusTransform(v));
const over = (h: Float64Array, tau: number) => {
  let c = 0;
  for (let S = 1; S < h.length; S++) if (Math.abs(h[S]) > tau) c++;
  return c;
};
console.log(
  `Harsanyi (all AND, no optimisation): ${mean(harsanyi.map((h) => over(h, 0.03 * gap))).toFixed(0)} of ${size - 1} terms above 0.03·gap; L1 of non-empty terms ${mean(harsanyi.map((h) => h.reduce((a, x, S) => a + (S ? Math.abs(x) : 0), 0))).toFixed(2)}`,
);

// ROWS=<regex> runs only the variants whose label matches (the full list takes ~30 min on a loaded machine).
const only = process.env.ROWS ? new RegExp(process.env.ROWS) : undefined;

function row(label: string, tbl: Float64Array[], options: AndOrBatchOptions): void {
  if (only && !only.test(label)) return;
  const t0 = performance.now();
  const { decompositions } = extractAndOrBatch(tbl, n, options);
  const { summary: s } = summariseAndOrSparsity(decompositions);
  console.log(
    `| ${label} | ${s.salientCount.mean.toFixed(0)} (${(100 * s.salientFraction).toFixed(1)} %) | ${s.salientShare.mean.toFixed(3)} | ${s.rebuildError.mean.toFixed(3)} | ${mean(decompositions.map((d) => d.finalLoss)).toFixed(2)} | ${s.lossRatio.toFixed(3)} | ${((performance.now() - t0) / 1000).toFixed(0)} s |`,
  );
}

console.log(
  '\n| variant | salient (of the terms) | share of L1 | rebuild error | final L1 | final / initial | time |\n|---|---|---|---|---|---|---|',
);
const base: AndOrBatchOptions = { preset: 'orderlens', niter: 10000 };
const lr0 = (1e-2 * maxAbs) / size;
row('`orderlens` (10k iterations, lr 1e-2·max|v|/2^n, qthres 0.02, τ = 0.03·gap)', tables, base);
row('`orderlens`, 50k iterations', tables, { ...base, niter: 50000 });
row('`orderlens`, lr ×10', tables, { ...base, lr: 10 * lr0 });
row('`orderlens`, lr ×0.1', tables, { ...base, lr: 0.1 * lr0 });
row('`orderlens`, lr ×0.01', tables, { ...base, lr: 0.01 * lr0 });
row('`orderlens`, lr ×0.1, 50k iterations', tables, { ...base, lr: 0.1 * lr0, niter: 50000 });
row('`authors`, lr ×0.1 of orderlens’ rule', tables, { preset: 'authors', lr: 0.1 * lr0 });
row('`orderlens`, qthres 0 (no noise term)', tables, { ...base, qthres: 0 });
row('`orderlens`, qthres 0.1', tables, { ...base, qthres: 0.1 });
row('`orderlens`, τ = 0.1·gap', tables, { ...base, tau: 0.1 * gap });
row('`orderlens`, τ = 0.3·gap', tables, { ...base, tau: 0.3 * gap });
row('`orderlens` on v − v(∅) (shiftEmpty)', tables, { ...base, shiftEmpty: true });
row('`authors` (lr 1e-5, p = q = 0, last iterate, τ = 0.01·max|I|)', tables, { preset: 'authors' });
row('`authors`, lr 1e-6', tables, { preset: 'authors', lr: 1e-6 });
row('`authors`, lr 1e-7', tables, { preset: 'authors', lr: 1e-7 });

// Control: a planted game of the same n and scale, sparse by construction — 2n AND and n OR
// terms of random sets (orders 2–5), strengths drawn so that |v(N) − v(∅)| is of the game's size,
// plus Gaussian noise at CONTROL_NOISE (default 1 %) of the gap on every coalition. Without noise the
// extraction should call it sparse; iid noise on the table is dense in the interaction basis (the
// Möbius transform of white noise has variance 2^|S|·σ² at S) unless q absorbs it.
const noise = process.env.CONTROL_NOISE !== undefined ? Number(process.env.CONTROL_NOISE) : 0.01;
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const planted = tables.map(() => {
  const terms: Array<[number, number, 'and' | 'or']> = [];
  for (let t = 0; t < 3 * n; t++) {
    let S = 0;
    const order = 2 + Math.floor(rand() * 4);
    while (S.toString(2).replace(/0/g, '').length < order) S |= 1 << Math.floor(rand() * n);
    terms.push([S, ((rand() * 2 - 1) * gap) / 4, t < 2 * n ? 'and' : 'or']);
  }
  return Float64Array.from({ length: size }, (_, T) => {
    let x = 0;
    for (const [S, a, kind] of terms) if (kind === 'and' ? (S & T) === S : S & T) x += a;
    const u = rand() || 1e-12;
    return x + noise * gap * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  });
});
row(`control: planted 3n-term game + ${100 * noise} % noise, \`orderlens\``, planted, base);
row(`control: planted 3n-term game + ${100 * noise} % noise, \`orderlens\`, lr ×0.1`, planted, {
  ...base,
  lr: 0.1 * lr0,
});
row(`control: planted 3n-term game + ${100 * noise} % noise, \`authors\``, planted, { preset: 'authors' });
