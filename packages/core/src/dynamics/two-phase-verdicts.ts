import type { DynamicsResult } from './dynamics-result.js';

/**
 * Order bands of `1 … n` for the two-phase claims: low `k ≤ ⌊n/3⌋`, high `k > n − ⌊n/3⌋`, medium
 * between (n = 10: 1–3, 4–7, 8–10; n = 12: 1–4, 5–8, 9–12), symmetric so that a spindle centred
 * on `n/2` has equal low and high shares.
 */
export function orderBands(n: number): { lowMax: number; highMin: number } {
  const third = Math.floor(n / 3);
  return { lowMax: third, highMin: n - third + 1 };
}

/** One checkpoint of a two-phase reproduction, as the note's table shows it. */
export interface TwoPhaseRow {
  readonly epoch: number;
  readonly trainLoss: number | null;
  readonly testLoss: number | null;
  readonly lossGap: number | null;
  readonly testAccuracy: number | null;
  /** `Σ k D(k) / Σ D(k)` of the salient distribution over orders `1 … n`. */
  readonly meanOrder: number;
  /** Shares of the salient strength in the low, medium and high bands ({@link orderBands}). */
  readonly shares: { readonly low: number; readonly mid: number; readonly high: number };
  readonly sigma2: number | null;
  readonly fitLoss: number | null;
  readonly atBoundary: boolean | null;
  readonly salientCount: number;
  readonly salientReconstructionError: number;
}

/** The per-epoch table of a dynamics result. */
export function twoPhaseTable(result: DynamicsResult): TwoPhaseRow[] {
  const { lowMax, highMin } = orderBands(result.n);
  return result.checkpoints.map((c) => {
    const d = c.andOr.distribution;
    const total = d.reduce((a, b) => a + b, 0);
    const share = (from: number, to: number) =>
      total > 0 ? d.slice(from - 1, to).reduce((a, b) => a + b, 0) / total : 0;
    return {
      epoch: c.epoch,
      trainLoss: c.losses.trainLoss,
      testLoss: c.losses.testLoss,
      lossGap: c.losses.lossGap,
      testAccuracy: c.losses.testAccuracy,
      meanOrder: total > 0 ? d.reduce((a, v, i) => a + (i + 1) * v, 0) / total : 0,
      shares: { low: share(1, lowMax), mid: share(lowMax + 1, highMin - 1), high: share(highMin, result.n) },
      sigma2: c.fit?.sigma2 ?? null,
      fitLoss: c.fit?.loss ?? null,
      atBoundary: c.fit?.atBoundary ?? null,
      salientCount: c.andOr.salientCount,
      salientReconstructionError: c.andOr.salientReconstructionError,
    };
  });
}

/** Spearman's rank correlation (average ranks for ties); NaN with fewer than 3 pairs or no spread. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 3) return NaN;
  const rank = (v: readonly number[]) => {
    const order = v.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
    const r = new Array<number>(v.length);
    for (let s = 0; s < order.length;) {
      let e = s;
      while (e + 1 < order.length && order[e + 1].value === order[s].value) e++;
      for (let k = s; k <= e; k++) r[order[k].i] = (s + e) / 2;
      s = e + 1;
    }
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(rx);
  const my = mean(ry);
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i] - mx) * (ry[i] - my);
    dx += (rx[i] - mx) ** 2;
    dy += (ry[i] - my) ** 2;
  }
  return dx > 0 && dy > 0 ? num / Math.sqrt(dx * dy) : NaN;
}

/** The four claims of the two-phase paper (§3.2, Fig. 2 and 4). */
export type TwoPhaseClaim =
  'spindle-at-init' | 'phase1-removes-mid-high' | 'phase2-increasing-orders' | 'sigma2-decreases';

/** One claim's verdict with the numbers it rests on. */
export interface TwoPhaseVerdict {
  readonly claim: TwoPhaseClaim;
  /** The claim in words. */
  readonly statement: string;
  readonly verdict: 'holds' | 'fails' | 'undecided';
  /** The numbers behind the verdict, in words. */
  readonly evidence: string;
}

/**
 * Thresholds of the verdicts: a band share must move by at least `minShareChange` (absolute), a
 * mean order by `minOrderChange`, and a rank correlation must reach `minCorrelation` in size.
 */
export const TWO_PHASE_CRITERIA = { minShareChange: 0.05, minOrderChange: 0.1, minCorrelation: 0.5 } as const;

/** A correlation for the evidence: NaN (no spread, e.g. every fitted σ² equal) said in words. */
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'undefined (no spread: all values equal)');
const pct = (v: number) => `${(100 * v).toFixed(0)} %`;

/**
 * A verdict per claim from a dynamics result (`holds`, `fails`, or `undecided` when the series
 * cannot tell), with the rules written into each verdict's evidence:
 * - **spindle at initialisation**: at epoch 0 the medium band holds more salient strength than the
 *   low band and than the high band;
 * - **phase 1**: its end is the turn, the checkpoint after epoch 0 with the lowest mean order
 *   among those whose loss gap is at most half the last one's (phase 1 precedes over-fitting);
 *   the claim holds when the medium+high share there is at least 5 points below epoch 0's and
 *   the mean order is lower;
 * - **phase 2**: from that checkpoint to the last, the mean order rises (by ≥ 0.1, Spearman with
 *   the epoch ≥ 0.5) while the loss gap grows (last above first, Spearman of mean order with gap ≥ 0.5);
 * - **σ² decreases** (the theory's account of phase 2, §4): over the phase-2 checkpoints but the
 *   last (whose fit sits at the lower end by construction), Spearman of the fitted log σ² with the
 *   epoch ≤ −0.5, and σ² of the first above that of the second to last.
 */
export function twoPhaseVerdicts(result: DynamicsResult): TwoPhaseVerdict[] {
  const rows = twoPhaseTable(result);
  const { lowMax, highMin } = orderBands(result.n);
  const bands = `low 1–${lowMax}, medium ${lowMax + 1}–${highMin - 1}, high ${highMin}–${result.n}`;
  const c = TWO_PHASE_CRITERIA;
  const out: TwoPhaseVerdict[] = [];
  const first = rows[0];

  // 1. Spindle.
  const spindle = 'at initialisation medium orders dominate (a spindle-shaped distribution)';
  if (first.epoch !== 0)
    out.push({
      claim: 'spindle-at-init',
      statement: spindle,
      verdict: 'undecided',
      evidence: `the series starts at epoch ${first.epoch}, not at the initialisation`,
    });
  else {
    const s = first.shares;
    out.push({
      claim: 'spindle-at-init',
      statement: spindle,
      verdict: s.mid > s.low && s.mid > s.high ? 'holds' : 'fails',
      evidence: `epoch 0 shares (${bands}): ${pct(s.low)} / ${pct(s.mid)} / ${pct(s.high)}, mean order ${f2(first.meanOrder)}`,
    });
  }

  // 2. Phase 1 ends at the turn: the lowest mean order before over-fitting has set in, i.e. among
  // the checkpoints after epoch 0 whose loss gap is at most half the last one's. (A cut at the
  // lowest test loss was tried first; on the Fashion-MNIST series two checkpoints tie there to
  // 2e-4, and the verdict flipped with the tie.)
  const phase1 = 'phase 1 removes medium- and high-order interactions (low orders remain)';
  const finalGap = rows[rows.length - 1].lossGap;
  const early = rows.filter(
    (r, k) => k > 0 && (finalGap === null || r.lossGap === null || r.lossGap <= 0.5 * finalGap),
  );
  const upper = (r: TwoPhaseRow) => r.shares.mid + r.shares.high;
  const end1 = early.length
    ? early.reduce((b, r) => (r.meanOrder < b.meanOrder ? r : b), early[0])
    : undefined;
  if (!end1 || first.epoch !== 0)
    out.push({
      claim: 'phase1-removes-mid-high',
      statement: phase1,
      verdict: 'undecided',
      evidence: 'the series needs epoch 0 and at least one later checkpoint',
    });
  else {
    const drop = upper(first) - upper(end1);
    const holds = drop >= c.minShareChange && end1.meanOrder < first.meanOrder;
    out.push({
      claim: 'phase1-removes-mid-high',
      statement: phase1,
      verdict: holds ? 'holds' : 'fails',
      evidence:
        `end of phase 1 taken at epoch ${end1.epoch} (lowest mean order while the loss gap is at most half its last value; gap there ${end1.lossGap === null ? 'n/a' : end1.lossGap.toFixed(3)}): ` +
        `medium+high share ${pct(upper(first))} → ${pct(upper(end1))}, low ${pct(first.shares.low)} → ${pct(end1.shares.low)}, ` +
        `mean order ${f2(first.meanOrder)} → ${f2(end1.meanOrder)} (needs a drop of ≥ ${pct(c.minShareChange)} and a lower mean order)`,
    });
  }

  // 3. Phase 2.
  const phase2 = 'phase 2 learns interactions of increasing order while the train/test loss gap grows';
  const start2 = end1 ? rows.indexOf(end1) : -1;
  const tail = start2 >= 0 ? rows.slice(start2) : [];
  if (tail.length < 3 || tail.some((r) => r.lossGap === null))
    out.push({
      claim: 'phase2-increasing-orders',
      statement: phase2,
      verdict: 'undecided',
      evidence:
        tail.length < 3
          ? `phase 2 spans ${tail.length} checkpoint(s); at least 3 are needed`
          : 'losses are missing from the series index',
    });
  else {
    const last = tail[tail.length - 1];
    const rOrder = spearman(
      tail.map((r) => r.epoch),
      tail.map((r) => r.meanOrder),
    );
    const rGap = spearman(
      tail.map((r) => r.lossGap!),
      tail.map((r) => r.meanOrder),
    );
    const rises = last.meanOrder >= tail[0].meanOrder + c.minOrderChange && rOrder >= c.minCorrelation;
    const gapGrows = last.lossGap! > tail[0].lossGap!;
    const aligned = rGap >= c.minCorrelation;
    out.push({
      claim: 'phase2-increasing-orders',
      statement: phase2,
      verdict: rises && gapGrows && aligned ? 'holds' : 'fails',
      evidence:
        `epochs ${tail[0].epoch}–${last.epoch}: mean order ${f2(tail[0].meanOrder)} → ${f2(last.meanOrder)} ` +
        `(Spearman with epoch ${f2(rOrder)}), high share ${pct(tail[0].shares.high)} → ${pct(last.shares.high)}, ` +
        `loss gap ${tail[0].lossGap!.toFixed(3)} → ${last.lossGap!.toFixed(3)} (Spearman of mean order with gap ${f2(rGap)}); ` +
        `needs a rise ≥ ${c.minOrderChange}, both correlations ≥ ${c.minCorrelation} and a growing gap`,
    });
  }

  // 4. σ²: the theory (§4, Prop. 1) explains phase 2 as σ² falling; phase 1 is the descent to
  // the large-σ² optimum from the random start, which M̂(σ²) w* does not model.
  const sigma =
    'the fitted σ² decreases during phase 2 (the theory M̂(σ²) w* follows the measured distributions)';
  const fitted = (start2 >= 0 ? rows.slice(start2, -1) : []).filter((r) => r.sigma2 !== null && r.sigma2 > 0);
  const allFitted = rows.slice(0, -1).filter((r) => r.sigma2 !== null && r.sigma2 > 0);
  const rAll = spearman(
    allFitted.map((x) => x.epoch),
    allFitted.map((x) => Math.log(x.sigma2!)),
  );
  if (fitted.length < 3)
    out.push({
      claim: 'sigma2-decreases',
      statement: sigma,
      verdict: 'undecided',
      evidence: `only ${fitted.length} phase-2 checkpoints besides the last have a fitted σ²; at least 3 are needed`,
    });
  else {
    const r = spearman(
      fitted.map((x) => x.epoch),
      fitted.map((x) => Math.log(x.sigma2!)),
    );
    const a = fitted[0];
    const b = fitted[fitted.length - 1];
    const fitLosses = fitted.map((x) => x.fitLoss ?? NaN).sort((p, q) => p - q);
    const median = fitLosses[Math.floor(fitLosses.length / 2)];
    out.push({
      claim: 'sigma2-decreases',
      statement: sigma,
      verdict: r <= -c.minCorrelation && a.sigma2! > b.sigma2! ? 'holds' : 'fails',
      evidence:
        `σ² ${a.sigma2!.toExponential(2)} (epoch ${a.epoch}) → ${b.sigma2!.toExponential(2)} (epoch ${b.epoch}), ` +
        `Spearman of log σ² with epoch ${f2(r)} over the ${fitted.length} phase-2 checkpoints before the last (the last is w* itself; needs ≤ −${c.minCorrelation}), ` +
        `median fit loss ${median.toFixed(3)}; over every checkpoint but the last the Spearman is ${f2(rAll)}`,
    });
  }
  return out;
}
