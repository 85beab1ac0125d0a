import { requireInput } from '../errors/errors.js';
import type { ModalitySession, SelectionSpec } from '../adapter/modality-adapter.js';
import type { ModelRunner } from '../model/contracts.js';
import { predictedClass } from '../reward/reward.js';

/** The samples an analysis takes, and how they were chosen. */
export interface SelectedSamples {
  /** Candidate indices, in analysis order. */
  readonly indices: number[];
  readonly rule: SelectionSpec['rule'];
  readonly candidates: number;
  /** Candidates the model classifies correctly (rule `correct`). */
  readonly correct?: number;
  readonly accuracy?: number;
  /** Samples asked for (`samples`), when given. */
  readonly requested?: number;
  /** Clamping and shortfalls, said on stderr and kept in the result. */
  readonly warnings: string[];
}

/**
 * Chooses samples: with rule `correct`, the model predicts every candidate (in batches, through
 * the given — counted — runner) and only correct ones are kept; then at most `perClass` per class
 * in data order and at most `samples` in all, alternating classes when `balance` is set (so small
 * counts stay balanced). Asking for more than the data holds is not an error but a warning.
 */
export async function selectSamples(
  session: ModalitySession,
  runner: ModelRunner,
  spec: SelectionSpec,
  batchSize: number,
): Promise<SelectedSamples> {
  const N = session.candidates;
  requireInput(N > 0, 'data', 'the data source holds no samples');
  const labels = Array.from({ length: N }, (_, k) => session.candidate(k).label);
  let eligible: number[];
  let correct: number | undefined;
  if (spec.rule === 'correct') {
    eligible = [];
    for (let start = 0; start < N; start += batchSize) {
      const end = Math.min(N, start + batchSize);
      const out = await runner.run(await session.inputs(start, end));
      requireInput(out.rows === end - start, 'model output', `expected ${end - start} rows, got ${out.rows}`);
      for (let r = 0; r < out.rows; r++)
        if (predictedClass(out, r) === labels[start + r]) eligible.push(start + r);
    }
    correct = eligible.length;
    requireInput(correct > 0, 'data', `the model classifies none of the ${N} samples correctly`);
  } else eligible = Array.from({ length: N }, (_, k) => k);

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

  const warnings: string[] = [];
  if (spec.samples !== undefined && indices.length < spec.samples)
    warnings.push(
      `asked for ${spec.samples} samples but only ${indices.length} qualify (${N} candidates${correct !== undefined ? `, ${correct} classified correctly` : ''}${spec.perClass !== undefined ? `, at most ${spec.perClass} per class` : ''}); analysing ${indices.length}`,
    );
  return {
    indices,
    rule: spec.rule,
    candidates: N,
    correct,
    accuracy: correct !== undefined ? correct / N : undefined,
    requested: spec.samples,
    warnings,
  };
}
