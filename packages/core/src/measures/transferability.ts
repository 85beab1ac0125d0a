import { optionName } from '../errors/option-names.js';
import { OrderlensInputError, requireInput } from '../errors/errors.js';
import { byClass, commonPlayers, interactionKey, maskOrder, type SalientSample } from './salient-samples.js';

/** A share per order `k = 1 … n`, pooled over every salient interaction of that order. */
export interface ShareByOrder {
  readonly orders: number[];
  /** Null where no sample has a salient interaction of that order. */
  readonly share: Array<number | null>;
  /** Salient interactions each share pools. */
  readonly counts: number[];
  /** The share over every order together. */
  readonly overall: number | null;
}

/** Order of the set an {@link interactionKey} names. */
function orderOfKey(key: string): number {
  return maskOrder(Number(key.slice(key.indexOf(':') + 1)));
}

function keysOf(s: SalientSample): Set<string> {
  // The empty set is the baseline term every sample has: it says nothing about transfer.
  return new Set(s.salient.filter((e) => e.mask !== 0).map(interactionKey));
}

function pooled(n: number, sums: Float64Array, counts: Float64Array): ShareByOrder {
  const orders = Array.from({ length: n }, (_, i) => i + 1);
  let total = 0;
  let count = 0;
  for (const k of orders) {
    total += sums[k];
    count += counts[k];
  }
  return {
    orders,
    share: orders.map((k) => (counts[k] > 0 ? sums[k] / counts[k] : null)),
    counts: orders.map((k) => counts[k]),
    overall: count > 0 ? total / count : null,
  };
}

/**
 * Transferability across samples (first-principles paper §2.2; Li & Zhang 2023): for every
 * salient interaction `(kind, S)` of a sample, the fraction of the other samples of its class on
 * which the same `(kind, S)` is salient too, averaged per order over every salient interaction
 * of every sample (MATH.md "Transferability"). Classes with one sample are skipped (listed).
 */
export function transferAcrossSamples(
  samples: readonly SalientSample[],
  field = 'samples',
): ShareByOrder & { readonly skippedClasses: number[] } {
  const n = commonPlayers(samples, field);
  const sums = new Float64Array(n + 1);
  const counts = new Float64Array(n + 1);
  const skippedClasses: number[] = [];
  for (const [c, list] of byClass(samples)) {
    if (list.length < 2) {
      skippedClasses.push(c);
      continue;
    }
    const keys = list.map(keysOf);
    // How many samples of the class each interaction is salient on.
    const freq = new Map<string, number>();
    for (const ks of keys) for (const key of ks) freq.set(key, (freq.get(key) ?? 0) + 1);
    for (const ks of keys)
      for (const key of ks) {
        const k = orderOfKey(key);
        sums[k] += (freq.get(key)! - 1) / (list.length - 1);
        counts[k] += 1;
      }
  }
  requireInput(
    skippedClasses.length < byClass(samples).size,
    field,
    'every class has a single sample: transfer across samples needs two samples of a class',
  );
  return { ...pooled(n, sums, counts), skippedClasses };
}

/** Transferability across two networks: shares both ways and the Jaccard index of the salient sets. */
export interface TransferAcrossNetworks {
  /** Share of network A's salient interactions also salient on B (same sample, kind and set). */
  readonly aInB: ShareByOrder;
  /** Share of B's salient interactions also salient on A. */
  readonly bInA: ShareByOrder;
  /** `|Ω_A ∩ Ω_B| / |Ω_A ∪ Ω_B|` per order, pooled over samples. */
  readonly jaccard: ShareByOrder;
  /** Ids of the samples compared (those both networks have). */
  readonly samples: string[];
}

/**
 * Transferability across networks (first-principles paper §2.2): the same samples explained by
 * two networks over the same players. Players must match (`n` and, when given, their names),
 * and both must hold the same sample ids; both refused naming `field`.
 */
export function transferAcrossNetworks(
  a: readonly SalientSample[],
  b: readonly SalientSample[],
  options: {
    readonly field?: string;
    readonly playersA?: readonly string[];
    readonly playersB?: readonly string[];
  } = {},
): TransferAcrossNetworks {
  const field = options.field ?? 'networks';
  const n = commonPlayers(a, field);
  const nB = commonPlayers(b, field);
  requireInput(
    nB === n,
    field,
    `the networks have different players (${n} and ${nB}): interactions transfer only over the same players`,
  );
  if (
    options.playersA &&
    options.playersB &&
    options.playersA.join('\u0000') !== options.playersB.join('\u0000')
  )
    throw new OrderlensInputError(
      field,
      `the networks have different players (${options.playersA.join(', ')} vs ${options.playersB.join(', ')}): interactions transfer only over the same players`,
    );
  const byId = new Map(b.map((s) => [s.id, s]));
  const missing = a.filter((s) => !byId.has(s.id)).map((s) => s.id);
  requireInput(
    missing.length === 0 && a.length === b.length,
    field,
    `the networks were analysed on different samples (${missing.length ? `${missing.slice(0, 3).join(', ')} only in the first` : `${a.length} vs ${b.length}`}); pass ${optionName('allSamples')} so both explain the same ones`,
  );
  const sums = {
    aInB: new Float64Array(n + 1),
    bInA: new Float64Array(n + 1),
    inter: new Float64Array(n + 1),
  };
  const counts = { a: new Float64Array(n + 1), b: new Float64Array(n + 1), union: new Float64Array(n + 1) };
  for (const sa of a) {
    const sb = byId.get(sa.id)!;
    const ka = keysOf(sa);
    const kb = keysOf(sb);
    for (const key of ka) {
      const k = orderOfKey(key);
      counts.a[k]++;
      counts.union[k]++;
      if (kb.has(key)) {
        sums.aInB[k]++;
        sums.bInA[k]++;
        sums.inter[k]++;
      }
    }
    for (const key of kb) {
      const k = orderOfKey(key);
      counts.b[k]++;
      if (!ka.has(key)) counts.union[k]++;
    }
  }
  return {
    aInB: pooled(n, sums.aInB, counts.a),
    bInA: pooled(n, sums.bInA, counts.b),
    jaccard: pooled(n, sums.inter, counts.union),
    samples: a.map((s) => s.id),
  };
}
