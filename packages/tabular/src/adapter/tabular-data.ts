/**
 * Rows a tabular analysis or training reads: the census preset or a CSV with the preprocessing
 * saved beside the model; baselines; CSV training splits. Shared by the adapter and the CLI's
 * train and reproduce commands.
 */
import { OrderlensInputError, Rng, requireInput, resolveInside } from '@orderlens/core';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadCensus, type CensusData } from '../census/census.js';
import { readCsv } from '../csv/read-csv.js';
import { parseBaselineSpec, tabularBaseline } from '../masker/baseline.js';
import { TabularPreprocessor, unknownCategoryWarning } from '../preprocess/preprocessor.js';
import { inferSchema } from '../schema/schema.js';

/** File name of the preprocessing saved beside a tabular model. */
export const PREPROCESSING_FILE = 'preprocessing.json';

/** The preprocessing saved beside a model file, if any. */
export function preprocessingBeside(modelFile: string): TabularPreprocessor | undefined {
  // A preprocessing.json symlinked out of the model's folder is refused unread.
  const p = resolveInside(dirname(modelFile), PREPROCESSING_FILE, `--model (${PREPROCESSING_FILE})`);
  return existsSync(p) ? TabularPreprocessor.load(p) : undefined;
}

/** Rows ready for a model, with everything an analysis needs to mask them. */
export interface TabularRows {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly rows: number;
  readonly featureCount: number;
  readonly featureNames: readonly string[];
  readonly playerOfFeature: Int32Array;
  readonly preprocessor: TabularPreprocessor;
  /** Where the rows came from, for reports. */
  readonly source: string;
}

/** Data flags shared by the tabular commands. */
export interface DataFlags {
  dataset?: string;
  csv?: string;
  split?: string;
  baseline?: string;
}

/** Census with the Learn recipe, cached per process (several commands of one run share it). */
let censusCache: CensusData | undefined;
export function census(): CensusData {
  censusCache ??= loadCensus();
  return censusCache;
}

/**
 * The rows to analyse or attack: the census preset's split, or a CSV file transformed by the
 * model's preprocessing (columns and values checked, errors naming the column and line).
 * Categories the preprocessing was not fitted on are encoded as unknown and reported to `warn`.
 */
export function loadRows(
  flags: DataFlags,
  preprocessor: TabularPreprocessor | undefined,
  warn?: (message: string) => void,
): TabularRows {
  if (flags.csv !== undefined) {
    requireInput(
      preprocessor !== undefined,
      '--preprocessing',
      `a CSV needs the preprocessing the model was trained with (${'preprocessing.json'} beside the model, or --preprocessing <file>)`,
    );
    const table = readCsv(flags.csv);
    const data = preprocessor.transform(table, { missing: 'drop' });
    const unknown = unknownCategoryWarning(data, `--csv ${flags.csv}`);
    if (unknown) warn?.(unknown);
    requireInput(
      data.y !== undefined,
      '--csv',
      `${flags.csv} has no label column "${preprocessor.schema.target?.name ?? '?'}"`,
    );
    requireInput(data.rows > 0, '--csv', `${flags.csv} has no complete rows`);
    return transformedRows(data, data.y, preprocessor, flags.csv);
  }
  const dataset = flags.dataset ?? 'census';
  requireInput(
    dataset === 'census',
    '--dataset',
    `unknown dataset "${dataset}" (built in: census); use --csv <file> for your own data`,
  );
  const c = census();
  const split = flags.split ?? 'test';
  requireInput(
    split === 'test' || split === 'train',
    '--split',
    `expected "train" or "test", got "${split}"`,
  );
  const part = split === 'test' ? c.test : c.train;
  const pre = preprocessor ?? c.preprocessor;
  checkSamePreprocessing(pre, c.preprocessor);
  return {
    x: part.x,
    y: part.y,
    rows: part.rows,
    featureCount: 12,
    featureNames: c.featureNames,
    playerOfFeature: c.preprocessor.playerOfFeature,
    preprocessor: c.preprocessor,
    source: `census (${c.split} recipe, ${split} split)`,
  };
}

/** Rows of a CSV transformed by `preprocessor` (labels checked present by the caller). */
function transformedRows(
  data: { readonly x: Float32Array; readonly rows: number; readonly featureCount: number },
  y: Int32Array,
  preprocessor: TabularPreprocessor,
  source: string,
): TabularRows {
  return {
    x: data.x,
    y,
    rows: data.rows,
    featureCount: data.featureCount,
    featureNames: preprocessor.featureNames,
    playerOfFeature: preprocessor.playerOfFeature,
    preprocessor,
    source,
  };
}

/** Refuses a model whose saved preprocessing differs from the census preset's. */
function checkSamePreprocessing(a: TabularPreprocessor, b: TabularPreprocessor): void {
  const same =
    a.featureCount === b.featureCount &&
    a.featureNames.every((n, f) => n === b.featureNames[f]) &&
    Array.from(a.means).every((m, f) => Math.abs(m - b.means[f]) <= 1e-6 * Math.max(1, Math.abs(m))) &&
    Array.from(a.stds).every((s, f) => Math.abs(s - b.stds[f]) <= 1e-6 * s);
  if (!same) {
    throw new OrderlensInputError(
      '--preprocessing',
      `the model's preprocessing (${a.featureNames.join(', ')}) differs from the census preset's; analyse it on its own data with --csv`,
    );
  }
}

/**
 * The baseline vector: `mean` = the training mean in model-input space (census: the train split's
 * mean; a CSV model: its preprocessing's fitted mean, i.e. 0 after z-scoring), `zero`, `median`
 * (census: train split; CSV: the given rows), or `custom:v1,…` in model-input space.
 */
export function baselineFor(spec: string | undefined, rows: TabularRows, fromCensus: boolean): Float32Array {
  const { kind, custom } = parseBaselineSpec(spec ?? 'mean');
  const d = rows.featureCount;
  if (kind === 'custom') return tabularBaseline('custom', { featureCount: d, custom });
  if (kind === 'zero') return new Float32Array(d);
  if (fromCensus) return tabularBaseline(kind, { x: census().train.x, featureCount: d });
  if (kind === 'mean') return rows.preprocessor.inputMeans;
  return tabularBaseline('median', { x: rows.x, featureCount: d });
}

/** A CSV for training: schema inferred, split into train/test by a seeded shuffle (or a separate test file). */
export function loadTrainingCsv(options: {
  csv: string;
  target: string;
  ignore?: string[];
  categorical?: string[];
  testCsv?: string;
  testFraction: number;
  seed: number | string;
  /** Told about test rows with categories the training rows never had (encoded as unknown). */
  warn?: (message: string) => void;
}): { train: TabularRows; test: TabularRows; preprocessor: TabularPreprocessor } {
  const table = readCsv(options.csv);
  requireInput(
    table.columns.includes(options.target),
    '--target',
    `column "${options.target}" is not in ${options.csv} (columns: ${table.columns.join(', ')})`,
  );
  const schema = inferSchema(table, {
    target: options.target,
    ignore: options.ignore,
    categorical: options.categorical,
  });
  let trainRows: number[];
  let testTable = table;
  let testRows: number[];
  if (options.testCsv) {
    trainRows = table.rows.map((_r, i) => i);
    testTable = readCsv(options.testCsv);
    testRows = testTable.rows.map((_r, i) => i);
  } else {
    const order = Rng.create(options.seed)
      .fork('split')
      .shuffle(table.rows.map((_r, i) => i));
    const nTest = Math.ceil(options.testFraction * order.length);
    requireInput(nTest < order.length, '--test-fraction', `leaves no training rows out of ${order.length}`);
    testRows = order.slice(0, nTest);
    trainRows = order.slice(nTest);
  }
  const preprocessor = TabularPreprocessor.fit(table, schema, { fitRows: trainRows });
  const make = (t: typeof table, ids: number[], source: string): TabularRows => {
    const data = preprocessor.transform(t, { rows: ids, missing: 'drop' });
    requireInput(data.y !== undefined && data.rows > 0, source, 'has no complete labelled rows');
    const unknown = unknownCategoryWarning(data, source);
    if (unknown) options.warn?.(unknown);
    return transformedRows(data, data.y, preprocessor, source);
  };
  return {
    train: make(table, trainRows, options.csv),
    test: make(testTable, testRows, options.testCsv ?? options.csv),
    preprocessor,
  };
}

/** The first `k` rows (all when `k` is undefined or too large). */
export function firstRows(rows: TabularRows, k: number | undefined): TabularRows {
  if (k === undefined || k >= rows.rows) return rows;
  return { ...rows, rows: k, x: rows.x.subarray(0, k * rows.featureCount), y: rows.y.subarray(0, k) };
}

/** What a training run learns from: a built-in dataset, or a CSV with its label column and split. */
export type TabularTrainingSource =
  { readonly dataset?: string } | { readonly csv: Parameters<typeof loadTrainingCsv>[0] };

/**
 * The training and test rows of a training run, the first `trainRows` training rows only when
 * given, the name of the data for the model's record, and the baseline of its order losses
 * ({@link baselineFor}: a built-in dataset's from its training split, a CSV's from its
 * preprocessing).
 */
export function loadTrainingData(
  source: TabularTrainingSource,
  options: { readonly trainRows?: number; readonly baseline?: string } = {},
): { train: TabularRows; test: TabularRows; dataset: string; baseline: Float32Array } {
  let train: TabularRows;
  let test: TabularRows;
  let dataset: string;
  if ('csv' in source) {
    ({ train, test } = loadTrainingCsv(source.csv));
    dataset = source.csv.csv;
  } else {
    train = loadRows({ dataset: source.dataset, split: 'train' }, undefined);
    test = loadRows({ dataset: source.dataset, split: 'test' }, undefined);
    dataset = train.source.replace(', train split', '');
  }
  train = firstRows(train, options.trainRows);
  return { train, test, dataset, baseline: baselineFor(options.baseline, train, !('csv' in source)) };
}
