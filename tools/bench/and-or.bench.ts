// Sparse AND-OR extraction: time per sample at n = 10, 20,000 iterations, batched over 50 samples
// (extractAndOrBatch: in-place O(n·2^n) transforms over interleaved tables), against one sample at a
// time and against the dense method of the authors' code (2^n × 2^n matrices, I = M v, gradients
// Mᵀ sign(I); implemented here in plain JS) at n = 8 and 10. The default run is short (2,000
// iterations, scaled to 20,000; the dense method always runs a few hundred iterations and is
// scaled); `--full` runs the 20,000 iterations of the fast method. Prints times; asserts nothing.
import { Rng } from '@orderlens/core';
import { extractAndOrBatch } from '@orderlens/core/math';

const full = process.argv.includes('--full');
const TARGET_ITERATIONS = 20000;
const SAMPLES = 50;
const fastIterations = full ? TARGET_ITERATIONS : 2000;

function tables(seed: string, n: number, samples: number): Float64Array {
  const rng = Rng.create(seed);
  return Float64Array.from({ length: samples * 2 ** n }, () => rng.normal());
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/** The dense matrices of the authors' code: I_and = A v, I_or = B v (2^n × 2^n, row-major). */
function denseMatrices(n: number): { A: Float64Array; B: Float64Array } {
  const N = 2 ** n;
  const A = new Float64Array(N * N);
  const B = new Float64Array(N * N);
  const pop = (x: number) => {
    let c = 0;
    for (; x; x &= x - 1) c++;
    return c;
  };
  for (let S = 0; S < N; S++) {
    for (let L = S; ; L = (L - 1) & S) {
      const sign = (pop(S) - pop(L)) % 2 ? -1 : 1;
      A[S * N + L] = sign;
      if (S !== 0) B[S * N + (N - 1 - L)] = -sign;
      if (L === 0) break;
    }
  }
  B[0] = 1;
  return { A, B };
}

/** The dense optimiser (p, q from 0, momentum 0.9, q clamped), `iterations` steps on one table. */
function denseExtract(v: Float64Array, iterations: number, lr: number, qthres: number): Float64Array {
  const N = v.length;
  const { A, B } = denseMatrices(Math.log2(N));
  const Q = qthres * Math.abs(v[N - 1] - v[0]);
  const p = new Float64Array(N);
  const q = new Float64Array(N);
  const bp = new Float64Array(N);
  const bq = new Float64Array(N);
  const va = new Float64Array(N);
  const vo = new Float64Array(N);
  const sa = new Float64Array(N);
  const so = new Float64Array(N);
  const ga = new Float64Array(N);
  const go = new Float64Array(N);
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < N; k++) {
      va[k] = 0.5 * (v[k] + q[k]) + p[k];
      vo[k] = 0.5 * (v[k] + q[k]) - p[k];
    }
    for (let S = 0; S < N; S++) {
      let a = 0;
      let o = 0;
      for (let L = 0, r = S * N; L < N; L++, r++) {
        a += A[r] * va[L];
        o += B[r] * vo[L];
      }
      sa[S] = Math.sign(a);
      so[S] = Math.sign(o);
    }
    ga.fill(0);
    go.fill(0);
    for (let S = 0; S < N; S++) {
      const xa = sa[S];
      const xo = so[S];
      for (let L = 0, r = S * N; L < N; L++, r++) {
        ga[L] += A[r] * xa;
        go[L] += B[r] * xo;
      }
    }
    const eta = lr * 10 ** (-it / Math.max(1, iterations - 1));
    for (let k = 0; k < N; k++) {
      bp[k] = 0.9 * bp[k] + (ga[k] - go[k]);
      bq[k] = 0.9 * bq[k] + 0.5 * (ga[k] + go[k]);
      p[k] -= eta * bp[k];
      q[k] = Math.max(-Q, Math.min(Q, q[k] - eta * bq[k]));
    }
  }
  return p;
}

// Warm the JIT so the first row is not charged for compilation.
extractAndOrBatch(tables('warm', 8, 4), 8, { niter: 300 });
denseExtract(tables('warm', 6, 1), 50, 1e-3, 0.02);

const scale = (ms: number, iterations: number) => (ms * TARGET_ITERATIONS) / iterations / 1000;
const rows: string[] = [];
const fastCpuPerSample = new Map<number, number>();
for (const n of [8, 10]) {
  const values = tables(`bench-${n}`, n, SAMPLES);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  extractAndOrBatch(values, n, { niter: fastIterations, qthres: 0.02 });
  const wall = (performance.now() - t0) / SAMPLES;
  const cpu = cpuMs(c0) / SAMPLES;
  fastCpuPerSample.set(n, scale(cpu, fastIterations));
  rows.push(
    `| fast, batch ${SAMPLES} | ${n} | ${fastIterations} | ${scale(wall, fastIterations).toFixed(3)} s | ${scale(cpu, fastIterations).toFixed(3)} s | 1 |`,
  );
  // One sample at a time (the same engine, batch of 1).
  const oneIterations = Math.min(fastIterations, 2000);
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  for (let s = 0; s < 5; s++)
    extractAndOrBatch(values.subarray(s * 2 ** n, (s + 1) * 2 ** n), n, {
      niter: oneIterations,
      qthres: 0.02,
    });
  const wall1 = (performance.now() - t1) / 5;
  const cpu1 = cpuMs(c1) / 5;
  rows.push(
    `| fast, one at a time | ${n} | ${oneIterations} | ${scale(wall1, oneIterations).toFixed(3)} s | ${scale(cpu1, oneIterations).toFixed(3)} s | ${(scale(cpu1, oneIterations) / scale(cpu, fastIterations)).toFixed(2)}× |`,
  );
}
for (const n of [8, 10]) {
  const denseIterations = n === 8 ? (full ? 2000 : 500) : full ? 200 : 40;
  const v = tables(`bench-${n}`, n, 1);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  denseExtract(v, denseIterations, 1e-3, 0.02);
  const wall = performance.now() - t0;
  const cpu = cpuMs(c0);
  const perSample = scale(cpu, denseIterations);
  rows.push(
    `| dense 2^n × 2^n (JS) | ${n} | ${denseIterations} | ${scale(wall, denseIterations).toFixed(3)} s | ${perSample.toFixed(3)} s | ${(perSample / fastCpuPerSample.get(n)!).toFixed(0)}× |`,
  );
}
console.log(
  `AND-OR extraction, seconds per sample for ${TARGET_ITERATIONS} iterations (timed iterations scaled). ` +
    'Wall time moves with other jobs on the machine; the ratios use CPU time.',
);
console.log(
  '| method | n | iterations timed | per sample (wall) | per sample (CPU) | CPU time vs fast batch |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
