import { requireInput } from '../errors/errors.js';
import type { ModalitySession, SelectionSpec } from '../adapter/modality-adapter.js';
import type { CountedRunner } from '../runtime/model-gateway.js';
import { predictedClass } from '../reward/reward.js';

/** The samples an analysis takes, and how they were chosen. */
export interface SelectedSamples {
  /** Candidate indices, in analysis order. */
  readonly indices: number[];
  readonly rule: SelectionSpec['rule'];
  readonly candidates: number;
  /** Candidates the model classifies correctly among those predicted (rules `correct`, `first-then-correct`). */
  readonly correct?: number;
  /**
   * Candidates the model predicted to choose them: rule `correct` predicts in data order and
   * stops once more candidates could not change the choice; `accuracy` is `correct / predicted`.
   */
  readonly predicted?: number;
  readonly accuracy?: number;
  /** Samples asked for (`samples`), when given. */
  readonly requested?: number;
  /** Clamping and shortfalls, said on stderr and kept in the result. */
  readonly warnings: string[];
}

/**
 * Chooses samples: with rule `correct`, the model predicts candidates in data order (in batches,
 * through the given — counted — runner), only as many as the choice needs, and only correct
 * ones are kept; then at most `perClass` per class
 * in data order and at most `samples` in all, alternating classes when `balance` is set (so small
 * counts stay balanced). With `first-then-correct` the first `perClass` per class are taken
 * first and only they are predicted; the misclassified ones are then dropped (the ICLR-2022
 * code's order of the two steps). Asking for more than the data holds is not an error but a
 * warning.
 */
export async function selectSamples(
  session: ModalitySession,
  runner: CountedRunner,
  spec: SelectionSpec,
  batchSize: number,
): Promise<SelectedSamples> {
  const N = session.candidates;
  requireInput(N > 0, 'data', 'the data source holds no samples');
  requireInput(
    spec.rule === 'correct' || spec.rule === 'all' || spec.rule === 'first-then-correct',
    'selection.rule',
    `expected correct, all or first-then-correct, got ${String(spec.rule)}`,
  );
  const labels = Array.from({ length: N }, (_, k) => session.candidate(k).label);
  let eligible: number[];
  let correct: number | undefined;
  let predicted: number | undefined;
  let chosen: Chosen;
  if (spec.rule === 'correct') {
    // Candidates are predicted a batch at a time, in data order, and the prediction stops as
    // soon as more candidates could no longer change the choice (see `choiceIsFinal`): 5
    // census samples need a few hundred predictions, not the 6,033 test rows.
    eligible = [];
    predicted = 0;
    const classes = [...new Set(labels)].sort((a, b) => a - b);
    chosen = choose(spec, labels, eligible);
    while (predicted < N) {
      const end = Math.min(N, predicted + batchSize);
      const batch = Array.from({ length: end - predicted }, (_, t) => predicted! + t);
      eligible.push(...(await correctOnes(session, runner, batch, labels, batchSize)));
      predicted = end;
      chosen = choose(spec, labels, eligible);
      if (spec.samples !== undefined && choiceIsFinal(spec, chosen, classes)) break;
    }
    correct = eligible.length;
    requireInput(correct > 0, 'data', `the model classifies none of the ${N} samples correctly`);
  } else if (spec.rule === 'first-then-correct') {
    const first = firstPerClass(labels, spec.perClass);
    eligible = await correctOnes(session, runner, first, labels, batchSize);
    correct = eligible.length;
    predicted = first.length;
    requireInput(
      correct > 0,
      'data',
      `the model classifies none of the ${first.length} samples taken (first ${spec.perClass ?? 'all'} per class) correctly`,
    );
    chosen = choose(spec, labels, eligible);
  } else {
    eligible = Array.from({ length: N }, (_, k) => k);
    chosen = choose(spec, labels, eligible);
  }
  const { indices } = chosen;

  const warnings: string[] = [];
  if (spec.samples !== undefined && indices.length < spec.samples)
    warnings.push(
      `asked for ${spec.samples} samples but only ${indices.length} qualify (${N} candidates${correct !== undefined ? `, ${correct}${predicted !== N ? ` of ${predicted} taken` : ''} classified correctly` : ''}${spec.perClass !== undefined ? `, at most ${spec.perClass} per class` : ''}); analysing ${indices.length}`,
    );
  return {
    indices,
    rule: spec.rule,
    candidates: N,
    correct,
    ...(predicted !== undefined ? { predicted } : {}),
    accuracy: correct !== undefined && predicted ? correct / predicted : undefined,
    requested: spec.samples,
    warnings,
  };
}

/** The samples chosen from the eligible candidates, with each class's queue and how many it gave. */
interface Chosen {
  readonly indices: number[];
  /** Eligible candidates per class, at most `perClass`, in data order. */
  readonly queues: Map<number, number[]>;
  /** Samples taken from each class. */
  readonly taken: Map<number, number>;
}

/** At most `perClass` per class in data order, then at most `samples` (balanced or in order). */
function choose(spec: SelectionSpec, labels: readonly number[], eligible: readonly number[]): Chosen {
  const byClass = new Map<number, number[]>();
  for (const k of eligible) {
    const list = byClass.get(labels[k]) ?? [];
    if (spec.perClass === undefined || list.length < spec.perClass) list.push(k);
    byClass.set(labels[k], list);
  }
  const pool =
    spec.order === 'class'
      ? [...byClass.entries()].sort((a, b) => a[0] - b[0]).flatMap((e) => e[1])
      : [...byClass.values()].flat().sort((a, b) => a - b);
  const want = spec.samples ?? pool.length;
  let indices: number[];
  if (spec.balance) {
    const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    const pos = queues.map(() => 0);
    indices = [];
    for (let took = true; took && indices.length < want;) {
      took = false;
      for (let q = 0; q < queues.length && indices.length < want; q++)
        if (pos[q] < queues[q].length) {
          indices.push(queues[q][pos[q]++]);
          took = true;
        }
    }
    if (spec.order !== 'class') indices.sort((a, b) => a - b);
  } else indices = pool.slice(0, want);
  const taken = new Map<number, number>();
  for (const k of indices) taken.set(labels[k], (taken.get(labels[k]) ?? 0) + 1);
  return { indices, queues: byClass, taken };
}

/**
 * Whether the choice made from the candidates predicted so far (a prefix in data order) is the
 * choice all candidates would give. More candidates only append to each class's queue (queues
 * keep data order and cut at `perClass`), so:
 * - in data order without balancing, the first `samples` of the merged queues never change once
 *   there are `samples` of them (later candidates have larger indices);
 * - otherwise (balanced rounds over the classes, or classes one after another) a class whose
 *   queue was used up could give more with more candidates: the choice is final when every class
 *   up to the last one it took from still has unused samples or is full (`perClass` reached).
 *   Classes with no correct candidate yet count as used up.
 */
function choiceIsFinal(spec: SelectionSpec, chosen: Chosen, classes: readonly number[]): boolean {
  const want = spec.samples!;
  if (chosen.indices.length < want) return false;
  if (!spec.balance && spec.order !== 'class') return true;
  const open = (c: number) => {
    const len = chosen.queues.get(c)?.length ?? 0;
    return (chosen.taken.get(c) ?? 0) < len || (spec.perClass !== undefined && len >= spec.perClass);
  };
  if (spec.balance) return classes.every(open);
  // Classes one after another: those before the last class taken from were used up entirely.
  const last = Math.max(...chosen.taken.keys());
  return classes.filter((c) => c <= last).every(open);
}

/** The first `perClass` candidates of each class (all when unlimited), ascending. */
function firstPerClass(labels: readonly number[], perClass: number | undefined): number[] {
  const taken = new Map<number, number>();
  const out: number[] = [];
  for (let k = 0; k < labels.length; k++) {
    const t = taken.get(labels[k]) ?? 0;
    if (perClass !== undefined && t >= perClass) continue;
    taken.set(labels[k], t + 1);
    out.push(k);
  }
  return out;
}

/** The candidates among `indices` (ascending) the model classifies correctly, in batches. */
async function correctOnes(
  session: ModalitySession,
  runner: CountedRunner,
  indices: readonly number[],
  labels: readonly number[],
  batchSize: number,
): Promise<number[]> {
  const out: number[] = [];
  // Runs of consecutive indices go to the model together (`inputs` takes a range).
  let t = 0;
  while (t < indices.length) {
    let end = t + 1;
    while (end < indices.length && end - t < batchSize && indices[end] === indices[end - 1] + 1) end++;
    const start = indices[t];
    const stop = indices[end - 1] + 1;
    const res = await runner.run(await session.inputs(start, stop));
    requireInput(res.rows === stop - start, 'model output', `expected ${stop - start} rows, got ${res.rows}`);
    for (let r = 0; r < res.rows; r++) if (predictedClass(res, r) === labels[start + r]) out.push(start + r);
    t = end;
  }
  return out;
}
