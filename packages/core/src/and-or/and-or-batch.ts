import { requireInput } from '../errors/errors.js';
import { resolveAndOrSettings, type AndOrCommonOptions, type AndOrSettings } from './and-or-presets.js';
import { andOrInteractions, l1Norm, mergeSingletonTerms } from './and-or-split.js';
import { matchingResiduals, salientReconstructionError } from './and-or-matching.js';
import { salientSets } from './and-or-salient.js';
import type { AndOrDecomposition } from './and-or-types.js';
import {
  deinterleave,
  interleave,
  mobiusInterleavedInPlace,
  mobiusTransposeInterleavedInPlace,
} from './interleaved-transforms.js';

/** Largest `n` the extraction accepts (it keeps about ten `S·2^n` tables). */
export const AND_OR_TABLE_MAX_PLAYERS = 22;

/** Options of {@link extractAndOrBatch}. */
export interface AndOrBatchOptions extends AndOrCommonOptions {
  /**
   * Called every `reportEvery` iterations with the L1 loss of the current iterate of samples
   * `firstSample, firstSample + 1, …` (samples run in cache-sized chunks, one chunk after another).
   * The array is reused (no allocation per call): copy it to keep it.
   */
  onProgress?: (iteration: number, losses: Float64Array, firstSample: number) => void;
}

/** The decompositions of a batch of game tables. */
export interface AndOrBatchResult {
  readonly n: number;
  readonly samples: number;
  /** The settings the run used (preset with options applied). */
  readonly settings: AndOrSettings;
  /** One decomposition per sample, in input order. */
  readonly decompositions: readonly AndOrDecomposition[];
}

/** Sample-major tables as one array, and their count. */
function gatherTables(tables: Float64Array | readonly ArrayLike<number>[], n: number): Float64Array {
  requireInput(
    Number.isInteger(n) && n >= 0 && n <= AND_OR_TABLE_MAX_PLAYERS,
    'n',
    `expected an integer in [0, ${AND_OR_TABLE_MAX_PLAYERS}] (the extraction keeps several 2^n tables), got ${n}`,
  );
  const size = 2 ** n;
  if (tables instanceof Float64Array) {
    requireInput(
      tables.length > 0 && tables.length % size === 0,
      'values',
      `expected a whole number of 2^${n} = ${size} value tables, got length ${tables.length}`,
    );
    return tables;
  }
  requireInput(tables.length > 0, 'values', 'expected at least one value table');
  const out = new Float64Array(tables.length * size);
  tables.forEach((t, s) => {
    requireInput(t.length === size, `values[${s}]`, `expected 2^${n} = ${size} values, got ${t.length}`);
    for (let k = 0; k < size; k++) out[s * size + k] = t[k];
  });
  return out;
}

/**
 * The starting `p` of each sample. `zero` is `p = 0`. `sparsest-pure-split` is the sparsest of
 * half-half (`p = 0`), all AND (`p = v/2`) and all OR (`p = −v/2`), so a pure AND or OR game starts
 * at its optimum. Also returns each sample's L1 loss at `p = q = 0`.
 */
function startingSplit(
  values: Float64Array,
  samples: number,
  settings: AndOrSettings,
): { p: Float64Array; initialLoss: Float64Array } {
  const size = values.length / samples;
  const p = new Float64Array(values.length);
  const initialLoss = new Float64Array(samples);
  const zero = new Float64Array(size);
  for (let s = 0; s < samples; s++) {
    const v = values.subarray(s * size, (s + 1) * size);
    const half = andOrInteractions(v, zero, zero);
    initialLoss[s] = l1Norm(half.and) + l1Norm(half.or);
    if (settings.start === 'zero') continue;
    let best = initialLoss[s];
    for (const sign of [1, -1]) {
      const cand = v.map((x) => (sign * x) / 2);
      const c = andOrInteractions(v, cand, zero);
      const loss = l1Norm(c.and) + l1Norm(c.or);
      if (loss < best) {
        best = loss;
        p.set(cand, s * size);
      }
    }
  }
  return { p, initialLoss };
}

/**
 * `loss[s] = Σ|I_and| + Σ|I_or|` of each sample; `A`, `O` replaced by their signs (see the caller).
 * The sign is computed without branches (`Math.sign` and `?:` branch, and random signs make half
 * of those branches mispredict, which cost more than the transforms); it is 0 at 0, like torch's.
 */
function signAndLoss(
  A: Float64Array,
  O: Float64Array,
  orEmpty: Float64Array,
  loss: Float64Array,
  S: number,
): void {
  const len = A.length;
  const last = len - S; // coalition N
  loss.fill(0);
  for (let base = 0; base < len; base += S) {
    for (let s = 0; s < S; s++) {
      const i = base + s;
      const a = A[i];
      loss[s] += Math.abs(a);
      A[i] = +(a > 0) - +(a < 0);
    }
  }
  for (let base = 0; base < last; base += S) {
    for (let s = 0; s < S; s++) {
      const i = base + s;
      const o = O[i];
      loss[s] += Math.abs(o);
      O[i] = +(o > 0) - +(o < 0);
    }
  }
  // Coalition N of Mᵀ v_or is v_or(N), which is no OR interaction; I_or(∅) = v_or(∅) instead.
  for (let s = 0; s < S; s++) {
    O[last + s] = 0;
    loss[s] += Math.abs(orEmpty[s]);
  }
}

/**
 * Copies the current `p, q` of every sample whose loss beats its best so far. The copy runs over
 * the whole interleaved array (contiguous) rather than one sample's strided entries, which would
 * touch a new cache line per entry.
 */
function keepBestIterate(
  loss: Float64Array,
  bestLoss: Float64Array,
  bestAt: Int32Array,
  improved: Uint8Array,
  it: number,
  p: Float64Array,
  q: Float64Array,
  bestP: Float64Array,
  bestQ: Float64Array,
): void {
  const S = loss.length;
  const len = p.length;
  let count = 0;
  for (let s = 0; s < S; s++) {
    const better = loss[s] < bestLoss[s];
    improved[s] = better ? 1 : 0;
    if (!better) continue;
    bestLoss[s] = loss[s];
    bestAt[s] = it;
    count++;
  }
  if (count === 0) return;
  if (count === S) {
    bestP.set(p);
    bestQ.set(q);
    return;
  }
  for (let base = 0; base < len; base += S) {
    for (let s = 0; s < S; s++) {
      if (improved[s] === 0) continue;
      const i = base + s;
      bestP[i] = p[i];
      bestQ[i] = q[i];
    }
  }
}

/**
 * `max(0, y)` without a branch, exactly: `y + |y|` is `2y` or `0`, both exact.
 */
function relu(y: number): number {
  return 0.5 * (y + Math.abs(y));
}

/**
 * One SGD-with-momentum step on `p` and `q` from the gradients `A = ∂L/∂v_and`, `O = ∂L/∂v_or`
 * (`v_and = h + p`, `v_or = h − p`, `h = ½(v + q)`), `q` clamped to its bound, then the next
 * split written into `A` and `O`.
 *
 * The clamp of `q` to `[−Q, Q]` avoids data-dependent branches (which elements sit at their bound
 * looks random to the branch predictor): for `|x| ≤ 2Q`, `x − relu(x − Q) + relu(−Q − x)` is the
 * clamp exactly, because `x − Q` is exact there (Sterbenz) and so is `x − (x − Q) = Q`; the rare
 * larger overshoot takes the (well-predicted) branch.
 */
function stepAndSplit(
  A: Float64Array,
  O: Float64Array,
  vp: Float64Array,
  vq: Float64Array,
  p: Float64Array,
  q: Float64Array,
  half: Float64Array,
  lrNow: Float64Array,
  qBound: Float64Array,
  momentum: number,
): void {
  const S = lrNow.length;
  const len = A.length;
  for (let base = 0; base < len; base += S) {
    for (let s = 0; s < S; s++) {
      const i = base + s;
      const da = A[i];
      const dor = O[i];
      const np = vp[i] * momentum + (da - dor);
      const nq = vq[i] * momentum + 0.5 * (da + dor);
      vp[i] = np;
      vq[i] = nq;
      const lr = lrNow[s];
      const pi = p[i] - lr * np;
      const Q = qBound[s];
      let qi = q[i] - lr * nq;
      if (Math.abs(qi) > 2 * Q) qi = qi > 0 ? Q : -Q;
      else qi = qi - relu(qi - Q) + relu(-Q - qi);
      p[i] = pi;
      q[i] = qi;
      const h = half[i] + 0.5 * qi;
      A[i] = h + pi;
      O[i] = h - pi;
    }
  }
}

/** Bytes of optimiser state per chunk (about the 512 KiB to 1 MiB L2 cache of a current x86 core). */
const CHUNK_BYTES = 512 * 1024;
/** More samples per chunk gain nothing once the inner loops are a few entries long. */
const MAX_CHUNK_SAMPLES = 16;

/** The interleaved optimiser state of one chunk, allocated once per run. */
class ChunkBuffers {
  readonly half: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
  readonly vp: Float64Array;
  readonly vq: Float64Array;
  /** `v_and`, then `I_and`, then its sign, then the gradient with respect to `v_and`. */
  readonly A: Float64Array;
  /** `v_or`, then `Mᵀ v_or`, then its sign, then the gradient with respect to `v_or`. */
  readonly O: Float64Array;
  readonly bestP: Float64Array;
  readonly bestQ: Float64Array;
  readonly orEmpty: Float64Array;
  readonly loss: Float64Array;
  readonly bestLoss: Float64Array;
  readonly bestAt: Int32Array;
  readonly improved: Uint8Array;
  readonly lrNow: Float64Array;

  constructor(len: number, samples: number) {
    this.half = new Float64Array(len);
    this.p = new Float64Array(len);
    this.q = new Float64Array(len);
    this.vp = new Float64Array(len);
    this.vq = new Float64Array(len);
    this.A = new Float64Array(len);
    this.O = new Float64Array(len);
    this.bestP = new Float64Array(len);
    this.bestQ = new Float64Array(len);
    this.orEmpty = new Float64Array(samples);
    this.loss = new Float64Array(samples);
    this.bestLoss = new Float64Array(samples);
    this.bestAt = new Int32Array(samples);
    this.improved = new Uint8Array(samples);
    this.lrNow = new Float64Array(samples);
  }
}

/**
 * Runs the optimiser on one chunk of samples (sample-major `values` and starting `startP`), writes
 * the kept `p, q` sample-major into `pOut, qOut` and the iterate they come from into `keptAt`,
 * and returns the number of steps taken.
 */
function optimiseChunk(
  values: Float64Array,
  startP: Float64Array,
  qBound: Float64Array,
  lr0: Float64Array,
  settings: AndOrSettings,
  w: ChunkBuffers,
  options: AndOrBatchOptions,
  firstSample: number,
  pOut: Float64Array,
  qOut: Float64Array,
  keptAt: Int32Array,
): number {
  const S = qBound.length;
  const len = values.length;
  const { half, p, q, vp, vq, A, O, orEmpty, loss, bestLoss, bestAt, improved, lrNow } = w;
  interleave(values, S, half);
  for (let i = 0; i < len; i++) half[i] *= 0.5;
  interleave(startP, S, p);
  q.fill(0);
  vp.fill(0);
  vq.fill(0);
  bestLoss.fill(Infinity);
  bestAt.fill(0);
  const keepBest = settings.keep === 'best';
  const bestP = keepBest ? w.bestP : p;
  const bestQ = keepBest ? w.bestQ : q;
  const { niter, momentum } = settings;
  const reportEvery = options.reportEvery ?? 1000;
  // orderlens: niter steps, the iterate after each one evaluated (niter + 1 evaluations).
  // authors: niter evaluations, a step after each but the last (and_or_harsanyi_utils.py:244).
  const evaluations = keepBest ? niter + 1 : niter;
  const steps = Math.max(0, evaluations - 1);

  for (let i = 0; i < len; i++) {
    A[i] = half[i] + p[i];
    O[i] = half[i] - p[i];
  }
  for (let it = 0; it < evaluations; it++) {
    // Forward: I_and = M v_and, and Mᵀ v_or holds −I_or at complemented masks.
    for (let s = 0; s < S; s++) orEmpty[s] = O[s];
    mobiusInterleavedInPlace(A, S);
    mobiusTransposeInterleavedInPlace(O, S);
    // L1 loss and its sign gradient, in place.
    signAndLoss(A, O, orEmpty, loss, S);
    // Sign gradients make SGD oscillate around the optimum: keep the best iterate seen.
    if (keepBest) keepBestIterate(loss, bestLoss, bestAt, improved, it, p, q, bestP, bestQ);
    if (it > 0 && it % reportEvery === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.(it, loss, firstSample);
    }
    if (it >= steps) break;
    // Backward: d/dv_and = Mᵀ sign(I_and); d/dv_or = M sign(Mᵀ v_or) + sign(v_or(∅)) e_∅.
    mobiusTransposeInterleavedInPlace(A, S);
    mobiusInterleavedInPlace(O, S);
    for (let s = 0; s < S; s++) O[s] += Math.sign(orEmpty[s]);
    // Step (v_and = h + p, v_or = h − p, h = ½(v + q)), clamp q, and build the next split.
    const decay = niter > 1 ? it / (niter - 1) : 0;
    for (let s = 0; s < S; s++)
      lrNow[s] =
        settings.preset === 'authors'
          ? 10 ** (Math.log10(lr0[s]) - decay) // numpy.logspace(log lr, log lr − 1, niter)[it]
          : lr0[s] * Math.pow(0.1, decay);
    stepAndSplit(A, O, vp, vq, p, q, half, lrNow, qBound, momentum);
  }
  deinterleave(bestP, S, pOut);
  deinterleave(bestQ, S, qOut);
  for (let s = 0; s < S; s++) keptAt[s] = keepBest ? bestAt[s] : steps;
  return evaluations > 0 ? steps : 0;
}

/** A copy of sample-major tables with each sample's `v(∅)` subtracted (the `shiftEmpty` setting). */
function shiftedByEmpty(values: Float64Array, size: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let base = 0; base < values.length; base += size) {
    const empty = values[base];
    for (let k = 0; k < size; k++) out[base + k] = values[base + k] - empty;
  }
  return out;
}

/**
 * Learns the sparse AND-OR decomposition of `S` game tables at once (two-phase-dynamics paper,
 * MATH.md): per sample, minimises `Σ_S |I_and(S)| + |I_or(S)|` over `p` (free) and `q ∈ [−Q, Q]`,
 * `Q = qthres · |v(N) − v(∅)|`, by SGD with momentum on the L1 (sign) gradient, the learning rate
 * decaying log-uniformly from `lr` to `lr/10`.
 *
 * `tables` is one `Float64Array` of `S·2^n` values, sample-major (`values[s·2^n + T] = v_s(T)`,
 * `T` a bitmask), or an array of `S` tables. Every step is four in-place transforms, `O(n·2^n)` per
 * sample, over interleaved tables (see `interleaved-transforms.ts`): the inner loops run over all
 * samples with no per-sample call and nothing is allocated per iteration. The OR transform needs no
 * reversal: `I_or(N∖U) = −(Mᵀ v_or)(U)` for `U ≠ N`, with `M` the Möbius matrix. Samples do not
 * interact, so a batch gives exactly (bit for bit) what one-by-one runs give, except for the default
 * `orderlens` salient threshold, whose `E_x` runs over the batch. With `shiftEmpty` (the `authors`
 * preset) every table is first shifted to `v − v(∅)`, and the decompositions are of the shifted games.
 */
export function extractAndOrBatch(
  tables: Float64Array | readonly ArrayLike<number>[],
  n: number,
  options: AndOrBatchOptions = {},
): AndOrBatchResult {
  const settings = resolveAndOrSettings(options);
  const size = 2 ** n;
  const values = settings.shiftEmpty
    ? shiftedByEmpty(gatherTables(tables, n), size)
    : gatherTables(tables, n);
  const S = values.length / size;
  const len = values.length;

  // Per-sample constants: the q bound and the initial learning rate.
  const qBound = new Float64Array(S);
  const lr0 = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const v = values.subarray(s * size, (s + 1) * size);
    qBound[s] = settings.qthres * Math.abs(v[size - 1] - v[0]);
    let scale = 0;
    for (let k = 0; k < size; k++) scale = Math.max(scale, Math.abs(v[k]));
    // The transposed transforms sum up to 2^n signs per coordinate, so the step must shrink like
    // 2^−n; 1e-2 of the game's scale per 2^n coordinates worked across unanimity and dense random
    // tables (n = 5…10). The authors use a fixed rate instead.
    lr0[s] = settings.lr ?? (1e-2 * Math.max(scale, 1e-12)) / size;
  }
  const start = startingSplit(values, S, settings);

  // Samples are optimised in chunks whose state (nine interleaved tables) stays in the L2 cache:
  // one pass over 50 interleaved n = 10 tables is memory-bound, eight at a time is not.
  const chunk = Math.max(1, Math.min(S, MAX_CHUNK_SAMPLES, Math.floor(CHUNK_BYTES / (9 * 8 * size))));
  const work = new ChunkBuffers(chunk * size, chunk);
  const pOut = new Float64Array(len);
  const qOut = new Float64Array(len);
  const keptAt = new Int32Array(S);
  let steps = 0;
  for (let first = 0; first < S; first += chunk) {
    const count = Math.min(chunk, S - first);
    const from = first * size;
    const to = (first + count) * size;
    steps = optimiseChunk(
      values.subarray(from, to),
      start.p.subarray(from, to),
      qBound.subarray(first, first + count),
      lr0.subarray(first, first + count),
      settings,
      count === chunk ? work : new ChunkBuffers(count * size, count),
      options,
      first,
      pOut.subarray(from, to),
      qOut.subarray(from, to),
      keptAt.subarray(first, first + count),
    );
  }

  const gaps = Array.from({ length: S }, (_, s) => Math.abs(values[s * size + size - 1] - values[s * size]));
  const meanGap = gaps.reduce((a, b) => a + b, 0) / S;
  const decompositions: AndOrDecomposition[] = [];
  for (let s = 0; s < S; s++) {
    const v = values.subarray(s * size, (s + 1) * size);
    const ps = pOut.subarray(s * size, (s + 1) * size);
    const qs = qOut.subarray(s * size, (s + 1) * size);
    const { and, or } = andOrInteractions(v, ps, qs);
    const finalLoss = l1Norm(and) + l1Norm(or);
    if (settings.mergeSingletons) mergeSingletonTerms(and, or);
    const residual = matchingResiduals(v, qs, and, or);
    let tau = settings.salient.tau;
    if (tau === undefined) {
      if (settings.salient.rule === 'gap') tau = settings.salient.ratio * meanGap;
      else {
        let max = 0;
        for (let k = 0; k < size; k++) max = Math.max(max, Math.abs(and[k]), Math.abs(or[k]));
        tau = settings.salient.ratio * max;
      }
    }
    const salient = salientSets(and, or, tau, settings.salient.rule === 'max');
    decompositions.push({
      n,
      preset: settings.preset,
      and,
      or,
      p: ps,
      q: qs,
      qBound: qBound[s],
      initialLoss: start.initialLoss[s],
      finalLoss,
      steps,
      keptIteration: keptAt[s],
      matchingResidual: residual.matching,
      reconstructionError: residual.reconstruction,
      salientReconstructionError: salientReconstructionError(v, and, or, salient),
      tau,
      salient,
    });
  }
  return { n, samples: S, settings, decompositions };
}
