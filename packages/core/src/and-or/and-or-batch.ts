import { requireInput } from '../errors/errors.js';
import { resolveAndOrSettings, type AndOrCommonOptions, type AndOrSettings } from './and-or-presets.js';
import { andOrInteractions, l1Norm, mergeSingletonTerms } from './and-or-split.js';
import { matchingResiduals } from './and-or-matching.js';
import { salientSets } from './and-or-salient.js';
import type { AndOrDecomposition } from './and-or-types.js';
import {
  deinterleave,
  interleave,
  mobiusInterleavedInPlace,
  mobiusTransposeInterleavedInPlace,
} from './interleaved-transforms.js';

/** Largest `n` the extraction accepts (it keeps about ten `S·2^n` tables). */
export const AND_OR_MAX_PLAYERS = 22;

/** Options of {@link extractAndOrBatch}. */
export interface AndOrBatchOptions extends AndOrCommonOptions {
  /**
   * Called every `reportEvery` iterations with the L1 loss of each sample's current iterate. The
   * array is reused (no allocation per call): copy it to keep it.
   */
  onProgress?: (iteration: number, losses: Float64Array) => void;
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
    Number.isInteger(n) && n >= 0 && n <= AND_OR_MAX_PLAYERS,
    'n',
    `expected an integer in [0, ${AND_OR_MAX_PLAYERS}] (the extraction keeps several 2^n tables), got ${n}`,
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
 * `orderlens` salient threshold, whose `E_x` runs over the batch.
 */
export function extractAndOrBatch(
  tables: Float64Array | readonly ArrayLike<number>[],
  n: number,
  options: AndOrBatchOptions = {},
): AndOrBatchResult {
  const settings = resolveAndOrSettings(options);
  const values = gatherTables(tables, n);
  const size = 2 ** n;
  const S = values.length / size;
  const len = values.length;
  const reportEvery = options.reportEvery ?? 1000;

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

  // Interleaved state (entry k·S + s is coalition k of sample s).
  const half = interleave(values, S, new Float64Array(len)).map((x) => 0.5 * x);
  const p = interleave(start.p, S, new Float64Array(len));
  const q = new Float64Array(len);
  const vp = new Float64Array(len);
  const vq = new Float64Array(len);
  const A = new Float64Array(len); // v_and, then I_and, then sign, then gradient w.r.t. v_and
  const O = new Float64Array(len); // v_or, then Mᵀ v_or, then sign, then gradient w.r.t. v_or
  const orEmpty = new Float64Array(S); // I_or(∅) = v_or(∅)
  const loss = new Float64Array(S);
  const keepBest = settings.keep === 'best';
  const bestLoss = new Float64Array(S).fill(Infinity);
  const bestAt = new Int32Array(S);
  const bestP = keepBest ? new Float64Array(len) : p;
  const bestQ = keepBest ? new Float64Array(len) : q;
  const lrNow = new Float64Array(S);
  const { niter, momentum } = settings;
  // orderlens: niter steps, the iterate after each one evaluated (niter + 1 evaluations).
  // authors: niter evaluations, a step after each but the last (and_or_harsanyi_utils.py:244).
  const evaluations = settings.keep === 'best' ? niter + 1 : niter;
  const steps = Math.max(0, evaluations - 1);

  for (let i = 0; i < len; i++) {
    A[i] = half[i] + p[i];
    O[i] = half[i] - p[i];
  }
  const last = len - S; // start of coalition N
  for (let it = 0; it < evaluations; it++) {
    // Forward: I_and = M v_and, and Mᵀ v_or holds −I_or at complemented masks.
    for (let s = 0; s < S; s++) orEmpty[s] = O[s];
    mobiusInterleavedInPlace(A, S);
    mobiusTransposeInterleavedInPlace(O, S);
    // L1 loss and its sign gradient, in place.
    loss.fill(0);
    for (let base = 0; base < len; base += S) {
      for (let s = 0, i = base; s < S; s++, i++) {
        const a = A[i];
        loss[s] += Math.abs(a);
        A[i] = Math.sign(a);
      }
    }
    for (let base = 0; base < last; base += S) {
      for (let s = 0, i = base; s < S; s++, i++) {
        const o = O[i];
        loss[s] += Math.abs(o);
        O[i] = Math.sign(o);
      }
    }
    // Coalition N of Mᵀ v_or is v_or(N), which is no OR interaction; I_or(∅) = v_or(∅) instead.
    for (let s = 0; s < S; s++) {
      O[last + s] = 0;
      loss[s] += Math.abs(orEmpty[s]);
    }
    if (keepBest) {
      // Sign gradients make SGD oscillate around the optimum: keep the best iterate seen.
      for (let s = 0; s < S; s++) {
        if (!(loss[s] < bestLoss[s])) continue;
        bestLoss[s] = loss[s];
        bestAt[s] = it;
        for (let i = s; i < len; i += S) {
          bestP[i] = p[i];
          bestQ[i] = q[i];
        }
      }
    }
    if (it > 0 && it % reportEvery === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.(it, loss);
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
    for (let base = 0; base < len; base += S) {
      for (let s = 0, i = base; s < S; s++, i++) {
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
        qi = qi > Q ? Q : qi < -Q ? -Q : qi;
        p[i] = pi;
        q[i] = qi;
        const h = half[i] + 0.5 * qi;
        A[i] = h + pi;
        O[i] = h - pi;
      }
    }
  }

  const pOut = deinterleave(bestP, S, new Float64Array(len));
  const qOut = deinterleave(bestQ, S, new Float64Array(len));
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
      steps: evaluations > 0 ? steps : 0,
      keptIteration: keepBest ? bestAt[s] : evaluations > 0 ? steps : 0,
      matchingResidual: residual.matching,
      reconstructionError: residual.reconstruction,
      tau,
      salient: salientSets(and, or, tau, settings.salient.rule === 'max'),
    });
  }
  return { n, samples: S, settings, decompositions };
}
