import { requireInput } from '../errors/errors.js';

/** One salient AND or OR interaction of a sample (as in a result's `andOr.salient`). */
export interface SalientEntry {
  readonly mask: number;
  readonly kind: 'and' | 'or';
  readonly value: number;
}

/** The salient interactions of one sample, with what the measures need to group them. */
export interface SalientSample {
  /** Stable id of the sample in its data source (pairs samples across networks). */
  readonly id: string;
  readonly label: number;
  /** Number of players; masks are over `0 … n−1`. */
  readonly n: number;
  readonly salient: readonly SalientEntry[];
}

/** Order `|S|` of a mask (any `n ≤ 31`). */
export function maskOrder(mask: number): number {
  let x = mask >>> 0;
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

/** The common `n` of `samples`, refused (naming `field`) when they differ or there are none. */
export function commonPlayers(samples: readonly SalientSample[], field: string): number {
  requireInput(samples.length > 0, field, 'has no sample');
  const n = samples[0].n;
  for (const s of samples)
    requireInput(
      s.n === n,
      field,
      `sample ${s.id} has ${s.n} players, sample ${samples[0].id} ${n}: interactions are compared only over the same players`,
    );
  return n;
}

/**
 * The kind a measure compares an interaction under: a single player's AND and OR terms trigger on
 * the same coalitions, so only their sum is defined (docs/and-or.md) and the extraction splits it
 * arbitrarily; singletons are compared as AND terms (the authors' code merges them the same way).
 */
export function comparedKind(e: Pick<SalientEntry, 'kind' | 'mask'>): 'and' | 'or' {
  return maskOrder(e.mask) === 1 ? 'and' : e.kind;
}

/** Key of a salient interaction: its compared kind and its set (`and:5`, `or:12`). */
export function interactionKey(e: Pick<SalientEntry, 'kind' | 'mask'>): string {
  return `${comparedKind(e)}:${e.mask}`;
}

/** Samples grouped by label, labels ascending. */
export function byClass<T extends { readonly label: number }>(samples: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const s of [...samples].sort((a, b) => a.label - b.label)) {
    const list = out.get(s.label) ?? [];
    list.push(s);
    out.set(s.label, list);
  }
  return out;
}
