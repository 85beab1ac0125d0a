import { extractAndOrBatch } from '../and-or/and-or-batch.js';
import type { AndOrPreset } from '../and-or/and-or-presets.js';
import {
  andOrSparsityVerdict,
  summariseAndOrSparsity,
  type AndOrSparsity,
  type AndOrSparsitySummary,
  type AndOrSparsityVerdict,
} from '../and-or/and-or-sparsity.js';
import { OrderlensInputError } from '../errors/errors.js';
import { zetaInPlace } from '../exact/mobius.js';
import type { InteractionResult } from '../result/interaction-result.js';

/** Both presets `reproduce and-or-sparsity` runs, in report order. */
export const AND_OR_SPARSITY_PRESETS: readonly AndOrPreset[] = ['orderlens', 'authors'];

/**
 * The exact value tables of a result (`keepTables`): `v = ζ(h)`, the zeta transform of each
 * sample's Harsanyi table, sample-major, mask bit `j` = player `j`.
 */
export function valueTables(result: InteractionResult): { n: number; ids: string[]; tables: Float64Array[] } {
  const n = result.n;
  const tables = result.samples.map((s) => {
    if (!s.harsanyi || s.harsanyi.length !== 2 ** n)
      throw new OrderlensInputError(
        'result',
        `sample ${s.id} has no Harsanyi table of 2^${n} values (the study must keep tables)`,
      );
    return zetaInPlace(Float64Array.from(s.harsanyi));
  });
  return { n, ids: result.samples.map((s) => s.id), tables };
}

/** One preset's outcome on one network. */
export interface AndOrPresetRow {
  readonly preset: AndOrPreset;
  readonly summary: AndOrSparsitySummary;
  readonly verdict: AndOrSparsityVerdict;
  /** Seconds of extraction (all samples). */
  readonly seconds: number;
}

/** One sample's sparsity under one preset, with its optimiser's losses and threshold. */
export type AndOrSampleSparsity = AndOrSparsity & {
  readonly id: string;
  readonly finalLoss: number;
  readonly initialLoss: number;
  readonly tau: number;
};

/** The `authors` preset's decompositions as the tables file stores them (for the authors' code). */
export interface ExportedAndOrDecomposition {
  readonly and: number[];
  readonly or: number[];
  readonly finalLoss: number;
  readonly tau: number;
  readonly salientAnd: number[];
  readonly salientOr: number[];
}

/** What {@link measureAndOrSparsity} finds on one network's exact tables. */
export interface AndOrSparsityMeasurement {
  readonly n: number;
  /** Sample ids, in table order. */
  readonly ids: readonly string[];
  /** The value tables `v = ζ(h)` the presets ran on. */
  readonly tables: readonly Float64Array[];
  /** One row per preset of {@link AND_OR_SPARSITY_PRESETS}, in that order. */
  readonly presets: readonly AndOrPresetRow[];
  /** Per preset, every sample's sparsity. */
  readonly perSample: Readonly<Partial<Record<AndOrPreset, readonly AndOrSampleSparsity[]>>>;
  /** The `authors` preset's decompositions. */
  readonly authors: readonly ExportedAndOrDecomposition[];
}

/**
 * Extracts AND-OR interactions from every sample's exact table (a study result kept with
 * `keepTables`) under both presets and summarises how sparse they are: salient count, share of
 * the L1 mass, rebuild error and a verdict per preset.
 */
export function measureAndOrSparsity(
  result: InteractionResult,
  options: { readonly niter: number; readonly signal?: AbortSignal },
): AndOrSparsityMeasurement {
  const { n, ids, tables } = valueTables(result);
  const presets: AndOrPresetRow[] = [];
  const perSample: Partial<Record<AndOrPreset, AndOrSampleSparsity[]>> = {};
  let authors: ExportedAndOrDecomposition[] = [];
  for (const preset of AND_OR_SPARSITY_PRESETS) {
    const t0 = performance.now();
    const { decompositions } = extractAndOrBatch(tables, n, {
      preset,
      niter: options.niter,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { perSample: each, summary } = summariseAndOrSparsity(decompositions);
    presets.push({
      preset,
      summary,
      verdict: andOrSparsityVerdict(summary),
      seconds: (performance.now() - t0) / 1000,
    });
    perSample[preset] = each.map((s, i) => ({
      id: ids[i],
      ...s,
      finalLoss: decompositions[i].finalLoss,
      initialLoss: decompositions[i].initialLoss,
      tau: decompositions[i].tau,
    }));
    if (preset === 'authors')
      authors = decompositions.map((d) => ({
        and: Array.from(d.and),
        or: Array.from(d.or),
        finalLoss: d.finalLoss,
        tau: d.tau,
        salientAnd: Array.from(d.salient.and),
        salientOr: Array.from(d.salient.or),
      }));
  }
  return { n, ids, tables, presets, perSample, authors };
}

/**
 * The tables file of one network (`orderlens/and-or-tables@1`): the value tables the authors'
 * code is run on (tools/experiments/and_or_authors_compare.py) and the `authors` preset's
 * decompositions of them.
 */
export function andOrTablesDocument(
  network: string,
  reward: string,
  m: AndOrSparsityMeasurement,
  niter: number,
): Record<string, unknown> {
  return {
    schema: 'orderlens/and-or-tables@1',
    network,
    n: m.n,
    reward,
    maskOrder:
      'values[T] = v(T) for the coalition T whose bit j (value 2^j) is set iff player j is present; T = 0 is the empty coalition, 2^n − 1 the full one',
    niter,
    samples: m.ids.map((id, i) => ({ id, values: Array.from(m.tables[i]) })),
    authors: m.authors,
  };
}
