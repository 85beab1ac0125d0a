import { readFileSync } from 'node:fs';
import type { AdapterOpenRequest, ModalityAdapter, ModalitySession } from '../adapter/modality-adapter.js';
import { OrderlensInputError, requireInput } from '../errors/errors.js';
import { withOverrides } from '../objects/with-overrides.js';

/*
 * Interactions on mislabeled samples (first-principles paper §3.2, Fig. 5, after Zhang JP et al.
 * 2024; two-phase paper App. F.1): a network trained with label noise is said to use interactions
 * of higher orders to classify the training samples whose labels were reset than the clean ones,
 * and to learn them late (the second phase). The measure compares, checkpoint by checkpoint, the
 * per-order distribution of salient AND-OR strength of the two groups — each group's dynamics
 * computed over the same checkpoints, players and extraction, the reward always that of the label
 * the network was trained on.
 */

/** Schema tag of the file that says which training samples were relabelled. */
export const RELABELLED_SCHEMA = 'orderlens/relabelled-samples@1';

/** Which candidates of a data source had their labels reset before training. */
export interface RelabelledSamples {
  /** Candidate positions (in the data the adapter reads) whose labels were reset. */
  readonly relabelled: readonly number[];
  /** How many candidates the data hold, when the file says (checked against the data). */
  readonly candidates?: number;
  readonly description?: string;
  /**
   * The label each relabelled position was trained on, where the file's `samples` say
   * (`{ position, trainedLabel }`): the reward's label for it, whatever the data's label is — so a
   * file can point into data that hold the original labels (the census training split).
   */
  readonly trainedLabels?: ReadonlyMap<number, number>;
}

/**
 * Reads an `orderlens/relabelled-samples@1` file (`relabelled`: candidate positions, distinct
 * non-negative integers, at least one). Errors name `field`.
 */
export function readRelabelledSamples(path: string, field: string): RelabelledSamples {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new OrderlensInputError(field, `cannot read ${path} as JSON: ${(e as Error).message}`);
  }
  return parseRelabelledSamples(doc, field, path);
}

/** Checks a parsed relabelled-samples document (see {@link readRelabelledSamples}). */
export function parseRelabelledSamples(doc: unknown, field: string, source: string): RelabelledSamples {
  const d = doc as Partial<{
    schema: unknown;
    relabelled: unknown;
    candidates: unknown;
    description: unknown;
    samples: unknown;
  }>;
  requireInput(
    d !== null && typeof d === 'object' && d.schema === RELABELLED_SCHEMA,
    field,
    `${source}: expected a document with "schema": "${RELABELLED_SCHEMA}"`,
  );
  const list = d.relabelled;
  requireInput(
    Array.isArray(list) && list.length > 0 && list.every((i) => Number.isInteger(i) && (i as number) >= 0),
    field,
    `${source}: "relabelled" must be a non-empty list of candidate positions (integers ≥ 0)`,
  );
  const positions = list as number[];
  requireInput(
    new Set(positions).size === positions.length,
    field,
    `${source}: "relabelled" names a position twice`,
  );
  requireInput(
    d.candidates === undefined || (Number.isInteger(d.candidates) && (d.candidates as number) > 0),
    field,
    `${source}: "candidates" must be a positive integer`,
  );
  let trainedLabels: Map<number, number> | undefined;
  if (d.samples !== undefined) {
    requireInput(Array.isArray(d.samples), field, `${source}: "samples" must be a list`);
    trainedLabels = new Map();
    for (const [k, row] of (d.samples as unknown[]).entries()) {
      const r = row as Partial<{ position: unknown; trainedLabel: unknown }>;
      requireInput(
        r !== null && typeof r === 'object' && Number.isInteger(r.position),
        field,
        `${source}: samples[${k}] has no integer "position"`,
      );
      if (r.trainedLabel === undefined) continue;
      requireInput(
        Number.isInteger(r.trainedLabel) && (r.trainedLabel as number) >= 0,
        field,
        `${source}: samples[${k}].trainedLabel must be a class index (integer ≥ 0)`,
      );
      requireInput(
        positions.includes(r.position as number),
        field,
        `${source}: samples[${k}] gives a trained label for position ${String(r.position)}, which "relabelled" does not list`,
      );
      trainedLabels.set(r.position as number, r.trainedLabel as number);
    }
  }
  return {
    relabelled: positions,
    ...(trainedLabels !== undefined && trainedLabels.size > 0 ? { trainedLabels } : {}),
    ...(d.candidates !== undefined ? { candidates: d.candidates as number } : {}),
    ...(typeof d.description === 'string' ? { description: d.description } : {}),
  };
}

/**
 * The two groups of candidates: the first `count` relabelled ones and the first `count` clean ones,
 * in data order. Refused (naming `field`) when a relabelled position is outside the data, when the
 * file's candidate count differs from the data's, or when a group would be empty.
 */
export function mislabeledGroups(
  file: RelabelledSamples,
  candidates: number,
  count: number,
  field: string,
): { relabelled: number[]; clean: number[] } {
  requireInput(
    file.candidates === undefined || file.candidates === candidates,
    field,
    `the file describes ${file.candidates} candidates but the data hold ${candidates}: it belongs to other data`,
  );
  const outside = file.relabelled.find((i) => i >= candidates);
  requireInput(
    outside === undefined,
    field,
    `relabelled position ${outside} is outside the data (${candidates} candidates)`,
  );
  const noisy = new Set(file.relabelled);
  const clean = Array.from({ length: candidates }, (_, i) => i).filter((i) => !noisy.has(i));
  requireInput(
    clean.length > 0,
    field,
    'every candidate is relabelled: there is no clean sample to compare with',
  );
  return {
    relabelled: [...file.relabelled].sort((a, b) => a - b).slice(0, count),
    clean: clean.slice(0, count),
  };
}

/** What the measure reads of one group's checkpoint (a `DynamicsCheckpointResult` has it). */
export interface GroupCheckpoint {
  readonly epoch: number;
  readonly andOr: {
    readonly orders: readonly number[];
    /** Salient AND+OR strength per order, any positive scale (normalised here). */
    readonly distribution: readonly number[];
    /** Mean salient interactions per sample by order `0 … n`. */
    readonly salientCountByOrder: readonly number[];
  };
  /**
   * Each sample's salient strength by order `1 … n` (`Σ_{S salient, |S| = k} |I(S)|`, AND and OR),
   * in sample order; with it the summary gets standard errors over samples.
   */
  readonly perSample?: ReadonlyArray<readonly number[]>;
  /** Each sample's number of salient interactions (orders ≥ 1), in sample order. */
  readonly salientPerSample?: readonly number[];
}

/**
 * One sample's salient strength by order `1 … n` and its salient count, from its salient AND and OR
 * interactions (sparse: coalition masks and values, the stored form of a dynamics checkpoint).
 */
export function sampleSalientStrength(
  salient: {
    readonly and: { readonly masks: readonly number[]; readonly values: readonly number[] };
    readonly or: { readonly masks: readonly number[]; readonly values: readonly number[] };
  },
  n: number,
): { strength: number[]; count: number } {
  const strength = new Array<number>(n).fill(0);
  let count = 0;
  for (const v of [salient.and, salient.or])
    v.masks.forEach((S, i) => {
      const k = popcount(S);
      if (k === 0) return;
      strength[k - 1] += Math.abs(v.values[i]);
      count++;
    });
  return { strength, count };
}

function popcount(S: number): number {
  let c = 0;
  for (let x = S; x; x &= x - 1) c++;
  return c;
}

/**
 * Standard error of the pooled ratio `R = Σ_x a_x / Σ_x b_x` over `N` samples (delta method:
 * `sqrt(Σ_x (a_x − R b_x)² / (N (N − 1))) / mean(b)`); NaN below two samples or without strength.
 */
export function ratioStandardError(a: readonly number[], b: readonly number[]): number {
  const N = a.length;
  const B = b.reduce((s, v) => s + v, 0);
  if (N < 2 || !(B > 0)) return NaN;
  const R = a.reduce((s, v) => s + v, 0) / B;
  const ss = a.reduce((s, v, x) => s + (v - R * b[x]) ** 2, 0);
  return Math.sqrt(ss / (N * (N - 1))) / (B / N);
}

/** One group at one checkpoint. */
export interface MislabeledGroupSummary {
  /** Share of the salient strength at each order (sums to 1; zeros when nothing is salient). */
  readonly share: number[];
  /** `Σ_k k · share_k`: the strength-weighted mean order of the salient interactions. */
  readonly meanOrder: number;
  /** Share of the salient strength at orders `k > n/2`. */
  readonly highShare: number;
  /** Mean salient interactions per sample (orders ≥ 1). */
  readonly salientPerSample: number;
  /**
   * Standard errors over samples, when the per-sample strengths were given: of {@link share} per
   * order, {@link meanOrder} and {@link highShare} (delta method on the pooled ratios — the
   * summaries pool the samples' strength, so a sample with more strength weighs more), and of
   * {@link salientPerSample} (of a mean).
   */
  readonly standardError?: {
    readonly share: number[];
    readonly meanOrder: number;
    readonly highShare: number;
    readonly salientPerSample: number;
  };
}

/** `measures.mislabeled`: relabelled versus clean training samples, per checkpoint. */
export interface MislabeledMeasure {
  readonly n: number;
  readonly orders: number[];
  readonly samples: { readonly relabelled: number; readonly clean: number };
  readonly checkpoints: Array<{
    readonly epoch: number;
    readonly relabelled: MislabeledGroupSummary;
    readonly clean: MislabeledGroupSummary;
    /** `meanOrder(relabelled) − meanOrder(clean)`. */
    readonly meanOrderGap: number;
    /** Its standard error: the two groups' errors added in quadrature (independent samples). */
    readonly meanOrderGapSE?: number;
  }>;
}

function summarise(c: GroupCheckpoint, n: number): MislabeledGroupSummary {
  const total = c.andOr.distribution.reduce((s, v) => s + v, 0);
  const share = c.andOr.distribution.map((v) => (total > 0 ? v / total : 0));
  return {
    share,
    meanOrder: share.reduce((s, v, j) => s + c.andOr.orders[j] * v, 0),
    highShare: share.reduce((s, v, j) => s + (c.andOr.orders[j] > n / 2 ? v : 0), 0),
    salientPerSample: c.andOr.salientCountByOrder.slice(1).reduce((s, v) => s + v, 0),
    ...(c.perSample !== undefined
      ? { standardError: standardErrors(c.perSample, c.salientPerSample, n) }
      : {}),
  };
}

/** {@link MislabeledGroupSummary.standardError} from the samples' strengths by order `1 … n`. */
function standardErrors(
  perSample: ReadonlyArray<readonly number[]>,
  counts: readonly number[] | undefined,
  n: number,
): NonNullable<MislabeledGroupSummary['standardError']> {
  const total = perSample.map((s) => s.reduce((a, v) => a + v, 0));
  const weighted = (w: (k: number) => number) =>
    perSample.map((s) => s.reduce((a, v, j) => a + w(j + 1) * v, 0));
  const N = counts?.length ?? 0;
  const mean = N > 0 ? counts!.reduce((a, v) => a + v, 0) / N : NaN;
  return {
    share: Array.from({ length: n }, (_, j) =>
      ratioStandardError(
        perSample.map((s) => s[j]),
        total,
      ),
    ),
    meanOrder: ratioStandardError(
      weighted((k) => k),
      total,
    ),
    highShare: ratioStandardError(
      weighted((k) => (k > n / 2 ? 1 : 0)),
      total,
    ),
    salientPerSample:
      N >= 2 ? Math.sqrt(counts!.reduce((a, v) => a + (v - mean) ** 2, 0) / (N - 1) / N) : NaN,
  };
}

/**
 * Compares the per-order salient strength of relabelled and clean samples at every checkpoint.
 * Both groups must have been measured at the same epochs with the same number of players.
 */
export function mislabeledMeasure(
  relabelled: {
    readonly n: number;
    readonly samples: readonly unknown[];
    readonly checkpoints: readonly GroupCheckpoint[];
  },
  clean: {
    readonly n: number;
    readonly samples: readonly unknown[];
    readonly checkpoints: readonly GroupCheckpoint[];
  },
  field: string,
): MislabeledMeasure {
  requireInput(relabelled.n === clean.n, field, `the groups have ${relabelled.n} and ${clean.n} players`);
  const epochs = relabelled.checkpoints.map((c) => c.epoch);
  requireInput(
    epochs.length === clean.checkpoints.length && clean.checkpoints.every((c, k) => c.epoch === epochs[k]),
    field,
    'the two groups were measured at different checkpoints',
  );
  const n = relabelled.n;
  return {
    n,
    orders: Array.from({ length: n }, (_, k) => k + 1),
    samples: { relabelled: relabelled.samples.length, clean: clean.samples.length },
    checkpoints: relabelled.checkpoints.map((r, k) => {
      const a = summarise(r, n);
      const b = summarise(clean.checkpoints[k], n);
      const se =
        a.standardError &&
        b.standardError &&
        Math.hypot(a.standardError.meanOrder, b.standardError.meanOrder);
      return {
        epoch: r.epoch,
        relabelled: a,
        clean: b,
        meanOrderGap: a.meanOrder - b.meanOrder,
        ...(se !== undefined ? { meanOrderGapSE: se } : {}),
      };
    }),
  };
}

/**
 * `adapter` whose sessions give the trained label of every position in `trainedLabels` (a
 * {@link RelabelledSamples.trainedLabels}) instead of the data's: the sample is then explained for
 * the label the network was trained on. Everything else is the adapter's session, untouched.
 */
export function withTrainedLabels(
  adapter: ModalityAdapter,
  trainedLabels: ReadonlyMap<number, number> | undefined,
): ModalityAdapter {
  if (trainedLabels === undefined || trainedLabels.size === 0) return adapter;
  const open = async (request: AdapterOpenRequest): Promise<ModalitySession> => {
    const session = await adapter.open(request);
    const candidate = (k: number) => {
      const c = session.candidate(k);
      const label = trainedLabels.get(k);
      return label === undefined ? c : { ...c, label };
    };
    return withOverrides(session, { candidate });
  };
  return withOverrides(adapter, { open });
}
