import {
  OrderlensInputError,
  inputValueScale,
  float32Tensor,
  requireInput,
  type AdapterOpenRequest,
  type ModalitySession,
} from '@orderlens/core';
import { TabularMasker } from '../masker/tabular-masker.js';
import { TabularPreprocessor } from '../preprocess/preprocessor.js';
import { baselineFor, loadRows, preprocessingBeside, type TabularRows } from './tabular-data.js';

/** What a tabular session reads of its rows. */
export type TabularSessionRows = Pick<
  TabularRows,
  'x' | 'y' | 'rows' | 'featureCount' | 'featureNames' | 'playerOfFeature' | 'source'
>;

/** Options of {@link tabularSession}. */
export interface TabularSessionOptions {
  /** Values of absent attributes, in model-input space (length `featureCount`). */
  readonly baseline: ArrayLike<number>;
  /** Model input name (default `x`). */
  readonly inputName?: string;
  /** Settings recorded (and fingerprinted) with a result. */
  readonly details?: Record<string, unknown>;
}

/**
 * Rows as the analysis pipeline sees them: one candidate per row (id `row-k`, its label), the
 * unmasked rows for sample selection, and one player per attribute (the inputs of a one-hot
 * column together), absent attributes at the baseline. The tabular adapter opens its sessions
 * with it; experiments on rows held in memory (adversarial rows of an attack) use it directly,
 * with `computeSelection`/`computeSample`/`runAnalysis` and the registered `exact` estimator.
 */
export function tabularSession(rows: TabularSessionRows, options: TabularSessionOptions): ModalitySession {
  const d = rows.featureCount;
  const inputName = options.inputName ?? 'x';
  const owner = Array.from(rows.playerOfFeature);
  const n = Math.max(...owner) + 1;
  const names = Array.from(
    { length: n },
    (_, p) => rows.featureNames[owner.indexOf(p)]?.split('=')[0] ?? `x${p}`,
  );
  const playersOf = (row: Float32Array) => ({
    descriptor: { kind: 'attributes' as const, n, names, values: Array.from(row) },
    masker: new TabularMasker(row, {
      baseline: options.baseline,
      playerOfFeature: rows.playerOfFeature,
      inputName,
    }),
  });
  const session: ModalitySession = {
    data: rows.source,
    candidates: rows.rows,
    classes: Math.max(...Array.from(rows.y)) + 1,
    candidate: (k) => ({ id: `row-${k}`, label: rows.y[k] }),
    inputs: (start, end) => ({
      [inputName]: float32Tensor(rows.x.subarray(start * d, end * d), [end - start, d]),
    }),
    async players(k) {
      return playersOf(rows.x.subarray(k * d, (k + 1) * d));
    },
    // The noise is added to the row in model-input space (standardised numbers, one-hot
    // columns), before masking: absent attributes still take the baseline.
    async perturbedPlayers(k, perturb) {
      const row = Float32Array.from(rows.x.subarray(k * d, (k + 1) * d));
      perturb(row);
      return playersOf(row);
    },
    // δ is in model-input units (standardised numbers, one-hot columns): record their spread,
    // column by column, so δ/σ can be read from the result.
    noiseScale: () => inputValueScale(session, { inputName, featureNames: Array.from(rows.featureNames) }),
    details: options.details ?? {},
  };
  return session;
}

/**
 * Opens the tabular modality for one analysis: reads census or a CSV with the preprocessing
 * beside the model (or given), checks the model's input width, and binds the baseline.
 */
export async function openTabularSession(request: AdapterOpenRequest): Promise<ModalitySession> {
  const o = request.options as {
    dataset?: string;
    csv?: string;
    split?: string;
    preprocessing?: string;
    baseline: string;
  };
  const model = request.model;
  if (
    o.csv === undefined &&
    o.preprocessing === undefined &&
    o.dataset === undefined &&
    preprocessingBeside(model.file) === undefined
  )
    request.warn?.(`no preprocessing.json beside ${model.file}: assuming the census preset's preprocessing`);
  if (o.csv !== undefined && o.dataset !== undefined)
    throw new OrderlensInputError('--csv', 'give either --csv or --dataset, not both');
  if (o.csv !== undefined && o.split !== undefined)
    throw new OrderlensInputError('--split', 'applies to the built-in census dataset, not to --csv');
  const pre = o.preprocessing ? TabularPreprocessor.load(o.preprocessing) : preprocessingBeside(model.file);
  const rows = loadRows(
    { dataset: o.dataset, csv: o.csv, split: o.split, baseline: o.baseline },
    pre,
    request.warn,
  );
  const baseline = baselineFor(o.baseline, rows, o.csv === undefined);
  const d = rows.featureCount;
  const inputName = model.runner.inputNames[0] ?? 'x';
  const declared = model.inputs[0]?.shape;
  const width =
    declared && declared.length === 2 && typeof declared[1] === 'number' ? declared[1] : undefined;
  requireInput(
    width === undefined || width === d,
    '--model',
    `${model.file} takes ${width} inputs per row, but the data have ${d} (${rows.featureNames.join(', ')})`,
  );
  return tabularSession(rows, {
    baseline,
    inputName,
    details: {
      features: rows.featureNames,
      baseline: { spec: o.baseline, values: Array.from(baseline) },
      preprocessing: o.preprocessing ?? (pre ? 'beside the model' : 'census preset'),
    },
  });
}
