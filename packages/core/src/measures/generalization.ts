import { OrderlensInputError, requireInput } from '../errors/errors.js';
import { byClass, commonPlayers, comparedKind, maskOrder, type SalientSample } from './salient-samples.js';

/**
 * Jaccard similarity of two non-negative vectors, `Σ_i min(a_i, b_i) / Σ_i max(a_i, b_i)`
 * (first-principles paper §3.2, after Zhou et al. 2024); null when both are zero (nothing to
 * compare).
 */
export function jaccardSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  requireInput(a.length === b.length, 'vectors', `expected equal lengths, got ${a.length} and ${b.length}`);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < a.length; i++) {
    requireInput(a[i] >= 0 && b[i] >= 0, 'vectors', 'Jaccard similarity is defined on non-negative vectors');
    lo += Math.min(a[i], b[i]);
    hi += Math.max(a[i], b[i]);
  }
  return hi > 0 ? lo / hi : null;
}

/**
 * The distribution `Ī^(k)_c` of a group of samples (one class of one split): for every set `S`
 * with `|S| = k` four entries, the mean over the samples of `max(I_and(S), 0)`,
 * `max(−I_and(S), 0)`, `max(I_or(S), 0)`, `max(−I_or(S), 0)`, non-salient interactions counting
 * as 0 (a singleton's OR term counts as its AND term, {@link comparedKind}). Returned sparse: key `mask * 4 + part` → value, only the non-zero entries.
 */
export function interactionDistribution(
  samples: readonly SalientSample[],
  order: number,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of samples)
    for (const e of s.salient) {
      if (e.mask === 0 || maskOrder(e.mask) !== order || e.value === 0) continue;
      const part = (comparedKind(e) === 'and' ? 0 : 2) + (e.value > 0 ? 0 : 1);
      const key = e.mask * 4 + part;
      out.set(key, (out.get(key) ?? 0) + Math.abs(e.value) / samples.length);
    }
  return out;
}

/** Jaccard similarity of two sparse distributions of {@link interactionDistribution}. */
export function sparseJaccard(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number | null {
  let lo = 0;
  let hi = 0;
  for (const [k, x] of a) {
    const y = b.get(k) ?? 0;
    lo += Math.min(x, y);
    hi += Math.max(x, y);
  }
  for (const [k, y] of b) if (!a.has(k)) hi += y;
  return hi > 0 ? lo / hi : null;
}

/** Generalization of interactions per order: train/test Jaccard per class, and its mean over classes. */
export interface GeneralizationByOrder {
  /** Orders `k = 1 … n`. */
  readonly orders: number[];
  /** Classes, ascending. */
  readonly classes: number[];
  /** Samples of each class in the training and the test split. */
  readonly trainCounts: number[];
  readonly testCounts: number[];
  /** `Sim(Ī^(k)_{c,train}, Ī^(k)_{c,test})`, `[class][order]`; null when neither split has a salient interaction of that order. */
  readonly byClass: Array<Array<number | null>>;
  /** `E_c Sim(…)` over the classes where it is defined; null when it is defined for none. */
  readonly mean: Array<number | null>;
  /** Number of classes the mean of each order averages. */
  readonly classesDefined: number[];
}

/** Which option names a split, for errors. */
export interface GeneralizationFields {
  readonly train: string;
  readonly test: string;
}

/**
 * `E_c[Sim(Ī^(k)_{c,train}, Ī^(k)_{c,test})]` for every order `k` (first-principles paper §3.2,
 * Fig. 4; MATH.md "Generalization of interactions"). Both splits must hold samples of the same
 * classes over the same players; a class missing from one split is refused naming that split's
 * option (`fields`).
 */
export function generalizationByOrder(
  train: readonly SalientSample[],
  test: readonly SalientSample[],
  fields: GeneralizationFields = { train: 'train', test: 'test' },
): GeneralizationByOrder {
  const n = commonPlayers(train, fields.train);
  const nTest = commonPlayers(test, fields.test);
  requireInput(
    nTest === n,
    fields.test,
    `its samples have ${nTest} players, the training samples ${n}: the splits must share their players`,
  );
  const trainBy = byClass(train);
  const testBy = byClass(test);
  for (const [c, list] of trainBy)
    if (!testBy.has(c))
      throw new OrderlensInputError(
        fields.test,
        `has no sample of class ${c} (the training split has ${list.length}); the Jaccard similarity is per class`,
      );
  for (const [c, list] of testBy)
    if (!trainBy.has(c))
      throw new OrderlensInputError(
        fields.train,
        `has no sample of class ${c} (the test split has ${list.length}); the Jaccard similarity is per class`,
      );
  const classes = [...trainBy.keys()];
  const orders = Array.from({ length: n }, (_, i) => i + 1);
  const table = classes.map((c) =>
    orders.map((k) =>
      sparseJaccard(interactionDistribution(trainBy.get(c)!, k), interactionDistribution(testBy.get(c)!, k)),
    ),
  );
  const mean = orders.map((_, j) => {
    const defined = table.map((row) => row[j]).filter((x): x is number => x !== null);
    return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
  });
  return {
    orders,
    classes,
    trainCounts: classes.map((c) => trainBy.get(c)!.length),
    testCounts: classes.map((c) => testBy.get(c)!.length),
    byClass: table,
    mean,
    classesDefined: orders.map((_, j) => table.filter((row) => row[j] !== null).length),
  };
}
