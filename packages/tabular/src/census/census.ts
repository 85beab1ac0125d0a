import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { requireInput } from '@orderlens/core';
import { readCsv, type CsvTable } from '../csv/read-csv.js';
import { tabularBaseline, type BaselineKind } from '../masker/baseline.js';
import { TabularPreprocessor } from '../preprocess/preprocessor.js';
import { NumpyRandomState } from '../random/numpy-random-state.js';
import type { TabularSchema } from '../schema/schema.js';

/** The 15 columns of the UCI Adult files, named as in the Learn recipe. */
export const CENSUS_RAW_COLUMNS: readonly string[] = [
  'Age',
  'Workclass',
  'fnlwgt',
  'Education',
  'Education-Num',
  'Marital Status',
  'Occupation',
  'Relationship',
  'Race',
  'Sex',
  'Capital Gain',
  'Capital Loss',
  'Hours per week',
  'Country',
  'Target',
];

/**
 * The 12 input attributes (players) of the census preset, in model-input order: the raw columns
 * less the sampling weight `fnlwgt`, `Education` (its number `Education-Num` stays) and the label.
 */
export const CENSUS_FEATURES: readonly string[] = CENSUS_RAW_COLUMNS.filter(
  (c) => c !== 'fnlwgt' && c !== 'Education' && c !== 'Target',
);

/** Relationship codes fixed by hand in the Learn recipe (and `shap.datasets.adult`), not alphabetical. */
export const CENSUS_RELATIONSHIP_CODES: readonly string[] = [
  'Not-in-family',
  'Unmarried',
  'Other-relative',
  'Own-child',
  'Husband',
  'Wife',
];

/** Class names: label 0 is `<=50K`, label 1 is `>50K`. */
export const CENSUS_CLASSES: readonly string[] = ['<=50K', '>50K'];

/**
 * The census schema: numeric Age, Education-Num, Capital Gain, Capital Loss, Hours per week;
 * the rest categorical with alphabetical codes (fitted), except Relationship's fixed codes;
 * `fnlwgt` and `Education` (the text twin of Education-Num) ignored; `?` is missing.
 */
export function censusSchema(): TabularSchema {
  const numeric = new Set(['Age', 'Education-Num', 'Capital Gain', 'Capital Loss', 'Hours per week']);
  return {
    features: CENSUS_FEATURES.map((name) =>
      numeric.has(name)
        ? { name, kind: 'numeric' as const }
        : name === 'Relationship'
          ? { name, kind: 'categorical' as const, categories: CENSUS_RELATIONSHIP_CODES }
          : { name, kind: 'categorical' as const },
    ),
    target: { name: 'Target', classes: CENSUS_CLASSES },
    ignore: ['fnlwgt', 'Education'],
    missingValues: ['?'],
  };
}

/** Directory of the bundled UCI Adult files (`adult.data.gz`, `adult.test.gz`). */
export function censusDataDir(): string {
  // Same depth from src/census/*.ts and dist/census/*.js.
  return fileURLToPath(new URL('../../data/census/', import.meta.url));
}

const tableCache = new Map<string, CsvTable>();

/**
 * One UCI Adult file as a table with {@link CENSUS_RAW_COLUMNS}: `adult.test`'s banner line is
 * skipped and the period of its labels (`>50K.`) removed, so both files share class names.
 */
export function readCensusTable(file: 'adult.data' | 'adult.test', dataDir = censusDataDir()): CsvTable {
  const path = join(dataDir, `${file}.gz`);
  const cached = tableCache.get(path);
  if (cached) return cached;
  let table = readCsv(path, { header: CENSUS_RAW_COLUMNS, skipLines: file === 'adult.test' ? 1 : 0 });
  if (file === 'adult.test') {
    const t = table.columns.length - 1;
    table = {
      ...table,
      rows: table.rows.map((r) => (r[t].endsWith('.') ? [...r.slice(0, t), r[t].slice(0, -1)] : r)),
    };
  }
  tableCache.set(path, table);
  return table;
}

/** One split of the census preset. */
export interface CensusSplit {
  /** `rows × 12` standardised inputs. */
  readonly x: Float32Array;
  /** 1 for `>50K`, 0 otherwise. */
  readonly y: Int32Array;
  readonly rows: number;
  /** 0-based index of each row among the data rows of its source file. */
  readonly sourceRows: Int32Array;
  /** `adult.data` or `adult.test`. */
  readonly sourceFile: string;
}

/** Options of {@link loadCensus}. */
export interface LoadCensusOptions {
  /**
   * `learn` (default): the Learn recipe: complete rows of `adult.data` only, shuffled and split
   * 80/20 with NumPy's seeded generator, standardised with all 30,162 rows.
   * `uci`: train = complete rows of `adult.data`, test = complete rows of `adult.test`, and
   * standardisation fitted on train only.
   */
  split?: 'learn' | 'uci';
  /** Seed of the NumPy shuffle and split in `learn` mode (default 0, the recipe's). */
  seed?: number;
  /** Test fraction in `learn` mode (default 0.2; test rows = ceil(fraction·n) as scikit-learn). */
  testFraction?: number;
  /** Baseline of absent attributes (default `mean` over the train split). */
  baseline?: BaselineKind;
  /** Vector for a `custom` baseline, in model-input space. */
  customBaseline?: ArrayLike<number>;
  /** Where the `.gz` files are (default: bundled with this package). */
  dataDir?: string;
}

/** The census preset: splits, names, the fitted preprocessing and the baseline. */
export interface CensusData {
  readonly train: CensusSplit;
  readonly test: CensusSplit;
  readonly featureNames: readonly string[];
  readonly preprocessor: TabularPreprocessor;
  /** Baseline in model-input space (length 12). */
  readonly baseline: Float32Array;
  readonly baselineKind: BaselineKind;
  readonly split: 'learn' | 'uci';
  readonly seed: number;
}

/**
 * Loads UCI Adult following `sjtu-xai-lab/Learn`'s `util/preprocess_census.py` (see PROVENANCE.md):
 * drop rows with `?`, drop `fnlwgt` and `Education`, 12 inputs with alphabetical integer codes
 * (categories taken from all rows before dropping, Relationship hand-coded), z-score every input
 * with the mean and population std of all 30,162 complete rows, shuffle with
 * `np.random.seed(0)` and split with `train_test_split(test_size=0.2, random_state=0)`:
 * 24,129 train and 6,033 test rows, the same rows in the same order as the recipe.
 *
 * Deviation: the default baseline is the train split's mean (MATH.md: "baseline = the
 * attribute's training mean"), which differs from the recipe's zero vector by at most ~0.01
 * standard deviations; pass `baseline: 'zero'` for the latter.
 */
export function loadCensus(options: LoadCensusOptions = {}): CensusData {
  const split = options.split ?? 'learn';
  const seed = options.seed ?? 0;
  const testFraction = options.testFraction ?? 0.2;
  requireInput(split === 'learn' || split === 'uci', 'split', `expected "learn" or "uci", got "${split}"`);
  requireInput(
    testFraction > 0 && testFraction < 1,
    'testFraction',
    `expected a number in (0, 1), got ${testFraction}`,
  );
  const data = readCensusTable('adult.data', options.dataDir);
  const schema = censusSchema();
  let train: CensusSplit;
  let test: CensusSplit;
  let preprocessor: TabularPreprocessor;
  if (split === 'learn') {
    preprocessor = TabularPreprocessor.fit(data, schema, {
      standardize: 'zscore',
      ddof: 0,
      categorical: 'ordinal',
    });
    const all = preprocessor.transform(data, { missing: 'drop' });
    const n = all.rows;
    // np.random.shuffle(all_data) permutes rows exactly as it would permute their indices.
    const order = Int32Array.from({ length: n }, (_v, i) => i);
    new NumpyRandomState(seed).shuffle(order);
    const perm = new NumpyRandomState(seed).permutation(n);
    const nTest = Math.ceil(testFraction * n);
    const pick = (ids: Int32Array): CensusSplit => subset(all.x, all.y!, all.sourceRows, ids, 'adult.data');
    test = pick(Int32Array.from(perm.subarray(0, nTest), (p) => order[p]));
    train = pick(Int32Array.from(perm.subarray(nTest), (p) => order[p]));
  } else {
    const testTable = readCensusTable('adult.test', options.dataDir);
    // Categories from all of adult.data (as the recipe), statistics from its complete rows.
    preprocessor = TabularPreprocessor.fit(data, schema, {
      standardize: 'zscore',
      ddof: 0,
      categorical: 'ordinal',
    });
    const tr = preprocessor.transform(data, { missing: 'drop' });
    const te = preprocessor.transform(testTable, { missing: 'drop' });
    train = { x: tr.x, y: tr.y!, rows: tr.rows, sourceRows: tr.sourceRows, sourceFile: 'adult.data' };
    test = { x: te.x, y: te.y!, rows: te.rows, sourceRows: te.sourceRows, sourceFile: 'adult.test' };
  }
  const baselineKind = options.baseline ?? 'mean';
  const baseline = tabularBaseline(baselineKind, {
    x: train.x,
    featureCount: preprocessor.featureCount,
    custom: options.customBaseline,
  });
  return {
    train,
    test,
    featureNames: preprocessor.featureNames,
    preprocessor,
    baseline,
    baselineKind,
    split,
    seed,
  };
}

function subset(
  x: Float32Array,
  y: Int32Array,
  source: Int32Array,
  ids: Int32Array,
  file: string,
): CensusSplit {
  const d = x.length / y.length;
  const out = new Float32Array(ids.length * d);
  const labels = new Int32Array(ids.length);
  const rows = new Int32Array(ids.length);
  ids.forEach((id, k) => {
    out.set(x.subarray(id * d, (id + 1) * d), k * d);
    labels[k] = y[id];
    rows[k] = source[id];
  });
  return { x: out, y: labels, rows: ids.length, sourceRows: rows, sourceFile: file };
}
